/** Date and timestamp functions. Timestamps are UTC µs; field extraction uses the session time zone. */
import type { DataType } from '../../plan/data-type.js';
import { T } from '../../plan/type-utils.js';
import {
  MICROS_PER_DAY,
  addMonths,
  daysInMonth,
  daysToYmd,
  formatDate,
  localToUtc,
  parseTimestamp,
  utcToLocal,
  ymdToDays,
} from '../datetime.js';
import type { EvalContext } from '../eval-context.js';
import { PerennialError } from '../../../core/errors.js';
import { cannotParseTimestamp } from '../datetime-errors.js';
import { castInvalidInput } from '../errors.js';
import { coerceArgs, defRow, num } from './helpers.js';
import { register } from './registry.js';

const D = 'date' as const;
const TS = 'timestamp' as const;

const local = (us: unknown, ctx: EvalContext): number => utcToLocal(num(us), ctx.timeZone);

defRow('current_date', { args: [], ret: T.date, nullable: false, row: (_v, ctx) => Math.floor(utcToLocal(ctx.nowMicros, ctx.timeZone) / MICROS_PER_DAY), sql: () => 'current_date()' }, 'curdate');
defRow('current_timestamp', { args: [], ret: T.timestamp, nullable: false, row: (_v, ctx) => BigInt(ctx.nowMicros), sql: () => 'current_timestamp()' }, 'now', 'localtimestamp');
defRow('current_timezone', { args: [], ret: T.string, nullable: false, row: (_v, ctx) => ctx.timeZone, sql: () => 'current_timezone()' });

const field = (name: string, f: (y: number, m: number, d: number, days: number) => number, ...aliases: string[]) =>
  defRow(name, { args: [D], ret: T.int, row: ([d]) => {
    const days = d as number;
    const [y, m, dd] = daysToYmd(days);
    return f(y, m, dd, days);
  } }, ...aliases);
field('year', (y) => y);
field('month', (_y, m) => m);
field('day', (_y, _m, d) => d, 'dayofmonth');
field('quarter', (_y, m) => Math.floor((m - 1) / 3) + 1);
field('dayofweek', (_y, _m, _d, days) => ((((days + 4) % 7) + 7) % 7) + 1);
field('weekday', (_y, _m, _d, days) => ((((days + 3) % 7) + 7) % 7));
field('dayofyear', (y, _m, _d, days) => days - ymdToDays(y, 1, 1) + 1);
field('weekofyear', (_y, _m, _d, days) => {
  // ISO-8601 week number.
  const wd = ((((days + 3) % 7) + 7) % 7); // Monday=0
  const thursday = days - wd + 3;
  const [ty] = daysToYmd(thursday);
  return Math.floor((thursday - ymdToDays(ty, 1, 1)) / 7) + 1;
});
const tod = (l: number): number => ((l % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
/** hour/minute/second of a timestamp (in the session zone), a TIMESTAMP_NTZ or a TIME. */
const timeField = (name: string, f: (todUs: number) => number) =>
  register({
    name,
    arity: [1, 1],
    resolve(args, ctx) {
      const a = args[0]!;
      const t = a.type.type;
      const arg = t === 'time' || t === 'timestamp_ntz' ? a : coerceArgs(name, args, [TS], ctx)[0]!;
      return { args: [arg], type: T.int, nullable: arg.nullable };
    },
    row([v], ctx, node) {
      const t = node.args[0]!.type.type;
      return f(t === 'time' ? num(v) : tod(t === 'timestamp_ntz' ? num(v) : local(v, ctx)));
    },
  });
timeField('hour', (t) => Math.floor(t / 3600e6));
timeField('minute', (t) => Math.floor((t % 3600e6) / 60e6));
timeField('second', (t) => Math.floor((t % 60e6) / 1e6));

defRow('date_add', { args: [D, T.int], ret: T.date, row: ([d, n]) => (d as number) + (n as number) }, 'dateadd');
defRow('date_sub', { args: [D, T.int], ret: T.date, row: ([d, n]) => (d as number) - (n as number) });
defRow('datediff', { args: [D, D], ret: T.int, row: ([a, b]) => (a as number) - (b as number) }, 'date_diff');
defRow('add_months', { args: [D, T.int], ret: T.date, row: ([d, n]) => addMonths(d as number, n as number) });
defRow('last_day', {
  args: [D],
  ret: T.date,
  row: ([d]) => {
    const [y, m] = daysToYmd(d as number);
    return ymdToDays(y, m, daysInMonth(y, m));
  },
});
defRow('next_day', {
  args: [D, 'string'],
  ret: T.date,
  nullable: true,
  row: ([d, w]) => {
    const names = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    const target = names.indexOf((w as string).trim().toUpperCase().slice(0, 2));
    if (target < 0) return null;
    const wd = ((((d as number) + 3) % 7) + 7) % 7;
    let delta = (target - wd + 7) % 7;
    if (delta === 0) delta = 7;
    return (d as number) + delta;
  },
});
defRow('months_between', {
  args: [TS, TS, T.boolean],
  arity: [2, 3],
  ret: T.double,
  row: ([a, b, roundOff], ctx) => {
    const la = local(a, ctx);
    const lb = local(b, ctx);
    const da = Math.floor(la / MICROS_PER_DAY);
    const db = Math.floor(lb / MICROS_PER_DAY);
    const [y1, m1, d1] = daysToYmd(da);
    const [y2, m2, d2] = daysToYmd(db);
    const months = (y1 - y2) * 12 + (m1 - m2);
    if (d1 === d2 || (d1 === daysInMonth(y1, m1) && d2 === daysInMonth(y2, m2))) return months;
    const secs1 = (d1 - 1) * 86400 + tod(la) / 1e6;
    const secs2 = (d2 - 1) * 86400 + tod(lb) / 1e6;
    const r = months + (secs1 - secs2) / (31 * 86400);
    return roundOff === false ? r : Math.round(r * 1e8) / 1e8;
  },
  // roundOff defaults to true and shows in the name.
  sql: (args, called) => `${called}(${args.map((a) => a.sql).join(', ')}${args.length === 2 ? ', true' : ''})`,
});

/** Spark datetime pattern → text (the common letters). */
export function formatPattern(localUs: number, pattern: string): string {
  const days = Math.floor(localUs / MICROS_PER_DAY);
  const t = tod(localUs);
  const [y, m, d] = daysToYmd(days);
  const h = Math.floor(t / 3600e6);
  const mi = Math.floor((t % 3600e6) / 60e6);
  const s = Math.floor((t % 60e6) / 1e6);
  const frac = t % 1e6;
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const dows = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  const wd = ((((days + 3) % 7) + 7) % 7);
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const j = pattern.indexOf("'", i + 1);
      out += j < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, j) || "'";
      i = j < 0 ? pattern.length : j + 1;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    const p = (v: number) => String(v).padStart(n, '0');
    switch (c) {
      case 'y':
      case 'u':
        out += n === 2 ? String(y % 100).padStart(2, '0') : p(y);
        break;
      case 'M':
      case 'L':
        out += n >= 4 ? months[m - 1] : n === 3 ? months[m - 1]!.slice(0, 3) : p(m);
        break;
      case 'd':
        out += p(d);
        break;
      case 'D':
        out += p(days - ymdToDays(y, 1, 1) + 1);
        break;
      case 'H':
        out += p(h);
        break;
      case 'h':
        out += p(h % 12 === 0 ? 12 : h % 12);
        break;
      case 'm':
        out += p(mi);
        break;
      case 's':
        out += p(s);
        break;
      case 'S':
        out += String(frac).padStart(6, '0').slice(0, n).padEnd(n, '0');
        break;
      case 'a':
        out += h < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += n >= 4 ? dows[wd] : dows[wd]!.slice(0, 3);
        break;
      case 'Q':
      case 'q':
        out += p(Math.floor((m - 1) / 3) + 1);
        break;
      default:
        out += c.repeat(n);
    }
    i += n;
  }
  return out;
}

defRow('date_format', {
  args: [TS, 'string'],
  ret: T.string,
  row: ([t, f], ctx) => formatPattern(local(t, ctx), f as string),
});

/** Parse with a Spark pattern (numeric fields only); null when it does not match. */
export function parseWithPattern(s: string, pattern: string): number | null {
  let re = '';
  const fields: string[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    let n = 1;
    while (pattern[i + n] === c) n++;
    if ('yMdHhmsS'.includes(c)) {
      fields.push(c);
      re += c === 'S' ? '(\\d{1,9})' : n >= 4 ? '(\\d{4,})' : `(\\d{1,${Math.max(n, 2)}})`;
    } else if (c === "'") {
      const j = pattern.indexOf("'", i + 1);
      re += pattern.slice(i + 1, j).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = j + 1;
      continue;
    } else re += c.repeat(n).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i += n;
  }
  const m = new RegExp(`^${re}$`).exec(s.trim());
  if (!m) return null;
  const v: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, h: 0, m: 0, s: 0, S: 0 };
  fields.forEach((f, k) => {
    v[f] = f === 'S' ? Number(m[k + 1]!.padEnd(6, '0').slice(0, 6)) : Number(m[k + 1]);
  });
  if (v.M! < 1 || v.M! > 12 || v.d! < 1 || v.d! > daysInMonth(v.y!, v.M!)) return null;
  return ymdToDays(v.y!, v.M!, v.d!) * MICROS_PER_DAY + (v.H! || v.h!) * 3600e6 + v.m! * 60e6 + v.s! * 1e6 + v.S!;
}

/**
 * to_date / to_timestamp / to_timestamp_ntz / to_timestamp_ltz and their try_ forms. Without a format a
 * string goes through CAST (CAST_INVALID_INPUT under ANSI); with one, a mismatch is CANNOT_PARSE_TIMESTAMP.
 */
function defToDatetime(name: string, ret: DataType, isTry: boolean): void {
  register({
    name,
    arity: [1, 2],
    resolve(args, ctx) {
      const [x, f] = args;
      const st = x!.type.type;
      const arg = st === 'date' || st === 'timestamp' || st === 'timestamp_ntz' ? x! : coerceArgs(name, [x!], ['string'], ctx)[0]!;
      const fmt = f === undefined ? [] : coerceArgs(name, [f], ['string'], ctx);
      return { args: [arg, ...fmt], type: ret, nullable: true };
    },
    row([x, f], ctx, node) {
      const from = node.args[0]!.type.type;
      const strict = ctx.ansi && !isTry;
      let localUs: number | null;
      let utcUs: number | null = null;
      if (from === 'date') localUs = (x as number) * MICROS_PER_DAY;
      else if (from === 'timestamp') {
        utcUs = num(x);
        localUs = local(x, ctx);
      } else if (from === 'timestamp_ntz') localUs = num(x);
      else if (f === undefined) {
        const s = String(x);
        localUs = parseTimestamp(s, null);
        if (localUs !== null && ret.type === 'timestamp') utcUs = parseTimestamp(s, ctx.timeZone);
        if (localUs === null && strict) throw castInvalidInput(s, T.string, ret);
      } else {
        localUs = parseWithPattern(String(x), f as string);
        if (localUs === null && strict) throw cannotParseTimestamp(String(x), `try_${name.replace(/^try_/, '')}`);
      }
      if (localUs === null) return null;
      if (ret.type === 'date') return Math.floor(localUs / MICROS_PER_DAY);
      if (ret.type === 'timestamp_ntz') return BigInt(localUs);
      return BigInt(utcUs ?? localToUtc(localUs, ctx.timeZone));
    },
  });
}
defToDatetime('to_date', T.date, false);
defToDatetime('try_to_date', T.date, true);
defToDatetime('to_timestamp', T.timestamp, false);
defToDatetime('try_to_timestamp', T.timestamp, true);
defToDatetime('to_timestamp_ltz', T.timestamp, false);
defToDatetime('to_timestamp_ntz', T.timestampNtz, false);

defRow('unix_timestamp', {
  args: ['any', 'string'],
  arity: [0, 2],
  ret: T.long,
  nullable: true,
  row: (vals, ctx, node) => {
    if (vals.length === 0) return BigInt(Math.floor(ctx.nowMicros / 1e6));
    const [x, f] = vals;
    const t = node.args[0]!.type;
    let us: number | null;
    if (t.type === 'timestamp') us = num(x);
    else if (t.type === 'date') us = localToUtc((x as number) * MICROS_PER_DAY, ctx.timeZone);
    else {
      const l = parseWithPattern(String(x), (f as string | undefined) ?? 'yyyy-MM-dd HH:mm:ss');
      us = l === null ? null : localToUtc(l, ctx.timeZone);
    }
    return us === null ? null : BigInt(Math.floor(us / 1e6));
  },
}, 'to_unix_timestamp');
defRow('from_unixtime', {
  args: [T.long, 'string'],
  arity: [1, 2],
  ret: T.string,
  row: ([s, f], ctx) => formatPattern(utcToLocal(num(s) * 1e6, ctx.timeZone), (f as string | undefined) ?? 'yyyy-MM-dd HH:mm:ss'),
});
defRow('timestamp_seconds', { args: ['double'], ret: T.timestamp, row: ([s]) => BigInt(Math.round((s as number) * 1e6)) });
defRow('timestamp_millis', { args: [T.long], ret: T.timestamp, row: ([s]) => (s as bigint) * 1000n });
defRow('timestamp_micros', { args: [T.long], ret: T.timestamp, row: ([s]) => s });
defRow('unix_date', { args: [D], ret: T.int, row: ([d]) => d });
defRow('date_from_unix_date', { args: [T.int], ret: T.date, row: ([d]) => d });
defRow('unix_seconds', { args: [TS], ret: T.long, row: ([t]) => BigInt(Math.floor(num(t) / 1e6)) });
defRow('unix_millis', { args: [TS], ret: T.long, row: ([t]) => BigInt(Math.floor(num(t) / 1e3)) });
defRow('unix_micros', { args: [TS], ret: T.long, row: ([t]) => t });

function truncLocal(l: number, unit: string): number | null {
  const days = Math.floor(l / MICROS_PER_DAY);
  const [y, m] = daysToYmd(days);
  switch (unit.toUpperCase()) {
    case 'YEAR':
    case 'YYYY':
    case 'YY':
      return ymdToDays(y, 1, 1) * MICROS_PER_DAY;
    case 'QUARTER':
      return ymdToDays(y, Math.floor((m - 1) / 3) * 3 + 1, 1) * MICROS_PER_DAY;
    case 'MONTH':
    case 'MM':
    case 'MON':
      return ymdToDays(y, m, 1) * MICROS_PER_DAY;
    case 'WEEK':
      return (days - ((((days + 3) % 7) + 7) % 7)) * MICROS_PER_DAY;
    case 'DAY':
    case 'DD':
      return days * MICROS_PER_DAY;
    case 'HOUR':
      return Math.floor(l / 3600e6) * 3600e6;
    case 'MINUTE':
      return Math.floor(l / 60e6) * 60e6;
    case 'SECOND':
      return Math.floor(l / 1e6) * 1e6;
    default:
      return null;
  }
}
defRow('date_trunc', {
  args: ['string', TS],
  ret: T.timestamp,
  nullable: true,
  row: ([u, t], ctx) => {
    const r = truncLocal(local(t, ctx), u as string);
    return r === null ? null : BigInt(localToUtc(r, ctx.timeZone));
  },
});
defRow('trunc', {
  args: [D, 'string'],
  ret: T.date,
  nullable: true,
  row: ([d, u]) => {
    const unit = (u as string).toUpperCase();
    if (!['YEAR', 'YYYY', 'YY', 'QUARTER', 'MONTH', 'MM', 'MON', 'WEEK'].includes(unit)) return null;
    const r = truncLocal((d as number) * MICROS_PER_DAY, unit);
    return r === null ? null : r / MICROS_PER_DAY;
  },
});
defRow('from_utc_timestamp', { args: [TS, 'string'], ret: T.timestamp, row: ([t, tz]) => BigInt(utcToLocal(num(t), tz as string)) });
defRow('to_utc_timestamp', { args: [TS, 'string'], ret: T.timestamp, row: ([t, tz]) => BigInt(localToUtc(num(t), tz as string)) });
defRow('date_part_year', { args: [D], ret: T.int, row: ([d]) => daysToYmd(d as number)[0] });
void formatDate;

// ---------------------------------------------------------------- extract / date_part

const FIELD_ALIASES: Record<string, string> = {
  Y: 'YEAR', YEARS: 'YEAR', YR: 'YEAR', YRS: 'YEAR', YEAR: 'YEAR',
  QTR: 'QUARTER', QUARTER: 'QUARTER',
  MON: 'MONTH', MONS: 'MONTH', MONTHS: 'MONTH', MONTH: 'MONTH',
  W: 'WEEK', WEEKS: 'WEEK', WEEK: 'WEEK',
  D: 'DAY', DAYS: 'DAY', DAY: 'DAY', DAYOFMONTH: 'DAY',
  DOW: 'DAYOFWEEK', DAYOFWEEK: 'DAYOFWEEK', DOW_ISO: 'DAYOFWEEK_ISO', DAYOFWEEK_ISO: 'DAYOFWEEK_ISO', DOY: 'DOY',
  H: 'HOUR', HOURS: 'HOUR', HR: 'HOUR', HRS: 'HOUR', HOUR: 'HOUR',
  M: 'MINUTE', MIN: 'MINUTE', MINS: 'MINUTE', MINUTES: 'MINUTE', MINUTE: 'MINUTE',
  S: 'SECOND', SEC: 'SECOND', SECONDS: 'SECOND', SECS: 'SECOND', SECOND: 'SECOND',
};

/** One date/time field of a local day number and time of day (µs), as extract() returns it. */
export function extractField(field: string, days: number, todUs: number): number | bigint {
  const [y, m, d] = daysToYmd(days);
  switch (field) {
    case 'YEAR':
      return y;
    case 'QUARTER':
      return Math.floor((m - 1) / 3) + 1;
    case 'MONTH':
      return m;
    case 'WEEK': {
      const wd = (((days + 3) % 7) + 7) % 7;
      const thursday = days - wd + 3;
      const [ty] = daysToYmd(thursday);
      return Math.floor((thursday - ymdToDays(ty, 1, 1)) / 7) + 1;
    }
    case 'DAY':
      return d;
    case 'DAYOFWEEK':
      return ((((days + 4) % 7) + 7) % 7) + 1;
    case 'DAYOFWEEK_ISO':
      return ((((days + 3) % 7) + 7) % 7) + 1;
    case 'DOY':
      return days - ymdToDays(y, 1, 1) + 1;
    case 'HOUR':
      return Math.floor(todUs / 3600e6);
    case 'MINUTE':
      return Math.floor((todUs % 3600e6) / 60e6);
    default:
      // SECOND with fraction: decimal(8,6) unscaled.
      return BigInt(Math.round(todUs % 60e6));
  }
}

/** extract() of an interval: [result type, value] per field, truncating toward zero as Spark does. */
function intervalField(field: string, t: DataType, v: unknown): unknown {
  if (t.type === 'year_month_interval') {
    const months = Number(v);
    return field === 'YEAR' ? Math.trunc(months / 12) : months % 12;
  }
  let months = 0;
  let days = 0;
  let micros: bigint;
  if (t.type === 'calendar_interval') {
    const c = v as { months: number; days: number; micros: bigint };
    months = c.months;
    days = c.days;
    micros = BigInt(c.micros);
  } else {
    micros = BigInt(v as bigint);
    days = Number(micros / BigInt(MICROS_PER_DAY));
    micros %= BigInt(MICROS_PER_DAY);
  }
  switch (field) {
    case 'YEAR':
      return Math.trunc(months / 12);
    case 'MONTH':
      return months % 12;
    case 'DAY':
      return days;
    case 'HOUR': {
      const h = micros / 3_600_000_000n;
      return t.type === 'calendar_interval' ? h : Number(h);
    }
    case 'MINUTE':
      return Number((micros / 60_000_000n) % 60n);
    default:
      return micros % 60_000_000n;
  }
}

/** Fields extract() accepts per interval type, with their result types (Spark's ExtractInterval*). */
function intervalFieldType(field: string, t: DataType): DataType | undefined {
  const ym = t.type === 'year_month_interval';
  const dt = t.type === 'day_time_interval';
  switch (field) {
    case 'YEAR':
      return dt ? undefined : T.int;
    case 'MONTH':
      return dt ? undefined : T.byte;
    case 'DAY':
      return ym ? undefined : T.int;
    case 'HOUR':
      return ym ? undefined : t.type === 'calendar_interval' ? T.long : T.byte;
    case 'MINUTE':
      return ym ? undefined : T.byte;
    case 'SECOND':
      return ym ? undefined : T.decimal(8, 6);
    default:
      return undefined;
  }
}

for (const name of ['extract', 'date_part', 'datepart']) {
  register({
    name,
    arity: [2, 2],
    resolve(args, ctx, called) {
      const f = args[0]!;
      const raw = f.k === 'lit' && typeof f.value === 'string' ? f.value : undefined;
      const field = raw === undefined ? undefined : FIELD_ALIASES[raw.toUpperCase()];
      const src = args[1]!;
      const invalid = () =>
        new PerennialError('INVALID_EXTRACT_FIELD', `[INVALID_EXTRACT_FIELD] Cannot extract ${raw ?? f.sql} from ${src.sql}. SQLSTATE: 42601`, { messageParameters: { field: raw ?? f.sql, expr: src.sql } });
      if (field === undefined) throw invalid();
      const sql = called === 'date_part' ? `date_part(${raw}, ${src.sql})` : `${called}(${raw} FROM ${src.sql})`;
      const st = src.type.type;
      if (st === 'year_month_interval' || st === 'day_time_interval' || st === 'calendar_interval') {
        const type = intervalFieldType(field, src.type);
        if (type === undefined) throw invalid();
        return { args: [src], type, nullable: src.nullable, sql, opts: { field, interval: true } };
      }
      const timeField = field === 'HOUR' || field === 'MINUTE' || field === 'SECOND';
      if (st === 'time') {
        if (!timeField) throw invalid();
        const type = field === 'SECOND' ? T.decimal(8, 6) : T.int;
        return { args: [src], type, nullable: src.nullable, sql, opts: { field, time: true } };
      }
      const isTs = st === 'timestamp' || st === 'timestamp_ntz';
      const coerced = isTs ? src : coerceArgs(called, [src], [timeField ? 'timestamp' : 'date'], ctx)[0]!;
      const type = field === 'SECOND' ? T.decimal(8, 6) : T.int;
      return { args: [coerced], type, nullable: coerced.nullable, sql, opts: { field, ntz: coerced.type.type === 'timestamp_ntz', date: coerced.type.type === 'date' } };
    },
    row: ([v], ctx, node) => {
      const o = node.opts as { field: string; ntz?: boolean; date?: boolean; interval?: boolean; time?: boolean };
      if (o.interval) return intervalField(o.field, node.args[0]!.type, v);
      if (o.time) return extractField(o.field, 0, num(v));
      if (o.date) return extractField(o.field, v as number, 0);
      const l = o.ntz ? num(v) : local(v, ctx);
      const days = Math.floor(l / MICROS_PER_DAY);
      return extractField(o.field, days, l - days * MICROS_PER_DAY);
    },
  });
}
