/** INTERSECT / EXCEPT [ALL] by hashing whole rows. */
import { type Batch, concatBatches, takeBatch } from '../arrow/vec.js';
import type { DataType } from '../plan/data-type.js';
import { rowKey } from '../expr/value-key.js';
import { collect } from './basic.js';
import type { Stream } from './exec-context.js';

export async function* setOp(left: Stream, right: Stream, op: 'intersect' | 'except', all: boolean, types: DataType[]): Stream {
  const rb = await collect(right);
  const counts = new Map<unknown, number>();
  for (const b of rb) for (let i = 0; i < b.length; i++) {
    const k = rowKeyAll(b, i);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const emitted = new Set<unknown>();
  const lb = await collect(left);
  if (lb.length === 0) return;
  const L = concatBatches(types, lb);
  const keep: number[] = [];
  for (let i = 0; i < L.length; i++) {
    const k = rowKeyAll(L, i);
    const c = counts.get(k) ?? 0;
    if (all) {
      if (op === 'intersect' ? c > 0 : c === 0) keep.push(i);
      if (c > 0) counts.set(k, c - 1);
      else if (op === 'except') continue;
    } else {
      if (emitted.has(k)) continue;
      if (op === 'intersect' ? c > 0 : c === 0) {
        keep.push(i);
        emitted.add(k);
      }
    }
  }
  if (keep.length) yield takeBatch(L, keep);
}

function rowKeyAll(b: Batch, i: number): unknown {
  return b.cols.length === 0 ? '' : `${String(rowKey(b.cols, i))}|${b.cols.length === 1 ? '' : ''}`;
}
