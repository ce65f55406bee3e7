/** An optimizer rule: rewrites a resolved plan and reports whether anything changed. */
import type { LPlan } from '../plan/logical-plan.js';

export interface OptimizerRule {
  name: string;
  rewrite(plan: LPlan): { plan: LPlan; changed: boolean };
}
