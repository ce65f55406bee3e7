import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

/** Spark Connect sessions as seen by the gateway. */
export const sessions = pgTable(
  'sessions',
  {
    sessionId: text('session_id').primaryKey(),
    tenant: text('tenant').notNull(),
    workload: text('workload').notNull(),
    runtimeVersion: text('runtime_version').notNull(),
    userId: text('user_id'),
    clientType: text('client_type'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    endedAt: tstz('ended_at'),
  },
  (t) => [index('sessions_workload_started_idx').on(t.tenant, t.workload, t.startedAt.desc())],
);
