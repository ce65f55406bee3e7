/** Hash aggregation (with grouping sets), and hash DISTINCT. */
import type { Attr, NamedExpr } from '../plan/logical-plan.js';
import { type Batch, type Vec, constVec, nullVec, takeVec, vecFromValues } from '../arrow/vec.js';
import { type Accumulator, type AggNode, lookupAggregate } from '../expr/aggregates/index.js';
import { bindIndex, compile, selection } from '../expr/compile.js';
import { internalError } from '../../core/errors.js';
import { rowKey, valueKey } from '../expr/value-key.js';
import { KeyIndex } from './key-index.js';
import { type ExecContext, type Stream, checkAbort } from './exec-context.js';
import { getValue } from '../arrow/vec.js';

interface AggSlot {
  node: AggNode;
  acc: Accumulator;
  args: ((b: Batch) => Vec)[];
  filter?: (b: Batch) => Vec;
  distinctSeen?: Set<unknown>;
}

export async function* hashAggregate(
  input: Stream,
  inAttrs: Attr[],
  groups: NamedExpr[],
  aggs: NamedExpr[],
  sets: number[][] | undefined,
  x: ExecContext,
): Stream {
  const idx = bindIndex(inAttrs);
  const groupK = groups.map((g) => compile(g.expr, inAttrs, x.env, idx));
  const slots: AggSlot[] = aggs.map((a) => {
    const node = a.expr as AggNode;
    if (node.k !== 'agg') throw internalError('aggregate output is not an aggregate call');
    const fn = lookupAggregate(node.fn);
    if (!fn) throw internalError(`aggregate ${node.fn} is not registered`);
    return {
      node,
      acc: fn.create(node, x.ctx),
      args: node.args.map((e) => compile(e, inAttrs, x.env, idx)),
      ...(node.filter ? { filter: compile(node.filter, inAttrs, x.env, idx) } : {}),
      ...(node.distinct ? { distinctSeen: new Set<unknown>() } : {}),
    };
  });
  const setList = sets ?? [groups.map((_, i) => i)];
  const nGroupCols = groups.length;
  // One key index per grouping set; its local ids map to global group ids.
  const indexes = setList.map(() => new KeyIndex(nGroupCols));
  const toGlobal: number[][] = setList.map(() => []);
  // Representative group key values (per group column) and grouping-set id per group.
  const keyVals: unknown[][] = groups.map(() => []);
  const gids: number[] = [];
  let numGroups = 0;
  let reserved = 0;
  for await (const b of input) {
    checkAbort(x);
    if (b.length === 0) continue;
    const gcols = groupK.map((k) => k(b));
    for (let si = 0; si < setList.length; si++) {
      const active = setList[si]!;
      const gid = sets ? gidOf(active, nGroupCols) : 0;
      const cols = sets ? gcols.map((c, i) => (active.includes(i) ? c : nullVec(c.type, b.length))) : gcols;
      const gidsOfRows = new Int32Array(b.length);
      if (nGroupCols === 0) {
        if (numGroups === 0) {
          numGroups = 1;
          gids.push(0);
        }
      } else {
        const index = indexes[si]!;
        const local = toGlobal[si]!;
        index.insert(cols, b.length, gidsOfRows);
        for (let i = 0; i < b.length; i++) {
          const l = gidsOfRows[i]!;
          if (l === local.length) {
            // First row of a new group (ids are dense, in first-seen order).
            local.push(numGroups++);
            for (let c = 0; c < nGroupCols; c++) keyVals[c]!.push(getValue(cols[c]!, i));
            gids.push(gid);
          }
          gidsOfRows[i] = local[l]!;
        }
      }
      for (const s of slots) {
        let rows: Int32Array | null = null;
        if (s.filter) rows = selection(s.filter(b));
        let args = s.args.map((a) => a(b));
        let g = gidsOfRows;
        if (s.distinctSeen) {
          const keep: number[] = [];
          const base = rows ?? Int32Array.from({ length: b.length }, (_, i) => i);
          for (const i of base) {
            if (args.some((a) => a.valid !== null && a.valid[i] === 0)) continue;
            const k = `${g[i]}|${args.map((a) => String(valueKey(a.type, getValue(a, i)))).join('\u0000')}`;
            if (s.distinctSeen.has(k)) continue;
            s.distinctSeen.add(k);
            keep.push(i);
          }
          rows = Int32Array.from(keep);
        }
        if (rows) {
          args = args.map((a) => takeVec(a, rows!));
          g = Int32Array.from(rows, (i) => gidsOfRows[i]!);
        }
        s.acc.update(g, args, g.length, numGroups);
      }
    }
    const now = slots.reduce((t, s) => t + s.acc.bytes(), 0) + numGroups * 16 * (nGroupCols + 1) + indexes.reduce((t, ix) => t + ix.bytes(), 0);
    x.memory.reserve(now - reserved);
    reserved = now;
  }
  if (nGroupCols === 0 && numGroups === 0 && !sets) {
    numGroups = 1;
    gids.push(0);
    for (const s of slots) s.acc.update(new Int32Array(0), s.args.map(() => nullVec({ type: 'null' }, 0)), 0, 1);
  }
  const out: Vec[] = groups.map((g, c) => vecFromValues(g.attr.type, keyVals[c]!));
  for (const s of slots) out.push(s.acc.result(numGroups));
  if (sets) out.push(vecFromValues({ type: 'long' }, gids.map((g) => BigInt(g))));
  x.memory.release(reserved);
  for (let off = 0; off < numGroups; off += x.batchSize) {
    const end = Math.min(numGroups, off + x.batchSize);
    if (off === 0 && end === numGroups) yield { cols: out, length: numGroups };
    else yield { cols: out.map((v) => takeVec(v, Int32Array.from({ length: end - off }, (_, i) => off + i))), length: end - off };
  }
  if (numGroups === 0) yield { cols: out, length: 0 };
}

/** Spark's grouping id: bit i (from the left) is 1 when group column i is not in the set. */
function gidOf(active: number[], n: number): number {
  let g = 0;
  for (let i = 0; i < n; i++) if (!active.includes(i)) g |= 1 << (n - 1 - i);
  return g;
}

/** DISTINCT over all columns, or dropDuplicates(keys) keeping the first row per key. */
export async function* distinct(input: Stream, keys: number[] | undefined, x: ExecContext): Stream {
  const seen = new Set<unknown>();
  let bytes = 0;
  for await (const b of input) {
    checkAbort(x);
    const cols = keys ? keys.map((k) => b.cols[k]!) : b.cols;
    const keep: number[] = [];
    for (let i = 0; i < b.length; i++) {
      const k = cols.length === 0 ? '' : rowKey(cols, i);
      const kk = cols.length === 1 && k === null ? '\u0000null' : k;
      if (seen.has(kk)) continue;
      seen.add(kk);
      keep.push(i);
    }
    x.memory.reserve(keep.length * 48);
    bytes += keep.length * 48;
    if (keep.length === b.length) yield b;
    else if (keep.length) yield { cols: b.cols.map((c) => takeVec(c, keep)), length: keep.length };
  }
  x.memory.release(bytes);
}

export { constVec };
