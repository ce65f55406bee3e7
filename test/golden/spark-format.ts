/**
 * Values in the string form Spark's SQL test harness prints (HiveResult.toHiveString): `NULL`, `true`,
 * doubles like Java's Double.toString, decimals in plain notation, `[1,2]`, `{a:1}` (map entries sorted),
 * `{"a":1}`, strings quoted only inside collections, ANSI interval literals. Also the schema strings the
 * golden files use (`struct<a:int>` catalog strings and Spark's JSON type names).
 */
import type { DataType, StructType } from '../../src/engine/plan/data-type.js';

/** Decoded value of one cell (see arrow-rows.ts): shapes follow the Spark type. */
export type CellValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | CellValue[]
  | { keys: CellValue[]; values: CellValue[] }
  | { months: number; days: number; micros: bigint };

export interface FormatOptions {
  /** Session time zone used for TIMESTAMP (LTZ) values. */
  timeZone: string;
  /** `sql` (default): INTERVAL '1-2' YEAR TO MONTH, as SQLQueryTestSuite prints; `plain`: 1-2. */
  intervalStyle?: 'sql' | 'plain';
}

export function formatRow(row: CellValue[], schema: StructType, opts: FormatOptions): string {
  return row
    .map((v, i) => formatValue(v, (schema.fields[i] as { dataType: DataType }).dataType, false, opts))
    .join('\t');
}

export function formatValue(v: CellValue, t: DataType, nested: boolean, opts: FormatOptions): string {
  if (v === null) return nested ? 'null' : 'NULL';
  switch (t.type) {
    case 'string':
      return nested ? `"${String(v)}"` : String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return String(v);
    case 'float':
      return javaFloatToString(v as number);
    case 'double':
      return javaDoubleToString(v as number);
    case 'decimal':
      return String(v);
    case 'binary': {
      const s = new TextDecoder().decode(v as Uint8Array);
      return nested ? `"${s}"` : s;
    }
    case 'date':
      return formatDate(v as number);
    case 'timestamp':
      return formatTimestamp(BigInt(v as bigint), opts.timeZone);
    case 'timestamp_ntz':
      return formatTimestamp(BigInt(v as bigint), 'UTC');
    case 'time':
      return formatTimeOfDay(BigInt(v as bigint));
    case 'year_month_interval':
      return opts.intervalStyle === 'plain' ? plainYearMonth(v as number) : formatYearMonth(v as number, t.startField, t.endField);
    case 'day_time_interval':
      return opts.intervalStyle === 'plain' ? plainDayTime(BigInt(v as bigint)) : formatDayTime(BigInt(v as bigint), t.startField, t.endField);
    case 'calendar_interval':
      return formatCalendar(v as { months: number; days: number; micros: bigint });
    case 'array':
      return `[${(v as CellValue[]).map((e) => formatValue(e, t.elementType, true, opts)).join(',')}]`;
    case 'map': {
      const m = v as { keys: CellValue[]; values: CellValue[] };
      const entries = m.keys.map(
        (k, i) =>
          `${formatValue(k, t.keyType, true, opts)}:${formatValue(m.values[i] ?? null, t.valueType, true, opts)}`,
      );
      // HiveResult sorts map entries by their rendered text.
      entries.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.join(',')}}`;
    }
    case 'struct': {
      const vals = v as CellValue[];
      return `{${t.fields.map((f, i) => `"${f.name}":${formatValue(vals[i] ?? null, f.dataType, true, opts)}`).join(',')}}`;
    }
    case 'null':
      return nested ? 'null' : 'NULL';
  }
}

// ------------------------------------------------------------------ numbers

/** Java's Double.toString: plain in [1e-3, 1e7), otherwise `d.dddE±n`; always at least one fraction digit. */
export function javaDoubleToString(d: number): string {
  return javaFloating(d, String(d), (x) => x.toExponential());
}

/** Java's Float.toString: the shortest digits that round-trip through float32. */
export function javaFloatToString(f: number): string {
  if (!Number.isFinite(f) || f === 0) return javaFloating(f, String(f), (x) => x.toExponential());
  let p = 1;
  while (p < 9 && Math.fround(Number(f.toPrecision(p))) !== f) p++;
  const shortest = Number(f.toPrecision(p));
  return javaFloating(shortest, String(shortest), (x) => x.toExponential());
}

function javaFloating(d: number, plain: string, exp: (d: number) => string): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Number.POSITIVE_INFINITY) return 'Infinity';
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const a = Math.abs(d);
  if (a >= 1e-3 && a < 1e7) {
    const s = plain.includes('e') ? d.toFixed(20).replace(/0+$/, '') : plain;
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, e] = exp(d).split('e') as [string, string];
  const m = mant.includes('.') ? mant : `${mant}.0`;
  return `${m}E${e.replace('+', '')}`;
}

// ------------------------------------------------------------------ dates and times

const pad = (n: number | bigint, w = 2): string => String(n).padStart(w, '0');

export function formatDate(days: number): string {
  const d = new Date(days * 86_400_000);
  const y = d.getUTCFullYear();
  return `${y < 0 ? '-' : ''}${pad(Math.abs(y), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `yyyy-MM-dd HH:mm:ss[.ffffff]` with trailing fraction zeros dropped, in `timeZone`. */
export function formatTimestamp(micros: bigint, timeZone: string): string {
  const ms = Number((micros - (((micros % 1_000_000n) + 1_000_000n) % 1_000_000n)) / 1000n);
  const frac = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
  let fmt = formatters.get(timeZone);
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(timeZone, fmt);
  }
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(new Date(ms))) p[part.type] = part.value;
  const year = Number(p.year) * (p.era === 'BC' || p.era === 'B' ? -1 : 1) + (p.era === 'BC' || p.era === 'B' ? 1 : 0);
  const base = `${pad(year, 4)}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  return frac === 0 ? base : `${base}.${pad(frac, 6).replace(/0+$/, '')}`;
}

// ------------------------------------------------------------------ intervals

const YM_NAMES = ['YEAR', 'MONTH'];
const DT_NAMES = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];

/** `1-2`, `-0-11`: how the function-example corpus renders year-month intervals whatever their fields. */
export function plainYearMonth(months: number): string {
  const a = Math.abs(months);
  return `${months < 0 ? '-' : ''}${Math.floor(a / 12)}-${a % 12}`;
}

/** `2 00:00:00.000000000`: the corpus's day-time rendering (days, then time with nanoseconds). */
export function plainDayTime(micros: bigint): string {
  const a = micros < 0n ? -micros : micros;
  const days = a / 86_400_000_000n;
  const rest = a % 86_400_000_000n;
  const h = rest / 3_600_000_000n;
  const m = (rest / 60_000_000n) % 60n;
  const sec = (rest / 1_000_000n) % 60n;
  const nanos = (rest % 1_000_000n) * 1000n;
  return `${micros < 0n ? '-' : ''}${days} ${pad(h)}:${pad(m)}:${pad(sec)}.${pad(nanos, 9)}`;
}

export function formatYearMonth(months: number, start: number, end: number): string {
  const sign = months < 0 ? '-' : '';
  const a = Math.abs(months);
  const body =
    start === end ? (start === 0 ? String(Math.floor(a / 12)) : String(a)) : `${Math.floor(a / 12)}-${a % 12}`;
  const fields = start === end ? YM_NAMES[start] : `${YM_NAMES[start]} TO ${YM_NAMES[end]}`;
  return `INTERVAL '${sign}${body}' ${fields}`;
}

export function formatDayTime(micros: bigint, start: number, end: number): string {
  const sign = micros < 0n ? '-' : '';
  let rest = micros < 0n ? -micros : micros;
  const unit = [86_400_000_000n, 3_600_000_000n, 60_000_000n, 1_000_000n];
  const parts: string[] = [];
  for (let f = start; f <= end; f++) {
    const u = unit[f] as bigint;
    if (f === 3) {
      const secs = rest / u;
      const frac = rest % u;
      const s = f === start ? pad(secs) : pad(secs);
      parts.push(frac === 0n ? s : `${s}.${pad(frac, 6).replace(/0+$/, '')}`);
    } else {
      const v = rest / u;
      rest %= u;
      parts.push(f === start && f === 0 ? String(v) : pad(v));
    }
  }
  let body = '';
  parts.forEach((p, i) => {
    const f = start + i;
    body += i === 0 ? p : f === 1 ? ` ${p}` : `:${p}`;
  });
  const fields = start === end ? DT_NAMES[start] : `${DT_NAMES[start]} TO ${DT_NAMES[end]}`;
  return `INTERVAL '${sign}${body}' ${fields}`;
}

export function formatCalendar(v: { months: number; days: number; micros: bigint }): string {
  const out: string[] = [];
  const add = (n: number | bigint, unit: string): void => {
    if (n !== 0 && n !== 0n) out.push(`${n} ${unit}`);
  };
  add(Math.trunc(v.months / 12), 'years');
  add(v.months % 12, 'months');
  add(v.days, 'days');
  let rest = v.micros;
  add(rest / 3_600_000_000n, 'hours');
  rest %= 3_600_000_000n;
  add(rest / 60_000_000n, 'minutes');
  rest %= 60_000_000n;
  if (rest !== 0n) {
    const neg = rest < 0n;
    const a = neg ? -rest : rest;
    const frac = a % 1_000_000n;
    out.push(`${neg ? '-' : ''}${a / 1_000_000n}${frac === 0n ? '' : `.${pad(frac, 6).replace(/0+$/, '')}`} seconds`);
  }
  return out.length === 0 ? '0 seconds' : out.join(' ');
}

// ------------------------------------------------------------------ schema strings

/** A TIME value (nanoseconds since midnight) as `HH:mm:ss[.fraction]`, trailing zeros dropped. */
function formatTimeOfDay(nanos: bigint): string {
  const p2 = (x: bigint): string => x.toString().padStart(2, '0');
  const secs = nanos / 1_000_000_000n;
  const frac = nanos % 1_000_000_000n;
  const base = `${p2(secs / 3600n)}:${p2((secs / 60n) % 60n)}:${p2(secs % 60n)}`;
  return frac === 0n ? base : `${base}.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
}

/** Spark's `DataType.catalogString` (`struct<a:int,b:array<string>>`). */
export function catalogString(t: DataType): string {
  switch (t.type) {
    case 'null':
      return 'void';
    case 'byte':
      return 'tinyint';
    case 'short':
      return 'smallint';
    case 'integer':
      return 'int';
    case 'long':
      return 'bigint';
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'calendar_interval':
      return 'interval';
    case 'time':
      return `time(${t.precision})`;
    case 'year_month_interval':
      return intervalTypeString(YM_NAMES, t.startField, t.endField);
    case 'day_time_interval':
      return intervalTypeString(DT_NAMES, t.startField, t.endField);
    case 'array':
      return `array<${catalogString(t.elementType)}>`;
    case 'map':
      return `map<${catalogString(t.keyType)},${catalogString(t.valueType)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${catalogString(f.dataType)}`).join(',')}>`;
    default:
      return t.type;
  }
}

function intervalTypeString(names: string[], start: number, end: number): string {
  const s = (names[start] as string).toLowerCase();
  return start === end ? `interval ${s}` : `interval ${s} to ${(names[end] as string).toLowerCase()}`;
}

/** Spark's JSON type names (`integer`, `decimal(10,2)`, `{"type":"array",...}`) → catalog string, for comparison. */
export function jsonTypeToCatalogString(j: unknown): string {
  if (typeof j === 'string') {
    const s = j.replace(/\s+/g, ' ').trim();
    const simple: Record<string, string> = {
      integer: 'int',
      long: 'bigint',
      short: 'smallint',
      byte: 'tinyint',
      void: 'void',
      null: 'void',
    };
    if (s in simple) return simple[s] as string;
    const dec = /^decimal\((\d+),\s*(\d+)\)$/.exec(s);
    if (dec !== null) return `decimal(${dec[1]},${dec[2]})`;
    return s;
  }
  const o = j as Record<string, unknown>;
  switch (o.type) {
    case 'array':
      return `array<${jsonTypeToCatalogString(o.elementType)}>`;
    case 'map':
      return `map<${jsonTypeToCatalogString(o.keyType)},${jsonTypeToCatalogString(o.valueType)}>`;
    case 'struct':
      return `struct<${(o.fields as { name: string; type: unknown }[]).map((f) => `${f.name}:${jsonTypeToCatalogString(f.type)}`).join(',')}>`;
    default:
      return JSON.stringify(o);
  }
}
