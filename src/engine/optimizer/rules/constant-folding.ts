/**
 * Constant folding (Spark's ConstantFolding and BooleanSimplification, reduced): calls and casts whose
 * inputs are all literals are evaluated once at planning time; `true AND x` → x, `false OR x` → x.
 * An expression whose evaluation fails is left alone, so the error is raised at run time (and only if
 * a row reaches it), as in Spark. Folded literals keep the original SQL text (column names).
 */
import type { EvalContext } from '../../expr/eval-context.js';
import { compile } from '../../expr/compile.js';
import { getValue } from '../../arrow/vec.js';
import { lookupFunction } from '../../expr/functions/registry.js';
import type { LPlan, RExpr } from '../../plan/logical-plan.js';
import { childrenOf, withChildren } from '../../plan/logical-plan.js';
import { children, mapExpr, mapNodeExprs } from '../expr-utils.js';
import type { OptimizerRule } from '../rule.js';

const isLit = (e: RExpr): boolean => e.k === 'lit';

function foldable(e: RExpr): boolean {
  if (e.k === 'call') {
    if (e.args.length === 0 || !e.args.every(isLit)) return false;
    const f = lookupFunction(e.fn);
    return f !== undefined && !f.nondeterministic && !f.lambdaEval;
  }
  if (e.k === 'cast') return isLit(e.child) && e.type.type !== 'timestamp' && e.child.type.type !== 'timestamp';
  return false;
}

/** Folds `e`; `onChange` is called for every rewrite made. */
export function foldExpr(e: RExpr, ctx: EvalContext, onChange: () => void = () => {}): RExpr {
  const hasFoldable = (x: RExpr): boolean => foldable(x) || (x.k === 'call' && (x.fn === 'and' || x.fn === 'or') && x.args.some(isLit)) || children(x).some(hasFoldable);
  if (!hasFoldable(e)) return e;
  return mapExpr(e, (x) => {
    if (x.k === 'call' && (x.fn === 'and' || x.fn === 'or')) {
      const [a, b] = x.args as [RExpr, RExpr];
      const unit = x.fn === 'and';
      if (a.k === 'lit' && a.value === unit && b.type.type === 'boolean') {
        onChange();
        return { ...b, sql: x.sql };
      }
      if (b.k === 'lit' && b.value === unit && a.type.type === 'boolean') {
        onChange();
        return { ...a, sql: x.sql };
      }
    }
    if (!foldable(x)) return x;
    try {
      const v = getValue(compile(x, [], { ctx, subqueries: new Map() })({ cols: [], length: 1 }), 0);
      onChange();
      return { k: 'lit', value: v, type: x.type, nullable: v === null, sql: x.sql };
    } catch {
      return x;
    }
  });
}

export function constantFolding(ctx: EvalContext): OptimizerRule {
  return {
    name: 'ConstantFolding',
    rewrite(plan) {
      let changed = false;
      const walk = (p: LPlan): LPlan => {
        const kids = childrenOf(p).map(walk);
        const q = kids.length ? withChildren(p, kids) : p;
        return mapNodeExprs(q, (e) =>
          foldExpr(e, ctx, () => {
            changed = true;
          }),
        );
      };
      return { plan: walk(plan), changed };
    },
  };
}
