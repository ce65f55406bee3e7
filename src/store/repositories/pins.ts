import { and, asc, desc, eq, gt, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../db.js';
import { pinEvents, pins } from '../schema/index.js';

export type PinReason = 'manual' | 'regression';

export interface PinRecord {
  tenant: string;
  workload: string;
  version: string;
  reason: PinReason;
  regressionId: number | null;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  note: string | null;
}

export interface AddPinInput {
  tenant: string;
  workload: string;
  version: string;
  /** Default 'manual'. */
  reason?: PinReason;
  regressionId?: number | null;
  /** Who asked: a user id, or the component (e.g. 'blink-twice'). */
  actor: string;
  expiresAt?: Date | null;
  note?: string | null;
  at?: Date;
}

export interface RemovePinInput {
  tenant: string;
  workload: string;
  actor: string;
  note?: string | null;
  at?: Date;
}

export interface PinEventRecord {
  id: number;
  tenant: string;
  workload: string;
  action: 'add' | 'replace' | 'remove';
  version: string | null;
  previousVersion: string | null;
  reason: PinReason | null;
  regressionId: number | null;
  actor: string;
  note: string | null;
  at: Date;
}

export interface PinFilter {
  tenant?: string;
  workload?: string;
  version?: string;
  reason?: PinReason;
  /** Include pins whose expires_at has passed. Default false. */
  includeExpired?: boolean;
}

export class PinsRepository {
  constructor(private readonly db: Executor) {}

  async list(filter: PinFilter = {}): Promise<PinRecord[]> {
    const conds: (SQL | undefined)[] = [
      filter.tenant === undefined ? undefined : eq(pins.tenant, filter.tenant),
      filter.workload === undefined ? undefined : eq(pins.workload, filter.workload),
      filter.version === undefined ? undefined : eq(pins.version, filter.version),
      filter.reason === undefined ? undefined : eq(pins.reason, filter.reason),
      filter.includeExpired ? undefined : notExpired(new Date()),
    ];
    return this.db
      .select()
      .from(pins)
      .where(and(...conds))
      .orderBy(asc(pins.tenant), asc(pins.workload));
  }

  async get(tenant: string, workload: string): Promise<PinRecord | null> {
    const [row] = await this.db
      .select()
      .from(pins)
      .where(and(eq(pins.tenant, tenant), eq(pins.workload, workload)));
    return row ?? null;
  }

  /** Every pin in force at `now`: what the router caches. */
  async snapshot(now: Date = new Date()): Promise<PinRecord[]> {
    return this.db.select().from(pins).where(notExpired(now));
  }

  /** Adds or replaces the workload's pin, and writes the audit event, in one transaction. */
  async add(input: AddPinInput): Promise<PinRecord> {
    return this.db.transaction((tx) => upsertPin(tx, input));
  }

  /** Removes the workload's pin (and audits it). Returns the removed pin, or null if there was none. */
  async remove(input: RemovePinInput): Promise<PinRecord | null> {
    return this.db.transaction(async (tx) => {
      const [removed] = await tx
        .delete(pins)
        .where(and(eq(pins.tenant, input.tenant), eq(pins.workload, input.workload)))
        .returning();
      if (removed === undefined) return null;
      await tx.insert(pinEvents).values({
        tenant: input.tenant,
        workload: input.workload,
        action: 'remove',
        version: null,
        previousVersion: removed.version,
        reason: removed.reason,
        regressionId: removed.regressionId,
        actor: input.actor,
        note: input.note ?? null,
        at: input.at ?? new Date(),
      });
      return removed;
    });
  }

  /** The audit trail of one workload's pin, newest first. */
  async events(tenant: string, workload: string, limit = 100): Promise<PinEventRecord[]> {
    return this.db
      .select()
      .from(pinEvents)
      .where(and(eq(pinEvents.tenant, tenant), eq(pinEvents.workload, workload)))
      .orderBy(desc(pinEvents.at), desc(pinEvents.id))
      .limit(limit);
  }
}

function notExpired(now: Date): SQL {
  return or(isNull(pins.expiresAt), gt(pins.expiresAt, now)) as SQL;
}

/**
 * Upserts a pin inside an open transaction and audits it. An identical pin (same version and
 * reason) is refreshed without a new audit event, so repeated regressions do not flood the trail.
 */
export async function upsertPin(tx: Executor, input: AddPinInput): Promise<PinRecord> {
  const at = input.at ?? new Date();
  const reason = input.reason ?? 'manual';
  const [previous] = await tx
    .select()
    .from(pins)
    .where(and(eq(pins.tenant, input.tenant), eq(pins.workload, input.workload)))
    .for('update');
  const values = {
    tenant: input.tenant,
    workload: input.workload,
    version: input.version,
    reason,
    regressionId: input.regressionId ?? null,
    createdBy: input.actor,
    createdAt: at,
    expiresAt: input.expiresAt ?? null,
    note: input.note ?? null,
  };
  const [pin] = await tx
    .insert(pins)
    .values(values)
    .onConflictDoUpdate({
      target: [pins.tenant, pins.workload],
      set: {
        version: sql`excluded.version`,
        reason: sql`excluded.reason`,
        regressionId: sql`excluded.regression_id`,
        createdBy: sql`excluded.created_by`,
        createdAt: sql`excluded.created_at`,
        expiresAt: sql`excluded.expires_at`,
        note: sql`excluded.note`,
      },
    })
    .returning();
  const unchanged = previous !== undefined && previous.version === input.version && previous.reason === reason;
  if (!unchanged) {
    await tx.insert(pinEvents).values({
      tenant: input.tenant,
      workload: input.workload,
      action: previous === undefined ? 'add' : 'replace',
      version: input.version,
      previousVersion: previous?.version ?? null,
      reason,
      regressionId: input.regressionId ?? null,
      actor: input.actor,
      note: input.note ?? null,
      at,
    });
  }
  if (pin === undefined) throw new Error('pin upsert returned no row');
  return pin;
}
