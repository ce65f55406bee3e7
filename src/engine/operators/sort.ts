/** Sort (full) and top-k (sort + limit), with Spark's null ordering. */
import type { Attr, SortKey } from '../plan/logical-plan.js';
import { type Batch, type Vec, concatBatches, getValue, sliceBatch, storageOf, takeBatch } from '../arrow/vec.js';
import { compareValues } from '../expr/compare.js';
import { bindIndex, compile } from '../expr/compile.js';
import { type ExecContext, type Stream, batchBytes, checkAbort } from './exec-context.js';

export type RowComparator = (i: number, j: number) => number;

/** Comparator over rows of key vectors. */
export function comparator(keys: Vec[], order: { ascending: boolean; nullsFirst: boolean }[]): RowComparator {
  const cmps = keys.map((v, k) => {
    const { ascending, nullsFirst } = order[k]!;
    const dir = ascending ? 1 : -1;
    const nf = nullsFirst ? -1 : 1;
    const valid = v.valid;
    const s = storageOf(v.type);
    const d = v.data;
    const fast = s === 'i32' || (s === 'f64' && v.type.type !== 'long') || ((s === 'i64' || s === 'dec') && d instanceof Float64Array) || s === 'bool';
    const isDouble = v.type.type === 'double' || v.type.type === 'float';
    if (fast) {
      const a = d as Float64Array | Int32Array | Uint8Array;
      return (i: number, j: number): number => {
        if (valid !== null) {
          const ni = valid[i] === 0;
          const nj = valid[j] === 0;
          if (ni || nj) return ni && nj ? 0 : ni ? nf : -nf;
        }
        const x = a[i]!;
        const y = a[j]!;
        if (x < y) return -dir;
        if (x > y) return dir;
        if (x === y || !isDouble) return 0;
        const xn = Number.isNaN(x);
        const yn = Number.isNaN(y);
        return xn === yn ? 0 : (xn ? 1 : -1) * dir;
      };
    }
    if (v.type.type === 'string') {
      const a = d as string[];
      return (i: number, j: number): number => {
        if (valid !== null) {
          const ni = valid[i] === 0;
          const nj = valid[j] === 0;
          if (ni || nj) return ni && nj ? 0 : ni ? nf : -nf;
        }
        return dir * compareValues(v.type, a[i], a[j]);
      };
    }
    return (i: number, j: number): number => {
      const x = getValue(v, i);
      const y = getValue(v, j);
      if (x === null || y === null) return x === y ? 0 : x === null ? nf : -nf;
      return dir * compareValues(v.type, x, y);
    };
  });
  if (cmps.length === 1) return cmps[0]!;
  return (i, j) => {
    for (const c of cmps) {
      const r = c(i, j);
      if (r !== 0) return r;
    }
    return 0;
  };
}

export async function* sort(input: Stream, inAttrs: Attr[], order: SortKey[], limit: number | undefined, x: ExecContext): Stream {
  const idx = bindIndex(inAttrs);
  const ks = order.map((o) => compile(o.expr, inAttrs, x.env, idx));
  const types = inAttrs.map((a) => a.type);
  let held: Batch[] = [];
  let heldRows = 0;
  let bytes = 0;
  const k = limit ?? -1;
  const reduce = (): void => {
    // Top-k: keep only the best k rows once we hold more than 2k.
    const all = concatBatches(types, held);
    const sorted = sortedIndices(all, ks, order, k);
    held = [takeBatch(all, sorted)];
    heldRows = held[0]!.length;
  };
  for await (const b of input) {
    checkAbort(x);
    if (b.length === 0) continue;
    held.push(b);
    heldRows += b.length;
    const bb = batchBytes(b);
    bytes += bb;
    x.memory.reserve(bb);
    if (k >= 0 && heldRows > Math.max(2 * k, 4096)) reduce();
  }
  x.memory.release(bytes);
  if (held.length === 0) return;
  const all = concatBatches(types, held);
  const sorted = sortedIndices(all, ks, order, k);
  const out = takeBatch(all, sorted);
  for (let off = 0; off < out.length; off += x.batchSize) yield sliceBatch(out, off, off + x.batchSize);
}

function sortedIndices(all: Batch, ks: ((b: Batch) => Vec)[], order: SortKey[], k: number): Int32Array {
  const keys = ks.map((f) => f(all));
  const cmp = comparator(keys, order);
  const n = all.length;
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  // Stable: ties keep input order, as Spark's sort of one partition does.
  idx.sort((a, b) => cmp(a, b) || a - b);
  return Int32Array.from(k >= 0 ? idx.slice(0, k) : idx);
}

export async function* tail(input: Stream, n: number, types: import('../plan/data-type.js').DataType[]): Stream {
  const held: Batch[] = [];
  let rows = 0;
  for await (const b of input) {
    held.push(b);
    rows += b.length;
    while (held.length > 1 && rows - held[0]!.length >= n) rows -= held.shift()!.length;
  }
  if (held.length === 0) return;
  const all = concatBatches(types, held);
  yield sliceBatch(all, Math.max(0, all.length - n), all.length);
}
