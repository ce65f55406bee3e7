/**
 * The engine's in-memory column (`Vec`) and batch (`Batch`).
 *
 * Numeric representation (the choice, and why):
 * - byte/short/int/date/year-month interval: `Int32Array` (all fit; wrapping is applied per type).
 * - float/double: `Float64Array` (float results are rounded with Math.fround).
 * - long/timestamp/timestamp_ntz/day-time interval (64-bit): a *compact* `Float64Array` while every value
 *   is a safe integer (|v| ≤ 2^53 — ids, counts, timestamps: the common case, plain float arithmetic),
 *   or a *wide* `BigInt64Array` as soon as one value is not. Kernels check which one they got and
 *   re-run in bigint when a compact result would leave the safe range, so int64 stays exact.
 * - decimal(p,s): the unscaled integer, compact `Float64Array` while |unscaled| ≤ 2^53, else a wide
 *   `bigint[]` (up to 38 digits). The scale lives in the type, so printing keeps it ("1.50").
 * - strings: `string[]`; binary: `Uint8Array[]`; nested and calendar intervals: row values (`unknown[]`).
 * Row values handed to scalar functions (`getValue`): long-like and decimal as `bigint`, other numbers
 * as `number`, boolean as `boolean`, array as JS array, map as {keys, values}, struct as field array.
 */
import type { DataType } from '../plan/data-type.js';

export type VecData = Int32Array | Float64Array | BigInt64Array | Uint8Array | unknown[];

export interface Vec {
  readonly type: DataType;
  readonly length: number;
  readonly data: VecData;
  /** 1 = value present; `null` means no nulls at all. */
  readonly valid: Uint8Array | null;
  /**
   * For strings read from a Parquet dictionary: `data[i] === dict.values[dict.codes[i]]` for every
   * present row. Kernels may work per dictionary entry instead of per row (see `usefulDict`).
   */
  readonly dict?: StringDict;
}

export interface StringDict {
  readonly values: readonly string[];
  readonly codes: Int32Array;
}

/**
 * The dictionary of a string vector when working per entry pays: at most half as many entries as rows.
 * Profile lesson (q19, q10 at SF1): `l_shipinstruct = 'DELIVER IN PERSON'` and `l_returnflag = 'R'`
 * compared 6M strings that come from four or three distinct values.
 */
export function usefulDict(v: Vec): StringDict | undefined {
  const d = v.dict;
  return d !== undefined && d.values.length * 2 <= v.length ? d : undefined;
}

/** out[i] = perEntry[codes[i]] for present rows (0 for NULL ones). */
export function byDictCode(d: StringDict, perEntry: Uint8Array, valid: Uint8Array | null, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const codes = d.codes;
  if (valid === null) for (let i = 0; i < n; i++) out[i] = perEntry[codes[i]!]!;
  else for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? perEntry[codes[i]!]! : 0;
  return out;
}

export interface Batch {
  readonly cols: Vec[];
  readonly length: number;
}

export const SAFE = Number.MAX_SAFE_INTEGER;

export type Storage = 'i32' | 'f64' | 'i64' | 'dec' | 'bool' | 'obj' | 'null';

export function storageOf(t: DataType): Storage {
  switch (t.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'date':
    case 'year_month_interval':
      return 'i32';
    case 'float':
    case 'double':
      return 'f64';
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'day_time_interval':
    case 'time':
      return 'i64';
    case 'decimal':
      return 'dec';
    case 'boolean':
      return 'bool';
    case 'null':
      return 'null';
    default:
      return 'obj';
  }
}

export const isNull = (v: Vec, i: number): boolean => v.valid !== null && v.valid[i] === 0;

/** The row value at i (see the representation note above), or null. */
export function getValue(v: Vec, i: number): unknown {
  if (v.valid !== null && v.valid[i] === 0) return null;
  const d = v.data;
  switch (storageOf(v.type)) {
    case 'i32':
    case 'f64':
      return (d as Int32Array | Float64Array)[i];
    case 'bool':
      return (d as Uint8Array)[i] === 1;
    case 'i64':
    case 'dec': {
      const x = (d as ArrayLike<number | bigint>)[i]!;
      return typeof x === 'bigint' ? x : BigInt(x);
    }
    case 'null':
      return null;
    default:
      return (d as unknown[])[i] ?? null;
  }
}

/** A number view of a numeric value (lossy for wide values; for double arithmetic and comparisons of doubles). */
export function getNumber(v: Vec, i: number): number {
  const x = (v.data as ArrayLike<number | bigint>)[i]!;
  return typeof x === 'bigint' ? Number(x) : (x as number);
}

export function allValid(length: number): null {
  void length;
  return null;
}

export function nullVec(type: DataType, length: number): Vec {
  const s = storageOf(type);
  const data: VecData =
    s === 'i32' ? new Int32Array(length) : s === 'f64' || s === 'i64' || s === 'dec' ? new Float64Array(length) : s === 'bool' ? new Uint8Array(length) : new Array(length).fill(null);
  return { type, length, data, valid: new Uint8Array(length) };
}

/** Builds a Vec from row values (the slow, general path: literals, scalar functions, nested types). */
export function vecFromValues(type: DataType, values: ArrayLike<unknown>): Vec {
  const n = values.length;
  let valid: Uint8Array | null = null;
  const markNull = (i: number): void => {
    if (valid === null) valid = new Uint8Array(n).fill(1);
    valid[i] = 0;
  };
  const s = storageOf(type);
  switch (s) {
    case 'i32': {
      const d = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const x = values[i];
        if (x === null || x === undefined) markNull(i);
        else d[i] = Number(x);
      }
      return { type, length: n, data: d, valid };
    }
    case 'f64': {
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const x = values[i];
        if (x === null || x === undefined) markNull(i);
        else d[i] = type.type === 'float' ? Math.fround(Number(x)) : Number(x);
      }
      return { type, length: n, data: d, valid };
    }
    case 'bool': {
      const d = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const x = values[i];
        if (x === null || x === undefined) markNull(i);
        else d[i] = x ? 1 : 0;
      }
      return { type, length: n, data: d, valid };
    }
    case 'i64':
    case 'dec': {
      let compact = true;
      for (let i = 0; i < n; i++) {
        const x = values[i];
        if (x === null || x === undefined) continue;
        if (typeof x === 'bigint' ? x > 9007199254740991n || x < -9007199254740991n : !Number.isSafeInteger(x)) {
          compact = false;
          break;
        }
      }
      if (compact) {
        const d = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const x = values[i];
          if (x === null || x === undefined) markNull(i);
          else d[i] = Number(x);
        }
        return { type, length: n, data: d, valid };
      }
      if (s === 'i64') {
        const d = new BigInt64Array(n);
        for (let i = 0; i < n; i++) {
          const x = values[i];
          if (x === null || x === undefined) markNull(i);
          else d[i] = BigInt.asIntN(64, typeof x === 'bigint' ? x : BigInt(x as number));
        }
        return { type, length: n, data: d, valid };
      }
      const d: bigint[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const x = values[i];
        if (x === null || x === undefined) {
          markNull(i);
          d[i] = 0n;
        } else d[i] = typeof x === 'bigint' ? x : BigInt(x as number);
      }
      return { type, length: n, data: d, valid };
    }
    case 'null':
      return nullVec(type, n);
    default: {
      const d: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const x = values[i];
        if (x === null || x === undefined) {
          markNull(i);
          d[i] = null;
        } else d[i] = x;
      }
      return { type, length: n, data: d, valid };
    }
  }
}

/** A vector repeating one value. */
export function constVec(type: DataType, value: unknown, length: number): Vec {
  if (value === null || value === undefined) return nullVec(type, length);
  const s = storageOf(type);
  if (s === 'i32') return { type, length, data: new Int32Array(length).fill(Number(value)), valid: null };
  if (s === 'f64') return { type, length, data: new Float64Array(length).fill(Number(value)), valid: null };
  if (s === 'bool') return { type, length, data: new Uint8Array(length).fill(value ? 1 : 0), valid: null };
  if (s === 'i64' || s === 'dec') {
    const b = typeof value === 'bigint' ? value : BigInt(value as number);
    if (b <= 9007199254740991n && b >= -9007199254740991n)
      return { type, length, data: new Float64Array(length).fill(Number(b)), valid: null };
    if (s === 'i64') return { type, length, data: new BigInt64Array(length).fill(b), valid: null };
    return { type, length, data: new Array(length).fill(b), valid: null };
  }
  return { type, length, data: new Array(length).fill(value), valid: null };
}

/** Rows at the given indices (gather). */
export function takeVec(v: Vec, idx: ArrayLike<number>): Vec {
  const n = idx.length;
  const src = v.data;
  let data: VecData;
  if (src instanceof Int32Array) {
    const d = new Int32Array(n);
    for (let i = 0; i < n; i++) d[i] = src[idx[i]!]!;
    data = d;
  } else if (src instanceof Float64Array) {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = src[idx[i]!]!;
    data = d;
  } else if (src instanceof BigInt64Array) {
    const d = new BigInt64Array(n);
    for (let i = 0; i < n; i++) d[i] = src[idx[i]!]!;
    data = d;
  } else if (src instanceof Uint8Array) {
    const d = new Uint8Array(n);
    for (let i = 0; i < n; i++) d[i] = src[idx[i]!]!;
    data = d;
  } else {
    const d: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) d[i] = src[idx[i]!];
    data = d;
  }
  let valid: Uint8Array | null = null;
  if (v.valid !== null) {
    const vv = v.valid;
    valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = vv[idx[i]!]!;
  }
  if (v.dict !== undefined) {
    const from = v.dict.codes;
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = from[idx[i]!]!;
    return { type: v.type, length: n, data, valid, dict: { values: v.dict.values, codes } };
  }
  return { type: v.type, length: n, data, valid };
}

/** Gather where index -1 means NULL (outer join padding). */
export function takeVecNullable(v: Vec, idx: Int32Array): Vec {
  if (v.length === 0) return nullVec(v.type, idx.length);
  let anyNull = false;
  for (let i = 0; i < idx.length; i++)
    if (idx[i]! < 0) {
      anyNull = true;
      break;
    }
  // Inner-join output (no -1) takes directly: the copy below was a tenth of q09.
  if (!anyNull) return takeVec(v, idx);
  const safe = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) safe[i] = Math.max(0, idx[i]!);
  const out = takeVec(v, safe);
  const valid = out.valid ?? new Uint8Array(idx.length).fill(1);
  for (let i = 0; i < idx.length; i++) if (idx[i]! < 0) valid[i] = 0;
  return { ...out, valid };
}

export function sliceVec(v: Vec, start: number, end: number): Vec {
  const d = v.data;
  const data = Array.isArray(d) ? d.slice(start, end) : (d as Int32Array).subarray(start, end);
  const valid = v.valid ? v.valid.subarray(start, end) : null;
  if (v.dict !== undefined) return { type: v.type, length: end - start, data: data as VecData, valid, dict: { values: v.dict.values, codes: v.dict.codes.subarray(start, end) } };
  return { type: v.type, length: end - start, data: data as VecData, valid };
}

export function sliceBatch(b: Batch, start: number, end: number): Batch {
  const e = Math.min(end, b.length);
  return { cols: b.cols.map((c) => sliceVec(c, start, e)), length: Math.max(0, e - start) };
}

export function takeBatch(b: Batch, idx: ArrayLike<number>): Batch {
  return { cols: b.cols.map((c) => takeVec(c, idx)), length: idx.length };
}

/**
 * The rows of an ascending selection that keeps most of the batch: runs of consecutive rows are
 * copied as blocks (typed arrays' `set`) instead of row by row.
 * Profile lesson (q01 at SF1): its filter keeps 98% of lineitem, and the per-row gather of every
 * column was the largest single cost after decoding.
 */
export function selectBatch(b: Batch, sel: Int32Array): Batch {
  const n = sel.length;
  // Short runs gain nothing from block copies: give up as soon as there are too many.
  const maxRuns = n / 16;
  let count = 0;
  for (let i = 1; i < n && count <= maxRuns; i++) if (sel[i] !== sel[i - 1]! + 1) count++;
  if (count > maxRuns) return takeBatch(b, sel);
  const runs = new Int32Array((count + 1) * 3);
  let r = 0;
  for (let i = 0; i < n; ) {
    const start = sel[i]!;
    let j = i + 1;
    while (j < n && sel[j] === start + (j - i)) j++;
    runs[r++] = i;
    runs[r++] = start;
    runs[r++] = j - i;
    i = j;
  }
  const copy = <A extends Int32Array | Float64Array | BigInt64Array | Uint8Array>(src: A, dst: A): A => {
    for (let k = 0; k < r; k += 3) dst.set(src.subarray(runs[k + 1]!, runs[k + 1]! + runs[k + 2]!) as never, runs[k]!);
    return dst;
  };
  const cols = b.cols.map((v): Vec => {
    const src = v.data;
    let data: VecData;
    if (src instanceof Int32Array) data = copy(src, new Int32Array(n));
    else if (src instanceof Float64Array) data = copy(src, new Float64Array(n));
    else if (src instanceof BigInt64Array) data = copy(src, new BigInt64Array(n));
    else if (src instanceof Uint8Array) data = copy(src, new Uint8Array(n));
    else {
      const d: unknown[] = new Array(n);
      for (let k = 0; k < r; k += 3) {
        const at = runs[k]!;
        const from = runs[k + 1]!;
        const len = runs[k + 2]!;
        for (let m = 0; m < len; m++) d[at + m] = src[from + m];
      }
      data = d;
    }
    const valid = v.valid === null ? null : copy(v.valid, new Uint8Array(n));
    if (v.dict !== undefined) return { type: v.type, length: n, data, valid, dict: { values: v.dict.values, codes: copy(v.dict.codes, new Int32Array(n)) } };
    return { type: v.type, length: n, data, valid };
  });
  return { cols, length: n };
}

/** Concatenates vectors of one type (widening compact int64/decimal storage to wide when mixed). */
export function concatVecs(type: DataType, vs: Vec[]): Vec {
  if (vs.length === 1) return { ...vs[0]!, type };
  const n = vs.reduce((a, v) => a + v.length, 0);
  const anyNull = vs.some((v) => v.valid !== null);
  let valid: Uint8Array | null = null;
  if (anyNull) {
    valid = new Uint8Array(n);
    let o = 0;
    for (const v of vs) {
      if (v.valid) valid.set(v.valid, o);
      else valid.fill(1, o, o + v.length);
      o += v.length;
    }
  }
  const s = storageOf(type);
  const allCompact = vs.every((v) => v.data instanceof Float64Array);
  if (s === 'i32' || s === 'f64' || s === 'bool' || ((s === 'i64' || s === 'dec') && allCompact)) {
    const d = s === 'i32' ? new Int32Array(n) : s === 'bool' ? new Uint8Array(n) : new Float64Array(n);
    let o = 0;
    for (const v of vs) {
      d.set(v.data as never, o);
      o += v.length;
    }
    return { type, length: n, data: d, valid };
  }
  if (s === 'i64') {
    const d = new BigInt64Array(n);
    let o = 0;
    for (const v of vs) {
      const src = v.data;
      if (src instanceof BigInt64Array) d.set(src, o);
      else for (let i = 0; i < v.length; i++) d[o + i] = BigInt((src as Float64Array)[i]!);
      o += v.length;
    }
    return { type, length: n, data: d, valid };
  }
  if (s === 'null') return nullVec(type, n);
  const d: unknown[] = new Array(n);
  let o = 0;
  for (const v of vs) {
    const src = v.data as ArrayLike<unknown>;
    if (s === 'dec') for (let i = 0; i < v.length; i++) d[o + i] = typeof src[i] === 'bigint' ? src[i] : BigInt(src[i] as number);
    else for (let i = 0; i < v.length; i++) d[o + i] = src[i];
    o += v.length;
  }
  return { type, length: n, data: d, valid };
}

export function concatBatches(types: DataType[], bs: Batch[]): Batch {
  if (bs.length === 1) return bs[0]!;
  const length = bs.reduce((a, b) => a + b.length, 0);
  return { cols: types.map((t, c) => concatVecs(t, bs.map((b) => b.cols[c]!))), length };
}

/** Converts a 64-bit/decimal vector to wide storage (for kernels that must work in bigint). */
export function toBigInts(v: Vec): ArrayLike<bigint> {
  const d = v.data;
  if (d instanceof BigInt64Array) return d;
  if (d instanceof Float64Array || d instanceof Int32Array) {
    const out = new Array<bigint>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = BigInt(d[i]!);
    return out;
  }
  return d as bigint[];
}

export function withValid(v: Vec, valid: Uint8Array | null): Vec {
  return { ...v, valid };
}

/** AND of two validity masks. */
export function andValid(a: Uint8Array | null, b: Uint8Array | null, n: number): Uint8Array | null {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! & b[i]!;
  return out;
}

export function nullCount(v: Vec): number {
  if (v.valid === null) return 0;
  let c = 0;
  for (let i = 0; i < v.length; i++) if (v.valid[i] === 0) c++;
  return c;
}
