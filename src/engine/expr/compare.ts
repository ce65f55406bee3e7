/**
 * Comparisons with Spark's semantics: NaN equals NaN and sorts above every other double; strings compare
 * by code point; nested values compare element-wise.
 */
import type { DataType } from '../plan/data-type.js';
import { type Vec, andValid, byDictCode, getValue, storageOf, usefulDict } from '../arrow/vec.js';

export type CmpOp = '=' | '<' | '<=' | '>' | '>=' | '!=' | '<=>';

function cmpNum(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  const xn = Number.isNaN(x);
  const yn = Number.isNaN(y);
  return xn && yn ? 0 : xn ? 1 : -1;
}

function cmpStr(x: string, y: string): number {
  if (x === y) return 0;
  // UTF-16 order equals code point order except for surrogates; compare code points for exactness.
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x.charCodeAt(i);
    const b = y.charCodeAt(i);
    if (a !== b) {
      if (a >= 0xd800 && a <= 0xdfff && !(b >= 0xd800 && b <= 0xdfff) && b >= 0xe000) return 1;
      if (b >= 0xd800 && b <= 0xdfff && !(a >= 0xd800 && a <= 0xdfff) && a >= 0xe000) return -1;
      return a - b;
    }
  }
  return x.length - y.length;
}

/** Total order of two non-null row values of type t. */
export function compareValues(t: DataType, x: unknown, y: unknown): number {
  switch (t.type) {
    case 'float':
    case 'double':
      return cmpNum(x as number, y as number);
    case 'string':
      return cmpStr(x as string, y as string);
    case 'boolean':
      return (x ? 1 : 0) - (y ? 1 : 0);
    case 'binary': {
      const a = x as Uint8Array;
      const b = y as Uint8Array;
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return a.length - b.length;
    }
    case 'array': {
      const a = x as unknown[];
      const b = y as unknown[];
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) {
        const p = a[i];
        const q = b[i];
        if (p === null || q === null) {
          if (p !== q) return p === null ? -1 : 1;
          continue;
        }
        const c = compareValues(t.elementType, p, q);
        if (c !== 0) return c;
      }
      return a.length - b.length;
    }
    case 'struct': {
      const a = x as unknown[];
      const b = y as unknown[];
      for (let i = 0; i < t.fields.length; i++) {
        const p = a[i];
        const q = b[i];
        if (p === null || q === null) {
          if (p !== q) return p === null ? -1 : 1;
          continue;
        }
        const c = compareValues(t.fields[i]!.dataType, p, q);
        if (c !== 0) return c;
      }
      return 0;
    }
    case 'map': {
      const a = x as { keys: unknown[]; values: unknown[] };
      const b = y as { keys: unknown[]; values: unknown[] };
      return compareValues({ type: 'array', elementType: t.keyType, containsNull: false }, a.keys, b.keys) ||
        compareValues({ type: 'array', elementType: t.valueType, containsNull: true }, a.values, b.values);
    }
    case 'calendar_interval': {
      const a = x as { months: number; days: number; micros: bigint };
      const b = y as { months: number; days: number; micros: bigint };
      return a.months - b.months || a.days - b.days || (a.micros < b.micros ? -1 : a.micros > b.micros ? 1 : 0);
    }
    default: {
      if (typeof x === 'bigint' || typeof y === 'bigint') {
        const a = BigInt(x as bigint);
        const b = BigInt(y as bigint);
        return a < b ? -1 : a > b ? 1 : 0;
      }
      return cmpNum(x as number, y as number);
    }
  }
}

export function valuesEqual(t: DataType, x: unknown, y: unknown): boolean {
  return compareValues(t, x, y) === 0;
}

function test(op: CmpOp, c: number): boolean {
  switch (op) {
    case '=':
    case '<=>':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** Vectorized comparison; both inputs already coerced to one type. */
export function compareVecs(op: CmpOp, a: Vec, b: Vec): Vec {
  const n = a.length;
  const out = new Uint8Array(n);
  const t = a.type;
  const s = storageOf(t);
  const nullSafe = op === '<=>';
  const fastNum =
    (s === 'i32' || (s === 'f64' && t.type !== 'long') || ((s === 'i64' || s === 'dec') && a.data instanceof Float64Array && b.data instanceof Float64Array)) &&
    !(t.type === 'decimal' && b.type.type === 'decimal' && t.scale !== b.type.scale);
  if (fastNum) {
    const x = a.data as Float64Array | Int32Array;
    const y = b.data as Float64Array | Int32Array;
    const nanAware = t.type === 'double' || t.type === 'float';
    switch (nanAware ? 'generic' : op) {
      case '=':
      case '<=>':
        for (let i = 0; i < n; i++) out[i] = x[i] === y[i] ? 1 : 0;
        break;
      case '!=':
        for (let i = 0; i < n; i++) out[i] = x[i] !== y[i] ? 1 : 0;
        break;
      case '<':
        for (let i = 0; i < n; i++) out[i] = x[i]! < y[i]! ? 1 : 0;
        break;
      case '<=':
        for (let i = 0; i < n; i++) out[i] = x[i]! <= y[i]! ? 1 : 0;
        break;
      case '>':
        for (let i = 0; i < n; i++) out[i] = x[i]! > y[i]! ? 1 : 0;
        break;
      case '>=':
        for (let i = 0; i < n; i++) out[i] = x[i]! >= y[i]! ? 1 : 0;
        break;
      default:
        for (let i = 0; i < n; i++) out[i] = test(op, cmpNum(x[i]!, y[i]!)) ? 1 : 0;
    }
  } else if (s === 'obj' && t.type === 'string') {
    const x = a.data as string[];
    const y = b.data as string[];
    for (let i = 0; i < n; i++) {
      const p = x[i];
      const q = y[i];
      if (p === null || q === null || p === undefined || q === undefined) continue;
      out[i] = test(op, op === '=' || op === '!=' || op === '<=>' ? (p === q ? 0 : 1) : cmpStr(p, q)) ? 1 : 0;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const p = getValue(a, i);
      const q = getValue(b, i);
      if (p === null || q === null) continue;
      out[i] = test(op, compareValues(t, p, q)) ? 1 : 0;
    }
  }
  if (nullSafe) {
    if (a.valid !== null || b.valid !== null) {
      for (let i = 0; i < n; i++) {
        const an = a.valid !== null && a.valid[i] === 0;
        const bn = b.valid !== null && b.valid[i] === 0;
        if (an || bn) out[i] = an && bn ? 1 : 0;
      }
    }
    return { type: { type: 'boolean' }, length: n, data: out, valid: null };
  }
  return { type: { type: 'boolean' }, length: n, data: out, valid: andValid(a.valid, b.valid, n) };
}

/** Numeric comparison of a column with one value; written per op so each loop stays monomorphic. */
function cmpLoop(op: CmpOp, x: Int32Array | Float64Array, y: number, out: Uint8Array, n: number): void {
  switch (op) {
    case '=':
      for (let i = 0; i < n; i++) out[i] = x[i] === y ? 1 : 0;
      break;
    case '!=':
      for (let i = 0; i < n; i++) out[i] = x[i] !== y ? 1 : 0;
      break;
    case '<':
      for (let i = 0; i < n; i++) out[i] = x[i]! < y ? 1 : 0;
      break;
    case '<=':
      for (let i = 0; i < n; i++) out[i] = x[i]! <= y ? 1 : 0;
      break;
    case '>':
      for (let i = 0; i < n; i++) out[i] = x[i]! > y ? 1 : 0;
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = x[i]! >= y ? 1 : 0;
  }
}

/**
 * `column op literal` without materializing the literal as a column (profile lesson, TPC-H q06: the
 * filter's constant vectors and generic comparison loop were a fifth of the query). Returns undefined
 * when the general path must decide (NaN-aware doubles, wide storage, mixed decimal scales, NULL).
 */
export function compareVecScalar(op: CmpOp, a: Vec, value: unknown, valueType: DataType): Vec | undefined {
  if (op === '<=>' || value === null || value === undefined) return undefined;
  const t = a.type;
  const s = storageOf(t);
  const n = a.length;
  const out = new Uint8Array(n);
  if (s === 'i32' || ((s === 'i64' || s === 'dec') && a.data instanceof Float64Array)) {
    if (t.type === 'decimal' && (valueType.type !== 'decimal' || valueType.scale !== t.scale)) return undefined;
    const y = typeof value === 'bigint' ? Number(value) : value;
    if (typeof y !== 'number' || !Number.isSafeInteger(y)) return undefined;
    cmpLoop(op, a.data as Int32Array | Float64Array, y, out, n);
  } else if (t.type === 'string' && typeof value === 'string' && a.dict !== undefined && usefulDict(a) !== undefined) {
    const d = a.dict;
    const per = new Uint8Array(d.values.length);
    for (let j = 0; j < per.length; j++) per[j] = test(op, cmpStr(d.values[j]!, value)) ? 1 : 0;
    return { type: { type: 'boolean' }, length: n, data: byDictCode(d, per, a.valid, n), valid: a.valid };
  } else if (t.type === 'string' && typeof value === 'string') {
    const x = a.data as (string | null)[];
    if (op === '=') for (let i = 0; i < n; i++) out[i] = x[i] === value ? 1 : 0;
    else if (op === '!=') for (let i = 0; i < n; i++) out[i] = x[i] !== value && x[i] !== null ? 1 : 0;
    else
      for (let i = 0; i < n; i++) {
        const p = x[i];
        if (p !== null && p !== undefined) out[i] = test(op, cmpStr(p, value)) ? 1 : 0;
      }
  } else return undefined;
  return { type: { type: 'boolean' }, length: n, data: out, valid: a.valid };
}

const FLIPPED: Record<CmpOp, CmpOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=', '<=>': '<=>' };
export const flipCmp = (op: CmpOp): CmpOp => FLIPPED[op];
