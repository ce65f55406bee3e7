/**
 * The rollout controller: one per gateway process, but only the holder of the advisory-lock lease
 * decides. Every tick it evaluates the open rollout's gates from the runs table and applies the state
 * machine (advance, hold, halt, complete); it also runs the performance-regression detector and, when
 * asked (a runtime added or made default) or periodically, the unpin verifier. Every change is
 * published on the routing channel so all gateways re-read their snapshot.
 */
import type { Logger } from '../core/logger.js';
import type { UnpinVerifier } from '../lifecycle/unpin.js';
import type { RolloutRecord, Repositories } from '../store/index.js';
import { type RolloutConfig, resolveConfig } from './config.js';
import { evaluateGates, type GateEvaluation, type StageEvidence } from './gates.js';
import { AdvisoryLease } from './lease.js';
import { decideTick, pctOf } from './machine.js';
import type { PerformanceRegressionDetector } from './perf.js';
import { judgeSlowdown, loadDrift, median } from './stats.js';

export interface ControllerDeps {
  repos: Repositories;
  databaseUrl: string;
  log: Logger;
  /** Re-read routing locally and publish to every gateway. */
  routingChanged(reason: string): Promise<void>;
  /** Makes a version the default (store + routing). */
  setDefault(version: string): Promise<void>;
  perf?: PerformanceRegressionDetector;
  unpin?: UnpinVerifier;
  tickMs?: number;
  perfEveryMs?: number;
  unpinEveryMs?: number;
  /** Durations under this are treated as equal when judging latency (timer noise). Default 5 ms. */
  latencyFloorMs?: number;
}

export class RolloutController {
  private readonly lease: AdvisoryLease;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private lastPerf = 0;
  private lastUnpin = 0;
  private unpinRequested = false;
  private stopped = false;

  constructor(private readonly deps: ControllerDeps) {
    this.lease = new AdvisoryLease(deps.databaseUrl);
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        void this.tick().finally(loop);
      }, this.deps.tickMs ?? 2_000);
      this.timer.unref();
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking?.catch(() => undefined);
    await this.lease.release();
  }

  get isLeader(): boolean {
    return this.lease.isHeld;
  }

  /** Ask for an unpin pass on the next tick (runtime added, default changed). */
  requestUnpinCheck(): void {
    this.unpinRequested = true;
  }

  /** One controller step; concurrent calls share it. Exposed for tests and the demo. */
  tick(now = Date.now()): Promise<void> {
    this.ticking ??= this.step(now)
      .catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'rollout controller tick failed'))
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  private async step(now: number): Promise<void> {
    if (!(await this.lease.hold())) return;
    const r = await this.deps.repos.rollouts.current();
    if (r?.status === 'active') await this.evaluate(r, now);
    if (this.deps.perf && now - this.lastPerf >= (this.deps.perfEveryMs ?? 30_000)) {
      this.lastPerf = now;
      await this.deps.perf.run(now);
    }
    if (this.deps.unpin && (this.unpinRequested || now - this.lastUnpin >= (this.deps.unpinEveryMs ?? 300_000))) {
      this.unpinRequested = false;
      this.lastUnpin = now;
      await this.deps.unpin.check();
    }
  }

  /**
   * The evidence for the rollout's current stage. Latency is judged on candidate runs since
   * `latencySuspectedAt` when the latency gate suspected a slowdown in this stage (see gates.ts),
   * else since the stage started.
   */
  async evidence(r: RolloutRecord, cfg: RolloutConfig, latencySuspectedAt?: Date | null): Promise<StageEvidence> {
    const ev = this.deps.repos.rolloutEvidence;
    const since = r.stageStartedAt;
    const latencySince = latencySuspectedAt ?? since;
    const [counts, regressed, paired, control] = await Promise.all([
      ev.runCounts([r.candidate, r.baseline], since),
      ev.regressedWorkloads(r.candidate, since),
      ev.pairedDurations(r.candidate, r.baseline, latencySince),
      ev.controlDurations(r.candidate, r.baseline, latencySince),
    ]);
    const c = counts.get(r.candidate) ?? { runs: 0, errors: 0, workloads: 0 };
    const b = counts.get(r.baseline) ?? { runs: 0, errors: 0, workloads: 0 };
    // Latency per (workload, query), normalized by that pair's baseline median, then pooled: the cohort's
    // mix of queries cannot pass for a slowdown. The baseline side is history (a cohort workload runs
    // only on the candidate during the stage), so the candidate side is divided by the load drift seen
    // on workloads still on the baseline: a busier machine must not halt a good candidate.
    const floor = this.deps.latencyFloorMs ?? 5;
    const key = (s: { tenant: string; workload: string; fingerprint: string }) => `${s.tenant}\u0000${s.workload}\u0000${s.fingerprint}`;
    const drift = loadDrift(
      control.map((s) => ({ key: key(s), recent: s.recent, durationMs: s.durationMs })),
      // A correction, not a verdict: half the verdict's sample count is enough for a median.
      { minSamples: Math.ceil(cfg.latencyMinSamples / 2), floor },
    );
    const byPair = new Map<string, { c: number[]; b: number[] }>();
    for (const s of paired) {
      const k = key(s);
      let e = byPair.get(k);
      if (!e) {
        e = { c: [], b: [] };
        byPair.set(k, e);
      }
      (s.version === r.candidate ? e.c : e.b).push(Math.max(floor, s.durationMs));
    }
    const cand: number[] = [];
    const base: number[] = [];
    const f = drift?.factor ?? 1;
    for (const { c: cs, b: bs } of byPair.values()) {
      if (cs.length === 0 || bs.length === 0) continue;
      const m = median(bs);
      for (const x of cs) cand.push(x / m / f);
      for (const x of bs) base.push(x / m);
    }
    let latency =
      cand.length > 0
        ? judgeSlowdown(cand, base, { factor: cfg.latencyFactor, minSamples: cfg.latencyMinSamples, alpha: cfg.latencyAlpha, floor: 0 })
        : undefined;
    if (latency) {
      const note = drift
        ? `load drift ×${drift.factor.toFixed(2)} from ${drift.n} control runs on ${r.baseline} taken out`
        : `too few control runs on ${r.baseline} to measure load drift (uncorrected)`;
      latency = { ...latency, detail: `${latency.detail}; ${note}` };
    }
    return {
      candidateRuns: c.runs,
      candidateWorkloads: c.workloads,
      regressedWorkloads: regressed,
      candidateErrors: c.errors,
      baselineRuns: b.runs,
      baselineErrors: b.errors,
      ...(latency ? { latency } : {}),
      ...(latencySuspectedAt ? { latencySuspectedAt } : {}),
    };
  }

  async evaluateOnly(r: RolloutRecord): Promise<GateEvaluation> {
    const cfg = resolveConfig(r.config);
    return evaluateGates(await this.evidence(r, cfg, await this.deps.repos.rollouts.latencySuspectedAt(r)), cfg);
  }

  private async evaluate(r: RolloutRecord, now: number): Promise<void> {
    const { repos, log } = this.deps;
    const cfg = resolveConfig(r.config);
    const ev = evaluateGates(await this.evidence(r, cfg, await repos.rollouts.latencySuspectedAt(r)), cfg);
    const d = decideTick({ status: r.status, stageIndex: r.stageIndex, stages: r.stages, stageStartedAt: r.stageStartedAt.getTime() }, ev, cfg, now);
    const at = new Date(now);
    const expected = { id: r.id, status: r.status, stageIndex: r.stageIndex };
    switch (d.action) {
      case 'none':
        return;
      case 'hold': {
        const last = await repos.rollouts.lastDecision(r.id);
        const key = (s: string) => s.replace(/\d+(\.\d+)?/g, '#');
        // A latency suspicion is always recorded: its time starts the window that must confirm it.
        const suspect = ev.gates.some((g) => g.suspect);
        if (suspect || last?.action !== 'hold' || key(last.reason) !== key(d.reason)) {
          await repos.rollouts.note(r, { action: 'hold', reason: d.reason, gates: ev.gates, actor: 'controller', at });
        }
        return;
      }
      case 'advance': {
        const next = await repos.rollouts.transition(
          expected,
          { stageIndex: d.toStage, stageStartedAt: at, reason: d.reason },
          { action: 'advance', reason: d.reason, gates: ev.gates, actor: 'controller', at },
        );
        if (next) {
          log.info({ rollout: r.id, candidate: r.candidate, fraction: pctOf(next.stages[next.stageIndex]) }, 'rollout advanced');
          await this.deps.routingChanged(`rollout ${r.id} stage ${next.stageIndex}`);
        }
        return;
      }
      case 'complete': {
        await this.deps.setDefault(r.candidate);
        const next = await repos.rollouts.transition(
          expected,
          { status: 'completed', finishedAt: at, reason: d.reason },
          { action: 'complete', reason: `${r.candidate} is now the default. ${d.reason}`, gates: ev.gates, actor: 'controller', at },
        );
        if (next) {
          log.info({ rollout: r.id, candidate: r.candidate }, 'rollout completed');
          this.requestUnpinCheck();
          await this.deps.routingChanged(`rollout ${r.id} completed`);
        }
        return;
      }
      case 'halt': {
        const next = await repos.rollouts.transition(
          expected,
          { status: d.status, reason: d.reason, ...(d.status === 'rolled_back' ? { finishedAt: at } : {}) },
          { action: d.status === 'halted' ? 'halt' : 'rollback', reason: d.reason, gates: ev.gates, actor: 'controller', at },
        );
        if (next) {
          log.warn({ rollout: r.id, candidate: r.candidate, status: d.status, reason: d.reason }, 'rollout halted');
          await this.deps.routingChanged(`rollout ${r.id} ${d.status}`);
        }
        return;
      }
    }
  }
}
