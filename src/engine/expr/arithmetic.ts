/** Vectorized arithmetic kernels with Spark's overflow / division-by-zero semantics per ANSI mode. */
import type { DataType } from '../plan/data-type.js';
import { type Vec, andValid, storageOf, toBigInts, vecFromValues } from '../arrow/vec.js';
import { POW10, divHalfUp, fitsPrecision, formatDecimal, rescale } from './decimal.js';
import { arithmeticOverflow, decimalOutOfRange, divideByZero } from './errors.js';
import type { EvalContext } from './eval-context.js';

export type ArithOp = '+' | '-' | '*' | '/' | '%' | 'div' | 'pmod';

const TRY_NAME: Record<string, string> = { '+': 'try_add', '-': 'try_subtract', '*': 'try_multiply', '/': 'try_divide', '%': 'try_mod', div: 'try_divide', pmod: 'try_mod' };
const BITS: Record<string, number> = { byte: 8, short: 16, integer: 32 };
const INT_NAME: Record<string, string> = { byte: 'tinyint', short: 'smallint', integer: 'integer', long: 'long' };

function overflow(t: DataType, op: ArithOp): Error {
  return arithmeticOverflow(`${INT_NAME[t.type] ?? t.type} overflow`, TRY_NAME[op] ?? 'try_add');
}

/** `mode`: 'ansi' raises, 'legacy' wraps/NULLs, 'try' NULLs on overflow and division by zero. */
export function arith(op: ArithOp, a: Vec, b: Vec, t: DataType, ctx: EvalContext, mode: 'default' | 'try' = 'default'): Vec {
  const n = a.length;
  const ansi = mode === 'try' ? false : ctx.ansi;
  const tryMode = mode === 'try';
  const valid0 = andValid(a.valid, b.valid, n);
  let valid: Uint8Array | null = valid0;
  const setNull = (i: number): void => {
    if (valid === null || valid === valid0) valid = valid0 === null ? new Uint8Array(n).fill(1) : valid0.slice();
    valid[i] = 0;
  };
  const live = (i: number): boolean => valid0 === null || valid0[i] === 1;
  const isDiv = op === '/' || op === '%' || op === 'div' || op === 'pmod';
  const s = storageOf(t);
  if (t.type === 'decimal') return decimalArith(op, a, b, t, ctx, tryMode);
  if (s === 'f64' && t.type !== 'long') {
    const x = a.data as Float64Array;
    const y = b.data as Float64Array;
    const out = new Float64Array(n);
    const f32 = t.type === 'float';
    switch (op) {
      case '+':
        for (let i = 0; i < n; i++) out[i] = x[i]! + y[i]!;
        break;
      case '-':
        for (let i = 0; i < n; i++) out[i] = x[i]! - y[i]!;
        break;
      case '*':
        for (let i = 0; i < n; i++) out[i] = x[i]! * y[i]!;
        break;
      default:
        for (let i = 0; i < n; i++) {
          const d = y[i]!;
          if (d === 0) {
            if (!live(i)) continue;
            if (ansi) throw divideByZero();
            setNull(i);
            continue;
          }
          if (op === '/') out[i] = x[i]! / d;
          else if (op === '%') out[i] = x[i]! % d;
          else if (op === 'pmod') {
            const r = x[i]! % d;
            out[i] = r < 0 ? (r + d) % d : r;
          } else out[i] = Math.trunc(x[i]! / d);
        }
    }
    if (f32) for (let i = 0; i < n; i++) out[i] = Math.fround(out[i]!);
    return { type: t, length: n, data: out, valid };
  }
  if (s === 'i32') {
    const x = a.data as Int32Array;
    const y = b.data as Int32Array;
    const out = new Int32Array(n);
    const bits = BITS[t.type] ?? 32;
    const lo = -(2 ** (bits - 1));
    const hi = 2 ** (bits - 1) - 1;
    for (let i = 0; i < n; i++) {
      const p = x[i]!;
      const q = y[i]!;
      let r: number;
      switch (op) {
        case '+':
          r = p + q;
          break;
        case '-':
          r = p - q;
          break;
        case '*':
          r = p * q;
          break;
        default:
          if (q === 0) {
            if (!live(i)) continue;
            if (ansi) throw divideByZero();
            setNull(i);
            continue;
          }
          if (op === '%') r = p % q;
          else if (op === 'pmod') {
            const m = p % q;
            r = m < 0 ? (m + q) % q : m;
          } else r = Math.trunc(p / q);
      }
      if (r < lo || r > hi) {
        if (!live(i)) continue;
        if (ansi) throw overflow(t, op);
        if (tryMode) {
          setNull(i);
          continue;
        }
        r = op === '*' ? (bits === 32 ? Math.imul(p, q) : Number(BigInt.asIntN(bits, BigInt(p) * BigInt(q)))) : Number(BigInt.asIntN(bits, BigInt(r)));
      }
      out[i] = r;
    }
    return { type: t, length: n, data: out, valid };
  }
  // 64-bit integers: compact fast path, bigint when a value leaves the safe range.
  if (a.data instanceof Float64Array && b.data instanceof Float64Array) {
    const x = a.data;
    const y = b.data;
    const out = new Float64Array(n);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const p = x[i]!;
      const q = y[i]!;
      let r: number;
      switch (op) {
        case '+':
          r = p + q;
          break;
        case '-':
          r = p - q;
          break;
        case '*':
          r = p * q;
          break;
        default:
          if (q === 0) {
            if (!live(i)) continue;
            if (ansi) throw divideByZero();
            setNull(i);
            continue;
          }
          if (op === '%') r = p % q;
          else if (op === 'pmod') {
            const m = p % q;
            r = m < 0 ? (m + q) % q : m;
          } else r = Math.trunc(p / q);
          if (r === 0) r = 0; // no negative zero
      }
      if (!Number.isSafeInteger(r)) ok = false;
      else out[i] = r;
    }
    if (ok) return { type: t, length: n, data: out, valid };
    valid = valid0;
  }
  const x = toBigInts(a);
  const y = toBigInts(b);
  const out: (bigint | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (!live(i)) {
      out[i] = null;
      continue;
    }
    const p = x[i]!;
    const q = y[i]!;
    let r: bigint;
    if (isDiv && q === 0n) {
      if (ansi) throw divideByZero();
      out[i] = null;
      continue;
    }
    switch (op) {
      case '+':
        r = p + q;
        break;
      case '-':
        r = p - q;
        break;
      case '*':
        r = p * q;
        break;
      case '%':
        r = p % q;
        break;
      case 'pmod': {
        const m = p % q;
        r = m < 0n ? (m + q) % q : m;
        break;
      }
      default:
        r = p / q;
    }
    if (r !== BigInt.asIntN(64, r)) {
      if (ansi) throw overflow(t, op);
      if (tryMode) {
        out[i] = null;
        continue;
      }
      r = BigInt.asIntN(64, r);
    }
    out[i] = r;
  }
  void isDiv;
  return vecFromValues(t, out);
}

/** Exact float64 decimal arithmetic on unscaled values, or undefined when a result leaves the safe range. */
export function compactDecimalArith(op: '+' | '-' | '*' | string, x: Float64Array, y: Float64Array, sa: number, sb: number, st: number, n: number): Float64Array | undefined {
  const out = new Float64Array(n);
  if (op === '*') {
    for (let i = 0; i < n; i++) {
      const r = x[i]! * y[i]!;
      if (!Number.isSafeInteger(r)) return undefined;
      out[i] = r;
    }
    return out;
  }
  if (st < sa || st < sb) return undefined;
  const fa = 10 ** (st - sa);
  const fb = 10 ** (st - sb);
  const sub = op === '-';
  for (let i = 0; i < n; i++) {
    const p = x[i]! * fa;
    const q = y[i]! * fb;
    const r = sub ? p - q : p + q;
    if (!Number.isSafeInteger(p) || !Number.isSafeInteger(q) || !Number.isSafeInteger(r)) return undefined;
    out[i] = r;
  }
  return out;
}

function decimalArith(op: ArithOp, a: Vec, b: Vec, t: Extract<DataType, { type: 'decimal' }>, ctx: EvalContext, tryMode: boolean): Vec {
  const n = a.length;
  const ta = a.type as Extract<DataType, { type: 'decimal' }>;
  const tb = b.type as Extract<DataType, { type: 'decimal' }>;
  const va = andValid(a.valid, b.valid, n);
  const ansi = ctx.ansi && !tryMode;
  // Fast path: compact add/subtract at the same scale.
  if ((op === '+' || op === '-') && a.data instanceof Float64Array && b.data instanceof Float64Array && ta.scale === t.scale && tb.scale === t.scale) {
    const x = a.data;
    const y = b.data;
    const out = new Float64Array(n);
    let ok = true;
    for (let i = 0; i < n; i++) {
      const r = op === '+' ? x[i]! + y[i]! : x[i]! - y[i]!;
      if (!Number.isSafeInteger(r)) {
        ok = false;
        break;
      }
      out[i] = r;
    }
    if (ok && t.precision <= 15) return { type: t, length: n, data: out, valid: va };
  }
  // Fast path: compact operands whose exact result stays a safe integer (no rounding needed):
  // +/- after scaling up to a common scale, * when the result scale is the sum of the scales.
  if (a.data instanceof Float64Array && b.data instanceof Float64Array && (op === '+' || op === '-' || (op === '*' && t.scale === ta.scale + tb.scale))) {
    const fast = compactDecimalArith(op, a.data, b.data, ta.scale, tb.scale, t.scale, n);
    if (fast) return { type: t, length: n, data: fast, valid: va };
  }
  const x = toBigInts(a);
  const y = toBigInts(b);
  const out: (bigint | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (va !== null && va[i] === 0) {
      out[i] = null;
      continue;
    }
    const p = x[i]!;
    const q = y[i]!;
    let r: bigint;
    switch (op) {
      case '+':
      case '-': {
        const s = Math.max(ta.scale, tb.scale);
        const pp = rescale(p, ta.scale, s);
        const qq = rescale(q, tb.scale, s);
        r = rescale(op === '+' ? pp + qq : pp - qq, s, t.scale);
        break;
      }
      case '*':
        r = rescale(p * q, ta.scale + tb.scale, t.scale);
        break;
      case '/':
        if (q === 0n) {
          if (ansi) throw divideByZero();
          out[i] = null;
          continue;
        }
        // p/10^s1 ÷ q/10^s2 at scale t.scale = p·10^(t.scale − s1 + s2) / q.
        {
          const e = t.scale - ta.scale + tb.scale;
          r = e >= 0 ? divHalfUp(p * POW10[e]!, q) : divHalfUp(p, q * POW10[-e]!);
        }
        break;
      default: {
        if (q === 0n) {
          if (ansi) throw divideByZero();
          out[i] = null;
          continue;
        }
        const s = Math.max(ta.scale, tb.scale);
        const pp = rescale(p, ta.scale, s);
        const qq = rescale(q, tb.scale, s);
        if (op === 'div') {
          out[i] = pp / qq;
          continue;
        }
        let m = pp % qq;
        if (op === 'pmod' && m < 0n) m = (m + qq) % qq;
        r = rescale(m, s, t.scale);
      }
    }
    if (!fitsPrecision(r, t.precision)) {
      if (ansi) throw decimalOutOfRange(formatDecimal(r, t.scale), t.precision, t.scale);
      out[i] = null;
      continue;
    }
    out[i] = r;
  }
  if (op === 'div') return vecFromValues({ type: 'long' }, out);
  return vecFromValues(t, out);
}

export function negate(a: Vec, ctx: EvalContext): Vec {
  const n = a.length;
  const t = a.type;
  const s = storageOf(t);
  if (s === 'f64' && !(t.type === 'long' || t.type === 'decimal')) {
    const out = new Float64Array(n);
    const x = a.data as Float64Array;
    for (let i = 0; i < n; i++) out[i] = -x[i]!;
    return { ...a, data: out };
  }
  if (s === 'i32') {
    const out = new Int32Array(n);
    const x = a.data as Int32Array;
    const bits = BITS[t.type] ?? 32;
    const min = -(2 ** (bits - 1));
    for (let i = 0; i < n; i++) {
      if (x[i] === min && (a.valid === null || a.valid[i])) {
        if (ctx.ansi && t.type !== 'date' && t.type !== 'year_month_interval') throw overflow(t, '-');
        out[i] = min;
      } else out[i] = -x[i]!;
    }
    return { ...a, data: out };
  }
  if (a.data instanceof Float64Array) {
    const out = new Float64Array(n);
    const x = a.data;
    for (let i = 0; i < n; i++) out[i] = x[i] === 0 ? 0 : -x[i]!;
    return { ...a, data: out };
  }
  const x = toBigInts(a);
  const out: (bigint | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (a.valid !== null && !a.valid[i]) {
      out[i] = null;
      continue;
    }
    let r = -x[i]!;
    if (t.type !== 'decimal' && r !== BigInt.asIntN(64, r)) {
      if (ctx.ansi) throw overflow(t, '-');
      r = BigInt.asIntN(64, r);
    }
    out[i] = r;
  }
  return vecFromValues(t, out);
}
