/**
 * Text forms of dates and timestamps for the JSON and CSV functions, honouring their `dateFormat` /
 * `timestampFormat` options (Spark's defaults otherwise).
 */
import type { DataType } from '../../plan/data-type.js';
import type { CallNode } from './registry.js';
import { T } from '../../plan/type-utils.js';
import { formatDate, parseDate, parseTimestamp, tzOffsetMicros, utcToLocal } from '../datetime.js';
import type { EvalContext } from '../eval-context.js';
import { formatPattern } from './datetime-fns.js';
import { lookupFunction } from './registry.js';

export interface DatetimeOptions {
  dateFormat?: string;
  timestampFormat?: string;
  timestampNTZFormat?: string;
}

export function datetimeOptions(o: Map<string, string>): DatetimeOptions {
  return { dateFormat: o.get('dateformat'), timestampFormat: o.get('timestampformat'), timestampNTZFormat: o.get('timestampntzformat') };
}

function offsetText(us: number, tz: string): string {
  const off = Math.round(tzOffsetMicros(tz, us) / 60e6);
  if (off === 0) return 'Z';
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` (Spark's JSON/CSV default) or the given pattern, in the session zone. */
export function formatTimestampText(us: number, tz: string, o: DatetimeOptions): string {
  const local = utcToLocal(us, tz);
  if (o.timestampFormat) return formatPattern(local, o.timestampFormat);
  return formatPattern(local, "yyyy-MM-dd'T'HH:mm:ss.SSS") + offsetText(us, tz);
}

export function formatTimestampNtzText(us: number, o: DatetimeOptions): string {
  return formatPattern(us, o.timestampNTZFormat ?? "yyyy-MM-dd'T'HH:mm:ss.SSS");
}

export function formatDateText(days: number, o: DatetimeOptions): string {
  return o.dateFormat ? formatPattern(days * 86_400_000_000, o.dateFormat) : formatDate(days);
}

/** Parses with a pattern through the registered to_timestamp/to_date kernels; null on mismatch. */
function parseWithPattern(fn: 'to_timestamp' | 'to_date', s: string, pattern: string, ctx: EvalContext): unknown {
  const f = lookupFunction(fn)!;
  const node = { k: 'call', fn, args: [{ k: 'lit', value: s, type: T.string, nullable: false, sql: '' }], type: T.null, nullable: true, sql: '' } as unknown as CallNode;
  return f.row!([s, pattern], ctx, node);
}

export function parseTimestampText(s: string, t: DataType, o: DatetimeOptions, ctx: EvalContext): unknown {
  if (t.type === 'timestamp_ntz') {
    const us = parseTimestamp(s, null);
    return us === null ? null : BigInt(us);
  }
  if (o.timestampFormat) return parseWithPattern('to_timestamp', s, o.timestampFormat, ctx);
  const us = parseTimestamp(s, ctx.timeZone);
  return us === null ? null : BigInt(us);
}

export function parseDateText(s: string, o: DatetimeOptions, ctx: EvalContext): unknown {
  if (o.dateFormat) return parseWithPattern('to_date', s, o.dateFormat, ctx);
  return parseDate(s);
}
