/**
 * ANSI interval × number, interval ÷ number and interval div interval (Spark's MultiplyYMInterval,
 * DivideDTInterval, IntegralDivide over intervals...). Year-month intervals are int months, day-time
 * intervals bigint µs; results round HALF_UP like Spark's interval division.
 */
import type { DataType } from '../../plan/data-type.js';
import { T, isNumeric } from '../../plan/type-utils.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { type Vec, getValue, vecFromValues } from '../../arrow/vec.js';
import { arithmeticOverflow, divideByZero } from '../errors.js';
import { unscaledToDouble } from '../decimal.js';
import type { Resolved } from './registry.js';

const widest = (t: DataType): DataType =>
  t.type === 'year_month_interval' ? { type: 'year_month_interval', startField: 0, endField: 1 } : { type: 'day_time_interval', startField: 0, endField: 3 };

const isIv = (t: DataType): boolean => t.type === 'year_month_interval' || t.type === 'day_time_interval';

/** Resolution of `op` over an interval operand, or undefined when it is not an interval form. */
export function intervalArith(op: string, l: RExpr, r: RExpr, sql: string): Resolved | undefined {
  if (op === 'div' && isIv(l.type) && l.type.type === r.type.type) return { args: [l, r], type: T.long, nullable: true, opts: { iv: 'div' }, sql };
  // The result is the widest interval of its kind (YEAR TO MONTH / DAY TO SECOND), as in Spark.
  if (op === '*' && isNumeric(l.type) && isIv(r.type)) return { args: [r, l], type: widest(r.type), nullable: true, opts: { iv: 'mul' }, sql };
  if ((op === '*' || op === '/') && isIv(l.type) && isNumeric(r.type))
    return { args: [l, r], type: widest(l.type), nullable: true, opts: { iv: op === '*' ? 'mul' : 'quot' }, sql };
  return undefined;
}

const asNumber = (t: DataType, v: unknown): number => (t.type === 'decimal' ? unscaledToDouble(v as bigint, t.scale) : Number(v));
const roundHalfUp = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));
const roundHalfEven = (x: number): number => {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
};

export function intervalKernel(kind: string, a: Vec, b: Vec, type: DataType, isTry: boolean): Vec {
  const n = a.length;
  const out: unknown[] = new Array(n);
  const ym = a.type.type === 'year_month_interval';
  for (let i = 0; i < n; i++) {
    const x = getValue(a, i);
    const y = getValue(b, i);
    if (x === null || y === null) {
      out[i] = null;
      continue;
    }
    const iv = Number(x);
    const k = kind === 'div' ? Number(y) : asNumber(b.type, y);
    if ((kind === 'quot' || kind === 'div') && k === 0) {
      if (isTry) {
        out[i] = null;
        continue;
      }
      throw divideByZero();
    }
    let r: number;
    if (kind === 'div') r = Math.trunc(iv / k);
    else if (kind === 'mul' && (b.type.type === 'double' || b.type.type === 'float')) r = roundHalfEven(iv * k);
    else r = roundHalfUp(kind === 'mul' ? iv * k : iv / k);
    const limit = ym ? 2147483647 : 9.223372036854776e18;
    if (!Number.isFinite(r) || Math.abs(r) > limit) {
      if (isTry) {
        out[i] = null;
        continue;
      }
      throw arithmeticOverflow(ym ? 'integer overflow' : 'long overflow', kind === 'mul' ? 'try_multiply' : 'try_divide');
    }
    out[i] = kind === 'div' || !ym ? BigInt(r) : r;
  }
  return vecFromValues(type, out);
}
