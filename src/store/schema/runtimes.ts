import { sql } from 'drizzle-orm';
import { boolean, check, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

/** Runtime versions known to the platform, synced from `runtimes/*` manifests. */
export const runtimes = pgTable(
  'runtimes',
  {
    version: text('version').primaryKey(),
    kind: text('kind', { enum: ['builtin', 'spark-connect'] }).notNull(),
    endpoint: text('endpoint'),
    sparkVersion: text('spark_version').notNull(),
    manifest: jsonb('manifest').$type<unknown>().notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    addedAt: tstz('added_at').notNull().defaultNow(),
    removedAt: tstz('removed_at'),
  },
  (t) => [
    check('runtimes_kind_check', sql`${t.kind} in ('builtin', 'spark-connect')`),
    // At most one default runtime.
    uniqueIndex('runtimes_one_default_idx').on(t.isDefault).where(sql`${t.isDefault}`),
  ],
);
