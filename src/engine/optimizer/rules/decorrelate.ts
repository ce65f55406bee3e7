/**
 * Rewrites correlated subqueries in filter conditions into joins (Spark's RewritePredicateSubquery and
 * RewriteCorrelatedScalarSubquery):
 *
 * - `EXISTS (q)` / `NOT EXISTS (q)` → left semi / left anti join on q's correlation predicates;
 * - `x IN (q)` / `NOT IN` → semi / anti join on `x = q.col` plus the correlation predicates;
 * - a correlated scalar subquery over an aggregate → left outer join with the aggregate grouped by
 *   the inner side of its equality correlation predicates; the subquery becomes a column reference.
 *
 * Correlation predicates are pulled up through filters, projections (which then pass the needed
 * columns through) and aggregates (equality predicates only: their inner side becomes a group key).
 * Known gap: a scalar `count(...)` returns NULL instead of 0 for outer rows without matches.
 */
import { unsupported } from '../../../core/errors.js';
import { refOf } from '../../analyzer/expressions.js';
import { type Attr, type LPlan, type NamedExpr, type RExpr, childrenOf, outputOf, withChildren } from '../../plan/logical-plan.js';
import { and, anyExpr, conjuncts, hasOuterRef, isSubquery, mapExpr, nodeExprs, outerToRef, refIds } from '../expr-utils.js';
import type { OptimizerRule } from '../rule.js';

/** Ids of every attribute produced inside a plan (nested subquery plans included). */
function definedIds(p: LPlan, out = new Set<number>()): Set<number> {
  for (const a of outputOf(p)) out.add(a.id);
  for (const e of nodeExprs(p)) anyExpr(e, (x) => (isSubquery(x) ? (definedIds(x.plan, out), false) : false));
  for (const c of childrenOf(p)) definedIds(c, out);
  return out;
}

function outerIdsOf(p: LPlan, out = new Set<number>()): Set<number> {
  for (const e of nodeExprs(p))
    anyExpr(e, (x) => {
      if (x.k === 'outer') out.add(x.id);
      else if (isSubquery(x)) outerIdsOf(x.plan, out);
      return false;
    });
  for (const c of childrenOf(p)) outerIdsOf(c, out);
  return out;
}

/** True when the plan refers to columns that it does not produce itself (an enclosing query's). */
export function isCorrelated(p: LPlan): boolean {
  const outer = outerIdsOf(p);
  if (outer.size === 0) return false;
  const defined = definedIds(p);
  for (const id of outer) if (!defined.has(id)) return true;
  return false;
}

const eq = (a: RExpr, b: RExpr): RExpr => ({ k: 'call', fn: '==', args: [a, b], type: { type: 'boolean' }, nullable: a.nullable || b.nullable, sql: `(${a.sql} = ${b.sql})` });

const notSupported = (what: string): Error => unsupported(`correlated subqueries ${what}`);

/** Removes correlation predicates from `p`, returning them (they refer to p's output and outer columns). */
export function pullCorrelated(p: LPlan): { plan: LPlan; preds: RExpr[] } {
  if (!isCorrelated(p)) return { plan: p, preds: [] };
  switch (p.k) {
    case 'filter': {
      const inner = pullCorrelated(p.input);
      const keep: RExpr[] = [];
      const corr: RExpr[] = [];
      for (const c of conjuncts(p.cond)) {
        if (hasOuterRef(c)) corr.push(c);
        else if (anyExpr(c, (x) => isSubquery(x) && isCorrelated(x.plan))) throw notSupported('nested inside another subquery condition');
        else keep.push(c);
      }
      const cond = and(keep);
      return { plan: cond ? { k: 'filter', input: inner.plan, cond } : inner.plan, preds: [...inner.preds, ...corr] };
    }
    case 'project': {
      if (p.exprs.some((e) => anyExpr(e.expr, (x) => x.k === 'outer' || (isSubquery(x) && isCorrelated(x.plan))))) throw notSupported('in a select list');
      const inner = pullCorrelated(p.input);
      const have = new Set(p.exprs.map((e) => e.attr.id));
      const below = outputOf(inner.plan);
      const extra: NamedExpr[] = [];
      for (const pr of inner.preds)
        for (const id of refIds(pr)) {
          if (have.has(id)) continue;
          const a = below.find((x) => x.id === id);
          if (!a) continue;
          have.add(id);
          extra.push({ expr: refOf(a), attr: a });
        }
      return { plan: { ...p, input: inner.plan, exprs: [...p.exprs, ...extra] }, preds: inner.preds };
    }
    case 'sort':
      return pullCorrelated(p.input);
    case 'aggregate': {
      if (p.groupingSets) throw notSupported('over grouping sets');
      if ([...p.groups, ...p.aggs].some((e) => hasOuterRef(e.expr))) throw notSupported('in aggregate expressions');
      const inner = pullCorrelated(p.input);
      const below = outputOf(inner.plan);
      const groups = [...p.groups];
      for (const pr of inner.preds) {
        const ok = pr.k === 'call' && pr.fn === '==' && pr.args.some((a) => !hasOuterRef(a)) && pr.args.some((a) => hasOuterRef(a) && refIds(a).size === 0);
        if (!ok) throw notSupported('with a non-equality correlation below an aggregate');
        for (const id of refIds(pr)) {
          if (groups.some((g) => g.attr.id === id)) continue;
          const a: Attr | undefined = below.find((x) => x.id === id);
          if (a) groups.push({ expr: refOf(a), attr: a });
        }
      }
      return { plan: { ...p, input: inner.plan, groups }, preds: inner.preds };
    }
    default:
      throw notSupported(`below a ${p.k} operator`);
  }
}

function rewriteFilter(f: Extract<LPlan, { k: 'filter' }>): LPlan | undefined {
  const correlated = (x: RExpr): boolean => isSubquery(x) && isCorrelated(x.plan);
  if (!anyExpr(f.cond, correlated)) return undefined;
  const original = outputOf(f.input);
  let input = f.input;
  const rest: RExpr[] = [];
  for (const c of conjuncts(f.cond)) {
    const neg = c.k === 'call' && c.fn === 'not' ? c.args[0]! : undefined;
    const target = neg ?? c;
    if ((target.k === 'exists' || target.k === 'inSubquery') && isCorrelated(target.plan)) {
      const { plan, preds } = pullCorrelated(target.plan);
      let conds = preds.map(outerToRef);
      if (target.k === 'inSubquery') {
        const out = outputOf(plan);
        conds = [...target.values.map((v, i) => eq(v, refOf(out[i]!))), ...conds];
      }
      input = { k: 'join', left: input, right: plan, type: neg ? 'anti' : 'semi', ...(conds.length ? { cond: and(conds)! } : {}) };
      continue;
    }
    rest.push(
      mapExpr(c, (x) => {
        if (x.k !== 'scalarSubquery' || !isCorrelated(x.plan)) {
          if (correlated(x)) throw notSupported('in this position');
          return x;
        }
        const valueId = outputOf(x.plan)[0]!.id;
        const { plan, preds } = pullCorrelated(x.plan);
        const v = outputOf(plan).find((a) => a.id === valueId)!;
        input = { k: 'join', left: input, right: plan, type: 'left', ...(preds.length ? { cond: and(preds.map(outerToRef))! } : {}) };
        return { ...refOf(v), nullable: true, sql: x.sql };
      }),
    );
  }
  const cond = and(rest);
  const out: LPlan = cond ? { k: 'filter', input, cond } : input;
  if (outputOf(out).length === original.length) return out;
  return { k: 'project', input: out, exprs: original.map((a) => ({ expr: refOf(a), attr: a })) };
}

export const decorrelateSubqueries: OptimizerRule = {
  name: 'RewriteCorrelatedSubqueries',
  rewrite(plan) {
    let changed = false;
    const walk = (p: LPlan): LPlan => {
      const kids = childrenOf(p).map(walk);
      const q = kids.length ? withChildren(p, kids) : p;
      if (q.k !== 'filter') return q;
      const r = rewriteFilter(q);
      if (!r) return q;
      changed = true;
      return r;
    };
    return { plan: walk(plan), changed };
  },
};
