import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, tstz } from './columns.js';

/**
 * A plan that fails (or is slower, or answers differently) on `failed_version` but not on
 * `good_version`. Deduplicated on (fingerprint, failed_version, good_version, error_class, kind):
 * every further occurrence bumps `occurrences` and adds its workload.
 */
export const regressions = pgTable(
  'regressions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: ['error', 'performance', 'wrong-result'] }).notNull(),
    fingerprint: text('fingerprint').notNull(),
    failedVersion: text('failed_version').notNull(),
    goodVersion: text('good_version').notNull(),
    /** '' when the kind has no error class (performance, wrong-result), so the unique key dedupes. */
    errorClass: text('error_class').notNull().default(''),
    errorMessage: text('error_message'),
    /** The serialized Spark Connect relation that reproduces it. */
    plan: bytea('plan'),
    planText: text('plan_text'),
    sqlText: text('sql_text'),
    workloads: text('workloads').array().notNull().default(sql`'{}'::text[]`),
    tenants: text('tenants').array().notNull().default(sql`'{}'::text[]`),
    occurrences: integer('occurrences').notNull().default(1),
    firstSeen: tstz('first_seen').notNull().defaultNow(),
    lastSeen: tstz('last_seen').notNull().defaultNow(),
    status: text('status', { enum: ['open', 'acknowledged', 'fixed', 'verified'] })
      .notNull()
      .default('open'),
    fixedInVersion: text('fixed_in_version'),
  },
  (t) => [
    uniqueIndex('regressions_identity_uq').on(t.fingerprint, t.failedVersion, t.goodVersion, t.errorClass, t.kind),
    index('regressions_status_last_seen_idx').on(t.status, t.lastSeen.desc()),
    check('regressions_kind_check', sql`${t.kind} in ('error', 'performance', 'wrong-result')`),
    check('regressions_status_check', sql`${t.status} in ('open', 'acknowledged', 'fixed', 'verified')`),
  ],
);
