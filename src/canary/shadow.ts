/**
 * Shadow mode: a configurable fraction of successful queries also runs on a candidate version, in
 * the background (after the client has its answer; at most `concurrency` at a time, the rest are
 * skipped rather than queued). The candidate's answer is compared with the one the client got; a
 * divergent result is recorded as a `wrong-result` regression (an error the primary did not raise as
 * an `error` regression), with a minimized reproduction. Nothing is pinned.
 *
 * Only read-only plans whose whole result was held back by the gateway are shadowed: writes never
 * run twice, and a streamed result is not kept to compare.
 */
import { toBinary, fromBinary } from '@bufbuild/protobuf';
import type { Logger } from '../core/logger.js';
import type { DriverHandle } from '../driver-pool/index.js';
import type { CapturedRun } from './types.js';
import { ExecutePlanResponseSchema, PlanSchema } from '../protocol/index.js';
import { planFingerprint, planHasWrite, planSqlText } from '../results/index.js';
import type { CanaryRegressionInput } from '../store/index.js';
import { resultSetOf } from './compare.js';
import { type Divergence, divergenceOf, isInconclusive, minimizeOnTargets } from './divergence.js';
import { planRelation, topIsSort } from './plan-tree.js';
import { renderPlan } from './render.js';
import { ReplaySession } from './replay.js';

export interface ShadowOptions {
  /** Candidate runtime version (must be a runtime of the pool). */
  version: string;
  /** Fraction of successful queries shadowed, 0..1. */
  fraction: number;
  /** Shadow runs at once at most. @default 2 */
  concurrency?: number;
  /** Drivers of the platform. */
  drivers: { ready(version: string): DriverHandle[] };
  record(r: CanaryRegressionInput): Promise<unknown>;
  /** Minimize divergences (once per fingerprint). @default true */
  minimize?: boolean;
  random?: () => number;
  log?: Logger;
  /** Observer for tests and metrics. */
  onResult?(r: ShadowResult): void;
}

export interface ShadowResult {
  workload: string;
  fingerprint: string;
  primaryVersion: string;
  divergence?: Divergence | undefined;
  skipped?: string;
}

export class ShadowRunner {
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly reported = new Set<string>();
  private closed = false;
  skipped = 0;
  runs = 0;

  constructor(private readonly opts: ShadowOptions) {}

  onExecution(c: CapturedRun): void {
    const o = this.opts;
    if (this.closed || o.fraction <= 0 || c.version === o.version || c.sessionState || !c.responses) return;
    const plan = c.request.plan;
    if (!plan || planHasWrite(plan) || plan.opType.case !== 'root') return;
    if ((o.random ?? Math.random)() >= o.fraction) return;
    if (this.inFlight >= (o.concurrency ?? 2)) {
      this.skipped++;
      return;
    }
    this.inFlight++;
    const p = this.run(c)
      .catch((err: unknown) => o.log?.warn({ err: String(err) }, 'shadow run failed'))
      .finally(() => {
        this.inFlight--;
        this.running.delete(p);
      });
    this.running.add(p);
  }

  private async run(c: CapturedRun): Promise<void> {
    const o = this.opts;
    const plan = c.request.plan;
    const fingerprint = planFingerprint(plan);
    const base = { workload: c.session.workload, fingerprint, primaryVersion: c.version };
    const target = o.drivers.ready(o.version)[0];
    if (!target) {
      o.onResult?.({ ...base, skipped: `no ready driver of ${o.version}` });
      return;
    }
    this.runs++;
    const primary = { ok: true, result: resultSetOf((c.responses ?? []).map((b) => fromBinary(ExecutePlanResponseSchema, b))), ms: c.durationMs };
    const s = new ReplaySession(target, { timeoutMs: 120_000 });
    let divergence: Divergence | undefined;
    try {
      const setupErr = await s.setup(c.setup);
      if (setupErr) {
        o.onResult?.({ ...base, skipped: `setup failed on ${o.version}: ${setupErr.errorClass}` });
        return;
      }
      const res = await s.execute(plan);
      if (isInconclusive(res)) {
        o.onResult?.({ ...base, skipped: `inconclusive: ${res.error?.errorClass}` });
        return;
      }
      divergence = divergenceOf(primary, res, topIsSort(planRelation(plan)));
    } finally {
      await s.close();
    }
    if (!divergence) {
      o.onResult?.({ ...base });
      return;
    }
    // A divergence counts only if the primary version, replayed the same way, still gives the client's answer
    // (else the plan is nondeterministic or depends on state the setup log does not carry).
    const primaryDriver = o.drivers.ready(c.version)[0];
    if (!primaryDriver) {
      o.onResult?.({ ...base, skipped: `no ready driver of ${c.version} to confirm` });
      return;
    }
    const again = new ReplaySession(primaryDriver, { timeoutMs: 120_000 });
    try {
      const setupErr = await again.setup(c.setup);
      const res = setupErr ? undefined : await again.execute(plan);
      if (!res || divergenceOf(primary, res, topIsSort(planRelation(plan)))) {
        o.onResult?.({ ...base, skipped: 'nondeterministic: a replay on the primary version differs too' });
        return;
      }
    } finally {
      await again.close();
    }
    const key = `${fingerprint}\u0000${c.version}\u0000${divergence.kind}`;
    let repro: Awaited<ReturnType<typeof minimizeOnTargets>>;
    if ((o.minimize ?? true) && !this.reported.has(key)) {
      this.reported.add(key);
      repro = await minimizeOnTargets(plan, c.setup, primaryDriver, target, divergence, { maxTests: 60 }).catch(() => undefined);
    }
    await o.record({
      kind: divergence.kind,
      fingerprint,
      failedVersion: o.version,
      goodVersion: c.version,
      errorClass: divergence.kind === 'error' ? divergence.errorClass : null,
      errorMessage: divergence.kind === 'error' ? divergence.message : `shadow run: ${divergence.detail}`,
      plan: repro?.planBytes ?? (plan ? toBinary(PlanSchema, plan) : null),
      planText: repro?.text ?? renderPlan(plan),
      sqlText: planSqlText(plan) ?? null,
      tenant: c.session.tenant,
      workload: c.session.workload,
    });
    o.onResult?.({ ...base, divergence });
    o.log?.warn({ workload: c.session.workload, candidate: o.version, primary: c.version, kind: divergence.kind }, 'shadow run diverged');
  }

  /** Waits for running shadow runs. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }
}
