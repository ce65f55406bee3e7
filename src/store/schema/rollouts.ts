import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

/**
 * A staged rollout of a candidate runtime version. `stages` are cohort fractions (0..1, increasing);
 * `stage_index` points at the current one. At most one rollout is open (active, paused or halted).
 */
export const rollouts = pgTable(
  'rollouts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    candidate: text('candidate').notNull(),
    /** The default version when the rollout started: what the candidate is judged against. */
    baseline: text('baseline').notNull(),
    stages: jsonb('stages').$type<number[]>().notNull(),
    stageIndex: integer('stage_index').notNull().default(0),
    status: text('status', { enum: ['active', 'paused', 'halted', 'completed', 'aborted', 'rolled_back'] }).notNull(),
    /** Gate thresholds and timing (src/rollout/config.ts). */
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    stageStartedAt: tstz('stage_started_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    uniqueIndex('rollouts_one_open_idx').on(sql`(true)`).where(sql`${t.status} in ('active', 'paused', 'halted')`),
    index('rollouts_created_idx').on(t.createdAt.desc()),
    check(
      'rollouts_status_check',
      sql`${t.status} in ('active', 'paused', 'halted', 'completed', 'aborted', 'rolled_back')`,
    ),
  ],
);

/** Append-only history of what the controller and operators decided about a rollout, and why. */
export const rolloutDecisions = pgTable(
  'rollout_decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    rolloutId: bigint('rollout_id', { mode: 'number' })
      .notNull()
      .references(() => rollouts.id, { onDelete: 'cascade' }),
    at: tstz('at').notNull().defaultNow(),
    action: text('action').notNull(),
    fromStage: integer('from_stage'),
    toStage: integer('to_stage'),
    fraction: doublePrecision('fraction'),
    status: text('status').notNull(),
    reason: text('reason').notNull(),
    /** The gate evaluation behind the decision (numbers, thresholds, verdicts). */
    gates: jsonb('gates').$type<unknown>(),
    actor: text('actor').notNull(),
  },
  (t) => [index('rollout_decisions_rollout_at_idx').on(t.rolloutId, t.at.desc())],
);
