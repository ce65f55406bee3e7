/**
 * The "blink twice" execution policy the gateway runs with: decides retries (decide.ts), remembers
 * each workload's last good version, records every attempt, and — when a retry on the good version
 * succeeds — commits the regression and the pin in one transaction before the client is answered.
 *
 * Only the failure path may touch Postgres (the last good version after a gateway restart, and the
 * regression commit). A query that succeeds first time only updates in-memory state and the recorder.
 */
import { randomUUID } from 'node:crypto';
import { toBinary } from '@bufbuild/protobuf';
import type { Logger } from '../core/logger.js';
import type { AttemptRecord, ExecutionPolicy, FailureContext, RetryDecision } from '../gateway/index.js';
import { PlanSchema } from '../protocol/index.js';
import type { RunEvent, RunRecorder } from '../recorder/index.js';
import { planFingerprint, planHasWrite, planSqlText } from '../results/index.js';
import { decideRetry } from './decide.js';

export interface RegressionCommit {
  tenant: string;
  workload: string;
  fingerprint: string;
  failedVersion: string;
  goodVersion: string;
  errorClass: string | null;
  errorMessage: string;
  /** The failed request's plan, serialized (ExecutePlanRequest.plan). */
  plan: Uint8Array;
  sqlText: string | null;
}

export interface BlinkPolicyDeps {
  recorder: RunRecorder;
  /**
   * Last good version other than `failedVersion` from durable state (the workload's pin, else its most
   * recent successful run on another version) — failure path only.
   */
  loadLastGood(tenant: string, workload: string, failedVersion: string): Promise<string | undefined>;
  /** One transaction: regression upsert + pin workload → good version. */
  commitRegression(c: RegressionCommit): Promise<void>;
  /** After the commit: the router pins the workload now, and other gateways hear of it. */
  onPinned(tenant: string, workload: string, version: string): void;
  log: Logger;
}

export class BlinkTwicePolicy implements ExecutionPolicy {
  /**
   * tenant\0workload → the versions this gateway saw the workload succeed on, most recent last. A few
   * per workload: the last good version for a failure on N is the most recent success on another
   * version (a job's `spark.sql` command stage succeeds on N before its collect fails there).
   */
  private readonly successes = new Map<string, string[]>();
  /** runId per (operation, attempt), so retries can name the attempt they retried. */
  private readonly runIds = new WeakMap<AttemptRecord['request'], string[]>();

  constructor(private readonly deps: BlinkPolicyDeps) {}

  onAttempt(a: AttemptRecord): void {
    const key = `${a.session.tenant}\u0000${a.session.workload}`;
    if (a.outcome === 'success') {
      const seen = (this.successes.get(key) ?? []).filter((v) => v !== a.version);
      seen.push(a.version);
      if (seen.length > 4) seen.shift();
      this.successes.delete(key); // keep insertion order fresh for the bound below
      this.successes.set(key, seen);
      if (this.successes.size > 200_000) this.successes.delete(this.successes.keys().next().value as string);
    }
    const ids = this.runIds.get(a.request) ?? [];
    const runId = randomUUID();
    ids[a.attempt] = runId;
    this.runIds.set(a.request, ids);
    const retriedFrom = a.retriedFrom !== undefined ? ids[a.retriedFrom] : undefined;
    const e: RunEvent = {
      runId,
      operationId: a.operationId,
      tenant: a.session.tenant,
      workload: a.session.workload,
      sessionId: a.session.sessionId,
      fingerprint: planFingerprint(a.request.plan),
      runtimeVersion: a.version,
      attempt: a.attempt,
      outcome: a.outcome,
      durationMs: a.durationMs,
      rows: a.rows,
      bytes: a.bytes,
      startedAt: new Date(a.startedAt).toISOString(),
      ...(a.error?.errorClass ? { errorClass: a.error.errorClass } : {}),
      ...(a.error?.sqlState ? { sqlState: a.error.sqlState } : {}),
      ...(a.error ? { message: a.error.message.slice(0, 4000) } : {}),
      ...(retriedFrom ? { retriedFromRunId: retriedFrom } : {}),
    };
    this.deps.recorder.record(e);
  }

  async decide(f: FailureContext): Promise<RetryDecision> {
    const key = `${f.session.tenant}\u0000${f.session.workload}`;
    let lastGood = (this.successes.get(key) ?? []).filter((v) => v !== f.version).at(-1);
    if (lastGood === undefined) {
      try {
        lastGood = await this.deps.loadLastGood(f.session.tenant, f.session.workload, f.version);
      } catch (err) {
        this.deps.log.warn({ err: String(err) }, 'could not load last good version; not retrying on another version');
      }
    }
    return decideRetry({
      transient: f.transient,
      otherProcess: f.otherProcess,
      kind: f.error.kind,
      hasWrite: planHasWrite(f.request.plan),
      failedVersion: f.version,
      lastGoodVersion: lastGood,
      transientRetries: f.history.filter((h) => h.retryKind === 'transient').length,
      blinked: f.history.some((h) => h.retryKind === 'blink'),
    });
  }

  async onBlinkSuccess(failed: AttemptRecord, succeeded: AttemptRecord): Promise<void> {
    const plan = failed.request.plan;
    await this.deps.commitRegression({
      tenant: failed.session.tenant,
      workload: failed.session.workload,
      fingerprint: planFingerprint(plan),
      failedVersion: failed.version,
      goodVersion: succeeded.version,
      errorClass: failed.error?.errorClass ?? null,
      errorMessage: failed.error?.message ?? 'unknown error',
      plan: plan ? toBinary(PlanSchema, plan) : new Uint8Array(),
      sqlText: planSqlText(plan) ?? null,
    });
    this.deps.onPinned(failed.session.tenant, failed.session.workload, succeeded.version);
    this.deps.log.warn(
      { workload: failed.session.workload, failed: failed.version, good: succeeded.version, errorClass: failed.error?.errorClass },
      'regression caught: answered from the good version and pinned',
    );
  }
}
