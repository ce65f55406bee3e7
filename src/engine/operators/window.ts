/**
 * Window functions: rows are materialized, ordered by (partition, order keys), and each window
 * expression is computed per partition — ranking functions directly, aggregates over their frame.
 */
import { internalError } from '../../core/errors.js';
import type { Attr, NamedExpr, RExpr } from '../plan/logical-plan.js';
import { type Batch, type Vec, concatBatches, getValue, takeBatch, takeVec, vecFromValues } from '../arrow/vec.js';
import { type AggNode, lookupAggregate } from '../expr/aggregates/index.js';
import { bindIndex, compile } from '../expr/compile.js';
import { rowKey } from '../expr/value-key.js';
import { type ExecContext, type Stream, batchBytes, checkAbort } from './exec-context.js';
import { comparator } from './sort.js';

type WinNode = Extract<RExpr, { k: 'win' }>;

export async function* windowOp(input: Stream, inAttrs: Attr[], exprs: NamedExpr[], x: ExecContext): Stream {
  const held: Batch[] = [];
  let bytes = 0;
  for await (const b of input) {
    checkAbort(x);
    held.push(b);
    bytes += batchBytes(b);
    x.memory.reserve(batchBytes(b));
  }
  const types = inAttrs.map((a) => a.type);
  if (held.length === 0) return;
  let all = concatBatches(types, held);
  const idx = bindIndex(inAttrs);
  const outCols: Vec[] = [];
  // All window expressions are evaluated over one ordering of the rows: the first spec's.
  const first = exprs[0]!.expr as WinNode;
  const partK = first.partitionBy.map((e) => compile(e, inAttrs, x.env, idx));
  const ordK = first.orderBy.map((o) => compile(o.expr, inAttrs, x.env, idx));
  {
    const keys = [...partK.map((k) => k(all)), ...ordK.map((k) => k(all))];
    const ord = [...first.partitionBy.map(() => ({ ascending: true, nullsFirst: true })), ...first.orderBy];
    const cmp = comparator(keys, ord);
    const perm = Array.from({ length: all.length }, (_, i) => i).sort((a, b) => cmp(a, b) || a - b);
    all = takeBatch(all, perm);
  }
  for (const ne of exprs) {
    const w = ne.expr as WinNode;
    if (w.k !== 'win') throw internalError('window operator got a non-window expression');
    outCols.push(evalWindow(w, all, inAttrs, idx, x));
  }
  x.memory.release(bytes);
  yield { cols: [...all.cols, ...outCols.map((c, i) => ({ ...c, type: exprs[i]!.attr.type }))], length: all.length };
}

function evalWindow(w: WinNode, all: Batch, inAttrs: Attr[], idx: Map<number, number>, x: ExecContext): Vec {
  const n = all.length;
  const pkeys = w.partitionBy.map((e) => compile(e, inAttrs, x.env, idx)(all));
  const okeys = w.orderBy.map((o) => compile(o.expr, inAttrs, x.env, idx)(all));
  // Sort rows within this spec (stable), grouping partitions together.
  const cmp = comparator([...pkeys, ...okeys], [...w.partitionBy.map(() => ({ ascending: true, nullsFirst: true })), ...w.orderBy]);
  const perm = Array.from({ length: n }, (_, i) => i).sort((a, b) => cmp(a, b) || a - b);
  const out: unknown[] = new Array(n).fill(null);
  const ordCmp = comparator(okeys, w.orderBy);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    const pk = pkeys.length ? rowKey(pkeys, perm[start]!) : null;
    while (end < n && pkeys.length && rowKey(pkeys, perm[end]!) === pk) end++;
    if (!pkeys.length) end = n;
    computePartition(w, all, perm.slice(start, end), ordCmp, out, inAttrs, idx, x);
    start = end;
  }
  return vecFromValues(w.type, out);
}

function computePartition(w: WinNode, all: Batch, rows: number[], ordCmp: (i: number, j: number) => number, out: unknown[], inAttrs: Attr[], idx: Map<number, number>, x: ExecContext): void {
  const f = w.fn;
  const m = rows.length;
  const peerEnd = new Int32Array(m);
  const peerStart = new Int32Array(m);
  for (let i = 0; i < m; i++) peerStart[i] = i > 0 && ordCmp(rows[i - 1]!, rows[i]!) === 0 ? peerStart[i - 1]! : i;
  for (let i = m - 1; i >= 0; i--) peerEnd[i] = i < m - 1 && ordCmp(rows[i]!, rows[i + 1]!) === 0 ? peerEnd[i + 1]! : i;
  if (f.k === 'agg') {
    switch (f.fn) {
      case 'row_number':
        rows.forEach((r, i) => (out[r] = i + 1));
        return;
      case 'rank':
        rows.forEach((r, i) => (out[r] = peerStart[i]! + 1));
        return;
      case 'dense_rank': {
        let d = 0;
        rows.forEach((r, i) => {
          if (i === 0 || peerStart[i] === i) d++;
          out[r] = d;
        });
        return;
      }
      case 'percent_rank':
        rows.forEach((r, i) => (out[r] = m <= 1 ? 0 : peerStart[i]! / (m - 1)));
        return;
      case 'cume_dist':
        rows.forEach((r, i) => (out[r] = (peerEnd[i]! + 1) / m));
        return;
      case 'ntile': {
        const k = Number((f.args[0] as { value?: unknown }).value ?? 1);
        const size = Math.floor(m / k);
        const extra = m % k;
        let i = 0;
        for (let b = 0; b < k && i < m; b++) {
          const cnt = size + (b < extra ? 1 : 0);
          for (let c = 0; c < cnt; c++) out[rows[i++]!] = b + 1;
        }
        return;
      }
      case 'lag':
      case 'lead': {
        const v = compile(f.args[0]!, inAttrs, x.env, idx)(all);
        const off = Number((f.args[1] as { value?: unknown }).value ?? 1) * (f.fn === 'lag' ? -1 : 1);
        const def = compile(f.args[2]!, inAttrs, x.env, idx)(all);
        rows.forEach((r, i) => {
          const j = i + off;
          out[r] = j >= 0 && j < m ? getValue(v, rows[j]!) : getValue(def, r);
        });
        return;
      }
      default:
        break;
    }
    const fr = w.frame;
    const bounds = (i: number): [number, number] => {
      if (fr.type === 'range') {
        const lo = fr.lower === null ? 0 : fr.lower === 0 ? peerStart[i]! : i + fr.lower;
        const hi = fr.upper === null ? m - 1 : fr.upper === 0 ? peerEnd[i]! : i + fr.upper;
        return [Math.max(0, lo), Math.min(m - 1, hi)];
      }
      const lo = fr.lower === null ? 0 : i + fr.lower;
      const hi = fr.upper === null ? m - 1 : i + fr.upper;
      return [Math.max(0, lo), Math.min(m - 1, hi)];
    };
    if (f.fn === 'nth_value') {
      // The n-th row of the frame (1-based), NULL while the frame is shorter.
      const v = takeVec(compile(f.args[0]!, inAttrs, x.env, idx)(all), rows);
      const nth = Number((f.args[1] as { value?: unknown }).value ?? 1);
      for (let i = 0; i < m; i++) {
        const [lo, hi] = bounds(i);
        const at = lo + nth - 1;
        out[rows[i]!] = at <= hi ? getValue(v, at) : null;
      }
      return;
    }
    const fn = lookupAggregate(f.fn);
    if (!fn) throw internalError(`window function ${f.fn} is not registered`);
    const argVecs = f.args.map((a) => takeVec(compile(a, inAttrs, x.env, idx)(all), rows));
    // Frames shared by many rows (whole partition, peers) are computed once.
    const cache = new Map<string, unknown>();
    for (let i = 0; i < m; i++) {
      const [lo, hi] = bounds(i);
      const key = `${lo}:${hi}`;
      let val = cache.get(key);
      if (val === undefined) {
        const acc = fn.create(f as AggNode, x.ctx);
        if (hi >= lo) {
          const sel = Int32Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
          acc.update(new Int32Array(sel.length), argVecs.map((a) => takeVec(a, sel)), sel.length, 1);
        } else acc.update(new Int32Array(0), argVecs.map((a) => takeVec(a, [])), 0, 1);
        val = getValue(acc.result(1), 0);
        cache.set(key, val);
      }
      out[rows[i]!] = val;
    }
    return;
  }
  throw internalError('unsupported window function');
}
