/**
 * Greedy join reordering over regions of inner joins (3+ relations), from simple statistics: row
 * counts of scans (Parquet footers), a fixed selectivity per filter conjunct, and |A ⋈ B| ≈ |A|·|B| /
 * min(base rows of the two related tables) for an equi-join (the primary-key side bounds the key's
 * distinct values). From each relation in turn, it repeatedly joins the connected relation that gives
 * the smallest estimated result (no cross product while a connected relation remains), and keeps the
 * cheapest of these orders. The region's original column order is restored with a projection.
 */
import { refOf } from '../../analyzer/expressions.js';
import { type LPlan, type RExpr, childrenOf, outputOf, withChildren } from '../../plan/logical-plan.js';
import { and, conjuncts, refIds } from '../expr-utils.js';
import type { OptimizerRule } from '../rule.js';

const UNKNOWN_ROWS = 10_000;

/** Rows before any filter: the largest scan below (the "table" a relation stands for). */
function baseRows(p: LPlan): number {
  if (p.k === 'scan') return scanRows(p);
  if (p.k === 'join' && (p.type === 'inner' || p.type === 'cross')) return Math.max(baseRows(p.left), baseRows(p.right));
  const cs = childrenOf(p);
  return cs.length ? Math.max(...cs.map(baseRows)) : 1;
}

function scanRows(p: Extract<LPlan, { k: 'scan' }>): number {
  const s = p.source;
  if (s.rows !== undefined) return s.rows;
  if (s.batches) return s.batches.reduce((n, b) => n + b.length, 0);
  if (s.kind === 'range' && s.range) return Number((s.range.end - s.range.start) / (s.range.step || 1n));
  return UNKNOWN_ROWS;
}

function selectivity(c: RExpr): number {
  if (c.k === 'call') {
    if (c.fn === '==' && c.args.some((a) => a.k === 'lit')) return 0.1;
    if (c.fn === 'or') return Math.min(1, c.args.reduce((s, a) => s + selectivity(a), 0));
    if (c.fn === 'and') return c.args.reduce((s, a) => s * selectivity(a), 1);
    if (c.fn === 'in') return 0.2;
  }
  return 0.4;
}

export function estimateRows(p: LPlan): number {
  switch (p.k) {
    case 'scan':
      return scanRows(p);
    case 'filter':
      return Math.max(1, estimateRows(p.input) * conjuncts(p.cond).reduce((s, c) => s * selectivity(c), 1));
    case 'aggregate':
      return p.groups.length === 0 ? 1 : Math.max(1, estimateRows(p.input) * 0.5);
    case 'limit':
      return p.limit >= 0 ? Math.min(p.limit, estimateRows(p.input)) : estimateRows(p.input);
    case 'join': {
      const l = estimateRows(p.left);
      if (p.type === 'semi' || p.type === 'anti') return Math.max(1, l * 0.5);
      const r = estimateRows(p.right);
      if (p.type === 'left') return l;
      if (!p.cond) return l * r;
      return Math.max(1, (l * r) / Math.max(1, Math.min(baseRows(p.left), baseRows(p.right))));
    }
    default: {
      const cs = childrenOf(p);
      return cs.length ? Math.max(...cs.map(estimateRows)) : 1;
    }
  }
}

interface Rel {
  plan: LPlan;
  ids: Set<number>;
  rows: number;
  base: number;
}

function collect(p: LPlan, rels: LPlan[], preds: RExpr[]): void {
  if (p.k === 'join' && (p.type === 'inner' || p.type === 'cross')) {
    collect(p.left, rels, preds);
    collect(p.right, rels, preds);
    preds.push(...conjuncts(p.cond));
  } else rels.push(p);
}

/** Distinct-value bounds of columns (by attribute id) that come straight from scans with footer statistics. */
function ndvOf(p: LPlan, out: Map<number, number>): Map<number, number> {
  if (p.k === 'scan') {
    const nd = p.source.ndv;
    if (nd) for (const a of p.output) if (nd[a.name] !== undefined) out.set(a.id, nd[a.name]!);
  } else for (const c of childrenOf(p)) ndvOf(c, out);
  return out;
}

function isEqui(c: RExpr, a: Set<number>, b: Set<number>): boolean {
  if (!(c.k === 'call' && c.fn === '==')) return false;
  const x = refIds(c.args[0]!);
  const y = refIds(c.args[1]!);
  const inA = (s: Set<number>) => s.size > 0 && [...s].every((i) => a.has(i));
  const inB = (s: Set<number>) => s.size > 0 && [...s].every((i) => b.has(i));
  return (inA(x) && inB(y)) || (inA(y) && inB(x));
}

type JoinEstimate = (curIds: Set<number>, curRows: number, curRels: number[], r: Rel) => number | undefined;

/**
 * From `start`, repeatedly joins the connected relation that gives the smallest estimated result
 * (a cross product with the smallest relation only when nothing is connected). Returns the order and
 * the estimated rows after each join.
 */
function greedyFrom(start: number, rels: Rel[], joinEstimate: JoinEstimate): { order: number[]; rows: number[] } {
  const remaining = new Set(rels.map((_, i) => i));
  remaining.delete(start);
  const curIds = new Set(rels[start]!.ids);
  let curRows = rels[start]!.rows;
  const order = [start];
  const rows: number[] = [];
  while (remaining.size > 0) {
    let best = -1;
    let bestRows = Number.POSITIVE_INFINITY;
    for (const i of remaining) {
      const e = joinEstimate(curIds, curRows, order, rels[i]!);
      if (e !== undefined && e < bestRows) {
        best = i;
        bestRows = e;
      }
    }
    if (best < 0) {
      for (const i of remaining) if (best < 0 || rels[i]!.rows < rels[best]!.rows) best = i;
      bestRows = curRows * rels[best]!.rows;
    }
    remaining.delete(best);
    for (const id of rels[best]!.ids) curIds.add(id);
    curRows = Math.max(1, bestRows);
    order.push(best);
    rows.push(curRows);
  }
  return { order, rows };
}

function reorderRegion(root: LPlan): LPlan | undefined {
  const plans: LPlan[] = [];
  const preds: RExpr[] = [];
  collect(root, plans, preds);
  if (plans.length < 3) return undefined;
  const rels: Rel[] = plans.map((plan) => ({ plan, ids: new Set(outputOf(plan).map((a) => a.id)), rows: estimateRows(plan), base: baseRows(plan) }));
  const ndv = new Map<number, number>();
  for (const r of rels) ndvOf(r.plan, ndv);
  let used = new Set<number>();
  const joinEstimate: JoinEstimate = (curIds, curRows, curRels, r) => {
    let denom = 0;
    for (const c of preds) {
      if (!isEqui(c, curIds, r.ids)) continue;
      // Profile lesson (q05 at SF 1): c_nationkey = s_nationkey was costed like a key join and built a
      // 12M-row intermediate; when both sides' distinct counts are known, |A ⋈ B| ≈ |A|·|B| / max(ndv).
      const a = c.k === 'call' && c.args[0]!.k === 'ref' ? ndv.get(c.args[0]!.id) : undefined;
      const b = c.k === 'call' && c.args[1]!.k === 'ref' ? ndv.get(c.args[1]!.id) : undefined;
      // A column whose distinct bound equals its table's rows is a key: a foreign-key join keeps each
      // row of the other side at most once (|A ⋈ B| ≈ |A|·|B| / |B base|). Footer ranges overstate the
      // distinct values of a foreign key (l_orderkey spans 6M values but holds 1.5M), so max(ndv)
      // would under-estimate such a join.
      const keyBase = (arg: RExpr, d: number | undefined): number | undefined => {
        if (d === undefined || arg.k !== 'ref') return undefined;
        const owner = r.ids.has(arg.id) ? r : rels.find((x) => x.ids.has(arg.id));
        return owner && d >= owner.base ? owner.base : undefined;
      };
      const key = c.k === 'call' ? (keyBase(c.args[0]!, a) ?? keyBase(c.args[1]!, b)) : undefined;
      if (key !== undefined) {
        denom = Math.max(denom, key);
        continue;
      }
      if (a !== undefined && b !== undefined) {
        denom = Math.max(denom, a, b);
        continue;
      }
      const ids = refIds(c);
      for (const k of curRels) if ([...ids].some((i) => rels[k]!.ids.has(i))) denom = Math.max(denom, Math.min(rels[k]!.base, r.base));
    }
    if (denom === 0) return undefined;
    return (curRows * r.rows) / denom;
  };
  // Greedy from every start; keep the order with the smallest sum of input and intermediate rows.
  // Profile lesson (q09 at SF 1): starting from the smallest relation (nation) led through
  // supplier into lineitem and carried 6M rows through the orders join before the selective part
  // filter applied; starting from lineitem, the part join comes first and the rest sees 5% of the rows.
  let bestOrder: { order: number[] } | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let start = 0; start < rels.length; start++) {
    const g = greedyFrom(start, rels, joinEstimate);
    const cost = g.rows.reduce((t, r) => t + r, 0) + g.order.reduce((t, i) => t + rels[i]!.rows, 0);
    if (cost < bestCost) {
      bestCost = cost;
      bestOrder = g;
    }
  }
  const { order } = bestOrder!;
  let cur: LPlan = rels[order[0]!]!.plan;
  let curIds = new Set(rels[order[0]!]!.ids);
  for (let k = 1; k < order.length; k++) {
    const r = rels[order[k]!]!;
    const nextIds = new Set([...curIds, ...r.ids]);
    const conds: RExpr[] = [];
    const nextUsed = new Set(used);
    preds.forEach((c, j) => {
      if (used.has(j)) return;
      const ids = refIds(c);
      if ([...ids].every((i) => nextIds.has(i))) {
        conds.push(c);
        nextUsed.add(j);
      }
    });
    used = nextUsed;
    const cond = and(conds);
    cur = { k: 'join', left: cur, right: r.plan, type: 'inner', ...(cond ? { cond } : {}) };
    curIds = nextIds;
  }
  // Predicates without column references (constants) stay on top.
  const leftover = preds.filter((_, k) => !used.has(k));
  if (leftover.length) cur = { k: 'filter', input: cur, cond: and(leftover)! };
  if (order.every((v, i) => v === i)) return undefined;
  const out = outputOf(root);
  return { k: 'project', input: cur, exprs: out.map((a) => ({ expr: refOf(a), attr: a })) };
}

export const reorderJoins: OptimizerRule = {
  name: 'ReorderJoins',
  rewrite(plan) {
    let changed = false;
    const walk = (p: LPlan, inRegion: boolean): LPlan => {
      const isInner = p.k === 'join' && (p.type === 'inner' || p.type === 'cross');
      if (isInner && !inRegion) {
        const r = reorderRegion(p);
        if (r) {
          changed = true;
          // Reorder inside the leaves too (they are outside this region).
          return reorderLeaves(r);
        }
      }
      const kids = childrenOf(p).map((c) => walk(c, isInner));
      return kids.length ? withChildren(p, kids) : p;
    };
    const reorderLeaves = (p: LPlan): LPlan => {
      // p = project(join tree); leaves are non-inner-join nodes.
      const fix = (q: LPlan): LPlan => {
        if (q.k === 'join' && (q.type === 'inner' || q.type === 'cross')) return { ...q, left: fix(q.left), right: fix(q.right) };
        if (q.k === 'filter' && q.input.k === 'join' && (q.input.type === 'inner' || q.input.type === 'cross')) return { ...q, input: fix(q.input) };
        return walk(q, false);
      };
      return p.k === 'project' ? { ...p, input: fix(p.input) } : fix(p);
    };
    return { plan: walk(plan, false), changed };
  },
};
