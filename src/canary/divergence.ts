/**
 * What makes two runs of a plan a regression, and the minimizer's oracle over two live drivers.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import type { SetupStep } from './types.js';
import { type Plan, PlanSchema, type Relation } from '../protocol/index.js';
import { compareResults, type Tolerance } from './compare.js';
import { minimizeRelation } from './minimize.js';
import { countOperators, planRelation, topIsSort } from './plan-tree.js';
import { renderPlan } from './render.js';
import { type ReplayTarget, ReplaySession, type RunResult } from './replay.js';

export type Divergence =
  | { kind: 'error'; errorClass: string; message: string }
  | { kind: 'wrong-result'; detail: string };

/** Errors that say nothing about the plan (driver gone, deadline): such a run is inconclusive. */
export function isInconclusive(r: RunResult): boolean {
  if (r.ok || !r.error) return false;
  const k = r.error.kind;
  // UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, or a transport error without a Spark error class.
  return k === 'unavailable' || (k === undefined && [1, 2, 4, 14].includes(r.error.code) && r.error.errorClass.startsWith('GRPC_'));
}

/**
 * The regression the candidate shows against the baseline, if any: an error the baseline does not
 * raise (or a different error class), or a different result. A plan fixed on the candidate is not one.
 */
export function divergenceOf(baseline: RunResult, candidate: RunResult, ordered: boolean, tol?: Tolerance): Divergence | undefined {
  if (!candidate.ok) {
    const c = candidate.error;
    if (!c) return undefined;
    if (baseline.ok || baseline.error?.errorClass !== c.errorClass) {
      return { kind: 'error', errorClass: c.errorClass, message: c.message };
    }
    return undefined;
  }
  if (!baseline.ok) return undefined;
  const diff = compareResults(baseline.result ?? { columns: [], rows: [] }, candidate.result ?? { columns: [], rows: [] }, ordered, tol);
  return diff === undefined ? undefined : { kind: 'wrong-result', detail: diff };
}

export function sameDivergence(a: Divergence | undefined, b: Divergence): boolean {
  if (!a || a.kind !== b.kind) return false;
  return a.kind === 'wrong-result' || (b.kind === 'error' && a.errorClass === b.errorClass);
}

export interface MinimizedRepro {
  plan: Plan;
  planBytes: Uint8Array;
  text: string;
  operatorsBefore: number;
  operatorsAfter: number;
  tests: number;
}

/**
 * Shrinks the plan's relation while the two targets keep showing `want`. One replay session per
 * side for the whole search (setup replayed once); candidates are run as root relations.
 */
export async function minimizeOnTargets(
  plan: Plan | undefined,
  setup: readonly SetupStep[],
  baseline: ReplayTarget,
  candidate: ReplayTarget,
  want: Divergence,
  opts: { maxTests?: number; tolerance?: Tolerance; timeoutMs?: number } = {},
): Promise<MinimizedRepro | undefined> {
  const rel = planRelation(plan);
  if (!rel) return undefined;
  const b = new ReplaySession(baseline, { timeoutMs: opts.timeoutMs ?? 60_000 });
  const c = new ReplaySession(candidate, { timeoutMs: opts.timeoutMs ?? 60_000 });
  try {
    if ((await b.setup(setup)) || (await c.setup(setup))) return undefined;
    const asPlan = (r: Relation) => create(PlanSchema, { opType: { case: 'root', value: r } });
    const oracle = async (r: Relation) => {
      const p = asPlan(r);
      const rb = await b.execute(p);
      const rc = await c.execute(p);
      return sameDivergence(divergenceOf(rb, rc, topIsSort(r), opts.tolerance), want);
    };
    // The relation on its own must show it first (a command wrapper may matter).
    if (!(await oracle(rel))) return undefined;
    const m = await minimizeRelation(rel, oracle, { maxTests: opts.maxTests ?? 150 });
    const out = asPlan(m.relation);
    return {
      plan: out,
      planBytes: toBinary(PlanSchema, out),
      text: renderPlan(out),
      operatorsBefore: countOperators(rel),
      operatorsAfter: m.operatorsAfter,
      tests: m.tests,
    };
  } finally {
    await Promise.all([b.close(), c.close()]);
  }
}
