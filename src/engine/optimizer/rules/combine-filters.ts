/** Merges adjacent filters and removes `WHERE true`. */
import { type LPlan, childrenOf, withChildren } from '../../plan/logical-plan.js';
import type { OptimizerRule } from '../rule.js';

export const combineFilters: OptimizerRule = {
  name: 'CombineFilters',
  rewrite(plan) {
    let changed = false;
    const walk = (p: LPlan): LPlan => {
      const kids = childrenOf(p).map(walk);
      let q = kids.length ? withChildren(p, kids) : p;
      if (q.k === 'filter' && q.cond.k === 'lit' && q.cond.value === true) {
        changed = true;
        q = q.input;
      } else if (q.k === 'filter' && q.input.k === 'filter') {
        changed = true;
        q = {
          k: 'filter',
          input: q.input.input,
          cond: { k: 'call', fn: 'and', args: [q.input.cond, q.cond], type: { type: 'boolean' }, nullable: q.cond.nullable || q.input.cond.nullable, sql: '' },
        };
      }
      return q;
    };
    const out = walk(plan);
    return { plan: out, changed };
  },
};
