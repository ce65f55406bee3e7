/** Arrow record batches (client local relations, Arrow IPC files) → engine batches. */
import * as A from 'apache-arrow';
import type { DataType, StructType } from '../plan/data-type.js';
import { fromArrowType } from './arrow-types.js';
import { type Batch, type Vec, vecFromValues } from './vec.js';

function validOf(data: A.Data): Uint8Array | null {
  if (data.nullCount === 0 || !data.nullBitmap) return data.typeId === A.Type.Null ? new Uint8Array(data.length) : null;
  const out = new Uint8Array(data.length);
  const bm = data.nullBitmap;
  const off = data.offset;
  for (let i = 0; i < data.length; i++) {
    const j = i + off;
    out[i] = (bm[j >> 3]! >> (j & 7)) & 1;
  }
  return out;
}

function decimalAt(words: Uint32Array, i: number, bitWidth: number): bigint {
  const k = bitWidth / 32;
  let x = 0n;
  for (let w = k - 1; w >= 0; w--) x = (x << 32n) | BigInt(words[i * k + w]!);
  return BigInt.asIntN(bitWidth, x);
}

/** Converts one Arrow value (as `Vector.get` returns it) to an engine row value of type t. */
export function arrowValueToRow(t: DataType, x: unknown): unknown {
  if (x === null || x === undefined) return null;
  switch (t.type) {
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'day_time_interval':
      return typeof x === 'bigint' ? x : BigInt(Math.trunc(Number(x)));
    case 'array': {
      const out: unknown[] = [];
      for (const e of x as Iterable<unknown>) out.push(arrowValueToRow(t.elementType, e));
      return out;
    }
    case 'map': {
      const keys: unknown[] = [];
      const values: unknown[] = [];
      for (const [k, v] of x as Iterable<[unknown, unknown]>) {
        keys.push(arrowValueToRow(t.keyType, k));
        values.push(arrowValueToRow(t.valueType, v));
      }
      return { keys, values };
    }
    case 'struct': {
      const r = x as Record<string, unknown>;
      return t.fields.map((f) => arrowValueToRow(f.dataType, r[f.name]));
    }
    case 'date':
      return typeof x === 'number' && Math.abs(x) > 1e7 ? Math.floor(x / 86400000) : Number(x);
    case 'binary':
      return x as Uint8Array;
    case 'string':
      return String(x);
    case 'boolean':
      return Boolean(x);
    default:
      return typeof x === 'bigint' ? Number(x) : x;
  }
}

/** Engine column from an Arrow vector, read as type `t` (which may differ from the Arrow type only in nullability). */
export function vectorToVec(vec: A.Vector, t: DataType): Vec {
  const parts: Vec[] = [];
  for (const data of vec.data) parts.push(dataToVec(data, t));
  if (parts.length === 1) return parts[0]!;
  const vals: unknown[] = [];
  for (let i = 0; i < vec.length; i++) vals.push(arrowValueToRow(t, vec.get(i)));
  return vecFromValues(t, vals);
}

function dataToVec(data: A.Data, t: DataType): Vec {
  const n = data.length;
  const valid = validOf(data);
  const at = data.type as A.DataType;
  const off = data.offset;
  switch (at.typeId) {
    case A.Type.Int:
      if ((at as A.Int).bitWidth === 64) {
        const vals = (data.values as BigInt64Array).subarray(off, off + n);
        return { ...vecFromValues(t, vals as unknown as ArrayLike<bigint>), valid };
      }
      if (t.type === 'long') return { ...vecFromValues(t, Array.from(data.values.subarray(off, off + n) as Int32Array)), valid };
      return { type: t, length: n, data: Int32Array.from(data.values.subarray(off, off + n) as Int32Array), valid };
    case A.Type.Float:
      if ((at as A.Float).precision === A.Precision.HALF) break;
      return { type: t, length: n, data: Float64Array.from(data.values.subarray(off, off + n) as Float64Array), valid };
    case A.Type.Date:
      if ((at as A.Date_).unit === A.DateUnit.DAY)
        return { type: t, length: n, data: Int32Array.from(data.values.subarray(off, off + n) as Int32Array), valid };
      break;
    case A.Type.Timestamp: {
      const unit = (at as A.Timestamp).unit;
      const src = (data.values as BigInt64Array).subarray(off, off + n);
      const mul = unit === A.TimeUnit.SECOND ? 1000000n : unit === A.TimeUnit.MILLISECOND ? 1000n : 1n;
      const vals: bigint[] = new Array(n);
      for (let i = 0; i < n; i++) vals[i] = unit === A.TimeUnit.NANOSECOND ? src[i]! / 1000n : src[i]! * mul;
      return { ...vecFromValues(t, vals), valid };
    }
    case A.Type.Time: {
      const unit = (at as A.Time).unit;
      const src = data.values as Int32Array | BigInt64Array;
      const perUnit = unit === A.TimeUnit.SECOND ? 1e6 : unit === A.TimeUnit.MILLISECOND ? 1e3 : unit === A.TimeUnit.MICROSECOND ? 1 : 1e-3;
      const vals: bigint[] = new Array(n);
      for (let i = 0; i < n; i++) vals[i] = BigInt(Math.floor(Number(src[i + off]!) * perUnit));
      return { ...vecFromValues(t, vals), valid };
    }
    case A.Type.Decimal: {
      const bw = (at as A.Decimal).bitWidth;
      const words = data.values as Uint32Array;
      const vals: bigint[] = new Array(n);
      for (let i = 0; i < n; i++) vals[i] = decimalAt(words, i + off, bw);
      return { ...vecFromValues(t, vals), valid };
    }
    case A.Type.Bool: {
      const out = new Uint8Array(n);
      const bits = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const j = i + off;
        out[i] = (bits[j >> 3]! >> (j & 7)) & 1;
      }
      return { type: t, length: n, data: out, valid };
    }
    case A.Type.Null:
      return vecFromValues(t, new Array(n).fill(null));
    default:
      break;
  }
  const vec = A.makeVector(data);
  const vals: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) vals[i] = arrowValueToRow(t, vec.get(i));
  return vecFromValues(t, vals);
}

export function arrowSchemaToStruct(s: A.Schema): StructType {
  return {
    type: 'struct',
    fields: s.fields.map((f) => ({ name: f.name, dataType: fromArrowType(f.type), nullable: f.nullable })),
  };
}

export function recordBatchToBatch(rb: A.RecordBatch, types: DataType[]): Batch {
  const cols = types.map((t, i) => dataToVec(rb.data.children[i]!, t));
  return { cols, length: rb.numRows };
}
