/**
 * Interval constructors: make_ym_interval, make_dt_interval, make_interval and try_make_interval.
 * Omitted trailing arguments default to 0 (seconds to 0.000000) and show in the column name, as in Spark.
 */
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T } from '../../plan/type-utils.js';
import { arithmeticOverflow } from '../errors.js';
import { coerceArgs } from './helpers.js';
import { type ResolveContext, register } from './registry.js';

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

const fitsInt = (x: number): boolean => x >= INT_MIN && x <= INT_MAX;
const fitsLong = (x: bigint): boolean => x >= LONG_MIN && x <= LONG_MAX;

/** Column name with the defaults of omitted arguments spelled out. */
function nameWithDefaults(name: string, args: RExpr[], defaults: string[]): string {
  const parts = defaults.map((d, i) => args[i]?.sql ?? d);
  return `${name}(${parts.join(', ')})`;
}

function defIntervalMaker(
  name: string,
  specs: DataType[],
  defaults: string[],
  ret: DataType,
  nullOnOverflow: 'always' | 'ansi-off',
  build: (vals: unknown[]) => unknown | null,
  overflow: string,
): void {
  register({
    name,
    arity: [name === 'make_ym_interval' || name === 'make_dt_interval' ? 0 : 1, specs.length],
    resolve(args, ctx: ResolveContext) {
      const coerced = coerceArgs(name, args, specs.slice(0, args.length), ctx);
      const nullable = nullOnOverflow === 'always' || !ctx.ansi || coerced.some((a) => a.nullable);
      return { args: coerced, type: ret, nullable, sql: nameWithDefaults(name, args, defaults) };
    },
    row(vals, ctx) {
      const r = build(vals);
      if (r !== null) return r;
      if (nullOnOverflow === 'always' || !ctx.ansi) return null;
      throw arithmeticOverflow(overflow, `try_${name}`);
    },
  });
}

const YM: DataType = { type: 'year_month_interval', startField: 0, endField: 1 };
const DT: DataType = { type: 'day_time_interval', startField: 0, endField: 3 };
const SECS = T.decimal(18, 6);

defIntervalMaker('make_ym_interval', [T.int, T.int], ['0', '0'], YM, 'ansi-off', ([y = 0, m = 0]) => {
  const months = (y as number) * 12 + (m as number);
  return fitsInt(months) ? months : null;
}, 'integer overflow');

defIntervalMaker('make_dt_interval', [T.int, T.int, T.int, SECS], ['0', '0', '0', '0.000000'], DT, 'ansi-off', ([d = 0, h = 0, mi = 0, s = 0n]) => {
  const us = (BigInt(d as number) * 24n * 60n + BigInt(h as number) * 60n + BigInt(mi as number)) * 60_000_000n + (s as bigint);
  return fitsLong(us) ? us : null;
}, 'long overflow');

const calendarMaker = ([y = 0, mo = 0, w = 0, d = 0, h = 0, mi = 0, s = 0n]: unknown[]) => {
  const months = (y as number) * 12 + (mo as number);
  const days = (w as number) * 7 + (d as number);
  const micros = BigInt(h as number) * 3_600_000_000n + BigInt(mi as number) * 60_000_000n + (s as bigint);
  if (!fitsInt(months) || !fitsInt(days) || !fitsLong(micros)) return null;
  return { months, days, micros };
};
const CAL_SPECS = [T.int, T.int, T.int, T.int, T.int, T.int, SECS];
const CAL_DEFAULTS = ['0', '0', '0', '0', '0', '0', '0.000000'];
defIntervalMaker('make_interval', CAL_SPECS, CAL_DEFAULTS, T.calendarInterval, 'ansi-off', calendarMaker, 'integer overflow');
defIntervalMaker('try_make_interval', CAL_SPECS, CAL_DEFAULTS, T.calendarInterval, 'always', calendarMaker, 'integer overflow');
