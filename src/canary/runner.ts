/**
 * A canary run: every plan replayed on the baseline and on the candidate (fresh session each, setup
 * log first, runs interleaved baseline/candidate `repeats` times), then compared — outcome, result,
 * latency — and each regression shrunk to a minimal reproduction. Results go to Postgres when a
 * repository is given (canary_runs, canary_results, and regressions without pins).
 */
import type { Logger } from '../core/logger.js';
import type { CanaryRepository, NewCanaryResult } from '../store/index.js';
import { DEFAULT_LATENCY, DEFAULT_TOLERANCE, type LatencyOptions, latencyVerdict, resultDigest, type Tolerance, compareResults } from './compare.js';
import { type Divergence, divergenceOf, isInconclusive, type MinimizedRepro, minimizeOnTargets } from './divergence.js';
import { countOperators, planRelation } from './plan-tree.js';
import { renderPlan } from './render.js';
import { type ReplayTarget, ReplaySession, type RunResult } from './replay.js';
import type { ReplayablePlan } from './types.js';
import { toBinary } from '@bufbuild/protobuf';
import { PlanSchema } from '../protocol/index.js';

export type Verdict = 'pass' | 'regression' | 'skipped';

export interface PlanOutcome {
  plan: ReplayablePlan;
  verdict: Verdict;
  kind?: 'error' | 'performance' | 'wrong-result';
  detail: string;
  baseline: RunResult;
  candidate: RunResult;
  baselineMs: number[];
  candidateMs: number[];
  latency?: ReturnType<typeof latencyVerdict>;
  baselineDigest?: string;
  candidateDigest?: string;
  repro?: MinimizedRepro;
  regressionId?: number;
  /** Wall time spent on this plan (both sides, all repeats, minimization). */
  seconds: number;
}

export interface CanaryReport {
  runId?: number;
  baseline: string;
  candidate: string;
  sources: string[];
  startedAt: Date;
  seconds: number;
  outcomes: PlanOutcome[];
  passed: number;
  regressions: number;
  skipped: number;
}

export interface RunCanaryOptions {
  plans: ReplayablePlan[];
  baseline: ReplayTarget;
  candidate: ReplayTarget;
  /** Labels in reports (a version, or the manifest path a candidate came from). */
  baselineLabel?: string;
  candidateLabel?: string;
  scratch?: { baseline: string; candidate: string };
  /** Runs per side and plan (the first also gives the result). @default 3 */
  repeats?: number;
  latency?: LatencyOptions;
  /** Extra interleaved rounds that must confirm a suspected slowdown. @default 6 */
  confirmRounds?: number;
  tolerance?: Tolerance;
  /** Shrink regressions to minimal plans. @default true */
  minimize?: boolean;
  minimizeMaxTests?: number;
  /** Whether replayed writes are safe (both sides have scratch warehouses). @default true */
  allowWrites?: boolean;
  timeoutMs?: number;
  repo?: CanaryRepository;
  settings?: Record<string, unknown>;
  log?: Logger;
  onProgress?(done: number, total: number, current: string, regressions: number): void;
}

export async function runCanary(o: RunCanaryOptions): Promise<CanaryReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const baselineLabel = o.baselineLabel ?? o.baseline.version;
  const candidateLabel = o.candidateLabel ?? o.candidate.version;
  const sources = [...new Set(o.plans.map((p) => p.source))];
  const workloads = [...new Set(o.plans.filter((p) => p.source === 'captured').map((p) => p.workload))];
  const run = o.repo
    ? await o.repo.startRun({ candidate: candidateLabel, baseline: baselineLabel, sources: sources.join(','), workloads, settings: o.settings ?? {} })
    : undefined;
  const outcomes: PlanOutcome[] = [];
  let regressions = 0;
  try {
    for (const [i, plan] of o.plans.entries()) {
      o.onProgress?.(i, o.plans.length, plan.name, regressions);
      let out = await replayPlan(plan, o);
      if (out.verdict === 'skipped' && out.detail.startsWith('inconclusive')) {
        // A driver went away mid-run: once both are back, the plan gets one more chance.
        await Promise.all([o.baseline, o.candidate].map((t) => (t as { waitReady?: (ms: number) => Promise<boolean> }).waitReady?.(30_000)));
        out = await replayPlan(plan, o);
      }
      if (out.verdict === 'regression') {
        regressions++;
        if (o.repo) out.regressionId = await recordRegression(o.repo, out, o.candidate.version, o.baseline.version).catch(() => undefined);
      }
      outcomes.push(out);
    }
    o.onProgress?.(o.plans.length, o.plans.length, '', regressions);
  } catch (err) {
    if (run && o.repo) await o.repo.finishRun(run.id, { status: 'error', plans: outcomes.length, passed: 0, regressions, skipped: 0 }).catch(() => undefined);
    throw err;
  }
  const report: CanaryReport = {
    ...(run ? { runId: run.id } : {}),
    baseline: baselineLabel,
    candidate: candidateLabel,
    sources,
    startedAt,
    seconds: (performance.now() - t0) / 1000,
    outcomes,
    passed: outcomes.filter((x) => x.verdict === 'pass').length,
    regressions,
    skipped: outcomes.filter((x) => x.verdict === 'skipped').length,
  };
  if (run && o.repo) {
    await o.repo.addResults(run.id, outcomes.map(toRow));
    const { markdownSummary } = await import('./report.js');
    await o.repo.finishRun(run.id, {
      status: regressions ? 'failed' : 'passed',
      plans: outcomes.length,
      passed: report.passed,
      regressions,
      skipped: report.skipped,
      markdown: markdownSummary(report),
    });
  }
  return report;
}

async function replayPlan(plan: ReplayablePlan, o: RunCanaryOptions): Promise<PlanOutcome> {
  const started = performance.now();
  const failed: RunResult = { ok: false, ms: 0 };
  const out = (x: Omit<PlanOutcome, 'plan' | 'seconds'>): PlanOutcome => ({ plan, ...x, seconds: (performance.now() - started) / 1000 });
  if (plan.hasWrite && o.allowWrites === false) {
    return out({ verdict: 'skipped', detail: 'writes are not replayed against this runtime', baseline: failed, candidate: failed, baselineMs: [], candidateMs: [] });
  }
  const b = new ReplaySession(o.baseline, { ...(o.scratch ? { scratchDir: o.scratch.baseline } : {}), timeoutMs: o.timeoutMs ?? 300_000 });
  const c = new ReplaySession(o.candidate, { ...(o.scratch ? { scratchDir: o.scratch.candidate } : {}), timeoutMs: o.timeoutMs ?? 300_000 });
  try {
    return await compareOn(plan, o, b, c, out, failed);
  } finally {
    await Promise.all([b.close(), c.close()]);
  }
}

async function compareOn(
  plan: ReplayablePlan,
  o: RunCanaryOptions,
  b: ReplaySession,
  c: ReplaySession,
  out: (x: Omit<PlanOutcome, 'plan' | 'seconds'>) => PlanOutcome,
  failed: RunResult,
): Promise<PlanOutcome> {
  const [bs, cs] = [await b.setup(plan.setup), await c.setup(plan.setup)];
  const setupInconclusive = [bs, cs].find((e) => e && isInconclusive({ ok: false, error: e, ms: 0 }));
  if (setupInconclusive) {
    return out({ verdict: 'skipped', detail: `inconclusive (${setupInconclusive.errorClass}: ${firstLine(setupInconclusive.message)})`, baseline: failed, candidate: failed, baselineMs: [], candidateMs: [] });
  }
  if (bs || cs) {
    const bErr: RunResult = bs ? { ok: false, error: bs, ms: 0 } : { ok: true, ms: 0 };
    const cErr: RunResult = cs ? { ok: false, error: cs, ms: 0 } : { ok: true, ms: 0 };
    if (bs && cs && bs.errorClass === cs.errorClass) {
      return out({ verdict: 'skipped', detail: `session setup fails on both: ${bs.errorClass}`, baseline: bErr, candidate: cErr, baselineMs: [], candidateMs: [] });
    }
    if (cs && !bs) {
      return out({ verdict: 'regression', kind: 'error', detail: `session setup fails on the candidate: ${cs.errorClass}: ${firstLine(cs.message)}`, baseline: bErr, candidate: cErr, baselineMs: [], candidateMs: [] });
    }
    return out({ verdict: 'skipped', detail: `session setup fails on the baseline: ${bs?.errorClass}`, baseline: bErr, candidate: cErr, baselineMs: [], candidateMs: [] });
  }
  // Round 0 gives the results (and warms both drivers up); rounds 1..repeats are timed, interleaved.
  const baselineRuns: RunResult[] = [];
  const candidateRuns: RunResult[] = [];
  const rounds = plan.hasWrite ? 1 : 1 + Math.max(1, o.repeats ?? 3);
  for (let i = 0; i < rounds; i++) {
    const first = i % 2 === 0 ? 'b' : 'c';
    if (first === 'b') baselineRuns.push(await b.execute(plan.plan));
    candidateRuns.push(await c.execute(plan.plan));
    if (first === 'c') baselineRuns.push(await b.execute(plan.plan));
    // A failing plan needs no timing: one run each says what it needs to.
    if (!baselineRuns[0]?.ok || !candidateRuns[0]?.ok) break;
  }
  const base = baselineRuns[0] as RunResult;
  const cand = candidateRuns[0] as RunResult;
  const timed = (runs: RunResult[]) => (runs.length > 1 ? runs.slice(1) : runs).map((r) => r.ms);
  let baselineMs = timed(baselineRuns);
  let candidateMs = timed(candidateRuns);
  const digests = {
    ...(base.ok && base.result ? { baselineDigest: resultDigest(base.result, plan.ordered) } : {}),
    ...(cand.ok && cand.result ? { candidateDigest: resultDigest(cand.result, plan.ordered) } : {}),
  };
  const common = () => ({ baseline: base, candidate: cand, baselineMs, candidateMs, ...digests });
  if (isInconclusive(base) || isInconclusive(cand)) {
    const e = (isInconclusive(base) ? base : cand).error;
    return out({ ...common(), verdict: 'skipped', detail: `inconclusive (${e?.errorClass}: ${firstLine(e?.message ?? '')})` });
  }
  // A plan whose baseline answers differ between runs is nondeterministic: its results say nothing.
  const unstable =
    base.ok &&
    baselineRuns.slice(1).some((r) => r.ok && r.result && base.result && compareResults(base.result, r.result, plan.ordered, o.tolerance) !== undefined);
  const div = divergenceOf(base, cand, plan.ordered, o.tolerance ?? DEFAULT_TOLERANCE);
  if (div && div.kind === 'wrong-result' && unstable) {
    return out({ ...common(), verdict: 'skipped', detail: 'nondeterministic: the baseline answers differently between runs' });
  }
  if (div) {
    let repro: MinimizedRepro | undefined;
    if ((o.minimize ?? true) && !plan.hasWrite) {
      repro = await minimizeOnTargets(plan.plan, plan.setup, o.baseline, o.candidate, div, {
        maxTests: o.minimizeMaxTests ?? 150,
        ...(o.tolerance ? { tolerance: o.tolerance } : {}),
      }).catch((err: unknown) => {
        o.log?.warn({ err: String(err), plan: plan.name }, 'minimization failed');
        return undefined;
      });
    }
    return out({ ...common(), verdict: 'regression', kind: div.kind, detail: describe(div, base), ...(repro ? { repro } : {}) });
  }
  if (!base.ok && !cand.ok) {
    return out({ ...common(), verdict: plan.redacted ? 'skipped' : 'pass', detail: `fails on both with ${base.error?.errorClass}${plan.redacted ? ' (redacted plan)' : ''}` });
  }
  if (!base.ok) return out({ ...common(), verdict: 'pass', detail: `fixed on the candidate (baseline: ${base.error?.errorClass})` });
  const opts = o.latency ?? DEFAULT_LATENCY;
  let latency = latencyVerdict(baselineMs, candidateMs, opts);
  if (latency.regression && !plan.hasWrite) {
    // Suspected: confirm with more interleaved rounds (alternating who goes first) before calling it.
    for (let i = 0; i < (o.confirmRounds ?? 6); i++) {
      if (i % 2 === 0) {
        candidateMs = [...candidateMs, (await c.execute(plan.plan)).ms];
        baselineMs = [...baselineMs, (await b.execute(plan.plan)).ms];
      } else {
        baselineMs = [...baselineMs, (await b.execute(plan.plan)).ms];
        candidateMs = [...candidateMs, (await c.execute(plan.plan)).ms];
      }
    }
    latency = latencyVerdict(baselineMs, candidateMs, { ...opts, strict: false });
  }
  if (latency.regression) {
    return out({
      ...common(),
      latency,
      verdict: 'regression',
      kind: 'performance',
      detail: `median ${fmtMs(latency.candidateMedianMs)} vs ${fmtMs(latency.baselineMedianMs)} (×${latency.ratio.toFixed(2)}, ${candidateMs.length} runs each)`,
    });
  }
  return out({ ...common(), latency, verdict: 'pass', detail: `${cand.result?.rows.length ?? 0} rows match; ×${latency.ratio.toFixed(2)} latency` });
}

function describe(d: Divergence, base: RunResult): string {
  if (d.kind === 'wrong-result') return `different result: ${d.detail}`;
  return base.ok ? `${d.errorClass}: ${firstLine(d.message)}` : `error class changed ${base.error?.errorClass} → ${d.errorClass}: ${firstLine(d.message)}`;
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return l.length > 300 ? `${l.slice(0, 300)}…` : l;
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

async function recordRegression(repo: CanaryRepository, x: PlanOutcome, failedVersion: string, goodVersion: string): Promise<number> {
  const r = await repo.recordRegression({
    kind: x.kind ?? 'error',
    fingerprint: x.plan.fingerprint,
    failedVersion,
    goodVersion,
    errorClass: x.kind === 'error' ? (x.candidate.error?.errorClass ?? null) : null,
    errorMessage: `canary: ${x.detail}`,
    plan: x.repro?.planBytes ?? (x.plan.plan ? toBinary(PlanSchema, x.plan.plan) : null),
    planText: x.repro?.text ?? renderPlan(x.plan.plan),
    sqlText: x.plan.sqlText ?? null,
    tenant: x.plan.tenant,
    workload: x.plan.workload,
  });
  return r.id;
}

function toRow(x: PlanOutcome): NewCanaryResult {
  const ratio = x.latency?.ratio;
  return {
    name: x.plan.name,
    source: x.plan.source,
    workload: x.plan.workload,
    fingerprint: x.plan.fingerprint,
    capturedPlanId: x.plan.capturedPlanId ?? null,
    verdict: x.verdict,
    kind: x.kind ?? null,
    detail: x.detail,
    baselineOutcome: x.baseline.ok ? 'success' : 'error',
    candidateOutcome: x.candidate.ok ? 'success' : 'error',
    baselineErrorClass: x.baseline.error?.errorClass ?? null,
    candidateErrorClass: x.candidate.error?.errorClass ?? null,
    baselineDigest: x.baselineDigest ?? null,
    candidateDigest: x.candidateDigest ?? null,
    baselineRows: x.baseline.result?.rows.length ?? null,
    candidateRows: x.candidate.result?.rows.length ?? null,
    baselineMedianMs: x.latency?.baselineMedianMs ?? null,
    candidateMedianMs: x.latency?.candidateMedianMs ?? null,
    latencyRatio: ratio !== undefined && Number.isFinite(ratio) ? ratio : null,
    sqlText: x.plan.sqlText ?? null,
    minimizedPlan: x.repro?.planBytes ?? null,
    minimizedText: x.repro?.text ?? null,
    minimizedOperators: x.repro?.operatorsAfter ?? null,
    originalOperators: x.repro?.operatorsBefore ?? countOperators(planRelation(x.plan.plan)),
    regressionId: x.regressionId ?? null,
  };
}
