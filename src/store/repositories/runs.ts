import { and, count, desc, eq, lt, ne, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../db.js';
import { runs } from '../schema/index.js';

export type RunOutcome = 'success' | 'error' | 'interrupted';

export interface NewRun {
  runId: string;
  operationId: string;
  tenant: string;
  workload: string;
  sessionId: string;
  fingerprint: string;
  runtimeVersion: string;
  attempt: number;
  outcome: RunOutcome;
  errorClass?: string | null;
  sqlState?: string | null;
  message?: string | null;
  durationMs: number;
  rows: number;
  bytes: number;
  retriedFromRunId?: string | null;
  startedAt: Date;
}

export interface RunRecord extends Required<NewRun> {
  id: number;
  errorClass: string | null;
  sqlState: string | null;
  message: string | null;
  retriedFromRunId: string | null;
}

/** The facts about a newly inserted run that callers aggregate (e.g. into workloads). */
export interface InsertedRun {
  runId: string;
  tenant: string;
  workload: string;
  runtimeVersion: string;
  outcome: RunOutcome;
  startedAt: Date;
}

export interface RunFilter {
  tenant?: string;
  workload?: string;
  runtimeVersion?: string;
  fingerprint?: string;
}

export class RunsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Multi-row insert in one statement, idempotent on run_id (ON CONFLICT DO NOTHING): a batch delivered twice is
   * stored once. Returns only the rows inserted by this call, so callers can update aggregates
   * exactly once per run.
   */
  async insertBatch(batch: readonly NewRun[]): Promise<InsertedRun[]> {
    if (batch.length === 0) return [];
    // One array parameter per column, unnested server-side: 17 bind parameters whatever the batch
    // size, so there is no parameter limit and far less to parse than a multi-row VALUES list.
    const col = <T>(f: (r: NewRun) => T) => sql.param(batch.map(f));
    const result = await this.db.execute<{
      run_id: string;
      tenant: string;
      workload: string;
      runtime_version: string;
      outcome: RunOutcome;
      started_at: Date;
    }>(sql`
      insert into ${runs} (run_id, operation_id, tenant, workload, session_id, fingerprint, runtime_version,
        attempt, outcome, error_class, sql_state, message, duration_ms, rows, bytes, retried_from_run_id, started_at)
      select * from unnest(
        ${col((r) => r.runId)}::uuid[], ${col((r) => r.operationId)}::text[], ${col((r) => r.tenant)}::text[],
        ${col((r) => r.workload)}::text[], ${col((r) => r.sessionId)}::text[], ${col((r) => r.fingerprint)}::text[],
        ${col((r) => r.runtimeVersion)}::text[], ${col((r) => r.attempt)}::int[], ${col((r) => r.outcome)}::text[],
        ${col((r) => r.errorClass ?? null)}::text[], ${col((r) => r.sqlState ?? null)}::text[],
        ${col((r) => r.message ?? null)}::text[], ${col((r) => Math.round(r.durationMs))}::int[],
        ${col((r) => r.rows)}::bigint[], ${col((r) => r.bytes)}::bigint[],
        ${col((r) => r.retriedFromRunId ?? null)}::uuid[], ${col((r) => r.startedAt.toISOString())}::timestamptz[]
      )
      on conflict (run_id) do nothing
      returning run_id, tenant, workload, runtime_version, outcome, started_at`);
    return result.rows.map((r) => ({
      runId: r.run_id,
      tenant: r.tenant,
      workload: r.workload,
      runtimeVersion: r.runtime_version,
      outcome: r.outcome,
      startedAt: r.started_at instanceof Date ? r.started_at : new Date(r.started_at),
    }));
  }

  async count(filter: RunFilter = {}): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(runs).where(where(filter));
    return row?.n ?? 0;
  }

  /** Newest first; pass the last row's id as `beforeId` for the next page. */
  async list(filter: RunFilter & { limit?: number; beforeId?: number } = {}): Promise<RunRecord[]> {
    return this.db
      .select()
      .from(runs)
      .where(and(where(filter), filter.beforeId === undefined ? undefined : lt(runs.id, filter.beforeId)))
      .orderBy(desc(runs.startedAt), desc(runs.id))
      .limit(filter.limit ?? 100);
  }

  /**
   * The version of the workload's most recent successful run on any version but `excludeVersion`
   * (the blink-twice "last good version" when the in-memory view has none). Failure path only.
   */
  async lastSuccessfulVersion(tenant: string, workload: string, excludeVersion: string): Promise<string | null> {
    const [row] = await this.db
      .select({ v: runs.runtimeVersion })
      .from(runs)
      .where(
        and(
          eq(runs.tenant, tenant),
          eq(runs.workload, workload),
          eq(runs.outcome, 'success'),
          ne(runs.runtimeVersion, excludeVersion),
        ),
      )
      .orderBy(desc(runs.startedAt))
      .limit(1);
    return row?.v ?? null;
  }

  async getByRunId(runId: string): Promise<RunRecord | null> {
    const [row] = await this.db.select().from(runs).where(eq(runs.runId, runId));
    return row ?? null;
  }
}

function where(f: RunFilter): SQL | undefined {
  return and(
    f.tenant === undefined ? undefined : eq(runs.tenant, f.tenant),
    f.workload === undefined ? undefined : eq(runs.workload, f.workload),
    f.runtimeVersion === undefined ? undefined : eq(runs.runtimeVersion, f.runtimeVersion),
    f.fingerprint === undefined ? undefined : eq(runs.fingerprint, f.fingerprint),
  );
}
