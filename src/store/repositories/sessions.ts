import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db.js';
import { sessions } from '../schema/index.js';

export interface SessionStart {
  sessionId: string;
  tenant: string;
  workload: string;
  runtimeVersion: string;
  userId?: string | null;
  clientType?: string | null;
  startedAt?: Date;
}

export interface SessionRecord {
  sessionId: string;
  tenant: string;
  workload: string;
  runtimeVersion: string;
  userId: string | null;
  clientType: string | null;
  startedAt: Date;
  endedAt: Date | null;
}

export class SessionsRepository {
  constructor(private readonly db: Executor) {}

  /** Idempotent: a repeated start for the same session id updates the routing facts only. */
  async recordStart(s: SessionStart): Promise<void> {
    await this.db
      .insert(sessions)
      .values({
        sessionId: s.sessionId,
        tenant: s.tenant,
        workload: s.workload,
        runtimeVersion: s.runtimeVersion,
        userId: s.userId ?? null,
        clientType: s.clientType ?? null,
        startedAt: s.startedAt ?? new Date(),
      })
      .onConflictDoUpdate({
        target: sessions.sessionId,
        set: { runtimeVersion: sql`excluded.runtime_version`, workload: sql`excluded.workload` },
      });
  }

  /** Returns false when the session was never recorded. */
  async recordEnd(sessionId: string, endedAt: Date = new Date()): Promise<boolean> {
    const rows = await this.db
      .update(sessions)
      .set({ endedAt })
      .where(eq(sessions.sessionId, sessionId))
      .returning({ id: sessions.sessionId });
    return rows.length > 0;
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.sessionId, sessionId));
    return row ?? null;
  }
}
