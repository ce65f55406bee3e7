/**
 * Arrow record batches → rows of plain values, decoded straight from the Arrow buffers and driven
 * by the Spark schema. Deliberately independent of the engine's own Arrow code, so the golden runners
 * check what a client actually receives (Spark's ArrowUtils mapping: Date32 days, Timestamp µs,
 * Decimal128, Interval(YEAR_MONTH), Duration(µs), Interval(MONTH_DAY_NANO)).
 */
import type { Data, RecordBatch } from 'apache-arrow';
import type { DataType, StructType } from '../../src/engine/plan/data-type.js';
import type { CellValue } from './spark-format.js';

export function batchRows(batch: RecordBatch, schema: StructType): CellValue[][] {
  const cols = schema.fields.map((f, j) => {
    const child = batch.data.children[j];
    if (child === undefined) throw new Error(`batch has no column ${j} (${f.name})`);
    return decode(child, f.dataType);
  });
  const rows: CellValue[][] = [];
  for (let i = 0; i < batch.numRows; i++) rows.push(cols.map((c) => c[i] ?? null));
  return rows;
}

const utf8 = new TextDecoder();

function isValid(data: Data, i: number): boolean {
  if (data.nullCount === 0) return true;
  const bm = data.nullBitmap;
  if (bm === undefined || bm === null || bm.length === 0) return data.nullCount !== data.length;
  const j = i + data.offset;
  return ((bm[j >> 3] as number) & (1 << (j & 7))) !== 0;
}

function int64At(values: ArrayLike<number | bigint>, idx: number): bigint {
  if (values instanceof BigInt64Array) return values[idx] as bigint;
  if (values instanceof Int32Array || values instanceof Uint32Array) {
    const lo = BigInt((values as Uint32Array | Int32Array)[idx * 2] as number) & 0xffffffffn;
    const hi = BigInt((values as Int32Array)[idx * 2 + 1] as number);
    return (hi << 32n) | lo;
  }
  return BigInt(values[idx] as number);
}

/** Decodes all `data.length` values of one column chunk. */
export function decode(data: Data, t: DataType): CellValue[] {
  const n = data.length;
  const off = data.offset;
  const out: CellValue[] = new Array(n).fill(null);
  const values = data.values as unknown as ArrayLike<number | bigint> & { BYTES_PER_ELEMENT?: number };
  const offsets = data.valueOffsets as unknown as ArrayLike<number | bigint>;
  const offsetAt = (i: number): number => Number(offsets[i + off]);
  switch (t.type) {
    case 'null':
      return out;
    case 'boolean': {
      const bits = data.values as unknown as Uint8Array;
      for (let i = 0; i < n; i++) {
        if (!isValid(data, i)) continue;
        const j = i + off;
        out[i] = ((bits[j >> 3] as number) & (1 << (j & 7))) !== 0;
      }
      return out;
    }
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
    case 'date':
    case 'year_month_interval':
      for (let i = 0; i < n; i++) if (isValid(data, i)) out[i] = Number(values[i + off]);
      return out;
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'day_time_interval':
      for (let i = 0; i < n; i++) if (isValid(data, i)) out[i] = int64At(values, i + off);
      return out;
    case 'time':
      // Time64(NANOSECOND) on the wire, kept as nanoseconds since midnight.
      for (let i = 0; i < n; i++) if (isValid(data, i)) out[i] = int64At(values, i + off);
      return out;
    case 'decimal': {
      const words = data.values as unknown as Uint32Array;
      const stride = ((data.type as { bitWidth?: number }).bitWidth ?? 128) / 32;
      for (let i = 0; i < n; i++) {
        if (!isValid(data, i)) continue;
        let x = 0n;
        for (let w = stride - 1; w >= 0; w--) x = (x << 32n) | BigInt(words[(i + off) * stride + w] as number);
        out[i] = decimalString(BigInt.asIntN(stride * 32, x), t.scale);
      }
      return out;
    }
    case 'string':
    case 'binary': {
      const bytes = data.values as unknown as Uint8Array;
      for (let i = 0; i < n; i++) {
        if (!isValid(data, i)) continue;
        const slice = bytes.subarray(offsetAt(i), offsetAt(i + 1));
        out[i] = t.type === 'string' ? utf8.decode(slice) : slice.slice();
      }
      return out;
    }
    case 'calendar_interval': {
      const v = data.values as unknown as Int32Array;
      for (let i = 0; i < n; i++) {
        if (!isValid(data, i)) continue;
        const k = (i + off) * 4;
        const nanos = (BigInt(v[k + 3] as number) << 32n) | (BigInt(v[k + 2] as number) & 0xffffffffn);
        out[i] = { months: v[k] as number, days: v[k + 1] as number, micros: nanos / 1000n };
      }
      return out;
    }
    case 'array': {
      const child = data.children[0] as Data;
      const elems = decode(child, t.elementType);
      for (let i = 0; i < n; i++) if (isValid(data, i)) out[i] = elems.slice(offsetAt(i), offsetAt(i + 1));
      return out;
    }
    case 'map': {
      const entries = data.children[0] as Data;
      const keys = decode(entries.children[0] as Data, t.keyType);
      const vals = decode(entries.children[1] as Data, t.valueType);
      for (let i = 0; i < n; i++) {
        if (!isValid(data, i)) continue;
        out[i] = { keys: keys.slice(offsetAt(i), offsetAt(i + 1)), values: vals.slice(offsetAt(i), offsetAt(i + 1)) };
      }
      return out;
    }
    case 'struct': {
      // arrow-js slices struct children together with the parent, so children index by i.
      const cols = t.fields.map((f, j) => decode(data.children[j] as Data, f.dataType));
      for (let i = 0; i < n; i++) if (isValid(data, i)) out[i] = cols.map((c) => c[i] ?? null);
      return out;
    }
  }
}

function decimalString(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const body =
    scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return neg ? `-${body}` : body;
}
