/**
 * The gateway: a Spark Connect server in front of the driver pool. It authenticates the caller,
 * names the workload, routes the session to a runtime version, places it on a driver of that
 * version, and forwards every RPC as raw bytes. ExecutePlan goes through GatewayExecution (hold back,
 * retry, reattach buffer); everything else is a straight forward.
 */
import { randomUUID } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  type Metadata,
  Server,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status as Status,
} from '@grpc/grpc-js';
import { isPerennialError, PerennialError, toPerennialError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { DriverHandle, DriverPool } from '../driver-pool/index.js';
import {
  type AddArtifactsRequest,
  type AnalyzePlanRequest,
  type ArtifactStatusesRequest,
  type ConfigRequest,
  type ExecutePlanRequest,
  type FetchErrorDetailsRequest,
  grpcChannelOptions,
  type InterruptRequest,
  InterruptRequest_InterruptType as InterruptType,
  type InterruptResponse,
  InterruptResponseSchema,
  type Outgoing,
  type ReattachExecuteRequest,
  type ReleaseExecuteRequest,
  ReleaseExecuteResponseSchema,
  type ReleaseSessionRequest,
  ReleaseSessionRequestSchema,
  ReleaseSessionResponseSchema,
  listenInsecure,
  shutdownGracefully,
  sparkConnectServiceDefinition,
  type Wire,
} from '../protocol/index.js';
import { type OperationBuffer, streamToCall } from '../results/index.js';
import type { Router } from '../router/index.js';
import { type AttemptRecord, type ExecutionPolicy, GatewayExecution, noRetryPolicy } from './execution.js';
import { ForwardedStatus, statusOf } from './forwarded-status.js';
import { type AuthConfig, tenantOf, workloadHeader } from './identity.js';
import { GatewaySession, GatewaySessions, type SetupStep } from './sessions.js';
import { callStream, callUnary, upstreamMetadata } from './upstream.js';

export interface GatewayOptions {
  pool: DriverPool;
  router: Router;
  auth: AuthConfig;
  log: Logger;
  policy?: ExecutionPolicy;
  /** Results held back before streaming starts; retries are invisible below it. @default 64 MiB */
  holdBackBytes?: number;
  /** Sessions idle this long (no call, nothing running) are forgotten; the driver evicts its side too. @default 1 h */
  sessionIdleMs?: number;
  /** How long a query waits for a driver of its version to come (back) up. @default 15 s */
  placementTimeoutMs?: number;
  /** Called once per new session with its identity (the store records it off the hot path). */
  onSessionStart?(s: GatewaySession): void;
  onSessionEnd?(s: GatewaySession): void;
  /**
   * Called after each successful ExecutePlan, off the client's path (plan capture for canaries,
   * shadow runs). Must not block: do in-memory work, then go async.
   */
  onCapture?(c: CapturedExecution): void;
}

/** A successful execution, as the capture hook sees it. */
export interface CapturedExecution {
  session: GatewaySession;
  request: ExecutePlanRequest;
  /** The client's request bytes. */
  raw: Uint8Array;
  version: string;
  durationMs: number;
  /** The session's setup log before this plan (what re-creates its temp views, confs, artifacts). */
  setup: SetupStep[];
  /** True when this plan itself changed session state (it joined the setup log). */
  sessionState: boolean;
  /** Response bytes when the whole result was held back; undefined when it streamed. */
  responses: Uint8Array[] | undefined;
}

interface Envelope {
  sessionId: string;
  userContext?: { userId: string } | undefined;
  clientObservedServerSideSessionId?: string | undefined;
  clientType?: string | undefined;
}

export class Gateway {
  readonly sessions = new GatewaySessions();
  private readonly server = new Server(grpcChannelOptions);
  private readonly policy: ExecutionPolicy;

  private readonly idleTimer: NodeJS.Timeout;

  constructor(private readonly opts: GatewayOptions) {
    this.policy = opts.policy ?? noRetryPolicy;
    // Clients that vanish without ReleaseSession must not hold gateway memory forever.
    this.idleTimer = setInterval(() => this.evictIdle(Date.now(), opts.sessionIdleMs ?? 60 * 60_000), 60_000);
    this.idleTimer.unref();
    this.server.addService(sparkConnectServiceDefinition, {
      ExecutePlan: (call: ServerWritableStream<Wire<ExecutePlanRequest>, Outgoing<never>>) => this.executePlan(call),
      ReattachExecute: (call: ServerWritableStream<Wire<ReattachExecuteRequest>, Outgoing<never>>) => this.reattach(call),
      AnalyzePlan: this.forward<AnalyzePlanRequest>('AnalyzePlan'),
      Config: this.forward<ConfigRequest>('Config', (s, req, raw) => {
        const op = req.operation?.opType.case;
        if (op === 'set' || op === 'unset') s.addSetup({ method: 'Config', raw });
      }),
      ArtifactStatus: this.forward<ArtifactStatusesRequest>('ArtifactStatus'),
      FetchErrorDetails: this.forward<FetchErrorDetailsRequest>('FetchErrorDetails'),
      ReleaseExecute: this.local<ReleaseExecuteRequest>((s, req) => this.releaseExecute(s, req)),
      ReleaseSession: this.local<ReleaseSessionRequest>((s, req) => this.releaseSession(s, req)),
      Interrupt: this.local<InterruptRequest>((s, req, raw) => this.interrupt(s, req, raw)),
      AddArtifacts: (call: ServerReadableStream<Wire<AddArtifactsRequest>, Outgoing<never>>, cb: sendUnaryData<Outgoing<never>>) =>
        this.addArtifacts(call, cb),
    });
  }

  listen(host: string, port: number): Promise<number> {
    return listenInsecure(this.server, host, port);
  }

  private evictIdle(now: number, idleMs: number): void {
    for (const s of [...this.sessions.all()]) {
      const busy = [...s.operations.values()].some((o) => !o.buffer.done);
      if (busy || now - s.lastUsedAt < idleMs) continue;
      this.sessions.remove(s, true);
      if (s.driver) s.driver.sessions--;
      this.opts.onSessionEnd?.(s);
    }
  }

  async shutdown(graceMs: number): Promise<void> {
    clearInterval(this.idleTimer);
    await shutdownGracefully(this.server, graceMs);
  }

  // ---------------------------------------------------------------- sessions and placement

  /**
   * The session a request belongs to, created on first use. The first request fixes the workload:
   * the `workload` header, else `spark.app.name` from a Config set (pyspark sends the builder's
   * options first), else the user id.
   */
  private sessionFor(env: Envelope, md: Metadata, firstConf?: ConfigRequest): GatewaySession {
    const tenant = tenantOf(md, this.opts.auth);
    const userId = env.userContext?.userId ?? '';
    let s = this.sessions.find(tenant, userId, env.sessionId);
    if (!s) {
      const appName = firstConf?.operation?.opType.case === 'set'
        ? firstConf.operation.opType.value.pairs.find((p) => p.key === 'spark.app.name')?.value
        : undefined;
      const workload = workloadHeader(md) ?? appName ?? (userId || 'anonymous');
      const r = this.opts.router.route(tenant, workload);
      s = new GatewaySession(tenant, userId, env.sessionId, workload, r.version, r.reason);
      s.clientType = env.clientType;
      this.sessions.add(s);
      this.opts.onSessionStart?.(s);
    } else {
      const observed = env.clientObservedServerSideSessionId;
      if (observed && observed !== s.serverSideSessionId) {
        throw new PerennialError(
          'INVALID_HANDLE.SESSION_CHANGED',
          `[INVALID_HANDLE.SESSION_CHANGED] The existing Spark server driver instance has restarted. Please reconnect.`,
          { kind: 'session', sqlState: 'HY000' },
        );
      }
    }
    s.lastUsedAt = Date.now();
    return s;
  }

  /**
   * Places the session on a ready driver of its version: the current one when still alive and of the
   * same generation; otherwise the least-loaded one, replaying the session's setup there.
   */
  private async place(s: GatewaySession, avoid?: DriverHandle): Promise<DriverHandle> {
    const cur = s.driver;
    if (cur && cur !== avoid && cur.state === 'ready' && cur.version === s.version && cur.generation === s.driverGeneration) {
      return cur;
    }
    const timeout = this.opts.placementTimeoutMs ?? 15_000;
    let candidates = await this.opts.pool.waitReady(s.version, timeout);
    if (candidates.length > 1 && avoid) candidates = candidates.filter((d) => d !== avoid);
    if (!candidates.length) {
      throw new PerennialError(
        'RUNTIME_UNAVAILABLE',
        `No driver of runtime ${s.version} is available (waited ${timeout} ms).`,
        { kind: 'unavailable', sqlState: '08001' },
      );
    }
    const next = candidates.reduce((a, b) => (b.sessions < a.sessions ? b : a));
    if (cur) {
      cur.sessions--;
      if (cur.state === 'ready' && cur.generation === s.driverGeneration && cur !== next) {
        // Leave nothing behind on the old driver; it may host the session again later.
        const req = create(ReleaseSessionRequestSchema, {
          sessionId: s.sessionId,
          userContext: { userId: s.userId },
          allowReconnect: true,
        });
        callUnary(cur, 'ReleaseSession', toBinary(ReleaseSessionRequestSchema, req), upstreamMetadata(s)).catch(() => {});
      }
    }
    next.sessions++;
    s.driver = next;
    s.driverGeneration = next.generation;
    await this.replay(s, next);
    return next;
  }

  private async replay(s: GatewaySession, d: DriverHandle): Promise<void> {
    const md = () => upstreamMetadata(s, { 'x-perennial-release-on-complete': '1' });
    for (const step of s.setup) {
      if (step.method === 'Config') await callUnary(d, 'Config', step.raw, md());
      else if (step.method === 'ExecutePlan') {
        await new Promise<void>((resolve, reject) => {
          const call = callStream(d, 'ExecutePlan', step.raw, md());
          call.on('data', () => {});
          call.on('end', () => resolve());
          call.on('error', reject);
        });
      } else {
        await new Promise<void>((resolve, reject) => {
          const fn = d.client.AddArtifacts as (...a: unknown[]) => { write(x: unknown): void; end(): void };
          const stream = fn.call(d.client, md(), (err: unknown) => (err ? reject(err) : resolve()));
          for (const r of step.raw) stream.write(r);
          stream.end();
        });
      }
    }
  }

  // ---------------------------------------------------------------- forwarding

  private forward<Req extends Envelope>(
    method: string,
    after?: (s: GatewaySession, req: Req, raw: Uint8Array) => void,
  ) {
    return (call: ServerUnaryCall<Wire<Req>, Outgoing<never>>, cb: sendUnaryData<Outgoing<never>>) => {
      const { msg, raw } = call.request;
      const run = async () => {
        const s = this.sessionFor(msg, call.metadata, method === 'Config' ? (msg as unknown as ConfigRequest) : undefined);
        let lastErr: unknown;
        // Unary calls are idempotent reads or idempotent sets: one retry on a driver that just died is safe.
        for (let i = 0; i < 2; i++) {
          const d = await this.place(s);
          try {
            const res = await callUnary(d, method, raw, upstreamMetadata(s));
            after?.(s, msg, raw);
            return res;
          } catch (err) {
            lastErr = err;
            if ((err as { code?: number }).code !== Status.UNAVAILABLE) break;
          }
        }
        throw lastErr;
      };
      run().then(
        (res) => cb(null, res as never),
        (err: unknown) => cb(errorStatus(err) as never, null),
      );
    };
  }

  private local<Req extends Envelope>(fn: (s: GatewaySession, req: Req, raw: Uint8Array) => Promise<unknown> | unknown) {
    return (call: ServerUnaryCall<Wire<Req>, Outgoing<never>>, cb: sendUnaryData<Outgoing<never>>) => {
      Promise.resolve()
        .then(() => fn(this.sessionFor(call.request.msg, call.metadata), call.request.msg, call.request.raw))
        .then(
          (res) => cb(null, res as never),
          (err: unknown) => cb(errorStatus(err) as never, null),
        );
    };
  }

  // ---------------------------------------------------------------- execution

  private executePlan(call: ServerWritableStream<Wire<ExecutePlanRequest>, Outgoing<never>>): void {
    try {
      const { msg } = call.request;
      const s = this.sessionFor(msg, call.metadata);
      const operationId = msg.operationId || randomUUID();
      const existing = s.operations.get(operationId);
      if (existing) {
        throw new PerennialError(
          'INVALID_HANDLE.OPERATION_ALREADY_EXISTS',
          `[INVALID_HANDLE.OPERATION_ALREADY_EXISTS] The handle ${operationId} is invalid. Operation already exists.`,
          { kind: 'session', sqlState: 'HY000' },
        );
      }
      // Routing is re-checked per query: a pin or rollout change moves the session (its state is replayed).
      const r = this.opts.router.route(s.tenant, s.workload);
      if (r.version !== s.version) {
        s.version = r.version;
        s.routeReason = r.reason;
      }
      const exec = new GatewayExecution(s, call.request, operationId, {
        place: (sess, avoid) => this.place(sess, avoid),
        otherProcess: (version, driverId) => this.opts.pool.ready(version).some((d) => d.id !== driverId),
        policy: this.policy,
        holdBackBytes: this.opts.holdBackBytes ?? 64 * 1024 * 1024,
        ...(this.opts.onCapture ? { onSuccess: (rec, responses) => this.capture(rec, responses) } : {}),
      });
      s.operations.set(operationId, { buffer: exec.buffer, tags: msg.tags, cancel: () => exec.cancel() });
      void exec.run();
      void this.pump(call, exec.buffer, undefined, () => {
        // A failed operation is forgotten at once, so the client's retry with the same id runs again.
        if (exec.buffer.done) s.operations.delete(operationId);
      });
    } catch (err) {
      call.emit('error', errorStatus(err));
    }
  }

  private capture(rec: AttemptRecord, responses: Uint8Array[] | undefined): void {
    const s = rec.session;
    const last = s.setup[s.setup.length - 1];
    const sessionState = last !== undefined && last.method === 'ExecutePlan' && last.raw === rec.raw;
    this.opts.onCapture?.({
      session: s,
      request: rec.request,
      raw: rec.raw,
      version: rec.version,
      durationMs: rec.durationMs,
      setup: sessionState ? s.setup.slice(0, -1) : s.setup.slice(),
      sessionState,
      responses,
    });
  }

  private reattach(call: ServerWritableStream<Wire<ReattachExecuteRequest>, Outgoing<never>>): void {
    try {
      const { msg } = call.request;
      const s = this.sessionFor(msg, call.metadata);
      const op = s.operations.get(msg.operationId);
      if (!op) {
        throw new PerennialError(
          'INVALID_HANDLE.OPERATION_NOT_FOUND',
          `[INVALID_HANDLE.OPERATION_NOT_FOUND] The handle ${msg.operationId} is invalid. Operation not found.`,
          { kind: 'session', sqlState: 'HY000' },
        );
      }
      void this.pump(call, op.buffer, msg.lastResponseId);
    } catch (err) {
      call.emit('error', errorStatus(err));
    }
  }

  private pump(
    call: ServerWritableStream<unknown, Outgoing<never>>,
    buffer: OperationBuffer,
    after: string | undefined,
    onFailure?: () => void,
  ): Promise<void> {
    return streamToCall(call, buffer, after, { toStatus: errorStatus, ...(onFailure ? { onFailure } : {}) });
  }

  private releaseExecute(s: GatewaySession, req: ReleaseExecuteRequest) {
    const op = s.operations.get(req.operationId);
    if (op) {
      if (req.release.case === 'releaseUntil') op.buffer.releaseUntil(req.release.value.responseId);
      else {
        if (!op.buffer.done) op.cancel();
        s.operations.delete(req.operationId);
      }
    }
    return create(ReleaseExecuteResponseSchema, {
      sessionId: s.sessionId,
      serverSideSessionId: s.serverSideSessionId,
      ...(op ? { operationId: req.operationId } : {}),
    });
  }

  private async interrupt(s: GatewaySession, req: InterruptRequest, raw: Uint8Array) {
    const ids: string[] = [];
    for (const [id, op] of s.operations) {
      const hit =
        req.interruptType === InterruptType.ALL ||
        (req.interrupt.case === 'operationId' && req.interrupt.value === id) ||
        (req.interrupt.case === 'operationTag' && op.tags.includes(req.interrupt.value));
      if (hit && !op.buffer.done) {
        op.cancel();
        ids.push(id);
      }
    }
    // The driver stops its own work too; what it reports interrupted is already in `ids`.
    if (s.driver?.state === 'ready') {
      await callUnary<InterruptResponse>(s.driver, 'Interrupt', raw, upstreamMetadata(s)).catch(() => undefined);
    }
    return create(InterruptResponseSchema, { sessionId: s.sessionId, serverSideSessionId: s.serverSideSessionId, interruptedIds: ids });
  }

  private async releaseSession(s: GatewaySession, req: ReleaseSessionRequest) {
    for (const op of s.operations.values()) if (!op.buffer.done) op.cancel();
    this.sessions.remove(s, req.allowReconnect);
    if (s.driver) {
      s.driver.sessions--;
      if (s.driver.state === 'ready') {
        const raw = toBinary(ReleaseSessionRequestSchema, req);
        await callUnary(s.driver, 'ReleaseSession', raw, upstreamMetadata(s)).catch(() => undefined);
      }
    }
    this.opts.onSessionEnd?.(s);
    return create(ReleaseSessionResponseSchema, { sessionId: s.sessionId, serverSideSessionId: s.serverSideSessionId });
  }

  private addArtifacts(call: ServerReadableStream<Wire<AddArtifactsRequest>, Outgoing<never>>, cb: sendUnaryData<Outgoing<never>>): void {
    const raws: Uint8Array[] = [];
    let first: AddArtifactsRequest | undefined;
    call.on('data', (w: Wire<AddArtifactsRequest>) => {
      first ??= w.msg;
      raws.push(w.raw);
    });
    call.on('error', () => {});
    call.on('end', () => {
      const run = async () => {
        if (!first) throw new PerennialError('INVALID_PLAN_INPUT', 'AddArtifacts stream carried no request.', { kind: 'user', sqlState: '42K0E' });
        const s = this.sessionFor(first, call.metadata);
        const d = await this.place(s);
        const res = await new Promise<unknown>((resolve, reject) => {
          const fn = d.client.AddArtifacts as (...a: unknown[]) => { write(x: unknown): void; end(): void };
          const up = fn.call(d.client, upstreamMetadata(s), (err: unknown, r: unknown) => (err ? reject(err) : resolve(r)));
          for (const r of raws) up.write(r);
          up.end();
        });
        s.addSetup({ method: 'AddArtifacts', raw: raws });
        return res;
      };
      run().then(
        (res) => cb(null, res as never),
        (err: unknown) => cb(errorStatus(err) as never, null),
      );
    });
  }
}

function errorStatus(err: unknown) {
  if (err instanceof ForwardedStatus || isPerennialError(err)) return statusOf(err);
  // A driver's status (grpc ServiceError): forward its code, text and details untouched.
  if (typeof (err as { code?: unknown }).code === 'number' && 'metadata' in (err as object)) {
    return statusOf(ForwardedStatus.from(err));
  }
  return statusOf(toPerennialError(err));
}
