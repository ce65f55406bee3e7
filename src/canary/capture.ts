/**
 * Plan capture: the gateway's capture hook samples the distinct plans each workload runs, with the
 * session's setup log that re-creates their inputs, for `perennial canary` to replay.
 *
 * Off the hot path: the hook runs after the client has its answer; this class only fingerprints and
 * dedupes in memory (bounded per workload), then queues; serializing, redaction and the Postgres
 * insert happen asynchronously, one at a time, with a bounded queue (excess captures are dropped).
 */
import { toBinary } from '@bufbuild/protobuf';
import type { Logger } from '../core/logger.js';
import type { CapturedRun } from './types.js';
import { ExecutePlanRequestSchema } from '../protocol/index.js';
import { planFingerprint, planHasWrite, planSqlText } from '../results/index.js';
import type { CaptureInput } from '../store/index.js';
import { redactPlan, redactSetup } from './redact.js';
import { encodeSetupLog, setupLogBytes } from './setup-log.js';

export interface PlanCaptureOptions {
  /** Stores one capture; false when the per-workload bound refused it. */
  sink(input: CaptureInput, maxPerWorkload: number): Promise<boolean>;
  /** Distinct plans kept per workload. @default 50 */
  maxPlansPerWorkload?: number;
  /** Workloads whose plans are stored with literal values replaced (`*` = all). */
  redactWorkloads?: ReadonlySet<string>;
  /** Plans whose setup log is larger are not captured (their replay would be too heavy). @default 16 MiB */
  maxSetupBytes?: number;
  /** Captures waiting for Postgres at most; more are dropped. @default 1000 */
  queueLimit?: number;
  log?: Logger;
}

interface Pending {
  c: CapturedRun;
  fingerprint: string;
}

export class PlanCapture {
  /** tenant\0workload → fingerprints already captured (or being captured). */
  private readonly seen = new Map<string, Set<string>>();
  private readonly queue: Pending[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  dropped = 0;
  stored = 0;

  constructor(private readonly opts: PlanCaptureOptions) {}

  private get max(): number {
    return this.opts.maxPlansPerWorkload ?? 50;
  }

  /** The gateway hook. Synchronous and cheap: fingerprint, dedupe, enqueue. */
  onExecution(c: CapturedRun): void {
    if (this.closed || c.sessionState || !c.request.plan) return;
    const key = `${c.session.tenant}\u0000${c.session.workload}`;
    let fps = this.seen.get(key);
    if (!fps) {
      fps = new Set();
      this.seen.set(key, fps);
      if (this.seen.size > 100_000) this.seen.delete(this.seen.keys().next().value as string);
    }
    // A full workload costs nothing more: no fingerprint is computed.
    if (fps.size >= this.max) return;
    const fingerprint = planFingerprint(c.request.plan);
    if (fps.has(fingerprint)) return;
    if (setupLogBytes(c.setup) > (this.opts.maxSetupBytes ?? 16 * 1024 * 1024)) return;
    if (this.queue.length >= (this.opts.queueLimit ?? 1000)) {
      this.dropped++;
      return;
    }
    fps.add(fingerprint);
    this.queue.push({ c, fingerprint });
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private shouldRedact(workload: string): boolean {
    const r = this.opts.redactWorkloads;
    return !!r && (r.has('*') || r.has(workload));
  }

  private async drain(): Promise<void> {
    for (let p = this.queue.shift(); p; p = this.queue.shift()) {
      const { c, fingerprint } = p;
      try {
        const redacted = this.shouldRedact(c.session.workload);
        const plan = c.request.plan;
        const request = redacted && plan ? toBinary(ExecutePlanRequestSchema, { ...c.request, plan: redactPlan(plan) }) : c.raw;
        const setup = redacted ? redactSetup(c.setup) : c.setup;
        const sqlText = planSqlText(plan);
        const ok = await this.opts.sink(
          {
            tenant: c.session.tenant,
            workload: c.session.workload,
            fingerprint,
            runtimeVersion: c.version,
            request,
            setup: encodeSetupLog(setup),
            setupSteps: setup.length,
            redacted,
            hasWrite: planHasWrite(plan),
            sqlText: sqlText === undefined ? null : redacted ? null : sqlText,
            durationMs: Math.round(c.durationMs),
          },
          this.max,
        );
        if (ok) this.stored++;
        else this.seen.get(`${c.session.tenant}\u0000${c.session.workload}`)?.delete(fingerprint);
      } catch (err) {
        // Postgres away: forget it, so a later run of the same plan tries again.
        this.seen.get(`${c.session.tenant}\u0000${c.session.workload}`)?.delete(fingerprint);
        this.opts.log?.warn({ err: String(err) }, 'could not store a captured plan');
      }
    }
  }

  /** Resolves when everything queued so far is stored (or failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
