/**
 * Building dates and timestamps from parts: make_date, the make_timestamp family (fields or DATE + TIME,
 * LTZ/NTZ, try_ forms), the DATE()/TIMESTAMP() cast functions, convert_timezone and time_bucket.
 */
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T } from '../../plan/type-utils.js';
import { MICROS_PER_DAY, addMonths, daysInMonth, daysToYmd, localToUtc, utcToLocal, ymdToDays } from '../datetime.js';
import { datetimeFieldOutOfBounds, invalidTimeZone } from '../datetime-errors.js';
import { castTo } from './coercion.js';
import { callSql, coerceArgs, num } from './helpers.js';
import { type ResolveContext, register, unexpectedInputType, wrongNumArgs } from './registry.js';

/** Days since epoch of y-m-d, or the range message Spark reports for the first bad field. */
function makeDays(y: number, m: number, d: number): number | string {
  if (y < -290308 || y > 294247) return `Invalid value for Year (valid values -290308 - 294247): ${y}`;
  if (m < 1 || m > 12) return `Invalid value for MonthOfYear (valid values 1 - 12): ${m}`;
  if (d < 1 || d > 31) return `Invalid value for DayOfMonth (valid values 1 - 28/31): ${d}`;
  if (d > daysInMonth(y, m)) return `Invalid date '${['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'][m - 1]} ${d}'`;
  return ymdToDays(y, m, d);
}

/**
 * Local wall-clock µs of the fields, seconds given as decimal(16,6) unscaled. Second 60 is accepted
 * with no fraction and rolls over to the next minute, as Spark's MakeTimestamp does.
 */
function makeLocalMicros(y: number, mo: number, d: number, h: number, mi: number, sec: bigint): number | string {
  const days = makeDays(y, mo, d);
  if (typeof days === 'string') return days;
  if (h < 0 || h > 23) return `Invalid value for HourOfDay (valid values 0 - 23): ${h}`;
  if (mi < 0 || mi > 59) return `Invalid value for MinuteOfHour (valid values 0 - 59): ${mi}`;
  const s = Number(sec);
  if (s === 60e6) return days * MICROS_PER_DAY + (h * 3600 + mi * 60 + 60) * 1e6;
  if (s < 0 || s >= 60e6) return `Invalid value for SecondOfMinute (valid values 0 - 59): ${Math.trunc(s / 1e6)}`;
  return days * MICROS_PER_DAY + (h * 3600 + mi * 60) * 1e6 + s;
}

function zoneToUtc(localUs: number, zone: string): number {
  try {
    return localToUtc(localUs, zone);
  } catch {
    throw invalidTimeZone(zone);
  }
}

register({
  name: 'make_date',
  arity: [3, 3],
  resolve(args, ctx) {
    const coerced = coerceArgs('make_date', args, [T.int, T.int, T.int], ctx);
    return { args: coerced, type: T.date, nullable: !ctx.ansi || coerced.some((a) => a.nullable) };
  },
  row([y, m, d], ctx) {
    const r = makeDays(y as number, m as number, d as number);
    if (typeof r === 'number') return r;
    if (ctx.ansi) throw datetimeFieldOutOfBounds(r);
    return null;
  },
});

type TsKind = 'default' | 'ltz' | 'ntz';

/**
 * How a make_timestamp variant names its column: the try_ and LTZ forms are rewritten by Spark into
 * other expressions, and the column name shows the rewrite.
 */
function makeTimestampSql(name: string, kind: TsKind, isTry: boolean, dateForm: boolean, args: RExpr[]): string {
  if (!dateForm) return callSql(name, isTry && kind === 'default' ? args.slice(0, 6) : args);
  if (kind === 'ltz') return callSql('make_timestamp', args);
  if (isTry && kind === 'ntz') return `try_make_timestamp_ntz(${callSql('make_timestamp_ntz', args)})`;
  return callSql(name, args);
}

function defMakeTimestamp(name: string, kind: TsKind, isTry: boolean): void {
  const ret: DataType = kind === 'ntz' ? T.timestampNtz : T.timestamp;
  const maxArgs = kind === 'ntz' ? 6 : 7;
  register({
    name,
    arity: [1, maxArgs],
    resolve(args, ctx: ResolveContext, called) {
      const n = args.length;
      const dateForm = n <= (kind === 'ntz' ? 2 : 3);
      if (!dateForm && n < 6) throw wrongNumArgs(called, kind === 'ntz' ? '[2, 6]' : '[2, 3, 6, 7]', n);
      const specs = dateForm ? [T.date, T.time(6), T.string] : [T.int, T.int, T.int, T.int, T.int, T.decimal(16, 6), T.string];
      const coerced = args.map((a, i) => (a.type.type === 'time' && i === 1 ? a : coerceArgs(called, [a], [specs[i]!], ctx)[0]!));
      const nullable = isTry ? !dateForm || kind === 'ntz' : !ctx.ansi || coerced.some((a) => a.nullable);
      return { args: coerced, type: ret, nullable, sql: makeTimestampSql(called, kind, isTry, dateForm, args), opts: { dateForm } };
    },
    row(vals, ctx, node) {
      let localUs: number | string;
      let zone: unknown;
      if (node.opts?.dateForm) {
        localUs = (vals[0] as number) * MICROS_PER_DAY + (vals[1] === undefined ? 0 : num(vals[1]));
        zone = vals[2];
      } else {
        const [y, mo, d, h, mi] = vals as number[];
        localUs = makeLocalMicros(y!, mo!, d!, h!, mi!, vals[5] as bigint);
        zone = vals[6];
      }
      if (typeof localUs === 'string') {
        if (isTry || !ctx.ansi) return null;
        throw datetimeFieldOutOfBounds(localUs);
      }
      if (kind === 'ntz') return BigInt(localUs);
      return BigInt(zoneToUtc(localUs, (zone as string | undefined) ?? ctx.timeZone));
    },
  });
}
defMakeTimestamp('make_timestamp', 'default', false);
defMakeTimestamp('try_make_timestamp', 'default', true);
defMakeTimestamp('make_timestamp_ltz', 'ltz', false);
defMakeTimestamp('try_make_timestamp_ltz', 'ltz', true);
defMakeTimestamp('make_timestamp_ntz', 'ntz', false);
defMakeTimestamp('try_make_timestamp_ntz', 'ntz', true);

// DATE(x), TIMESTAMP(x): Spark's cast aliases; the column is named after the argument alone.
for (const [name, to] of [
  ['date', T.date],
  ['timestamp', T.timestamp],
] as const) {
  register({
    name,
    arity: [1, 1],
    resolve(args, ctx) {
      const a = castTo(args[0]!, to, ctx);
      return { args: [a], type: to, nullable: a.nullable, sql: args[0]!.sql };
    },
    row: ([v]) => v,
  });
}

register({
  name: 'convert_timezone',
  arity: [2, 3],
  resolve(args, ctx) {
    const coerced = coerceArgs('convert_timezone', args, args.length === 3 ? ['string', 'string', T.timestampNtz] : ['string', T.timestampNtz], ctx);
    const sql = args.length === 3 ? undefined : `convert_timezone(current_timezone(), ${args[0]!.sql}, ${args[1]!.sql})`;
    return { args: coerced, type: T.timestampNtz, nullable: coerced.some((a) => a.nullable), sql };
  },
  row(vals, ctx) {
    const [from, to, ts] = vals.length === 3 ? vals : [ctx.timeZone, vals[0], vals[1]];
    const utc = zoneToUtc(num(ts), from as string);
    try {
      return BigInt(utcToLocal(utc, to as string));
    } catch {
      throw invalidTimeZone(to as string);
    }
  },
});

// time_bucket(width, ts[, origin]): the start of the width-sized bucket holding ts, buckets counted from origin.
register({
  name: 'time_bucket',
  arity: [2, 3],
  resolve(args, ctx) {
    const w = args[0]!;
    const wt = w.type.type;
    if (wt !== 'day_time_interval' && wt !== 'year_month_interval')
      throw unexpectedInputType(callSql('time_bucket', args), 0, '("INTERVAL DAY TO SECOND" or "INTERVAL YEAR TO MONTH")', w);
    const ts = args[1]!;
    const tsArg = ts.type.type === 'timestamp' || ts.type.type === 'timestamp_ntz' ? ts : coerceArgs('time_bucket', [ts], ['timestamp'], ctx)[0]!;
    const origin = args[2] === undefined ? undefined : castTo(args[2], tsArg.type, ctx);
    const originSql = args[2]?.sql ?? `${tsArg.type.type === 'timestamp_ntz' ? 'TIMESTAMP_NTZ' : 'TIMESTAMP'} '1970-01-01 00:00:00'`;
    return {
      args: origin === undefined ? [w, tsArg] : [w, tsArg, origin],
      type: tsArg.type,
      nullable: w.nullable || tsArg.nullable || (origin?.nullable ?? false),
      sql: `time_bucket(${w.sql}, ${ts.sql}, ${originSql})`,
    };
  },
  row([w, ts, origin], ctx, node) {
    const ntz = node.type.type === 'timestamp_ntz';
    // Buckets follow the wall clock of the session zone, as Spark's TimeBucket does for TIMESTAMP.
    const toLocal = (u: unknown): number => (ntz ? num(u) : utcToLocal(num(u), ctx.timeZone));
    const o = origin === undefined ? 0 : toLocal(origin);
    const t = toLocal(ts);
    let start: number;
    if (node.args[0]!.type.type === 'year_month_interval') {
      const width = num(w);
      if (width <= 0) return null;
      const od = Math.floor(o / MICROS_PER_DAY);
      const td = Math.floor(t / MICROS_PER_DAY);
      const [oy, om] = ymOf(od);
      const [ty, tm] = ymOf(td);
      let k = Math.floor(((ty - oy) * 12 + (tm - om)) / width);
      let s = addMonths(od, k * width) * MICROS_PER_DAY + (o - od * MICROS_PER_DAY);
      if (s > t) {
        k -= 1;
        s = addMonths(od, k * width) * MICROS_PER_DAY + (o - od * MICROS_PER_DAY);
      }
      start = s;
    } else {
      const width = num(w);
      if (width <= 0) return null;
      start = o + Math.floor((t - o) / width) * width;
    }
    return BigInt(ntz ? start : localToUtc(start, ctx.timeZone));
  },
});

function ymOf(days: number): [number, number] {
  const [y, m] = daysToYmd(days);
  return [y, m];
}
