/**
 * The gates a rollout stage must pass, evaluated from what the stage's runs show (pure: the numbers
 * come from the store, see RolloutStatsRepository). Verdicts: `fail` halts the rollout, `wait` holds
 * the stage (not enough evidence yet), `pass` lets it advance once the minimum interval is over.
 *
 * The latency gate is a statistical judgement over noisy timings, unlike a regression (an observed
 * failure), so one failing look does not halt: it raises a suspicion (the stage holds) and the gate
 * then judges only runs taken after it. The rollout halts when those fresh runs show the slowdown
 * again; if they do not, the stage goes on. Two independent looks make a false halt from a burst of
 * machine load unlikely while a real slowdown, which persists, still halts one window later.
 */
import type { RolloutConfig } from './config.js';
import type { SlowdownVerdict } from './stats.js';

export type GateVerdict = 'pass' | 'wait' | 'fail';

export interface GateResult {
  gate: 'min-runs' | 'regression-rate' | 'error-rate-delta' | 'latency';
  verdict: GateVerdict;
  value: number | null;
  limit: number;
  detail: string;
  /** Latency only: this look found a slowdown that fresh runs must confirm before it can fail. */
  suspect?: true;
}

export interface StageEvidence {
  /** Attempts on the candidate since the stage started. */
  candidateRuns: number;
  /** Distinct workloads that ran on the candidate since the stage started. */
  candidateWorkloads: number;
  /** Workloads whose query failed on the candidate and then succeeded on another version (blink-twice). */
  regressedWorkloads: string[];
  candidateErrors: number;
  baselineRuns: number;
  baselineErrors: number;
  /**
   * Candidate vs baseline latency for the same (workload, query) pairs, from candidate runs since the
   * stage started or, after a suspicion, since the suspicion; undefined when nothing pairs up.
   */
  latency?: SlowdownVerdict;
  /** When this stage's latency gate last suspected a slowdown (its runs since then are the evidence). */
  latencySuspectedAt?: Date;
}

export interface GateEvaluation {
  verdict: GateVerdict;
  gates: GateResult[];
  /** One line: the first failing gate, else the first waiting one, else a summary. */
  reason: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function evaluateGates(e: StageEvidence, c: RolloutConfig): GateEvaluation {
  const gates: GateResult[] = [];
  const enough = e.candidateRuns >= c.minRuns;
  gates.push({
    gate: 'min-runs',
    verdict: enough ? 'pass' : 'wait',
    value: e.candidateRuns,
    limit: c.minRuns,
    detail: `${e.candidateRuns} candidate runs (need ${c.minRuns})`,
  });

  // A regression is an observed fact (the query failed on the candidate and passed on the baseline),
  // so the rate may fail a stage before min-runs is reached: a broken candidate halts at once.
  const regressed = e.regressedWorkloads.length;
  const rate = e.candidateWorkloads > 0 ? regressed / Math.max(e.candidateWorkloads, regressed) : 0;
  gates.push({
    gate: 'regression-rate',
    verdict: regressed > 0 && rate > c.maxRegressionRate ? 'fail' : enough ? 'pass' : 'wait',
    value: rate,
    limit: c.maxRegressionRate,
    detail: `${regressed} of ${e.candidateWorkloads} candidate workloads regressed (${pct(rate)}, limit ${pct(c.maxRegressionRate)})${
      regressed ? `: ${e.regressedWorkloads.slice(0, 5).join(', ')}${regressed > 5 ? ', …' : ''}` : ''
    }`,
  });

  const candRate = e.candidateRuns > 0 ? e.candidateErrors / e.candidateRuns : 0;
  const baseRate = e.baselineRuns > 0 ? e.baselineErrors / e.baselineRuns : 0;
  const delta = candRate - baseRate;
  gates.push({
    gate: 'error-rate-delta',
    verdict: !enough ? 'wait' : delta > c.maxErrorRateDelta ? 'fail' : 'pass',
    value: delta,
    limit: c.maxErrorRateDelta,
    detail: `error rate ${pct(candRate)} on the candidate vs ${pct(baseRate)} on the baseline (delta limit ${pct(c.maxErrorRateDelta)})`,
  });

  gates.push(latencyGate(e, c));

  const failed = gates.find((g) => g.verdict === 'fail');
  const waiting = gates.find((g) => g.verdict === 'wait');
  if (failed) return { verdict: 'fail', gates, reason: `${failed.gate} gate failed: ${failed.detail}` };
  if (waiting) return { verdict: 'wait', gates, reason: `waiting for evidence: ${waiting.detail}` };
  return { verdict: 'pass', gates, reason: `gates pass: ${gates.map((g) => g.detail).join('; ')}` };
}

function latencyGate(e: StageEvidence, c: RolloutConfig): GateResult {
  const l = e.latency;
  const base = { gate: 'latency' as const, value: l && Number.isFinite(l.ratio) ? l.ratio : null, limit: c.latencyFactor };
  const since = e.latencySuspectedAt;
  if (!since) {
    if (l?.slower) return { ...base, verdict: 'wait', suspect: true, detail: `slowdown suspected, confirming on fresh runs: ${l.detail}` };
    return { ...base, verdict: 'pass', detail: l ? l.detail : 'no query ran on both versions yet; latency not judged' };
  }
  const at = since.toISOString();
  if (l?.slower) return { ...base, verdict: 'fail', detail: `${l.detail} (confirmed on runs since the suspicion at ${at})` };
  const need = c.latencyMinSamples;
  if (!l || l.nCandidate < need || l.nBaseline < need) {
    return { ...base, verdict: 'wait', detail: `confirming a slowdown suspected at ${at}: ${l?.nCandidate ?? 0} fresh candidate samples (need ${need})` };
  }
  return { ...base, verdict: 'pass', detail: `${l.detail} (a slowdown suspected at ${at} was not confirmed)` };
}
