/**
 * Replaying a plan on a driver: a fresh Spark Connect session (its own id, so nothing mixes with live
 * sessions), the captured setup log replayed into it (confs, temp views, artifacts), then the plan,
 * timed. Talks to the driver directly over the same protocol the gateway uses.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { clone, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { type ClientReadableStream, Metadata } from '@grpc/grpc-js';
import type { DriverHandle } from '../driver-pool/index.js';
import type { SetupStep } from './types.js';
import {
  AddArtifactsRequestSchema,
  ConfigRequestSchema,
  type ExecutePlanResponse,
  ExecutePlanRequestSchema,
  fromGrpcError,
  type Plan,
  PlanSchema,
  ReleaseSessionRequestSchema,
  UserContextSchema,
  type Wire,
} from '../protocol/index.js';
import { type ResultSet, resultSetOf } from './compare.js';

/** Where a plan replays: a driver (any Spark Connect endpoint the pool knows). */
export type ReplayTarget = Pick<DriverHandle, 'version' | 'client' | 'address'>;

export interface RunError {
  /** Spark error class, or `GRPC_<code>` when the server sent none. */
  errorClass: string;
  message: string;
  code: number;
  kind?: string | undefined;
}

export interface RunResult {
  ok: boolean;
  error?: RunError;
  result?: ResultSet;
  ms: number;
}

const USER = 'perennial-canary';
const TENANT = 'perennial-canary';

function errorOf(err: unknown): RunError {
  const r = fromGrpcError(err);
  return { errorClass: r.errorClass ?? `GRPC_${r.code}`, message: r.message, code: r.code, kind: r.kind };
}

export interface ReplaySessionOptions {
  /** Per-call deadline. @default 300 s */
  timeoutMs?: number;
  /** When set, DataFrame writes to a path are redirected under this folder. */
  scratchDir?: string;
}

/** One fresh session on one driver; `setup()` first, then any number of `execute()`. */
export class ReplaySession {
  readonly sessionId = randomUUID();
  private readonly serverSideSessionId = randomUUID();
  private closed = false;

  constructor(
    readonly target: ReplayTarget,
    private readonly opts: ReplaySessionOptions = {},
  ) {}

  private md(): Metadata {
    const md = new Metadata();
    md.set('x-perennial-server-session-id', this.serverSideSessionId);
    md.set('x-perennial-tenant', TENANT);
    md.set('x-perennial-release-on-complete', '1');
    return md;
  }

  private get deadline() {
    return { deadline: Date.now() + (this.opts.timeoutMs ?? 300_000) };
  }

  /** Replays the setup log; resolves with the first failure (or undefined). */
  async setup(steps: readonly SetupStep[]): Promise<RunError | undefined> {
    for (const step of steps) {
      try {
        if (step.method === 'Config') {
          const req = fromBinary(ConfigRequestSchema, step.raw);
          req.sessionId = this.sessionId;
          req.userContext = create(UserContextSchema, { userId: USER });
          req.clientObservedServerSideSessionId = undefined;
          await this.unary('Config', toBinary(ConfigRequestSchema, req));
        } else if (step.method === 'ExecutePlan') {
          const req = fromBinary(ExecutePlanRequestSchema, step.raw);
          await this.stream(this.requestBytes(req.plan));
        } else {
          const parts = step.raw.map((raw) => {
            const req = fromBinary(AddArtifactsRequestSchema, raw);
            req.sessionId = this.sessionId;
            req.userContext = create(UserContextSchema, { userId: USER });
            req.clientObservedServerSideSessionId = undefined;
            return toBinary(AddArtifactsRequestSchema, req);
          });
          await this.clientStream('AddArtifacts', parts);
        }
      } catch (err) {
        return errorOf(err);
      }
    }
    return undefined;
  }

  /** Runs a plan to completion and collects its result. */
  async execute(plan: Plan | undefined): Promise<RunResult> {
    const started = performance.now();
    try {
      const responses = await this.stream(this.requestBytes(plan));
      const ms = performance.now() - started;
      return { ok: true, result: resultSetOf(responses), ms };
    } catch (err) {
      return { ok: false, error: errorOf(err), ms: performance.now() - started };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const req = create(ReleaseSessionRequestSchema, { sessionId: this.sessionId, userContext: { userId: USER } });
    await this.unary('ReleaseSession', toBinary(ReleaseSessionRequestSchema, req)).catch(() => undefined);
  }

  private requestBytes(plan: Plan | undefined): Uint8Array {
    const p = plan ? this.redirectWrites(plan) : undefined;
    const req = create(ExecutePlanRequestSchema, {
      sessionId: this.sessionId,
      userContext: { userId: USER },
      operationId: randomUUID(),
      clientType: 'perennial-canary',
      ...(p ? { plan: p } : {}),
    });
    return toBinary(ExecutePlanRequestSchema, req);
  }

  /** A DataFrame write to an explicit path lands in the scratch folder instead. */
  private redirectWrites(plan: Plan): Plan {
    const op = plan.opType;
    if (!this.opts.scratchDir || op.case !== 'command' || op.value.commandType.case !== 'writeOperation') return plan;
    const w = op.value.commandType.value;
    if (w.saveType.case !== 'path') return plan;
    const copy = clone(PlanSchema, plan);
    const cw = (copy.opType.value as typeof op.value).commandType.value as typeof w;
    const name = createHash('sha256').update(w.saveType.value).digest('hex').slice(0, 16);
    cw.saveType = { case: 'path', value: join(this.opts.scratchDir, 'paths', name) };
    return copy;
  }

  private unary(method: string, bytes: Uint8Array): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const fn = this.target.client[method] as (...a: unknown[]) => unknown;
      fn.call(this.target.client, bytes, this.md(), this.deadline, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res)));
    });
  }

  private stream(bytes: Uint8Array): Promise<ExecutePlanResponse[]> {
    return new Promise((resolve, reject) => {
      const fn = this.target.client.ExecutePlan as (...a: unknown[]) => ClientReadableStream<Wire<ExecutePlanResponse>>;
      const call = fn.call(this.target.client, bytes, this.md(), this.deadline);
      const out: ExecutePlanResponse[] = [];
      call.on('data', (w: Wire<ExecutePlanResponse>) => out.push(w.msg));
      call.on('end', () => resolve(out));
      call.on('error', reject);
    });
  }

  private clientStream(method: string, parts: Uint8Array[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const fn = this.target.client[method] as (...a: unknown[]) => { write(x: unknown): void; end(): void };
      const s = fn.call(this.target.client, this.md(), this.deadline, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res)));
      for (const p of parts) s.write(p);
      s.end();
    });
  }
}
