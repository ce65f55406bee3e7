import { and, asc, eq, isNull, notInArray, sql } from 'drizzle-orm';
import { PerennialError } from '../../core/errors.js';
import type { Executor } from '../db.js';
import { runtimes } from '../schema/index.js';

export type RuntimeKind = 'builtin' | 'spark-connect';

/** What a runtime manifest contributes to the `runtimes` table. */
export interface RuntimeManifestInput {
  version: string;
  kind: RuntimeKind;
  endpoint?: string | null;
  sparkVersion: string;
  /** The whole manifest as loaded, kept for display and audit. Default: this object itself. */
  manifest?: unknown;
}

export interface RuntimeRecord {
  version: string;
  kind: RuntimeKind;
  endpoint: string | null;
  sparkVersion: string;
  manifest: unknown;
  isDefault: boolean;
  addedAt: Date;
  removedAt: Date | null;
}

export interface RuntimeSyncResult {
  added: string[];
  updated: string[];
  removed: string[];
}

export class RuntimesRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Makes the table match the manifests on disk: new versions are added, known ones updated (and
   * revived if they had been removed), versions without a manifest get `removed_at` (rows are kept:
   * runs and regressions refer to them). A removed runtime stops being the default.
   */
  async syncFromManifests(manifests: readonly RuntimeManifestInput[]): Promise<RuntimeSyncResult> {
    return this.db.transaction(async (tx) => {
      const result: RuntimeSyncResult = { added: [], updated: [], removed: [] };
      if (manifests.length > 0) {
        const rows = await tx
          .insert(runtimes)
          .values(
            manifests.map((m) => ({
              version: m.version,
              kind: m.kind,
              endpoint: m.endpoint ?? null,
              sparkVersion: m.sparkVersion,
              manifest: m.manifest ?? m,
            })),
          )
          .onConflictDoUpdate({
            target: runtimes.version,
            set: {
              kind: sql`excluded.kind`,
              endpoint: sql`excluded.endpoint`,
              sparkVersion: sql`excluded.spark_version`,
              manifest: sql`excluded.manifest`,
              removedAt: null,
            },
          })
          .returning({ version: runtimes.version, inserted: sql<boolean>`(xmax = 0)` });
        for (const r of rows) (r.inserted ? result.added : result.updated).push(r.version);
      }
      const versions = manifests.map((m) => m.version);
      const removed = await tx
        .update(runtimes)
        .set({ removedAt: new Date(), isDefault: false })
        .where(
          and(isNull(runtimes.removedAt), versions.length > 0 ? notInArray(runtimes.version, versions) : undefined),
        )
        .returning({ version: runtimes.version });
      result.removed = removed.map((r) => r.version);
      return result;
    });
  }

  async list(opts: { includeRemoved?: boolean } = {}): Promise<RuntimeRecord[]> {
    const rows = await this.db
      .select()
      .from(runtimes)
      .where(opts.includeRemoved ? undefined : isNull(runtimes.removedAt))
      .orderBy(asc(runtimes.addedAt), asc(runtimes.version));
    return rows.map(toRecord);
  }

  /** Makes `version` the only default. Throws RUNTIME_NOT_FOUND for unknown or removed versions. */
  async setDefault(version: string): Promise<RuntimeRecord> {
    return this.db.transaction(async (tx) => {
      const [target] = await tx
        .select()
        .from(runtimes)
        .where(and(eq(runtimes.version, version), isNull(runtimes.removedAt)))
        .for('update');
      if (target === undefined) {
        throw new PerennialError('RUNTIME_NOT_FOUND', `Runtime version '${version}' is not installed.`, {
          kind: 'user',
          sqlState: '42704',
          messageParameters: { version },
        });
      }
      // Two statements: the partial unique index allows one default at a time, checked per row.
      await tx.update(runtimes).set({ isDefault: false }).where(eq(runtimes.isDefault, true));
      const [row] = await tx.update(runtimes).set({ isDefault: true }).where(eq(runtimes.version, version)).returning();
      return toRecord(row ?? target);
    });
  }

  async getDefault(): Promise<RuntimeRecord | null> {
    const [row] = await this.db
      .select()
      .from(runtimes)
      .where(and(eq(runtimes.isDefault, true), isNull(runtimes.removedAt)));
    return row === undefined ? null : toRecord(row);
  }
}

function toRecord(r: typeof runtimes.$inferSelect): RuntimeRecord {
  return {
    version: r.version,
    kind: r.kind,
    endpoint: r.endpoint,
    sparkVersion: r.sparkVersion,
    manifest: r.manifest,
    isDefault: r.isDefault,
    addedAt: r.addedAt,
    removedAt: r.removedAt,
  };
}
