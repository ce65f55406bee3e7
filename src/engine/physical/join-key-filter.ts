/**
 * Sideways key filtering for a join whose right side is an aggregate grouped by the join keys (what a
 * decorrelated scalar subquery becomes: `outer LEFT JOIN (SELECT k, agg(..) FROM t GROUP BY k)`).
 * The left side runs first; the aggregate then only sees input rows whose group keys occur among the
 * left side's keys, since no other group could join. DuckDB gets the same effect from its delim joins.
 *
 * Profile lesson (TPC-H q17 and q20 at SF1): grouping all of lineitem by (partkey[, suppkey]) was most
 * of each query, while the outer side keeps a few thousand keys.
 *
 * Only for joins that drop unmatched right rows (inner, left, semi, anti), and only while the left side
 * stays under LEFT_ROWS rows: past that it is streamed into the join as usual.
 */
import type { Batch, Vec } from '../arrow/vec.js';
import { takeBatch } from '../arrow/vec.js';
import { bindIndex, compile, type Kernel } from '../expr/compile.js';
import { type Attr, type LPlan, type RExpr, outputOf } from '../plan/logical-plan.js';
import { hashAggregate } from '../operators/aggregate.js';
import { filter, project } from '../operators/basic.js';
import { type ExecContext, type Stream, batchBytes, checkAbort } from '../operators/exec-context.js';
import { join, splitEquiKeys } from '../operators/join.js';
import { KeyIndex } from '../operators/key-index.js';

const LEFT_ROWS = 1 << 20;

type JoinPlan = Extract<LPlan, { k: 'join' }>;
type AggPlan = Extract<LPlan, { k: 'aggregate' }>;

interface KeyFilterPlan {
  /** The left side's join key expressions (over the left output). */
  leftKeys: RExpr[];
  /** The same keys as the aggregate's group expressions (over the aggregate's input). */
  groupKeys: RExpr[];
  agg: AggPlan;
}

/** The key filter a join allows, if any: right side = projections / filters over a plain GROUP BY of the keys. */
export function keyFilterFor(p: JoinPlan): KeyFilterPlan | undefined {
  if (p.type !== 'inner' && p.type !== 'left' && p.type !== 'semi' && p.type !== 'anti') return undefined;
  const eq = splitEquiKeys(p.cond, outputOf(p.left), outputOf(p.right));
  if (eq.left.length === 0) return undefined;
  // Follow each right key, a column, down through plain-column projections to the aggregate.
  let ids: number[] = [];
  for (const e of eq.right) {
    if (e.k !== 'ref') return undefined;
    ids.push(e.id);
  }
  let node: LPlan = p.right;
  for (;;) {
    if (node.k === 'filter') node = node.input;
    else if (node.k === 'project') {
      const exprs = node.exprs;
      const next: number[] = [];
      for (const id of ids) {
        const ne = exprs.find((x) => x.attr.id === id);
        if (ne?.expr.k !== 'ref') return undefined;
        next.push(ne.expr.id);
      }
      ids = next;
      node = node.input;
    } else break;
  }
  if (node.k !== 'aggregate' || node.groupingSets) return undefined;
  const agg = node;
  const groupKeys: RExpr[] = [];
  for (const id of ids) {
    const g = agg.groups.find((x) => x.attr.id === id);
    // Plain columns only: a key computed twice (here and in the aggregate) must come out the same.
    if (g?.expr.k !== 'ref') return undefined;
    groupKeys.push(g.expr);
  }
  return { leftKeys: eq.left, groupKeys, agg };
}

/** Runs the join with the key filter, falling back to a plain join when the left side is too large. */
export async function* joinWithKeyFilter(
  p: JoinPlan,
  f: KeyFilterPlan,
  execute: (p: LPlan, x: ExecContext) => Stream,
  x: ExecContext,
): Stream {
  const lo = outputOf(p.left);
  const ro = outputOf(p.right);
  const it = execute(p.left, x)[Symbol.asyncIterator]();
  const held: Batch[] = [];
  let rows = 0;
  let bytes = 0;
  let done = false;
  try {
    while (rows <= LEFT_ROWS) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      const size = batchBytes(r.value);
      x.memory.reserve(size);
      bytes += size;
      held.push(r.value);
      rows += r.value.length;
    }
    const left = (async function* () {
      yield* held;
      if (!done) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })();
    if (!done) {
      yield* join(left, execute(p.right, x), lo, ro, p.type, p.cond, x);
      return;
    }
    const index = new KeyIndex(f.leftKeys.length);
    const lIdx = bindIndex(lo);
    const lKeys = f.leftKeys.map((k) => compile(k, lo, x.env, lIdx));
    for (const b of held) index.insert(lKeys.map((k) => k(b)), b.length, new Int32Array(b.length));
    const right = executeFiltered(p.right, f.agg, (s) => keepKnownKeys(s, f, index, x), execute, x);
    yield* join(left, right, lo, ro, p.type, p.cond, x);
  } finally {
    x.memory.release(bytes);
    // Stopped early (a LIMIT above, an error): let the left side's operators finish too.
    await it.return?.(undefined);
  }
}

/** The right side's operators, with `wrap` around the aggregate's input. */
function executeFiltered(p: LPlan, agg: AggPlan, wrap: (s: Stream) => Stream, execute: (p: LPlan, x: ExecContext) => Stream, x: ExecContext): Stream {
  if (p === agg) return hashAggregate(wrap(execute(agg.input, x)), outputOf(agg.input), agg.groups, agg.aggs, undefined, x);
  if (p.k === 'filter') return filter(executeFiltered(p.input, agg, wrap, execute, x), outputOf(p.input), p.cond, x);
  if (p.k === 'project') return project(executeFiltered(p.input, agg, wrap, execute, x), outputOf(p.input), p.exprs, x);
  return execute(p, x);
}

/** Drops the aggregate's input rows whose group keys the left side does not have. */
async function* keepKnownKeys(input: Stream, f: KeyFilterPlan, index: KeyIndex, x: ExecContext): Stream {
  const attrs: Attr[] = outputOf(f.agg.input);
  const idx = bindIndex(attrs);
  const keys: Kernel[] = f.groupKeys.map((k) => compile(k, attrs, x.env, idx));
  let ids = new Int32Array(0);
  for await (const b of input) {
    checkAbort(x);
    if (ids.length < b.length) ids = new Int32Array(b.length);
    const vs: Vec[] = keys.map((k) => k(b));
    index.find(vs, b.length, ids);
    let n = 0;
    for (let i = 0; i < b.length; i++) if (ids[i]! >= 0) n++;
    if (n === b.length) {
      yield b;
      continue;
    }
    if (n === 0) continue;
    const keep = new Int32Array(n);
    for (let i = 0, j = 0; i < b.length; i++) if (ids[i]! >= 0) keep[j++] = i;
    yield takeBatch(b, keep);
  }
}
