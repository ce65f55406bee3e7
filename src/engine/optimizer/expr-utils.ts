/** Expression helpers shared by optimizer rules: conjunct splitting, reference sets, rewriting. */
import { childrenOf, exprChildren, type LPlan, nodeExprs, type RExpr } from '../plan/logical-plan.js';
import { conjuncts, refIds } from '../operators/join.js';

export { conjuncts, refIds };
/** Plan-level helpers live with the plan; re-exported under the names the rules use. */
export { exprChildren as children, nodeExprs };

const BOOL = { type: 'boolean' } as const;

export function and(es: RExpr[]): RExpr | undefined {
  if (es.length === 0) return undefined;
  return es.reduce((a, b) => ({ k: 'call', fn: 'and', args: [a, b], type: BOOL, nullable: a.nullable || b.nullable, sql: `(${a.sql} AND ${b.sql})` }));
}

export function or(es: RExpr[]): RExpr {
  return es.reduce((a, b) => ({ k: 'call', fn: 'or', args: [a, b], type: BOOL, nullable: a.nullable || b.nullable, sql: `(${a.sql} OR ${b.sql})` }));
}

export function disjuncts(e: RExpr): RExpr[] {
  if (e.k === 'call' && e.fn === 'or') return [...disjuncts(e.args[0]!), ...disjuncts(e.args[1]!)];
  return [e];
}

/** Bottom-up rewrite of an expression tree (subquery plans are left as they are). */
export function mapExpr(e: RExpr, f: (x: RExpr) => RExpr): RExpr {
  let n: RExpr;
  switch (e.k) {
    case 'call':
      n = { ...e, args: e.args.map((a) => mapExpr(a, f)) };
      break;
    case 'cast':
      n = { ...e, child: mapExpr(e.child, f) };
      break;
    case 'case':
      n = { ...e, branches: e.branches.map((b) => ({ when: mapExpr(b.when, f), then: mapExpr(b.then, f) })), ...(e.else ? { else: mapExpr(e.else, f) } : {}) };
      break;
    case 'agg':
      n = { ...e, args: e.args.map((a) => mapExpr(a, f)), ...(e.filter ? { filter: mapExpr(e.filter, f) } : {}) };
      break;
    case 'win':
      n = { ...e, fn: mapExpr(e.fn, f), partitionBy: e.partitionBy.map((p) => mapExpr(p, f)), orderBy: e.orderBy.map((o) => ({ ...o, expr: mapExpr(o.expr, f) })) };
      break;
    case 'inSubquery':
      n = { ...e, values: e.values.map((v) => mapExpr(v, f)) };
      break;
    case 'lambda':
      n = { ...e, body: mapExpr(e.body, f) };
      break;
    default:
      n = e;
  }
  return f(n);
}

export function anyExpr(e: RExpr, p: (x: RExpr) => boolean): boolean {
  return p(e) || exprChildren(e).some((c) => anyExpr(c, p));
}

export const isSubquery = (e: RExpr): e is Extract<RExpr, { k: 'scalarSubquery' | 'exists' | 'inSubquery' }> =>
  e.k === 'scalarSubquery' || e.k === 'exists' || e.k === 'inSubquery';

const NONDETERMINISTIC = new Set(['rand', 'randn', 'random', 'uuid', 'shuffle', 'monotonically_increasing_id', 'spark_partition_id', 'current_timestamp', 'now']);

/** Deterministic, no aggregates/windows/outer references: safe to move between operators. */
export function movable(e: RExpr): boolean {
  return !anyExpr(e, (x) => x.k === 'agg' || x.k === 'win' || x.k === 'outer' || x.k === 'groupingId' || (x.k === 'call' && NONDETERMINISTIC.has(x.fn)) || (isSubquery(x) && planHasOuter(x.plan)));
}

/** Rewrites every expression held by one node with `f` (top-level expressions). */
export function mapNodeExprs(p: LPlan, f: (e: RExpr) => RExpr): LPlan {
  switch (p.k) {
    case 'filter':
      return { ...p, cond: f(p.cond) };
    case 'project':
    case 'window':
      return { ...p, exprs: p.exprs.map((e) => ({ ...e, expr: f(e.expr) })) } as LPlan;
    case 'aggregate':
      return { ...p, groups: p.groups.map((g) => ({ ...g, expr: f(g.expr) })), aggs: p.aggs.map((a) => ({ ...a, expr: f(a.expr) })) };
    case 'sort':
      return { ...p, order: p.order.map((o) => ({ ...o, expr: f(o.expr) })) };
    case 'join':
      return p.cond ? { ...p, cond: f(p.cond) } : p;
    case 'generate':
      return { ...p, generator: f(p.generator) };
    default:
      return p;
  }
}

/** True when the plan (or a subquery inside it) refers to a column of an enclosing query. */
export function planHasOuter(p: LPlan): boolean {
  const inExpr = (e: RExpr): boolean => anyExpr(e, (x) => x.k === 'outer' || (isSubquery(x) && planHasOuter(x.plan)));
  return nodeExprs(p).some(inExpr) || childrenOf(p).some(planHasOuter);
}

export const hasOuterRef = (e: RExpr): boolean => anyExpr(e, (x) => x.k === 'outer');

/** Outer references become plain references (once the subquery is joined in, both sides are visible). */
export function outerToRef(e: RExpr): RExpr {
  return mapExpr(e, (x) => (x.k === 'outer' ? { k: 'ref', id: x.id, name: x.name, type: x.type, nullable: x.nullable, sql: x.name } : x));
}

/** Replaces references by id (inlining a projection's expressions). */
export function substitute(e: RExpr, m: Map<number, RExpr>): RExpr {
  return mapExpr(e, (x) => (x.k === 'ref' && m.has(x.id) ? m.get(x.id)! : x));
}
