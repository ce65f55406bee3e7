/**
 * Per-session state inside a driver: the engine session (configs, temp views), uploaded artifacts,
 * retained operations for reattach, and recent errors for FetchErrorDetails.
 */
import { randomUUID } from 'node:crypto';
import { PerennialError } from '../core/errors.js';
import type { Engine, EngineSession } from '../engine/index.js';
import type { OperationBuffer } from '../results/index.js';

export interface RunningOperation {
  buffer: OperationBuffer;
  abort: AbortController;
  tags: string[];
  /**
   * What the operation changed besides its result: `session-state` (temp views, confs — replayed when
   * a session is re-created elsewhere) or `write` (tables and files).
   */
  effect: 'none' | 'session-state' | 'write';
}

export class DriverSession {
  readonly artifacts = new Map<string, Uint8Array>();
  readonly operations = new Map<string, RunningOperation>();
  readonly errors = new Map<string, PerennialError>();
  lastUsedAt = Date.now();

  constructor(
    readonly sessionId: string,
    readonly userId: string,
    readonly serverSideSessionId: string,
    readonly engine: EngineSession,
  ) {}

  rememberError(err: PerennialError): string {
    const id = randomUUID();
    this.errors.set(id, err);
    // Bounded: clients fetch details right after the failure.
    if (this.errors.size > 64) this.errors.delete(this.errors.keys().next().value as string);
    return id;
  }

  close(): void {
    for (const op of this.operations.values()) op.abort.abort();
    this.operations.clear();
    this.engine.close();
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class DriverSessions {
  private readonly sessions = new Map<string, DriverSession>();
  private readonly closed = new Set<string>();

  constructor(private readonly engine: Engine) {}

  /**
   * The session for a request, created on first use (Spark Connect sessions are lazy).
   * `serverSideSessionId` comes from the gateway so a session keeps one id across drivers.
   */
  get(sessionId: string, userId: string, tenant: string, serverSideSessionId?: string): DriverSession {
    if (!UUID_RE.test(sessionId)) {
      throw new PerennialError(
        'INVALID_HANDLE.FORMAT',
        `[INVALID_HANDLE.FORMAT] The handle ${sessionId} is invalid. Handle must be an UUID string of the format '00112233-4455-6677-8899-aabbccddeeff'.`,
        { kind: 'session', sqlState: 'HY000' },
      );
    }
    const key = `${tenant}\u0000${userId}\u0000${sessionId}`;
    let s = this.sessions.get(key);
    if (!s) {
      if (this.closed.has(key)) {
        throw new PerennialError(
          'INVALID_HANDLE.SESSION_CLOSED',
          `[INVALID_HANDLE.SESSION_CLOSED] The handle ${sessionId} is invalid. Session was closed.`,
          { kind: 'session', sqlState: 'HY000' },
        );
      }
      s = new DriverSession(sessionId, userId, serverSideSessionId || randomUUID(), this.engine.newSession());
      this.sessions.set(key, s);
    }
    s.lastUsedAt = Date.now();
    return s;
  }

  release(sessionId: string, userId: string, tenant: string, allowReconnect: boolean): DriverSession | undefined {
    const key = `${tenant}\u0000${userId}\u0000${sessionId}`;
    const s = this.sessions.get(key);
    this.sessions.delete(key);
    if (!allowReconnect) this.closed.add(key);
    s?.close();
    return s;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drops retained operations nobody reattached to and sessions idle past the timeout. */
  evictIdle(now: number, opIdleMs: number, sessionIdleMs: number): void {
    for (const [key, s] of this.sessions) {
      for (const [id, op] of s.operations) {
        if (op.buffer.done && now - op.buffer.touchedAt > opIdleMs) s.operations.delete(id);
      }
      if (now - s.lastUsedAt > sessionIdleMs && s.operations.size === 0) {
        this.sessions.delete(key);
        s.close();
      }
    }
  }

  all(): IterableIterator<DriverSession> {
    return this.sessions.values();
  }
}
