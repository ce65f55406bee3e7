import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

/** One row per attempt of one operation on one runtime version. Written in batches by jobs/persist-runs. */
export const runs = pgTable(
  'runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Idempotency key: a retried batch inserts nothing twice. */
    runId: uuid('run_id').notNull(),
    operationId: text('operation_id').notNull(),
    tenant: text('tenant').notNull(),
    workload: text('workload').notNull(),
    sessionId: text('session_id').notNull(),
    fingerprint: text('fingerprint').notNull(),
    runtimeVersion: text('runtime_version').notNull(),
    attempt: integer('attempt').notNull(),
    outcome: text('outcome', { enum: ['success', 'error', 'interrupted'] }).notNull(),
    errorClass: text('error_class'),
    sqlState: text('sql_state'),
    message: text('message'),
    durationMs: integer('duration_ms').notNull(),
    rows: bigint('rows', { mode: 'number' }).notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    retriedFromRunId: uuid('retried_from_run_id'),
    startedAt: tstz('started_at').notNull(),
  },
  (t) => [
    uniqueIndex('runs_run_id_uq').on(t.runId),
    index('runs_workload_started_idx').on(t.workload, t.startedAt.desc()),
    index('runs_version_started_idx').on(t.runtimeVersion, t.startedAt),
    index('runs_fingerprint_version_idx').on(t.fingerprint, t.runtimeVersion),
    // Dashboard charts: one tenant's runs over a time window.
    index('runs_tenant_started_idx').on(t.tenant, t.startedAt),
    check('runs_outcome_check', sql`${t.outcome} in ('success', 'error', 'interrupted')`),
  ],
);
