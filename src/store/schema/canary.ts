import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { bytea, tstz } from './columns.js';

/**
 * Distinct plans each workload ran (one row per tenant, workload and fingerprint), with what replays
 * them: the raw ExecutePlanRequest and the session's setup log (Config sets, temp-view commands,
 * AddArtifacts with local data) as it stood when the plan ran. Written by the gateway's capture hook
 * off the hot path; read by `perennial canary`.
 */
export const capturedPlans = pgTable(
  'captured_plans',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenant: text('tenant').notNull(),
    workload: text('workload').notNull(),
    fingerprint: text('fingerprint').notNull(),
    /** Runtime version the plan succeeded on when captured. */
    runtimeVersion: text('runtime_version').notNull(),
    /** Serialized ExecutePlanRequest (literal values replaced when `redacted`). */
    request: bytea('request').notNull(),
    /** The session setup log, framed (canary/setup-log.ts). */
    setup: bytea('setup').notNull(),
    setupSteps: integer('setup_steps').notNull().default(0),
    redacted: boolean('redacted').notNull().default(false),
    hasWrite: boolean('has_write').notNull().default(false),
    sqlText: text('sql_text'),
    durationMs: integer('duration_ms').notNull().default(0),
    seenCount: integer('seen_count').notNull().default(1),
    capturedAt: tstz('captured_at').notNull().defaultNow(),
    lastSeen: tstz('last_seen').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('captured_plans_identity_uq').on(t.tenant, t.workload, t.fingerprint),
    index('captured_plans_workload_idx').on(t.workload, t.lastSeen.desc()),
  ],
);

/** One `perennial canary` invocation: candidate vs baseline over a set of plans. */
export const canaryRuns = pgTable(
  'canary_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    candidate: text('candidate').notNull(),
    baseline: text('baseline').notNull(),
    /** What was replayed: `captured`, `tpch`, or both, comma-separated. */
    sources: text('sources').notNull(),
    workloads: text('workloads').array().notNull().default(sql`'{}'::text[]`),
    status: text('status', { enum: ['running', 'passed', 'failed', 'error'] })
      .notNull()
      .default('running'),
    plans: integer('plans').notNull().default(0),
    passed: integer('passed').notNull().default(0),
    regressions: integer('regressions').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    /** Free-form settings of the run (repeats, thresholds, sample size). */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    markdown: text('markdown'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    index('canary_runs_started_idx').on(t.startedAt.desc()),
    check('canary_runs_status_check', sql`${t.status} in ('running', 'passed', 'failed', 'error')`),
  ],
);

/** One replayed plan of a canary run. */
export const canaryResults = pgTable(
  'canary_results',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: bigint('run_id', { mode: 'number' })
      .notNull()
      .references(() => canaryRuns.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    source: text('source').notNull(),
    workload: text('workload').notNull(),
    fingerprint: text('fingerprint').notNull(),
    capturedPlanId: bigint('captured_plan_id', { mode: 'number' }),
    verdict: text('verdict', { enum: ['pass', 'regression', 'skipped'] }).notNull(),
    /** Regression kind when verdict = regression. */
    kind: text('kind', { enum: ['error', 'performance', 'wrong-result'] }),
    detail: text('detail'),
    baselineOutcome: text('baseline_outcome').notNull(),
    candidateOutcome: text('candidate_outcome').notNull(),
    baselineErrorClass: text('baseline_error_class'),
    candidateErrorClass: text('candidate_error_class'),
    baselineDigest: text('baseline_digest'),
    candidateDigest: text('candidate_digest'),
    baselineRows: integer('baseline_rows'),
    candidateRows: integer('candidate_rows'),
    baselineMedianMs: doublePrecision('baseline_median_ms'),
    candidateMedianMs: doublePrecision('candidate_median_ms'),
    latencyRatio: doublePrecision('latency_ratio'),
    sqlText: text('sql_text'),
    /** Minimized reproduction: serialized Plan and its SQL / DataFrame text. */
    minimizedPlan: bytea('minimized_plan'),
    minimizedText: text('minimized_text'),
    minimizedOperators: integer('minimized_operators'),
    originalOperators: integer('original_operators'),
    regressionId: bigint('regression_id', { mode: 'number' }),
  },
  (t) => [
    index('canary_results_run_idx').on(t.runId),
    check('canary_results_verdict_check', sql`${t.verdict} in ('pass', 'regression', 'skipped')`),
  ],
);
