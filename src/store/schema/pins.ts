import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { regressions } from './regressions.js';

/** workload → runtime version. At most one pin per workload; it wins over rollout and default. */
export const pins = pgTable(
  'pins',
  {
    tenant: text('tenant').notNull(),
    workload: text('workload').notNull(),
    version: text('version').notNull(),
    reason: text('reason', { enum: ['manual', 'regression'] }).notNull(),
    regressionId: bigint('regression_id', { mode: 'number' }).references(() => regressions.id, {
      onDelete: 'set null',
    }),
    createdBy: text('created_by').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at'),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('pins_tenant_workload_uq').on(t.tenant, t.workload),
    index('pins_version_idx').on(t.version),
    check('pins_reason_check', sql`${t.reason} in ('manual', 'regression')`),
  ],
);
