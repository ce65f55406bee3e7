/**
 * TIME(p) functions (Spark 4.1): construction, conversion to and from seconds/millis/micros, truncation
 * and differences. Values are µs since midnight (see time-of-day.ts); hour/minute/second/extract on TIME
 * live with their timestamp forms in datetime-fns.ts.
 */
import type { DataType } from '../../plan/data-type.js';
import { T, isIntegral, isNumeric } from '../../plan/type-utils.js';
import { cannotParseTime, datetimeFieldOutOfBounds, invalidUnit } from '../datetime-errors.js';
import { POW10 } from '../decimal.js';
import { utcToLocal } from '../datetime.js';
import { MICROS_PER_DAY_TIME, parseTime, truncateTimeToPrecision } from '../time-of-day.js';
import { constantValue, isFoldable } from '../aggregates/args.js';
import { castTo } from './coercion.js';
import { parseWithPattern } from './datetime-fns.js';
import { callSql, coerceArgs, defRow, num } from './helpers.js';
import { register, unexpectedInputType } from './registry.js';

const TIME6 = T.time(6);

/** Rejects times of day outside [00:00, 24:00); `what` names the input for the message. */
function checkedTime(micros: number, what: string, value: string): bigint {
  if (!(micros >= 0 && micros < MICROS_PER_DAY_TIME)) throw datetimeFieldOutOfBounds(`Invalid value for ${what} (valid values 0 - 86399999999 µs): ${value}`);
  return BigInt(micros);
}

/** Time of day from hour, minute and (fractional) seconds as decimal(16,6) unscaled; null when out of range. */
function makeTime(h: number, m: number, secUnscaled: bigint): number | string {
  if (h < 0 || h > 23) return `Invalid value for HourOfDay (valid values 0 - 23): ${h}`;
  if (m < 0 || m > 59) return `Invalid value for MinuteOfHour (valid values 0 - 59): ${m}`;
  const sec = Number(secUnscaled);
  if (sec < 0 || sec >= 60e6) return `Invalid value for SecondOfMinute (valid values 0 - 59): ${Math.trunc(sec / 1e6)}`;
  return (h * 3600 + m * 60) * 1e6 + sec;
}

for (const [name, isTry] of [
  ['make_time', false],
  ['try_make_time', true],
] as const) {
  defRow(name, {
    args: [T.int, T.int, T.decimal(16, 6)],
    ret: TIME6,
    nullable: isTry ? true : undefined,
    row: ([h, m, s]) => {
      const r = makeTime(h as number, m as number, s as bigint);
      if (typeof r === 'string') {
        if (isTry) return null;
        throw datetimeFieldOutOfBounds(r);
      }
      return BigInt(r);
    },
  });
}

register({
  name: 'time_from_seconds',
  arity: [1, 1],
  resolve(args, ctx) {
    const a = args[0]!;
    if (!isNumeric(a.type) && a.type.type !== 'null') throw unexpectedInputType(callSql('time_from_seconds', args), 0, '"NUMERIC"', a);
    const arg = a.type.type === 'null' ? castTo(a, T.decimal(14, 6), ctx) : a;
    return { args: [arg], type: TIME6, nullable: true };
  },
  row([x], _ctx, node) {
    const t = node.args[0]!.type;
    let micros: number;
    if (t.type === 'decimal') {
      const u = x as bigint;
      micros = Number(t.scale >= 6 ? u / POW10[t.scale - 6]! : u * POW10[6 - t.scale]!);
    } else if (isIntegral(t)) micros = num(x) * 1e6;
    else micros = Math.trunc((x as number) * 1e6);
    return checkedTime(micros, 'SecondOfDay', String(x));
  },
});
defRow('time_from_millis', { args: [T.long], ret: TIME6, nullable: true, row: ([x]) => checkedTime(num(x) * 1e3, 'MilliOfDay', String(x)) });
defRow('time_from_micros', { args: [T.long], ret: TIME6, nullable: true, row: ([x]) => checkedTime(num(x), 'MicroOfDay', String(x)) });

/** TIME argument check for functions that take exactly a TIME (strings are cast, as Spark's ImplicitCastInputTypes). */
function timeArg(fn: string, args: import('../../plan/logical-plan.js').RExpr[], i: number, ctx: import('./registry.js').ResolveContext) {
  const a = args[i]!;
  if (a.type.type === 'time') return a;
  if (a.type.type === 'string' || a.type.type === 'null') return castTo(a, TIME6, ctx);
  throw unexpectedInputType(callSql(fn, args), i, '"TIME"', a);
}

for (const [name, ret, f] of [
  ['time_to_seconds', T.decimal(14, 6), (us: number) => BigInt(us)],
  ['time_to_millis', T.long, (us: number) => BigInt(Math.floor(us / 1e3))],
  ['time_to_micros', T.long, (us: number) => BigInt(us)],
] as const) {
  register({
    name,
    arity: [1, 1],
    resolve(args, ctx) {
      const a = timeArg(name, args, 0, ctx);
      return { args: [a], type: ret as DataType, nullable: true };
    },
    row: ([t]) => f(num(t)),
  });
}

const UNIT_MICROS: Record<string, number> = { HOUR: 3600e6, MINUTE: 60e6, SECOND: 1e6, MILLISECOND: 1e3, MICROSECOND: 1 };

function unitMicros(fn: string, u: unknown): number {
  const m = UNIT_MICROS[String(u).trim().toUpperCase()];
  if (m === undefined) throw invalidUnit(fn, String(u));
  return m;
}

register({
  name: 'time_trunc',
  arity: [2, 2],
  resolve(args, ctx) {
    const [u] = coerceArgs('time_trunc', [args[0]!], ['string'], ctx);
    const t = timeArg('time_trunc', args, 1, ctx);
    return { args: [u!, t], type: t.type, nullable: true };
  },
  row([u, t]) {
    const m = unitMicros('time_trunc', u);
    return BigInt(Math.floor(num(t) / m) * m);
  },
});

register({
  name: 'time_diff',
  arity: [3, 3],
  resolve(args, ctx) {
    const [u] = coerceArgs('time_diff', [args[0]!], ['string'], ctx);
    return { args: [u!, timeArg('time_diff', args, 1, ctx), timeArg('time_diff', args, 2, ctx)], type: T.long, nullable: true };
  },
  row([u, a, b]) {
    return BigInt(Math.trunc((num(b) - num(a)) / unitMicros('time_diff', u)));
  },
});

/** to_time / try_to_time: `HH:mm[:ss[.f]]`, or a datetime pattern. */
function toTime(s: string, fmt: string | undefined): number | null {
  if (fmt === undefined) return parseTime(s);
  const local = parseWithPattern(s, fmt);
  if (local === null) return null;
  const tod = ((local % MICROS_PER_DAY_TIME) + MICROS_PER_DAY_TIME) % MICROS_PER_DAY_TIME;
  return tod;
}

for (const [name, isTry] of [
  ['to_time', false],
  ['try_to_time', true],
] as const) {
  register({
    name,
    arity: [1, 2],
    resolve(args, ctx) {
      const coerced = coerceArgs(name, args, ['string', 'string'], ctx);
      // try_to_time is Spark's TryEval over to_time, which shows in the column name.
      const sql = isTry ? `try_to_time(${callSql('to_time', args)})` : undefined;
      return { args: coerced, type: TIME6, nullable: true, sql };
    },
    row([s, f]) {
      const r = toTime(s as string, f as string | undefined);
      if (r === null && !isTry) throw cannotParseTime(s as string, f as string | undefined);
      return r === null ? null : BigInt(r);
    },
  });
}

// current_time([p]): the query's fixed clock, as a TIME(p) of the session zone's wall clock.
register({
  name: 'current_time',
  arity: [0, 1],
  resolve(args, ctx) {
    const p = args[0];
    const precision = p === undefined ? 6 : isFoldable(p) && isIntegral(p.type) ? Number(constantValue(p, ctx)) : Number.NaN;
    if (!(precision >= 0 && precision <= 6)) throw unexpectedInputType(callSql('current_time', args), 0, '"INT" literal in [0, 6]', p!);
    return { args: [], type: T.time(precision), nullable: false, sql: `current_time(${p?.sql ?? '6'})` };
  },
  row(_vals, ctx, node) {
    const local = utcToLocal(ctx.nowMicros, ctx.timeZone);
    const tod = ((local % MICROS_PER_DAY_TIME) + MICROS_PER_DAY_TIME) % MICROS_PER_DAY_TIME;
    return BigInt(truncateTimeToPrecision(tod, (node.type as { precision: number }).precision));
  },
});
