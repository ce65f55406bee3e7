import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db.js';
import { workloads } from '../schema/index.js';

/** One observation of a workload: seen at a time, with some runs, maybe a successful one. */
export interface WorkloadTouch {
  tenant: string;
  workload: string;
  seenAt: Date;
  /** Runs to add to run_count. Default 0. */
  runs?: number;
  /** The latest successful run in this observation, if any. */
  lastGood?: { version: string; at: Date };
}

export interface WorkloadRecord {
  tenant: string;
  id: string;
  lastGoodVersion: string | null;
  lastGoodAt: Date | null;
  firstSeen: Date;
  lastSeen: Date;
  runCount: number;
}

interface Merged {
  tenant: string;
  id: string;
  firstSeen: Date;
  lastSeen: Date;
  runCount: number;
  lastGoodVersion: string | null;
  lastGoodAt: Date | null;
}

export class WorkloadsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Batched upsert: merges the touches per workload, then one INSERT … ON CONFLICT for all of them.
   * last_seen only moves forward, first_seen only backward, last_good_version follows the latest
   * successful run even when batches arrive out of order. Rows are written in key order so
   * concurrent batches cannot deadlock on each other.
   */
  async touch(touches: readonly WorkloadTouch[]): Promise<void> {
    if (touches.length === 0) return;
    const merged = new Map<string, Merged>();
    for (const t of touches) {
      const key = `${t.tenant}\u0000${t.workload}`;
      let m = merged.get(key);
      if (m === undefined) {
        m = {
          tenant: t.tenant,
          id: t.workload,
          firstSeen: t.seenAt,
          lastSeen: t.seenAt,
          runCount: 0,
          lastGoodVersion: null,
          lastGoodAt: null,
        };
        merged.set(key, m);
      }
      if (t.seenAt < m.firstSeen) m.firstSeen = t.seenAt;
      if (t.seenAt > m.lastSeen) m.lastSeen = t.seenAt;
      m.runCount += t.runs ?? 0;
      if (t.lastGood !== undefined && (m.lastGoodAt === null || t.lastGood.at >= m.lastGoodAt)) {
        m.lastGoodVersion = t.lastGood.version;
        m.lastGoodAt = t.lastGood.at;
      }
    }
    const rows = [...merged.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, m]) => m);
    await this.db
      .insert(workloads)
      .values(rows)
      .onConflictDoUpdate({
        target: [workloads.tenant, workloads.id],
        set: {
          firstSeen: sql`least(${workloads.firstSeen}, excluded.first_seen)`,
          lastSeen: sql`greatest(${workloads.lastSeen}, excluded.last_seen)`,
          runCount: sql`${workloads.runCount} + excluded.run_count`,
          lastGoodVersion: sql`case when excluded.last_good_at is not null and (${workloads.lastGoodAt} is null or excluded.last_good_at >= ${workloads.lastGoodAt}) then excluded.last_good_version else ${workloads.lastGoodVersion} end`,
          lastGoodAt: sql`greatest(${workloads.lastGoodAt}, excluded.last_good_at)`,
        },
      });
  }

  async get(tenant: string, id: string): Promise<WorkloadRecord | null> {
    const [row] = await this.db
      .select()
      .from(workloads)
      .where(and(eq(workloads.tenant, tenant), eq(workloads.id, id)));
    return row ?? null;
  }

  async list(opts: { tenant?: string; limit?: number; offset?: number } = {}): Promise<WorkloadRecord[]> {
    return this.db
      .select()
      .from(workloads)
      .where(opts.tenant === undefined ? undefined : eq(workloads.tenant, opts.tenant))
      .orderBy(asc(workloads.tenant), asc(workloads.id))
      .limit(opts.limit ?? 100)
      .offset(opts.offset ?? 0);
  }
}
