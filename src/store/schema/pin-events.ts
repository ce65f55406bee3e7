import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

/** Append-only audit trail: every pin added, replaced or removed, by whom and why. */
export const pinEvents = pgTable(
  'pin_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenant: text('tenant').notNull(),
    workload: text('workload').notNull(),
    action: text('action', { enum: ['add', 'replace', 'remove'] }).notNull(),
    version: text('version'),
    previousVersion: text('previous_version'),
    reason: text('reason', { enum: ['manual', 'regression'] }),
    regressionId: bigint('regression_id', { mode: 'number' }),
    actor: text('actor').notNull(),
    note: text('note'),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [
    index('pin_events_workload_at_idx').on(t.tenant, t.workload, t.at.desc()),
    check('pin_events_action_check', sql`${t.action} in ('add', 'replace', 'remove')`),
  ],
);
