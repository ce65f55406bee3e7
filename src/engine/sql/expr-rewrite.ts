/**
 * Bottom-up expression rewriting used by the parser itself (binding lambda variables). It does not
 * enter subquery plans: names inside a subquery belong to that subquery's scope.
 */
import type { Expr, FrameBound, SortOrderExpr } from '../plan/parsed-plan.js';

/** `f` returns a replacement, or undefined to keep the node (its children are rewritten first). */
export function rewriteExpr(e: Expr, f: (e: Expr) => Expr | undefined): Expr {
  const r = (x: Expr): Expr => rewriteExpr(x, f);
  const rs = (x: SortOrderExpr): SortOrderExpr => rewriteExpr(x, f) as SortOrderExpr;
  const rb = (b: FrameBound): FrameBound => (b.kind === 'offset' ? { kind: 'offset', value: r(b.value) } : b);
  let out: Expr;
  switch (e.kind) {
    case 'function':
      out = { ...e, args: e.args.map(r), ...(e.filter === undefined ? {} : { filter: r(e.filter) }) };
      if (e.withinGroup !== undefined) out = { ...out, withinGroup: e.withinGroup.map(rs) } as Expr;
      if (e.namedArgs !== undefined)
        out = { ...out, namedArgs: e.namedArgs.map((a) => ({ name: a.name, value: r(a.value) })) } as Expr;
      break;
    case 'alias':
      out = { ...e, expr: r(e.expr) };
      break;
    case 'cast':
      out = { ...e, expr: r(e.expr) };
      break;
    case 'sortOrder':
      out = { ...e, expr: r(e.expr) };
      break;
    case 'window':
      out = {
        ...e,
        fn: r(e.fn),
        partitionBy: e.partitionBy.map(r),
        orderBy: e.orderBy.map(rs),
        ...(e.frame === undefined ? {} : { frame: { ...e.frame, lower: rb(e.frame.lower), upper: rb(e.frame.upper) } }),
      };
      break;
    case 'case':
      out = {
        ...e,
        ...(e.operand === undefined ? {} : { operand: r(e.operand) }),
        branches: e.branches.map((b) => ({ when: r(b.when), then: r(b.then) })),
        ...(e.else === undefined ? {} : { else: r(e.else) }),
      };
      break;
    case 'in':
      out = { ...e, expr: r(e.expr), list: e.list.map(r) };
      break;
    case 'inSubquery':
      out = { ...e, exprs: e.exprs.map(r) };
      break;
    case 'extractValue':
      out = { ...e, child: r(e.child), extraction: r(e.extraction) };
      break;
    case 'lambda':
      out = { ...e, body: r(e.body) };
      break;
    default:
      out = e;
  }
  return f(out) ?? out;
}
