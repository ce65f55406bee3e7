import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../db.js';
import { canaryResults, canaryRuns, capturedPlans } from '../schema/index.js';
import { type RegressionKind, type RegressionRecord, upsertRegression } from './regressions.js';

export type CapturedPlanRecord = typeof capturedPlans.$inferSelect;
export type CanaryRunRecord = typeof canaryRuns.$inferSelect;
export type CanaryResultRecord = typeof canaryResults.$inferSelect;
export type NewCanaryResult = Omit<typeof canaryResults.$inferInsert, 'id' | 'runId'>;

export interface CaptureInput {
  tenant: string;
  workload: string;
  fingerprint: string;
  runtimeVersion: string;
  request: Uint8Array;
  setup: Uint8Array;
  setupSteps: number;
  redacted: boolean;
  hasWrite: boolean;
  sqlText: string | null;
  durationMs: number;
  seenAt?: Date;
}

/** A regression found by a canary or a shadow run: recorded for the dashboard, no pin. */
export interface CanaryRegressionInput {
  kind: RegressionKind;
  fingerprint: string;
  failedVersion: string;
  goodVersion: string;
  errorClass?: string | null;
  errorMessage?: string | null;
  plan?: Uint8Array | null;
  planText?: string | null;
  sqlText?: string | null;
  tenant: string;
  workload: string;
  seenAt?: Date;
}

export class CanaryRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Stores a captured plan unless the workload already holds `maxPerWorkload` distinct plans; a plan
   * seen before only bumps its counter. Returns false when the bound refused a new plan.
   */
  async capture(input: CaptureInput, maxPerWorkload: number): Promise<boolean> {
    const c = capturedPlans;
    const seenAt = input.seenAt ?? new Date();
    const bumped = await this.db
      .update(c)
      .set({
        seenCount: sql`${c.seenCount} + 1`,
        lastSeen: sql`greatest(${c.lastSeen}, ${seenAt.toISOString()}::timestamptz)`,
      })
      .where(and(eq(c.tenant, input.tenant), eq(c.workload, input.workload), eq(c.fingerprint, input.fingerprint)))
      .returning({ id: c.id });
    if (bumped.length > 0) return true;
    const [{ n } = { n: 0 }] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(c)
      .where(and(eq(c.tenant, input.tenant), eq(c.workload, input.workload)));
    if (n >= maxPerWorkload) return false;
    await this.db
      .insert(c)
      .values({ ...input, capturedAt: seenAt, lastSeen: seenAt })
      .onConflictDoUpdate({
        target: [c.tenant, c.workload, c.fingerprint],
        set: { seenCount: sql`${c.seenCount} + 1` },
      });
    return true;
  }

  /** Captured plans, most recently seen first, optionally of some workloads (and one tenant). */
  async listCaptured(
    filter: { workloads?: string[]; tenant?: string; limit?: number } = {},
  ): Promise<CapturedPlanRecord[]> {
    const c = capturedPlans;
    const conds: (SQL | undefined)[] = [
      filter.workloads?.length ? inArray(c.workload, filter.workloads) : undefined,
      filter.tenant === undefined ? undefined : eq(c.tenant, filter.tenant),
    ];
    return this.db
      .select()
      .from(c)
      .where(and(...conds))
      .orderBy(desc(c.lastSeen), desc(c.id))
      .limit(Math.max(1, Math.min(filter.limit ?? 10_000, 100_000)));
  }

  async deleteCaptured(filter: { workload?: string; tenant?: string } = {}): Promise<number> {
    const c = capturedPlans;
    const rows = await this.db
      .delete(c)
      .where(
        and(
          filter.workload === undefined ? undefined : eq(c.workload, filter.workload),
          filter.tenant === undefined ? undefined : eq(c.tenant, filter.tenant),
        ),
      )
      .returning({ id: c.id });
    return rows.length;
  }

  async startRun(input: {
    candidate: string;
    baseline: string;
    sources: string;
    workloads?: string[];
    settings?: Record<string, unknown>;
  }): Promise<CanaryRunRecord> {
    const [row] = await this.db
      .insert(canaryRuns)
      .values({
        candidate: input.candidate,
        baseline: input.baseline,
        sources: input.sources,
        workloads: input.workloads ?? [],
        settings: input.settings ?? {},
      })
      .returning();
    if (!row) throw new Error('canary run insert returned no row');
    return row;
  }

  async addResults(runId: number, results: NewCanaryResult[]): Promise<void> {
    if (results.length === 0) return;
    for (let i = 0; i < results.length; i += 200) {
      await this.db.insert(canaryResults).values(results.slice(i, i + 200).map((r) => ({ ...r, runId })));
    }
  }

  async finishRun(
    runId: number,
    out: {
      status: 'passed' | 'failed' | 'error';
      plans: number;
      passed: number;
      regressions: number;
      skipped: number;
      markdown?: string;
    },
  ): Promise<void> {
    await this.db
      .update(canaryRuns)
      .set({ ...out, finishedAt: new Date() })
      .where(eq(canaryRuns.id, runId));
  }

  async listRuns(limit = 50): Promise<CanaryRunRecord[]> {
    return this.db.select().from(canaryRuns).orderBy(desc(canaryRuns.startedAt), desc(canaryRuns.id)).limit(limit);
  }

  async getRun(id: number): Promise<{ run: CanaryRunRecord; results: CanaryResultRecord[] } | null> {
    const [run] = await this.db.select().from(canaryRuns).where(eq(canaryRuns.id, id));
    if (!run) return null;
    const results = await this.db
      .select()
      .from(canaryResults)
      .where(eq(canaryResults.runId, id))
      .orderBy(canaryResults.id);
    return { run, results };
  }

  /**
   * Upserts a regression with the same identity and dedupe rules as the blink-twice path, but pins
   * nothing: a canary or shadow run observed it, no workload is running on the failing version.
   */
  async recordRegression(input: CanaryRegressionInput): Promise<RegressionRecord> {
    const { created: _created, ...row } = await upsertRegression(
      this.db,
      { ...input, seenAt: input.seenAt ?? new Date() },
      { preferNewPlan: true },
    );
    return row;
  }
}
