/**
 * One ExecutePlan through the gateway: attempts on drivers, with results held back until complete
 * (up to a bound) so that a failed attempt can be retried invisibly — on another process of the same
 * version (transient failures) or on the workload's last good version (the "blink twice", decided by
 * the retry policy).
 *
 *   client ◀── OperationBuffer ◀── [held responses] ◀── attempt 1 (driver of N)  ✗
 *                                                  ◀── attempt 2 (driver of M)  ✓
 */
import type { Metadata } from '@grpc/grpc-js';
import { PerennialError } from '../core/errors.js';
import type { DriverHandle } from '../driver-pool/index.js';
import type { ExecutePlanRequest, ExecutePlanResponse, ReceivedError, Wire } from '../protocol/index.js';
import { type BufferedResponse, OperationBuffer } from '../results/index.js';
import { ForwardedStatus, isTransient } from './forwarded-status.js';
import type { GatewaySession } from './sessions.js';
import { callStream, RELEASE_ON_COMPLETE_HEADER, SESSION_STATE_TRAILER, upstreamMetadata } from './upstream.js';

export interface AttemptRecord {
  session: GatewaySession;
  operationId: string;
  request: ExecutePlanRequest;
  raw: Uint8Array;
  version: string;
  driverId: string;
  attempt: number;
  outcome: 'success' | 'error' | 'interrupted';
  error?: ReceivedError;
  startedAt: number;
  durationMs: number;
  rows: number;
  bytes: number;
  /** The attempt this one retried, when it is a retry. */
  retriedFrom?: number;
  retryKind?: 'transient' | 'blink';
}

export type RetryDecision =
  | { action: 'fail' }
  /** Same version, preferably another driver process. */
  | { action: 'retry-transient' }
  /** Re-run on the workload's last good version. */
  | { action: 'retry-on-version'; version: string };

export interface FailureContext {
  session: GatewaySession;
  request: ExecutePlanRequest;
  error: ReceivedError;
  transient: boolean;
  /** Another ready process of `version` exists besides the one that failed. */
  otherProcess: boolean;
  version: string;
  attempt: number;
  /** Attempts made so far, in order. */
  history: AttemptRecord[];
}

/** The control plane's say in an execution; the default never retries (and records nothing). */
export interface ExecutionPolicy {
  decide(f: FailureContext): Promise<RetryDecision> | RetryDecision;
  /** A retry on another version succeeded after `failed`: commit regression and pin before the client sees the answer. */
  onBlinkSuccess?(failed: AttemptRecord, succeeded: AttemptRecord): Promise<void>;
  onAttempt?(a: AttemptRecord): void;
}

export const noRetryPolicy: ExecutionPolicy = { decide: () => ({ action: 'fail' }) };

export interface ExecutionDeps {
  /** Places the session on a ready driver of its version (replaying its setup when needed). */
  place(session: GatewaySession, avoid?: DriverHandle): Promise<DriverHandle>;
  policy: ExecutionPolicy;
  /** Whether a ready process of `version` other than `driverId` exists (a transient retry needs one). */
  otherProcess(version: string, driverId: string): boolean;
  /** Responses held back before streaming starts (a retry is invisible only below it). */
  holdBackBytes: number;
  /**
   * Called after a successful execution has been handed to the client (off its path, on a later
   * tick), with the response bytes when the whole result was held back (else undefined).
   */
  onSuccess?(rec: AttemptRecord, responses: Uint8Array[] | undefined): void;
}

export class GatewayExecution {
  readonly buffer: OperationBuffer;
  private cancelUpstream: (() => void) | undefined;
  private interrupted = false;
  private readonly history: AttemptRecord[] = [];

  constructor(
    private readonly session: GatewaySession,
    private readonly wire: Wire<ExecutePlanRequest>,
    readonly operationId: string,
    private readonly deps: ExecutionDeps,
  ) {
    this.buffer = new OperationBuffer(operationId);
  }

  cancel(): void {
    this.interrupted = true;
    this.cancelUpstream?.();
  }

  /** Runs to completion; never throws (the outcome lands in the buffer). */
  async run(): Promise<void> {
    let avoid: DriverHandle | undefined;
    let retryKind: AttemptRecord['retryKind'];
    for (let attempt = 1; ; attempt++) {
      let driver: DriverHandle;
      try {
        driver = await this.deps.place(this.session, avoid);
      } catch (err) {
        this.buffer.fail(err);
        return;
      }
      const rec = await this.attempt(driver, attempt, retryKind);
      this.deps.policy.onAttempt?.(rec);
      this.history.push(rec);
      if (rec.outcome === 'success') {
        const first = this.history[0] as AttemptRecord;
        if (this.verifying) {
          // The client already has the failure; this run only proves the regression, so it is pinned.
          if (first.outcome === 'error') await this.deps.policy.onBlinkSuccess?.(first, rec).catch(() => undefined);
          return;
        }
        if (rec.retryKind === 'blink' && first.outcome === 'error' && this.deps.policy.onBlinkSuccess) {
          try {
            await this.deps.policy.onBlinkSuccess(first, rec);
          } catch {
            // Recording the regression failed (Postgres down): the client still gets the right answer.
          }
        }
        const complete = this.deps.onSuccess && !this.streaming ? this.held.map((h) => h.bytes) : undefined;
        this.release();
        this.buffer.finish();
        const onSuccess = this.deps.onSuccess;
        if (onSuccess) {
          setImmediate(() => {
            try {
              onSuccess(rec, complete);
            } catch {
              // Capture and shadow runs are best effort; they never affect the query.
            }
          });
        }
        return;
      }
      if (this.buffer.done) {
        // Streaming had begun, so the client already has this failure. A retry can no longer be hidden,
        // but when the last good version answers, the regression is still recorded and pinned so the
        // next run goes there.
        if (this.verifying || rec.outcome !== 'error' || !rec.error) return;
        const d = await this.deps.policy.decide({
          session: this.session,
          request: this.wire.msg,
          error: rec.error,
          transient: isTransient(rec.error),
          otherProcess: this.deps.otherProcess(rec.version, rec.driverId),
          version: rec.version,
          attempt,
          history: this.history,
        });
        if (d.action !== 'retry-on-version') return;
        this.verifying = true;
        this.session.version = d.version;
        this.session.routeReason = 'pin';
        avoid = undefined;
        retryKind = 'blink';
        continue;
      }
      if (rec.outcome === 'interrupted') {
        this.buffer.fail(cancelled(this.operationId));
        return;
      }
      const error = rec.error as ReceivedError;
      const decision = await this.deps.policy.decide({
        session: this.session,
        request: this.wire.msg,
        error,
        transient: isTransient(error),
        otherProcess: this.deps.otherProcess(rec.version, rec.driverId),
        version: rec.version,
        attempt,
        history: this.history,
      });
      if (decision.action === 'fail' || attempt >= 4) {
        // The client receives the first failure (on the version it was routed to), not a later one.
        const firstErr = this.history.find((h) => h.outcome === 'error')?.error ?? error;
        this.buffer.fail(new ForwardedStatus(firstErr.code, firstErr.message, firstErr.metadata, firstErr));
        return;
      }
      if (decision.action === 'retry-transient') {
        avoid = driver;
        retryKind = 'transient';
      } else {
        this.session.version = decision.version;
        this.session.routeReason = 'pin';
        avoid = undefined;
        retryKind = 'blink';
      }
    }
  }

  private held: BufferedResponse[] = [];
  private heldBytes = 0;
  private streaming = false;
  /** Re-running only to confirm a regression after the client received the failure: deliver nothing. */
  private verifying = false;

  private release(): void {
    for (const r of this.held) this.buffer.push(r);
    this.held = [];
    this.heldBytes = 0;
  }

  private attempt(driver: DriverHandle, attempt: number, retryKind: AttemptRecord['retryKind']): Promise<AttemptRecord> {
    const startedAt = Date.now();
    const base = {
      session: this.session,
      operationId: this.operationId,
      request: this.wire.msg,
      raw: this.wire.raw,
      version: driver.version,
      driverId: driver.id,
      attempt,
      startedAt,
      ...(attempt > 1 ? { retriedFrom: attempt - 1 } : {}),
      ...(retryKind ? { retryKind } : {}),
    };
    let rows = 0;
    let bytes = 0;
    this.held = [];
    this.heldBytes = 0;
    if (this.interrupted) {
      return Promise.resolve({ ...base, outcome: 'interrupted', durationMs: 0, rows, bytes });
    }
    return new Promise<AttemptRecord>((resolve) => {
      const md = upstreamMetadata(this.session, { [RELEASE_ON_COMPLETE_HEADER]: '1' });
      const call = callStream<ExecutePlanResponse>(driver, 'ExecutePlan', this.wire.raw, md);
      this.cancelUpstream = () => call.cancel();
      let effect = 'none';
      let settled = false;
      const settle = (r: AttemptRecord) => {
        if (settled) return;
        settled = true;
        this.cancelUpstream = undefined;
        resolve(r);
      };
      call.on('data', (w: Wire<ExecutePlanResponse>) => {
        const m = w.msg;
        if (m.responseType.case === 'arrowBatch') rows += Number(m.responseType.value.rowCount);
        bytes += w.raw.byteLength;
        const item = { responseId: m.responseId, bytes: w.raw };
        if (this.verifying) return;
        if (this.streaming) this.buffer.push(item);
        else {
          this.held.push(item);
          this.heldBytes += w.raw.byteLength;
          if (this.heldBytes > this.deps.holdBackBytes) {
            // Past the bound the answer streams; a later failure can no longer be hidden.
            this.streaming = true;
            this.release();
          }
        }
      });
      call.on('metadata', () => {});
      call.on('status', (st: { code: number; metadata: Metadata }) => {
        const e = st.metadata.get(SESSION_STATE_TRAILER)[0];
        if (typeof e === 'string') effect = e;
      });
      call.on('end', () => {
        if (effect === 'session-state' && !this.verifying) {
          try {
            this.session.addSetup({ method: 'ExecutePlan', raw: this.wire.raw });
          } catch (err) {
            this.buffer.fail(err);
          }
        }
        settle({ ...base, outcome: 'success', durationMs: Date.now() - startedAt, rows, bytes });
      });
      call.on('error', (err: unknown) => {
        const fs = ForwardedStatus.from(err);
        if (this.interrupted) {
          settle({ ...base, outcome: 'interrupted', durationMs: Date.now() - startedAt, rows, bytes });
          return;
        }
        if (this.streaming && !this.verifying) this.buffer.fail(fs);
        settle({
          ...base,
          outcome: 'error',
          error: fs.received,
          durationMs: Date.now() - startedAt,
          rows,
          bytes,
        });
      });
    });
  }
}

function cancelled(operationId: string): PerennialError {
  return new PerennialError('OPERATION_CANCELED', `[OPERATION_CANCELED] Operation ${operationId} has been cancelled.`, {
    kind: 'user',
    sqlState: 'HY008',
    classes: ['org.apache.spark.SparkException', 'java.lang.Exception', 'java.lang.Throwable'],
  });
}
