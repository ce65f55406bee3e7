/** Engine batches → Arrow record batches (the wire format), following the Spark → Arrow type mapping. */
import * as A from 'apache-arrow';
import type { DataType, StructType } from '../plan/data-type.js';
import { toArrowSchema, toArrowType } from './arrow-types.js';
import { type Batch, type Vec, storageOf, getValue } from './vec.js';

function bitmap(valid: Uint8Array | null, n: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (valid === null) return { nullCount: 0 };
  const bm = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (valid[i]) bm[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0 ? { nullCount: 0 } : { nullBitmap: bm, nullCount: nulls };
}

function validFromValues(values: unknown[]): Uint8Array | null {
  let valid: Uint8Array | null = null;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) {
      valid ??= new Uint8Array(values.length).fill(1);
      valid[i] = 0;
    }
  }
  return valid;
}

const enc = new TextEncoder();

function decimalWords(vals: ArrayLike<number | bigint>, n: number, valid: Uint8Array | null): Uint32Array {
  const big = new BigInt64Array(n * 2);
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) continue;
    const x = vals[i]!;
    const b = typeof x === 'bigint' ? x : BigInt(x);
    big[2 * i] = BigInt.asIntN(64, b);
    big[2 * i + 1] = BigInt.asIntN(64, b >> 64n);
  }
  return new Uint32Array(big.buffer);
}

function utf8Data(type: A.DataType, strs: ArrayLike<unknown>, n: number, valid: Uint8Array | null): A.Data {
  const offsets = new Int32Array(n + 1);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const s = strs[i];
    if (s !== null && s !== undefined && (!valid || valid[i])) {
      const b = s instanceof Uint8Array ? s : enc.encode(String(s));
      parts.push(b);
      total += b.length;
    }
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return A.makeData({ type: type as A.Utf8, length: n, valueOffsets: offsets, data, ...bitmap(valid, n) });
}

/** Arrow Data for a column given as engine row values (nested types and the general path). */
function dataFromValues(t: DataType, at: A.DataType, values: unknown[]): A.Data {
  const n = values.length;
  const valid = validFromValues(values);
  switch (t.type) {
    case 'array': {
      const offsets = new Int32Array(n + 1);
      const flat: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const v = values[i] as unknown[] | null;
        if (v) for (const x of v) flat.push(x);
        offsets[i + 1] = flat.length;
      }
      const child = dataFromValues(t.elementType, (at as A.List).children[0]!.type, flat);
      return A.makeData({ type: at as A.List, length: n, valueOffsets: offsets, child, ...bitmap(valid, n) });
    }
    case 'map': {
      const offsets = new Int32Array(n + 1);
      const keys: unknown[] = [];
      const vals: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const m = values[i] as { keys: unknown[]; values: unknown[] } | null;
        if (m) {
          keys.push(...m.keys);
          vals.push(...m.values);
        }
        offsets[i + 1] = keys.length;
      }
      const st = (at as A.Map_).children[0]!.type as A.Struct;
      const kd = dataFromValues(t.keyType, st.children[0]!.type, keys);
      const vd = dataFromValues(t.valueType, st.children[1]!.type, vals);
      const entries = A.makeData({ type: st, length: keys.length, children: [kd, vd], nullCount: 0 });
      return A.makeData({ type: at as A.Map_, length: n, valueOffsets: offsets, child: entries, ...bitmap(valid, n) });
    }
    case 'struct': {
      const children = t.fields.map((f, j) =>
        dataFromValues(
          f.dataType,
          (at as A.Struct).children[j]!.type,
          values.map((r) => (r === null || r === undefined ? null : ((r as unknown[])[j] ?? null))),
        ),
      );
      return A.makeData({ type: at as A.Struct, length: n, children, ...bitmap(valid, n) });
    }
    case 'calendar_interval': {
      const d = new Int32Array(n * 4);
      const big = new BigInt64Array(d.buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i] as { months: number; days: number; micros: bigint } | null;
        if (!v) continue;
        d[4 * i] = v.months;
        d[4 * i + 1] = v.days;
        big[2 * i + 1] = v.micros * 1000n;
      }
      return A.makeData({ type: at as A.Interval, length: n, data: d, ...bitmap(valid, n) } as never);
    }
    default:
      return vecToData({ type: t, length: n, data: values, valid }, at);
  }
}

/** Arrow Data of one engine column. */
export function vecToData(v: Vec, at: A.DataType): A.Data {
  const n = v.length;
  const t = v.type;
  const bm = () => bitmap(v.valid, n);
  const s = storageOf(t);
  const d = v.data;
  switch (t.type) {
    case 'null':
      return A.makeData({ type: new A.Null(), length: n, nullCount: n });
    case 'boolean': {
      const bits = new Uint8Array((n + 7) >> 3);
      if (d instanceof Uint8Array) {
        for (let i = 0; i < n; i++) if (d[i]) bits[i >> 3]! |= 1 << (i & 7);
      } else for (let i = 0; i < n; i++) if ((d as unknown[])[i]) bits[i >> 3]! |= 1 << (i & 7);
      return A.makeData({ type: at as A.Bool, length: n, data: bits, ...bm() });
    }
    case 'byte':
    case 'short':
    case 'integer':
    case 'date':
    case 'year_month_interval': {
      const Ctor = t.type === 'byte' ? Int8Array : t.type === 'short' ? Int16Array : Int32Array;
      const out = new Ctor(n);
      for (let i = 0; i < n; i++) out[i] = Number((d as ArrayLike<number>)[i] ?? 0);
      return A.makeData({ type: at as A.Int, length: n, data: out, ...bm() });
    }
    case 'float':
    case 'double': {
      const out = t.type === 'float' ? new Float32Array(n) : new Float64Array(n);
      if (d instanceof Float64Array && t.type === 'double') out.set(d.subarray(0, n));
      else for (let i = 0; i < n; i++) out[i] = Number((d as ArrayLike<number>)[i] ?? 0);
      return A.makeData({ type: at as A.Float, length: n, data: out, ...bm() });
    }
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'day_time_interval': {
      let out: BigInt64Array;
      if (d instanceof BigInt64Array) out = d.length === n ? d : d.slice(0, n);
      else {
        out = new BigInt64Array(n);
        const src = d as ArrayLike<number | bigint>;
        for (let i = 0; i < n; i++) {
          const x = src[i];
          if (x !== undefined && x !== null) out[i] = typeof x === 'bigint' ? x : BigInt(x);
        }
      }
      return A.makeData({ type: at as A.Int64, length: n, data: out, ...bm() } as never);
    }
    case 'time': {
      // The engine holds µs since midnight; Spark's wire type is Time64(NANOSECOND).
      const out = new BigInt64Array(n);
      const src = d as ArrayLike<number | bigint | null | undefined>;
      for (let i = 0; i < n; i++) {
        const x = src[i];
        if (x !== undefined && x !== null && (v.valid === null || v.valid[i])) out[i] = BigInt(x) * 1000n;
      }
      return A.makeData({ type: at as A.TimeNanosecond, length: n, data: out, ...bm() } as never);
    }
    case 'decimal':
      return A.makeData({ type: at as A.Decimal, length: n, data: decimalWords(d as ArrayLike<number | bigint>, n, v.valid), ...bm() });
    case 'string':
    case 'binary':
      return utf8Data(at, d as ArrayLike<unknown>, n, v.valid);
    default: {
      void s;
      const vals: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) vals[i] = getValue(v, i);
      return dataFromValues(t, at, vals);
    }
  }
}

export function batchToArrow(schema: StructType, b: Batch, timeZone: string, arrowSchema?: A.Schema): A.RecordBatch {
  const as = arrowSchema ?? toArrowSchema(schema, timeZone);
  const children = schema.fields.map((_f, i) => vecToData(b.cols[i]!, as.fields[i]!.type));
  const st = new A.Struct(as.fields);
  const data = A.makeData({ type: st, length: b.length, children, nullCount: 0 });
  return new A.RecordBatch(as, data);
}

export { toArrowType };
