/**
 * The driver's Spark Connect server: a complete SparkConnectService over the built-in engine. The
 * gateway is its usual client, but any Spark Connect client can talk to a driver directly (that is how
 * the gateway's overhead is measured).
 */
import { create } from '@bufbuild/protobuf';
import {
  Metadata as GrpcMetadata,
  type Metadata,
  Server,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { crc32 } from 'node:zlib';
import { PerennialError, toPerennialError } from '../core/errors.js';
import type { Engine } from '../engine/index.js';
import {
  type AddArtifactsRequest,
  AddArtifactsResponseSchema,
  type AnalyzePlanRequest,
  AnalyzePlanRequest_Explain_ExplainMode as ExplainMode,
  AnalyzePlanResponseSchema,
  type ArtifactStatusesRequest,
  ArtifactStatusesResponseSchema,
  type ConfigRequest,
  ConfigResponseSchema,
  type ExecutePlanRequest,
  type FetchErrorDetailsRequest,
  FetchErrorDetailsResponseSchema,
  grpcChannelOptions,
  type InterruptRequest,
  InterruptRequest_InterruptType as InterruptType,
  InterruptResponseSchema,
  type KeyValue,
  type Outgoing,
  type ReattachExecuteRequest,
  type ReleaseExecuteRequest,
  ReleaseExecuteResponseSchema,
  type ReleaseSessionRequest,
  ReleaseSessionResponseSchema,
  listenInsecure,
  shutdownGracefully,
  sparkConnectServiceDefinition,
  toGrpcStatus,
  type Wire,
} from '../protocol/index.js';
import { type OperationBuffer, streamToCall } from '../results/index.js';
import { startExecution, translatePlan } from './execute-plan.js';
import { type DriverSession, DriverSessions } from './session-state.js';
import { dataTypeToProto } from './translate/data-type.js';

/** Headers the gateway sends (see gateway/upstream.ts); a direct client sends none of them. */
const SERVER_SESSION_HEADER = 'x-perennial-server-session-id';
const TENANT_HEADER = 'x-perennial-tenant';
const RELEASE_ON_COMPLETE_HEADER = 'x-perennial-release-on-complete';
const SESSION_STATE_TRAILER = 'x-perennial-session-state';

function tenantOf(md: Metadata): string {
  const t = md.get(TENANT_HEADER)[0];
  return typeof t === 'string' ? t : '';
}

export interface DriverServerOptions {
  engine: Engine;
  sparkVersion: string;
  runtimeVersion: string;
}

type Unary<Req, Res> = (call: ServerUnaryCall<Wire<Req>, Outgoing<Res>>, cb: sendUnaryData<Outgoing<Res>>) => void;

export class DriverServer {
  readonly sessions: DriverSessions;
  private readonly server = new Server(grpcChannelOptions);
  private readonly evictTimer: NodeJS.Timeout;

  constructor(private readonly opts: DriverServerOptions) {
    this.sessions = new DriverSessions(opts.engine);
    this.server.addService(sparkConnectServiceDefinition, {
      ExecutePlan: (call: ServerWritableStream<Wire<ExecutePlanRequest>, Outgoing<never>>) => this.executePlan(call),
      ReattachExecute: (call: ServerWritableStream<Wire<ReattachExecuteRequest>, Outgoing<never>>) => this.reattach(call),
      AnalyzePlan: this.unary<AnalyzePlanRequest, unknown>((req, md) => this.analyze(req, md)),
      Config: this.unary<ConfigRequest, unknown>((req, md) => this.config(req, md)),
      ReleaseExecute: this.unary<ReleaseExecuteRequest, unknown>((req, md) => this.releaseExecute(req, md)),
      ReleaseSession: this.unary<ReleaseSessionRequest, unknown>((req, md) => this.releaseSession(req, md)),
      Interrupt: this.unary<InterruptRequest, unknown>((req, md) => this.interrupt(req, md)),
      ArtifactStatus: this.unary<ArtifactStatusesRequest, unknown>((req, md) => this.artifactStatus(req, md)),
      FetchErrorDetails: this.unary<FetchErrorDetailsRequest, unknown>((req, md) => this.fetchErrorDetails(req, md)),
      AddArtifacts: (call: ServerReadableStream<Wire<AddArtifactsRequest>, Outgoing<never>>, cb: sendUnaryData<Outgoing<never>>) =>
        this.addArtifacts(call, cb),
    });
    this.evictTimer = setInterval(() => this.sessions.evictIdle(Date.now(), 5 * 60_000, 60 * 60_000), 30_000);
    this.evictTimer.unref();
  }

  listen(host: string, port: number): Promise<number> {
    return listenInsecure(this.server, host, port);
  }

  /** Stops accepting calls, lets running ones finish up to `graceMs`, then forces. */
  async shutdown(graceMs: number): Promise<void> {
    clearInterval(this.evictTimer);
    await shutdownGracefully(this.server, graceMs);
  }

  private session(sessionId: string, userId: string | undefined, md: Metadata): DriverSession {
    const ss = md.get(SERVER_SESSION_HEADER)[0];
    return this.sessions.get(sessionId, userId ?? '', tenantOf(md), typeof ss === 'string' ? ss : undefined);
  }

  private fail(err: unknown, session?: DriverSession) {
    const e = toPerennialError(err);
    const errorId = session ? session.rememberError(e) : undefined;
    return toGrpcStatus(e, errorId);
  }

  private unary<Req extends { sessionId: string; userContext?: { userId: string } }, Res>(
    fn: (req: Req, md: Metadata) => Promise<Res> | Res,
  ): Unary<Req, Res> {
    return (call, cb) => {
      Promise.resolve()
        .then(() => fn(call.request.msg, call.metadata))
        .then(
          (res) => cb(null, res as Outgoing<Res>),
          (err: unknown) => {
            let s: DriverSession | undefined;
            try {
              s = this.session(call.request.msg.sessionId, call.request.msg.userContext?.userId, call.metadata);
            } catch {
              s = undefined;
            }
            cb(this.fail(err, s) as never, null);
          },
        );
    };
  }

  // ---------------------------------------------------------------- execution

  private executePlan(call: ServerWritableStream<Wire<ExecutePlanRequest>, Outgoing<never>>): void {
    const req = call.request.msg;
    let session: DriverSession | undefined;
    try {
      session = this.session(req.sessionId, req.userContext?.userId, call.metadata);
      const operationId = req.operationId || crypto.randomUUID();
      if (session.operations.has(operationId)) {
        throw new PerennialError(
          'INVALID_HANDLE.OPERATION_ALREADY_EXISTS',
          `[INVALID_HANDLE.OPERATION_ALREADY_EXISTS] The handle ${operationId} is invalid. Operation already exists.`,
          { kind: 'session', sqlState: 'HY000' },
        );
      }
      const buffer = startExecution(session, req, operationId);
      const releaseOnComplete = call.metadata.get(RELEASE_ON_COMPLETE_HEADER)[0] === '1';
      void this.pump(call, buffer, undefined, session, releaseOnComplete);
    } catch (err) {
      call.emit('error', this.fail(err, session));
    }
  }

  private reattach(call: ServerWritableStream<Wire<ReattachExecuteRequest>, Outgoing<never>>): void {
    const req = call.request.msg;
    let session: DriverSession | undefined;
    try {
      session = this.session(req.sessionId, req.userContext?.userId, call.metadata);
      const op = session.operations.get(req.operationId);
      if (!op) throw operationNotFound(req.operationId);
      void this.pump(call, op.buffer, req.lastResponseId, session);
    } catch (err) {
      call.emit('error', this.fail(err, session));
    }
  }

  /** Streams the buffer to the call, honouring backpressure; a gone client leaves the op reattachable. */
  private async pump(
    call: ServerWritableStream<unknown, Outgoing<never>>,
    buffer: OperationBuffer,
    after: string | undefined,
    session: DriverSession,
    releaseOnComplete = false,
  ): Promise<void> {
    try {
      await streamToCall(call, buffer, after, {
        toStatus: (err) => this.fail(err, session),
        trailers: () => {
          const trailers = new GrpcMetadata();
          trailers.set(SESSION_STATE_TRAILER, session.operations.get(buffer.operationId)?.effect ?? 'none');
          return trailers;
        },
      });
    } finally {
      // The gateway keeps its own copy for reattach; holding a second one here would double memory.
      if (releaseOnComplete) session.operations.delete(buffer.operationId);
    }
  }

  private releaseExecute(req: ReleaseExecuteRequest, md: Metadata) {
    const s = this.session(req.sessionId, req.userContext?.userId, md);
    const op = s.operations.get(req.operationId);
    if (op) {
      if (req.release.case === 'releaseUntil') op.buffer.releaseUntil(req.release.value.responseId);
      else {
        if (!op.buffer.done) op.abort.abort();
        s.operations.delete(req.operationId);
      }
    }
    return create(ReleaseExecuteResponseSchema, {
      sessionId: req.sessionId,
      serverSideSessionId: s.serverSideSessionId,
      ...(op ? { operationId: req.operationId } : {}),
    });
  }

  private releaseSession(req: ReleaseSessionRequest, md: Metadata) {
    const s = this.sessions.release(req.sessionId, req.userContext?.userId ?? '', tenantOf(md), req.allowReconnect);
    return create(ReleaseSessionResponseSchema, { sessionId: req.sessionId, serverSideSessionId: s?.serverSideSessionId ?? '' });
  }

  private interrupt(req: InterruptRequest, md: Metadata) {
    const s = this.session(req.sessionId, req.userContext?.userId, md);
    const ids: string[] = [];
    for (const [id, op] of s.operations) {
      const hit =
        req.interruptType === InterruptType.ALL ||
        (req.interrupt.case === 'operationId' && req.interrupt.value === id) ||
        (req.interrupt.case === 'operationTag' && op.tags.includes(req.interrupt.value));
      if (hit && !op.buffer.done) {
        op.abort.abort();
        ids.push(id);
      }
    }
    return create(InterruptResponseSchema, { sessionId: req.sessionId, serverSideSessionId: s.serverSideSessionId, interruptedIds: ids });
  }

  // ---------------------------------------------------------------- analysis and config

  private async analyze(req: AnalyzePlanRequest, md: Metadata) {
    const s = this.session(req.sessionId, req.userContext?.userId, md);
    const e = s.engine;
    const a = req.analyze;
    const relationOf = (plan: { opType: { case: string | undefined; value?: unknown } } | undefined) => {
      if (plan?.opType.case !== 'root') throw new PerennialError('INVALID_PLAN_INPUT', 'The plan to analyze is not a relation.', { kind: 'user', sqlState: '42K0E' });
      return translatePlan(s, plan.opType.value as never);
    };
    let result: Record<string, unknown>;
    switch (a.case) {
      case 'schema':
        result = { case: 'schema', value: { schema: dataTypeToProto(await e.analyze(relationOf(a.value.plan))) } };
        break;
      case 'explain':
        result = {
          case: 'explain',
          value: { explainString: await e.explain(relationOf(a.value.plan), explainModeOf(a.value.explainMode)) },
        };
        break;
      case 'treeString':
        result = {
          case: 'treeString',
          value: { treeString: await e.treeString(relationOf(a.value.plan), a.value.level) },
        };
        break;
      case 'isLocal': {
        const plan = relationOf(a.value.plan);
        await e.analyze(plan);
        result = { case: 'isLocal', value: { isLocal: plan.kind === 'localRelation' } };
        break;
      }
      case 'isStreaming':
        await e.analyze(relationOf(a.value.plan));
        result = { case: 'isStreaming', value: { isStreaming: false } };
        break;
      case 'inputFiles': {
        const plan = relationOf(a.value.plan);
        result = { case: 'inputFiles', value: { files: plan.kind === 'dataSource' ? plan.paths : [] } };
        break;
      }
      case 'sparkVersion':
        result = { case: 'sparkVersion', value: { version: this.opts.sparkVersion } };
        break;
      case 'ddlParse':
        result = { case: 'ddlParse', value: { parsed: dataTypeToProto(e.parseDataType(a.value.ddlString)) } };
        break;
      case 'sameSemantics': {
        const [x, y] = await Promise.all([
          e.semanticHash(relationOf(a.value.targetPlan)),
          e.semanticHash(relationOf(a.value.otherPlan)),
        ]);
        result = { case: 'sameSemantics', value: { result: x === y } };
        break;
      }
      case 'semanticHash':
        result = { case: 'semanticHash', value: { result: await e.semanticHash(relationOf(a.value.plan)) } };
        break;
      case 'persist':
        // One node, no cache tier: persisting is a no-op, the data is recomputed (Spark semantics are kept).
        result = { case: 'persist', value: {} };
        break;
      case 'unpersist':
        result = { case: 'unpersist', value: {} };
        break;
      case 'getStorageLevel':
        // Reported as NONE: nothing is cached.
        result = { case: 'getStorageLevel', value: { storageLevel: { replication: 1 } } };
        break;
      case 'jsonToDdl':
        throw new PerennialError('UNSUPPORTED_FEATURE', 'json_to_ddl is not supported by this runtime.', { kind: 'unsupported' });
      case undefined:
        throw new PerennialError('INVALID_PLAN_INPUT', 'AnalyzePlan request carries no analysis kind.', { kind: 'user', sqlState: '42K0E' });
    }
    return create(AnalyzePlanResponseSchema, {
      sessionId: req.sessionId,
      serverSideSessionId: s.serverSideSessionId,
      result: result as never,
    });
  }

  private config(req: ConfigRequest, md: Metadata) {
    const s = this.session(req.sessionId, req.userContext?.userId, md);
    const conf = s.engine.conf;
    const op = req.operation?.opType;
    const pairs: { key: string; value?: string }[] = [];
    const warnings: string[] = [];
    switch (op?.case) {
      case 'set':
        for (const kv of op.value.pairs) {
          try {
            if (kv.value === undefined) conf.unset(kv.key);
            else conf.set(kv.key, kv.value);
          } catch (err) {
            if (!op.value.silent) throw err;
            warnings.push(`Could not set ${kv.key}: ${(err as Error).message}`);
          }
        }
        break;
      case 'get':
        for (const key of op.value.keys) pairs.push({ key, value: conf.get(key) });
        break;
      case 'getWithDefault':
        for (const kv of op.value.pairs as KeyValue[]) {
          const v = conf.getOption(kv.key) ?? kv.value;
          pairs.push(v === undefined ? { key: kv.key } : { key: kv.key, value: v });
        }
        break;
      case 'getOption':
        for (const key of op.value.keys) {
          const v = conf.getOption(key);
          pairs.push(v === undefined ? { key } : { key, value: v });
        }
        break;
      case 'getAll':
        for (const [key, value] of conf.getAll(op.value.prefix)) pairs.push({ key, value });
        break;
      case 'unset':
        for (const key of op.value.keys) conf.unset(key);
        break;
      case 'isModifiable':
        for (const key of op.value.keys) pairs.push({ key, value: String(conf.isModifiable(key)) });
        break;
      case undefined:
        throw new PerennialError('INVALID_PLAN_INPUT', 'Config request carries no operation.', { kind: 'user', sqlState: '42K0E' });
    }
    return create(ConfigResponseSchema, { sessionId: req.sessionId, serverSideSessionId: s.serverSideSessionId, pairs, warnings });
  }

  // ---------------------------------------------------------------- artifacts and errors

  private addArtifacts(call: ServerReadableStream<Wire<AddArtifactsRequest>, Outgoing<never>>, cb: sendUnaryData<Outgoing<never>>): void {
    let session: DriverSession | undefined;
    const summaries: { name: string; isCrcSuccessful: boolean }[] = [];
    let chunked: { name: string; parts: Uint8Array[]; ok: boolean; remaining: number } | undefined;
    const finishChunked = () => {
      if (!chunked) return;
      const data = Buffer.concat(chunked.parts);
      if (chunked.ok && session) session.artifacts.set(chunked.name, data);
      summaries.push({ name: chunked.name, isCrcSuccessful: chunked.ok });
      chunked = undefined;
    };
    let failed = false;
    call.on('data', (w: Wire<AddArtifactsRequest>) => {
      if (failed) return;
      try {
        const req = w.msg;
        session ??= this.session(req.sessionId, req.userContext?.userId, call.metadata);
        const p = req.payload;
        if (p.case === 'batch') {
          for (const a of p.value.artifacts) {
            const data = a.data?.data ?? new Uint8Array();
            const ok = BigInt(crc32(data)) === (a.data?.crc ?? -1n);
            if (ok) session.artifacts.set(a.name, data);
            summaries.push({ name: a.name, isCrcSuccessful: ok });
          }
        } else if (p.case === 'beginChunk') {
          finishChunked();
          const first = p.value.initialChunk?.data ?? new Uint8Array();
          chunked = {
            name: p.value.name,
            parts: [first],
            ok: BigInt(crc32(first)) === (p.value.initialChunk?.crc ?? -1n),
            remaining: Number(p.value.numChunks) - 1,
          };
          if (chunked.remaining <= 0) finishChunked();
        } else if (p.case === 'chunk') {
          if (!chunked) throw new PerennialError('INVALID_PLAN_INPUT', 'An artifact chunk arrived without a begin_chunk.', { kind: 'user', sqlState: '42K0E' });
          chunked.parts.push(p.value.data);
          chunked.ok &&= BigInt(crc32(p.value.data)) === p.value.crc;
          if (--chunked.remaining <= 0) finishChunked();
        }
      } catch (err) {
        failed = true;
        cb(this.fail(err, session) as never, null);
      }
    });
    call.on('end', () => {
      if (failed) return;
      finishChunked();
      cb(
        null,
        create(AddArtifactsResponseSchema, {
          sessionId: session?.sessionId ?? '',
          serverSideSessionId: session?.serverSideSessionId ?? '',
          artifacts: summaries,
        }) as never,
      );
    });
  }

  private artifactStatus(req: ArtifactStatusesRequest, md: Metadata) {
    const s = this.session(req.sessionId, req.userContext?.userId, md);
    return create(ArtifactStatusesResponseSchema, {
      sessionId: req.sessionId,
      serverSideSessionId: s.serverSideSessionId,
      statuses: Object.fromEntries(req.names.map((n) => [n, { exists: s.artifacts.has(n) }])),
    });
  }

  private fetchErrorDetails(req: FetchErrorDetailsRequest, md: Metadata) {
    const s = this.session(req.sessionId, req.userContext?.userId, md);
    const err = s.errors.get(req.errorId);
    return create(FetchErrorDetailsResponseSchema, {
      sessionId: req.sessionId,
      serverSideSessionId: s.serverSideSessionId,
      ...(err
        ? {
            rootErrorIdx: 0,
            errors: [
              {
                errorTypeHierarchy: err.classes,
                message: err.message,
                sparkThrowable: {
                  errorClass: err.errorClass,
                  messageParameters: err.messageParameters,
                  sqlState: err.sqlState,
                },
              },
            ],
          }
        : {}),
    });
  }
}

function explainModeOf(m: ExplainMode) {
  switch (m) {
    case ExplainMode.EXTENDED:
      return 'extended' as const;
    case ExplainMode.CODEGEN:
      return 'codegen' as const;
    case ExplainMode.COST:
      return 'cost' as const;
    case ExplainMode.FORMATTED:
      return 'formatted' as const;
    default:
      return 'simple' as const;
  }
}

export function operationNotFound(operationId: string): PerennialError {
  return new PerennialError(
    'INVALID_HANDLE.OPERATION_NOT_FOUND',
    `[INVALID_HANDLE.OPERATION_NOT_FOUND] The handle ${operationId} is invalid. Operation not found.`,
    { kind: 'session', sqlState: 'HY000' },
  );
}
