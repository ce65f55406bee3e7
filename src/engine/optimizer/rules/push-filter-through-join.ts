/**
 * Predicate pushdown (Spark's PushDownPredicates / PushPredicateThroughJoin):
 * - filter over project: conjuncts move below the projection (column references inlined);
 * - filter over join: conjuncts over one side move into that side when the join type allows it
 *   (inner: both; left/semi/anti: left; right: right); the rest of an inner join's become its condition;
 * - join conditions: conjuncts over one side only move into that side (inner: both; left: right side;
 *   semi/anti: right side; right: left side);
 * - an OR whose every branch has a conjunct over one side yields an extra, weaker filter for that side
 *   (`(a.x=1 AND b.y=2) OR (a.x=3 AND ...)` → `a.x=1 OR a.x=3` on a), and conjuncts common to every
 *   branch are factored out, so `(k = k' AND p) OR (k = k' AND q)` becomes an equi-join.
 */
import { exprKey } from '../../analyzer/expressions.js';
import { type LPlan, type RExpr, childrenOf, outputOf, withChildren } from '../../plan/logical-plan.js';
import { and, anyExpr, conjuncts, disjuncts, movable, or, refIds, substitute } from '../expr-utils.js';
import type { OptimizerRule } from '../rule.js';

function within(ids: Set<number>, side: Set<number>): boolean {
  if (ids.size === 0) return false;
  for (const i of ids) if (!side.has(i)) return false;
  return true;
}

/** `(c AND p) OR (c AND q)` → `c AND (p OR q)`. */
export function factorOr(e: RExpr): RExpr[] {
  if (!(e.k === 'call' && e.fn === 'or')) return [e];
  const branches = disjuncts(e).map(conjuncts);
  const keysOf = branches.map((b) => new Set(b.map(exprKey)));
  const common = branches[0]!.filter((c) => keysOf.every((ks) => ks.has(exprKey(c))));
  if (common.length === 0) return [e];
  const ck = new Set(common.map(exprKey));
  const rests = branches.map((b) => b.filter((c) => !ck.has(exprKey(c))));
  if (rests.some((r) => r.length === 0)) return common;
  return [...common, or(rests.map((r) => and(r)!))];
}

/** A filter implied by an OR for one side, when every branch constrains that side. */
function sideImplied(e: RExpr, side: Set<number>): RExpr | undefined {
  if (!(e.k === 'call' && e.fn === 'or')) return undefined;
  const parts: RExpr[] = [];
  for (const d of disjuncts(e)) {
    const mine = conjuncts(d).filter((c) => within(refIds(c), side) && movable(c));
    if (mine.length === 0) return undefined;
    parts.push(and(mine)!);
  }
  return or(parts);
}

const filterOf = (input: LPlan, cs: RExpr[]): LPlan => (cs.length ? { k: 'filter', input, cond: and(cs)! } : input);

export const pushFilterThroughJoin: OptimizerRule = {
  name: 'PushDownPredicates',
  rewrite(plan) {
    let changed = false;
    const walk = (p: LPlan): LPlan => {
      let q = p;
      if (q.k === 'filter') q = pushFilter(q) ?? q;
      if (q.k === 'join') q = pushJoinCond(q) ?? q;
      const kids = childrenOf(q).map(walk);
      return kids.length ? withChildren(q, kids) : q;
    };
    const pushFilter = (f: Extract<LPlan, { k: 'filter' }>): LPlan | undefined => {
      const cs = conjuncts(f.cond).flatMap(factorOr);
      const input = f.input;
      if (input.k === 'project') {
        if (input.exprs.some((e) => anyExpr(e.expr, (x) => x.k === 'win' || x.k === 'agg'))) return undefined;
        const m = new Map(input.exprs.map((e) => [e.attr.id, e.expr] as const));
        const down: RExpr[] = [];
        const up: RExpr[] = [];
        for (const c of cs) {
          const s = substitute(c, m);
          if (movable(c) && movable(s)) down.push(s);
          else up.push(c);
        }
        if (down.length === 0) return undefined;
        changed = true;
        return filterOf({ ...input, input: filterOf(input.input, down) }, up);
      }
      if (input.k !== 'join') return undefined;
      const j = input;
      const lo = new Set(outputOf(j.left).map((a) => a.id));
      const ro = new Set(outputOf(j.right).map((a) => a.id));
      const canL = j.type === 'inner' || j.type === 'left' || j.type === 'semi' || j.type === 'anti';
      const canR = j.type === 'inner' || j.type === 'right';
      const toL: RExpr[] = [];
      const toR: RExpr[] = [];
      const toJoin: RExpr[] = [];
      const keep: RExpr[] = [];
      for (const c of cs) {
        const ids = refIds(c);
        const ok = movable(c);
        if (ok && canL && within(ids, lo)) toL.push(c);
        else if (ok && canR && within(ids, ro)) toR.push(c);
        else if (ok && j.type === 'inner') {
          toJoin.push(c);
          const l = sideImplied(c, lo);
          const r = sideImplied(c, ro);
          if (l) toL.push(l);
          if (r) toR.push(r);
        } else keep.push(c);
      }
      if (toL.length + toR.length + toJoin.length === 0) return undefined;
      changed = true;
      const cond = and([...conjuncts(j.cond), ...toJoin]);
      const nj: LPlan = { ...j, left: filterOf(j.left, toL), right: filterOf(j.right, toR), ...(cond ? { cond } : {}) };
      return filterOf(nj, keep);
    };
    const pushJoinCond = (j: Extract<LPlan, { k: 'join' }>): LPlan | undefined => {
      if (!j.cond || j.type === 'full') return undefined;
      const lo = new Set(outputOf(j.left).map((a) => a.id));
      const ro = new Set(outputOf(j.right).map((a) => a.id));
      const canL = j.type === 'inner' || j.type === 'right';
      const canR = j.type === 'inner' || j.type === 'left' || j.type === 'semi' || j.type === 'anti';
      const toL: RExpr[] = [];
      const toR: RExpr[] = [];
      const keep: RExpr[] = [];
      let factored = false;
      for (const c0 of conjuncts(j.cond)) {
        const fs = factorOr(c0);
        if (fs.length !== 1 || fs[0] !== c0) factored = true;
        for (const c of fs) {
          const ids = refIds(c);
          const ok = movable(c);
          if (ok && canL && within(ids, lo)) toL.push(c);
          else if (ok && canR && within(ids, ro)) toR.push(c);
          else keep.push(c);
        }
      }
      if (toL.length + toR.length === 0 && !factored) return undefined;
      changed = true;
      const cond = and(keep);
      const { cond: _old, ...rest } = j;
      void _old;
      return { ...rest, left: filterOf(j.left, toL), right: filterOf(j.right, toR), ...(cond ? { cond } : {}) };
    };
    return { plan: walk(plan), changed };
  },
};
