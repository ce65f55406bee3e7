import { and, arrayContains, desc, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import { PerennialError } from '../../core/errors.js';
import type { Executor } from '../db.js';
import { regressions } from '../schema/index.js';
import { type PinRecord, upsertPin } from './pins.js';

export type RegressionKind = 'error' | 'performance' | 'wrong-result';
export type RegressionStatus = 'open' | 'acknowledged' | 'fixed' | 'verified';

export interface RegressionRecord {
  id: number;
  kind: RegressionKind;
  fingerprint: string;
  failedVersion: string;
  goodVersion: string;
  /** '' for kinds without an error class. */
  errorClass: string;
  errorMessage: string | null;
  plan: Uint8Array | null;
  planText: string | null;
  sqlText: string | null;
  workloads: string[];
  tenants: string[];
  occurrences: number;
  firstSeen: Date;
  lastSeen: Date;
  status: RegressionStatus;
  fixedInVersion: string | null;
}

export interface RecordRegressionInput {
  kind: RegressionKind;
  fingerprint: string;
  failedVersion: string;
  goodVersion: string;
  errorClass?: string | null;
  errorMessage?: string | null;
  /** Serialized Spark Connect relation. */
  plan?: Uint8Array | null;
  planText?: string | null;
  sqlText?: string | null;
  tenant: string;
  workload: string;
  seenAt?: Date;
  /** Who pins: default 'blink-twice'. */
  actor?: string;
  pinExpiresAt?: Date | null;
  pinNote?: string | null;
}

export interface RecordRegressionResult {
  regression: RegressionRecord;
  pin: PinRecord;
  /** True when this call created the regression, false when it was a further occurrence. */
  created: boolean;
}

export interface RegressionFilter {
  status?: RegressionStatus;
  kind?: RegressionKind;
  failedVersion?: string;
  fingerprint?: string;
  workload?: string;
  tenant?: string;
}

export interface RegressionPage {
  items: RegressionRecord[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export class RegressionsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * The regression path of "blink twice", in ONE transaction: upsert the regression (deduplicated on
   * fingerprint, versions, error class and kind; occurrences + 1, workload and tenant appended if
   * absent, last_seen moved forward) and pin the workload to the good version (reason 'regression',
   * audited in pin_events). Either both are stored or neither.
   */
  async recordRegressionAndPin(input: RecordRegressionInput): Promise<RecordRegressionResult> {
    const seenAt = input.seenAt ?? new Date();
    return this.db.transaction(async (tx) => {
      const { created, ...regression } = await upsertRegression(tx, { ...input, seenAt });
      const pin = await upsertPin(tx, {
        tenant: input.tenant,
        workload: input.workload,
        version: input.goodVersion,
        reason: 'regression',
        regressionId: regression.id,
        actor: input.actor ?? 'blink-twice',
        expiresAt: input.pinExpiresAt ?? null,
        note:
          input.pinNote ??
          `${input.kind} regression on ${input.failedVersion}${input.errorClass ? ` (${input.errorClass})` : ''}`,
        at: seenAt,
      });
      return { regression, pin, created };
    });
  }

  /** Newest (last_seen) first, keyset-paginated. */
  async list(filter: RegressionFilter & { limit?: number; cursor?: string | null } = {}): Promise<RegressionPage> {
    const r = regressions;
    const limit = Math.max(1, Math.min(filter.limit ?? 50, 500));
    const after = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    const conds: (SQL | undefined)[] = [
      filter.status === undefined ? undefined : eq(r.status, filter.status),
      filter.kind === undefined ? undefined : eq(r.kind, filter.kind),
      filter.failedVersion === undefined ? undefined : eq(r.failedVersion, filter.failedVersion),
      filter.fingerprint === undefined ? undefined : eq(r.fingerprint, filter.fingerprint),
      filter.workload === undefined ? undefined : arrayContains(r.workloads, [filter.workload]),
      filter.tenant === undefined ? undefined : arrayContains(r.tenants, [filter.tenant]),
      after === undefined
        ? undefined
        : sql`(${r.lastSeen}, ${r.id}) < (${after.lastSeen.toISOString()}::timestamptz, ${after.id}::bigint)`,
    ];
    const rows = await this.db
      .select()
      .from(r)
      .where(and(...conds))
      .orderBy(desc(r.lastSeen), desc(r.id))
      .limit(limit + 1);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
  }

  async get(id: number): Promise<RegressionRecord | null> {
    const [row] = await this.db.select().from(regressions).where(eq(regressions.id, id));
    return row ?? null;
  }

  /** Moves a regression through open → acknowledged → fixed → verified (any order is allowed). */
  async setStatus(
    id: number,
    status: RegressionStatus,
    opts: { fixedInVersion?: string | null } = {},
  ): Promise<RegressionRecord> {
    const [row] = await this.db
      .update(regressions)
      .set({
        status,
        ...(opts.fixedInVersion === undefined ? {} : { fixedInVersion: opts.fixedInVersion }),
      })
      .where(eq(regressions.id, id))
      .returning();
    if (row === undefined) {
      throw new PerennialError('REGRESSION_NOT_FOUND', `Regression ${id} does not exist.`, {
        kind: 'user',
        sqlState: '42704',
        messageParameters: { id: String(id) },
      });
    }
    return row;
  }
}

function encodeCursor(r: { lastSeen: Date; id: number }): string {
  return Buffer.from(`${r.lastSeen.toISOString()}|${r.id}`, 'utf8').toString('base64url');
}

function decodeCursor(c: string): { lastSeen: Date; id: number } {
  const [ts, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  const lastSeen = new Date(ts ?? '');
  const n = Number(id);
  if (Number.isNaN(lastSeen.getTime()) || !Number.isSafeInteger(n)) {
    throw new PerennialError('INVALID_PARAMETER_VALUE', `Invalid pagination cursor '${c}'.`, {
      kind: 'user',
      messageParameters: { parameter: 'cursor' },
    });
  }
  return { lastSeen, id: n };
}

/**
 * The one regression upsert: identity is (fingerprint, failed version, good version, error class,
 * kind); a repeat adds an occurrence, appends the workload and tenant if absent and moves last_seen.
 * `preferNewPlan`: a newer plan (e.g. a minimized reproduction) replaces the stored one.
 */
export async function upsertRegression(
  tx: Executor,
  input: Omit<RecordRegressionInput, 'actor' | 'pinExpiresAt' | 'pinNote'> & { seenAt: Date },
  opts: { preferNewPlan?: boolean } = {},
): Promise<RegressionRecord & { created: boolean }> {
  const r = regressions;
  const newer = (col: typeof r.plan | typeof r.planText, excluded: string) =>
    opts.preferNewPlan
      ? sql`coalesce(${sql.raw(`excluded.${excluded}`)}, ${col})`
      : sql`coalesce(${col}, ${sql.raw(`excluded.${excluded}`)})`;
  const [row] = await tx
    .insert(r)
    .values({
      kind: input.kind,
      fingerprint: input.fingerprint,
      failedVersion: input.failedVersion,
      goodVersion: input.goodVersion,
      errorClass: input.errorClass ?? '',
      errorMessage: input.errorMessage ?? null,
      plan: input.plan ?? null,
      planText: input.planText ?? null,
      sqlText: input.sqlText ?? null,
      workloads: [input.workload],
      tenants: [input.tenant],
      occurrences: 1,
      firstSeen: input.seenAt,
      lastSeen: input.seenAt,
    })
    .onConflictDoUpdate({
      target: [r.fingerprint, r.failedVersion, r.goodVersion, r.errorClass, r.kind],
      set: {
        occurrences: sql`${r.occurrences} + 1`,
        lastSeen: sql`greatest(${r.lastSeen}, excluded.last_seen)`,
        workloads: sql`case when ${input.workload}::text = any(${r.workloads}) then ${r.workloads} else array_append(${r.workloads}, ${input.workload}::text) end`,
        tenants: sql`case when ${input.tenant}::text = any(${r.tenants}) then ${r.tenants} else array_append(${r.tenants}, ${input.tenant}::text) end`,
        errorMessage: sql`coalesce(excluded.error_message, ${r.errorMessage})`,
        plan: newer(r.plan, 'plan'),
        planText: newer(r.planText, 'plan_text'),
        sqlText: sql`coalesce(${r.sqlText}, excluded.sql_text)`,
      },
    })
    .returning({ ...getTableColumns(r), created: sql<boolean>`(xmax = 0)` });
  if (row === undefined) throw new Error('regression upsert returned no row');
  return row;
}
