/**
 * Hash keys for grouping, joins and DISTINCT: a JS primitive per value such that equal Spark values
 * (including NaN = NaN and -0.0 = 0.0) give equal keys.
 */
import type { DataType } from '../plan/data-type.js';
import { type Vec, getValue } from '../arrow/vec.js';

export function valueKey(t: DataType, v: unknown): unknown {
  if (v === null) return null;
  switch (t.type) {
    case 'float':
    case 'double':
      return (v as number) === 0 ? 0 : v;
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'day_time_interval':
    case 'time':
    case 'decimal': {
      const b = v as bigint;
      return b <= 9007199254740991n && b >= -9007199254740991n ? Number(b) : `${b}n`;
    }
    case 'binary':
      return `b:${Array.from(v as Uint8Array).join(',')}`;
    case 'array':
    case 'map':
    case 'struct':
    case 'calendar_interval':
      return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x));
    default:
      return v;
  }
}

/** Key of row i over several columns (a primitive for one column, a string for several). */
export function rowKey(cols: Vec[], i: number): unknown {
  if (cols.length === 1) {
    const c = cols[0]!;
    if (c.valid !== null && c.valid[i] === 0) return null;
    const d = c.data;
    if (d instanceof Float64Array || d instanceof Int32Array) {
      const x = d[i]!;
      return x === 0 ? 0 : x;
    }
    if (Array.isArray(d) && c.type.type === 'string') return d[i];
    return valueKey(c.type, getValue(c, i));
  }
  let s = '';
  for (const c of cols) {
    // Profile lesson (q05 joins): getValue boxed compact int64/decimal keys as BigInt per row; read them directly.
    const d = c.data;
    if ((d instanceof Float64Array || d instanceof Int32Array) && c.type.type !== 'boolean') {
      if (c.valid !== null && c.valid[i] === 0) s += '\u0000N';
      else {
        const x = d[i]!;
        s += `\u0000${String(x === 0 ? 0 : x)}`;
      }
      continue;
    }
    if (Array.isArray(d) && c.type.type === 'string') {
      const k = c.valid !== null && c.valid[i] === 0 ? null : (d[i] as string | null);
      s += k === null ? '\u0000N' : `\u0000s${k.length}:${k}`;
      continue;
    }
    const k = valueKey(c.type, getValue(c, i));
    s += k === null ? '\u0000N' : typeof k === 'string' ? `\u0000s${k.length}:${k}` : `\u0000${String(k)}`;
  }
  return s;
}

export function rowHasNull(cols: Vec[], i: number): boolean {
  for (const c of cols) if (c.valid !== null && c.valid[i] === 0) return true;
  return false;
}
