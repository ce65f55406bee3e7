/**
 * The logical optimizer. Phases:
 * 1. subquery plans that do not depend on the enclosing query are optimized on their own;
 * 2. rewrite rules (decorrelation, constant folding, filter merging, predicate pushdown) to a fixed point;
 * 3. join reordering from statistics, then pushdown again for the new join shapes;
 * 4. projection pruning, last, so scans read only the columns that survive.
 */
import { PerennialError, isPerennialError } from '../../core/errors.js';
import type { EvalContext } from '../expr/eval-context.js';
import { type LPlan, childrenOf, withChildren } from '../plan/logical-plan.js';
import { isSubquery, mapExpr, mapNodeExprs } from './expr-utils.js';
import type { OptimizerRule } from './rule.js';
import { combineFilters } from './rules/combine-filters.js';
import { constantFolding } from './rules/constant-folding.js';
import { decorrelateSubqueries, isCorrelated } from './rules/decorrelate.js';
import { reorderJoins } from './rules/join-reorder.js';
import { pruneColumns } from './rules/prune-columns.js';
import { pushFilterThroughJoin } from './rules/push-filter-through-join.js';

export const DEFAULT_RULES: OptimizerRule[] = [decorrelateSubqueries, combineFilters, pushFilterThroughJoin];

export interface OptimizeOptions {
  /** Session evaluation settings; constant folding runs only when given (it depends on them). */
  ctx?: EvalContext;
}

function runToFixedPoint(plan: LPlan, rules: OptimizerRule[], maxPasses: number): LPlan {
  let p = plan;
  for (let pass = 0; pass < maxPasses; pass++) {
    let changed = false;
    for (const r of rules) {
      try {
        const out = r.rewrite(p);
        if (out.changed) {
          changed = true;
          p = out.plan;
        }
      } catch (e) {
        if (isPerennialError(e)) throw e;
        throw new PerennialError('INTERNAL_ERROR', `This is a bug in Perennial, please report it: optimizer rule ${r.name} failed: ${String(e)}`, { kind: 'internal', cause: e });
      }
    }
    if (!changed) break;
  }
  return p;
}

/** Optimizes the plans of uncorrelated subqueries held in expressions. */
function optimizeSubqueries(p: LPlan, opts: OptimizeOptions): LPlan {
  const kids = childrenOf(p).map((c) => optimizeSubqueries(c, opts));
  const q = kids.length ? withChildren(p, kids) : p;
  return mapNodeExprs(q, (e) => mapExpr(e, (x) => (isSubquery(x) && !isCorrelated(x.plan) ? { ...x, plan: optimize(x.plan, opts) } : x)));
}

export function optimize(plan: LPlan, opts: OptimizeOptions = {}, rules: OptimizerRule[] = DEFAULT_RULES, maxPasses = 20): LPlan {
  const all = opts.ctx ? [...rules, constantFolding(opts.ctx)] : rules;
  let p = optimizeSubqueries(plan, opts);
  p = runToFixedPoint(p, all, maxPasses);
  if (rules !== DEFAULT_RULES) return p;
  p = runToFixedPoint(p, [reorderJoins], 2);
  p = runToFixedPoint(p, all, maxPasses);
  return runToFixedPoint(p, [pruneColumns], 3);
}
