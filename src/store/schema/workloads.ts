import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

/** A workload is the stable name of a job or notebook across runs, per tenant. */
export const workloads = pgTable(
  'workloads',
  {
    tenant: text('tenant').notNull(),
    id: text('id').notNull(),
    lastGoodVersion: text('last_good_version'),
    /** started_at of the run that set last_good_version, so out-of-order batches cannot move it back. */
    lastGoodAt: tstz('last_good_at'),
    firstSeen: tstz('first_seen').notNull().defaultNow(),
    lastSeen: tstz('last_seen').notNull().defaultNow(),
    runCount: bigint('run_count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.id] })],
);
