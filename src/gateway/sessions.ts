/**
 * Gateway sessions: what the gateway knows of each client session — tenant, workload, the runtime
 * version it is routed to, the driver it is placed on, and the setup log (confs, temp views,
 * artifacts) that re-creates it on another driver.
 *
 * Replay, not mirroring: a session's state lives in one driver; when that driver dies, or a query is
 * retried on another version, the steps that built the state are replayed in order into a fresh
 * driver session. Steps are the client's own requests, kept as raw bytes.
 */
import { randomUUID } from 'node:crypto';
import { PerennialError } from '../core/errors.js';
import type { DriverHandle } from '../driver-pool/index.js';
import type { RouteReason } from '../router/index.js';
import type { OperationBuffer } from '../results/index.js';

export type SetupStep =
  | { method: 'Config'; raw: Uint8Array }
  | { method: 'ExecutePlan'; raw: Uint8Array }
  | { method: 'AddArtifacts'; raw: Uint8Array[] };

export interface GatewayOperation {
  buffer: OperationBuffer;
  tags: string[];
  /** Cancels whatever upstream call is running for it. */
  cancel(): void;
}

/** Bound on the replay log, so a session that sets a million confs cannot exhaust the gateway. */
const MAX_SETUP_BYTES = 512 * 1024 * 1024;

export class GatewaySession {
  readonly serverSideSessionId = randomUUID();
  readonly operations = new Map<string, GatewayOperation>();
  readonly setup: SetupStep[] = [];
  private setupBytes = 0;
  driver: DriverHandle | undefined;
  /** Generation of `driver` when the session was placed there (a restart loses the session's state). */
  driverGeneration = 0;
  lastUsedAt = Date.now();
  clientType: string | undefined;

  constructor(
    readonly tenant: string,
    readonly userId: string,
    readonly sessionId: string,
    readonly workload: string,
    public version: string,
    public routeReason: RouteReason,
  ) {}

  addSetup(step: SetupStep): void {
    const size = step.method === 'AddArtifacts' ? step.raw.reduce((n, r) => n + r.byteLength, 0) : step.raw.byteLength;
    if (this.setupBytes + size > MAX_SETUP_BYTES) {
      throw new PerennialError(
        'SESSION_STATE_TOO_LARGE',
        `The session's replayable state exceeds ${MAX_SETUP_BYTES} bytes; start a new session.`,
        { kind: 'resources-exhausted', sqlState: '54000' },
      );
    }
    this.setupBytes += size;
    this.setup.push(step);
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class GatewaySessions {
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly closed = new Set<string>();

  private key(tenant: string, userId: string, sessionId: string): string {
    return `${tenant}\u0000${userId}\u0000${sessionId}`;
  }

  /** Validates the id and returns the session, or undefined when it does not exist yet. */
  find(tenant: string, userId: string, sessionId: string): GatewaySession | undefined {
    if (!UUID_RE.test(sessionId)) {
      throw new PerennialError(
        'INVALID_HANDLE.FORMAT',
        `[INVALID_HANDLE.FORMAT] The handle ${sessionId} is invalid. Handle must be an UUID string of the format '00112233-4455-6677-8899-aabbccddeeff'.`,
        { kind: 'session', sqlState: 'HY000' },
      );
    }
    const k = this.key(tenant, userId, sessionId);
    if (this.closed.has(k)) {
      throw new PerennialError(
        'INVALID_HANDLE.SESSION_CLOSED',
        `[INVALID_HANDLE.SESSION_CLOSED] The handle ${sessionId} is invalid. Session was closed.`,
        { kind: 'session', sqlState: 'HY000' },
      );
    }
    return this.sessions.get(k);
  }

  add(s: GatewaySession): void {
    this.sessions.set(this.key(s.tenant, s.userId, s.sessionId), s);
  }

  remove(s: GatewaySession, allowReconnect: boolean): void {
    const k = this.key(s.tenant, s.userId, s.sessionId);
    this.sessions.delete(k);
    if (!allowReconnect) {
      this.closed.add(k);
      if (this.closed.size > 100_000) this.closed.delete(this.closed.values().next().value as string);
    }
  }

  all(): IterableIterator<GatewaySession> {
    return this.sessions.values();
  }

  get size(): number {
    return this.sessions.size;
  }
}
