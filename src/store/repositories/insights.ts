import { type SQL, sql } from 'drizzle-orm';
import { PerennialError } from '../../core/errors.js';
import type { Executor } from '../db.js';
import type { RegressionKind, RegressionStatus } from './regressions.js';

/**
 * Read-only aggregates for the dashboard: runs by hour and version, regression tables with filters and
 * sorting, workload histories. Every value is a bind parameter; the only SQL chosen at run time comes
 * from the fixed tables below (sort columns, optional table names), never from input.
 */

export interface HourVersionRow {
  /** Start of the hour, epoch seconds. */
  hour: number;
  version: string;
  runs: number;
  successes: number;
  errors: number;
  /** Re-runs on another version after a failure (blink twice). */
  blinkRetries: number;
}

export interface HourCountRow {
  hour: number;
  count: number;
}

export interface PinsByVersionRow {
  version: string;
  reason: 'manual' | 'regression';
  count: number;
}

export type RegressionSort = 'lastSeen' | 'firstSeen' | 'occurrences' | 'workloads' | 'id';

export interface RegressionTableFilter {
  tenant?: string;
  status?: RegressionStatus;
  kind?: RegressionKind;
  failedVersion?: string;
  goodVersion?: string;
  errorClass?: string;
  workload?: string;
  /** Case-insensitive substring of the error class, message or SQL text. */
  search?: string;
}

export interface RegressionRow {
  id: number;
  kind: RegressionKind;
  status: RegressionStatus;
  failedVersion: string;
  goodVersion: string;
  errorClass: string;
  errorMessage: string | null;
  workloads: string[];
  workloadCount: number;
  occurrences: number;
  firstSeen: Date;
  lastSeen: Date;
}

export interface RegressionTablePage {
  items: RegressionRow[];
  /** Rows matching the filter (all pages). */
  total: number;
  nextCursor: string | null;
}

export interface RegressionFacets {
  versions: string[];
  errorClasses: string[];
}

export interface WorkloadRow {
  tenant: string;
  id: string;
  lastGoodVersion: string | null;
  runCount: number;
  firstSeen: Date;
  lastSeen: Date;
  pinnedVersion: string | null;
  pinReason: string | null;
}

export interface WorkloadVersionRow {
  version: string;
  runs: number;
  successes: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
}

export interface LatencyRow {
  hour: number;
  version: string;
  runs: number;
  p50Ms: number;
  p95Ms: number;
}

export interface ChangeSignature {
  regressions: string;
  pins: string;
  runs: string;
}

/** Sort key → the SQL expression it orders by (and the cast its cursor value needs). */
const SORTS: Record<RegressionSort, { expr: SQL; cast: SQL }> = {
  lastSeen: { expr: sql`r.last_seen`, cast: sql`::timestamptz` },
  firstSeen: { expr: sql`r.first_seen`, cast: sql`::timestamptz` },
  occurrences: { expr: sql`r.occurrences`, cast: sql`::int` },
  workloads: { expr: sql`cardinality(r.workloads)`, cast: sql`::int` },
  id: { expr: sql`r.id`, cast: sql`::bigint` },
};

/** Tables other components own; read only when they exist. */
const OPTIONAL_TABLES = ['rollouts', 'rollout_decisions', 'canary_runs', 'canary_results'] as const;
export type OptionalTable = (typeof OPTIONAL_TABLES)[number];

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

function invalidCursor(c: string): PerennialError {
  return new PerennialError('INVALID_PARAMETER_VALUE', `Invalid pagination cursor '${c}'.`, {
    kind: 'user',
    messageParameters: { parameter: 'cursor' },
  });
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

export class InsightsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Runs per hour and version in [since, until) (the tenant's own when given). Planned without JIT:
   * on a few hundred thousand rows Postgres spends longer compiling this aggregate than running it.
   */
  async trafficByHour(opts: { tenant?: string; since: Date; until?: Date }): Promise<HourVersionRow[]> {
    const res = await this.db.transaction(async (tx) => {
      await tx.execute(sql`set local jit = off`);
      return tx.execute<Record<string, unknown>>(sql`
      select extract(epoch from date_trunc('hour', r.started_at))::bigint as hour, r.runtime_version as version,
        count(*)::int as runs,
        count(*) filter (where r.outcome = 'success')::int as successes,
        count(*) filter (where r.outcome = 'error')::int as errors,
        count(*) filter (where r.retried_from_run_id is not null and exists (
          select 1 from runs f where f.run_id = r.retried_from_run_id and f.runtime_version <> r.runtime_version))::int as blink_retries
      from runs r
      where r.started_at >= ${opts.since.toISOString()}::timestamptz
        ${opts.until === undefined ? sql`` : sql`and r.started_at < ${opts.until.toISOString()}::timestamptz`}
        ${opts.tenant === undefined ? sql`` : sql`and r.tenant = ${opts.tenant}`}
      group by 1, 2 order by 1, 2`);
    });
    return res.rows.map((r) => ({
      hour: num(r.hour),
      version: String(r.version),
      runs: num(r.runs),
      successes: num(r.successes),
      errors: num(r.errors),
      blinkRetries: num(r.blink_retries),
    }));
  }

  /** Regressions first seen per hour since `since`. */
  async newRegressionsByHour(opts: { tenant?: string; since: Date }): Promise<HourCountRow[]> {
    const res = await this.db.execute<Record<string, unknown>>(sql`
      select extract(epoch from date_trunc('hour', r.first_seen))::bigint as hour, count(*)::int as count
      from regressions r
      where r.first_seen >= ${opts.since.toISOString()}::timestamptz
        ${opts.tenant === undefined ? sql`` : sql`and r.tenants @> array[${opts.tenant}]::text[]`}
      group by 1 order by 1`);
    return res.rows.map((r) => ({ hour: num(r.hour), count: num(r.count) }));
  }

  async pinsByVersion(opts: { tenant?: string }): Promise<PinsByVersionRow[]> {
    const res = await this.db.execute<Record<string, unknown>>(sql`
      select p.version, p.reason, count(*)::int as count from pins p
      where (p.expires_at is null or p.expires_at > now())
        ${opts.tenant === undefined ? sql`` : sql`and p.tenant = ${opts.tenant}`}
      group by 1, 2 order by 1, 2`);
    return res.rows.map((r) => ({
      version: String(r.version),
      reason: r.reason as PinsByVersionRow['reason'],
      count: num(r.count),
    }));
  }

  /** One page of regressions, filtered and sorted (keyset on the sort key and id), with the total. */
  async regressionTable(
    opts: RegressionTableFilter & {
      sort?: RegressionSort;
      dir?: 'asc' | 'desc';
      limit?: number;
      cursor?: string | null;
    },
  ): Promise<RegressionTablePage> {
    const sort = SORTS[opts.sort ?? 'lastSeen'];
    const desc = (opts.dir ?? 'desc') === 'desc';
    const limit = Math.max(1, Math.min(opts.limit ?? 50, 200));
    const conds: SQL[] = [];
    if (opts.tenant !== undefined) conds.push(sql`r.tenants @> array[${opts.tenant}]::text[]`);
    if (opts.status !== undefined) conds.push(sql`r.status = ${opts.status}`);
    if (opts.kind !== undefined) conds.push(sql`r.kind = ${opts.kind}`);
    if (opts.failedVersion !== undefined) conds.push(sql`r.failed_version = ${opts.failedVersion}`);
    if (opts.goodVersion !== undefined) conds.push(sql`r.good_version = ${opts.goodVersion}`);
    if (opts.errorClass !== undefined) conds.push(sql`r.error_class = ${opts.errorClass}`);
    if (opts.workload !== undefined) conds.push(sql`r.workloads @> array[${opts.workload}]::text[]`);
    if (opts.search !== undefined && opts.search !== '') {
      const p = `%${escapeLike(opts.search)}%`;
      conds.push(sql`(r.error_class ilike ${p} or r.error_message ilike ${p} or r.sql_text ilike ${p})`);
    }
    const filter = conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
    const page = [...conds];
    if (opts.cursor) {
      const c = decodeCursor(opts.cursor);
      page.push(
        desc
          ? sql`(${sort.expr}, r.id) < (${c.value}${sort.cast}, ${c.id}::bigint)`
          : sql`(${sort.expr}, r.id) > (${c.value}${sort.cast}, ${c.id}::bigint)`,
      );
    }
    const pageWhere = page.length ? sql`where ${sql.join(page, sql` and `)}` : sql``;
    const order = desc ? sql`order by ${sort.expr} desc, r.id desc` : sql`order by ${sort.expr} asc, r.id asc`;
    const [rows, total] = await Promise.all([
      this.db.execute<Record<string, unknown>>(sql`
        select r.id, r.kind, r.status, r.failed_version, r.good_version, r.error_class,
          left(r.error_message, 300) as error_message, r.workloads[1:5] as workloads,
          cardinality(r.workloads) as workload_count, r.occurrences, r.first_seen, r.last_seen,
          (${sort.expr})::text as sort_value
        from regressions r ${pageWhere} ${order} limit ${limit + 1}`),
      this.db.execute<{ n: number }>(sql`select count(*)::int as n from regressions r ${filter}`),
    ]);
    const items = rows.rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => ({
        id: num(r.id),
        kind: r.kind as RegressionKind,
        status: r.status as RegressionStatus,
        failedVersion: String(r.failed_version),
        goodVersion: String(r.good_version),
        errorClass: String(r.error_class),
        errorMessage: r.error_message === null ? null : String(r.error_message),
        workloads: (r.workloads as string[] | null) ?? [],
        workloadCount: num(r.workload_count),
        occurrences: num(r.occurrences),
        firstSeen: date(r.first_seen),
        lastSeen: date(r.last_seen),
      })),
      total: num(total.rows[0]?.n),
      nextCursor:
        rows.rows.length > limit && last !== undefined ? encodeCursor(String(last.sort_value), num(last.id)) : null,
    };
  }

  async regressionFacets(opts: { tenant?: string }): Promise<RegressionFacets> {
    const t = opts.tenant === undefined ? sql`` : sql`where r.tenants @> array[${opts.tenant}]::text[]`;
    const [versions, classes] = await Promise.all([
      this.db.execute<{ v: string }>(sql`
        select distinct v from regressions r cross join lateral (values (r.failed_version), (r.good_version)) x(v) ${t} order by 1`),
      this.db.execute<{ v: string }>(
        sql`select distinct r.error_class as v from regressions r ${t} order by 1 limit 500`,
      ),
    ]);
    return {
      versions: versions.rows.map((r) => r.v),
      errorClasses: classes.rows.map((r) => r.v).filter((v) => v !== ''),
    };
  }

  /** Failed attempts of a regression's plan on its failed version, per hour. */
  async occurrencesByHour(opts: {
    fingerprint: string;
    failedVersion: string;
    errorClass: string;
    tenant?: string;
    since: Date;
  }): Promise<HourCountRow[]> {
    const res = await this.db.execute<Record<string, unknown>>(sql`
      select extract(epoch from date_trunc('hour', r.started_at))::bigint as hour, count(*)::int as count
      from runs r
      where r.fingerprint = ${opts.fingerprint} and r.runtime_version = ${opts.failedVersion}
        and r.outcome = 'error' and coalesce(r.error_class, '') = ${opts.errorClass}
        and r.started_at >= ${opts.since.toISOString()}::timestamptz
        ${opts.tenant === undefined ? sql`` : sql`and r.tenant = ${opts.tenant}`}
      group by 1 order by 1`);
    return res.rows.map((r) => ({ hour: num(r.hour), count: num(r.count) }));
  }

  /** Workloads by id (keyset on id), with their pin; `search` matches a substring of the id. */
  async workloadTable(opts: {
    tenant: string;
    search?: string;
    limit?: number;
    after?: string | null;
  }): Promise<{ items: WorkloadRow[]; total: number; nextCursor: string | null }> {
    const limit = Math.max(1, Math.min(opts.limit ?? 50, 200));
    const conds: SQL[] = [sql`w.tenant = ${opts.tenant}`];
    if (opts.search) conds.push(sql`w.id ilike ${`%${escapeLike(opts.search)}%`}`);
    const filter = sql.join(conds, sql` and `);
    const [rows, total] = await Promise.all([
      this.db.execute<Record<string, unknown>>(sql`
        select w.tenant, w.id, w.last_good_version, w.run_count, w.first_seen, w.last_seen,
          p.version as pinned_version, p.reason as pin_reason
        from workloads w left join pins p on p.tenant = w.tenant and p.workload = w.id
        where ${filter} ${opts.after ? sql`and w.id > ${opts.after}` : sql``}
        order by w.id limit ${limit + 1}`),
      this.db.execute<{ n: number }>(sql`select count(*)::int as n from workloads w where ${filter}`),
    ]);
    const items = rows.rows.slice(0, limit).map((r) => ({
      tenant: String(r.tenant),
      id: String(r.id),
      lastGoodVersion: r.last_good_version === null ? null : String(r.last_good_version),
      runCount: num(r.run_count),
      firstSeen: date(r.first_seen),
      lastSeen: date(r.last_seen),
      pinnedVersion: r.pinned_version === null ? null : String(r.pinned_version),
      pinReason: r.pin_reason === null ? null : String(r.pin_reason),
    }));
    const last = items[items.length - 1];
    return { items, total: num(total.rows[0]?.n), nextCursor: rows.rows.length > limit && last ? last.id : null };
  }

  async workloadByVersion(opts: { tenant: string; workload: string; since: Date }): Promise<WorkloadVersionRow[]> {
    const res = await this.db.execute<Record<string, unknown>>(sql`
      select r.runtime_version as version, count(*)::int as runs,
        count(*) filter (where r.outcome = 'success')::int as successes,
        count(*) filter (where r.outcome = 'error')::int as errors,
        percentile_cont(0.5) within group (order by r.duration_ms) as p50,
        percentile_cont(0.95) within group (order by r.duration_ms) as p95
      from runs r
      where r.workload = ${opts.workload} and r.tenant = ${opts.tenant}
        and r.started_at >= ${opts.since.toISOString()}::timestamptz
      group by 1 order by 1`);
    return res.rows.map((r) => ({
      version: String(r.version),
      runs: num(r.runs),
      successes: num(r.successes),
      errors: num(r.errors),
      p50Ms: num(r.p50),
      p95Ms: num(r.p95),
    }));
  }

  async workloadLatencyByHour(opts: { tenant: string; workload: string; since: Date }): Promise<LatencyRow[]> {
    const res = await this.db.execute<Record<string, unknown>>(sql`
      select extract(epoch from date_trunc('hour', r.started_at))::bigint as hour, r.runtime_version as version,
        count(*)::int as runs,
        percentile_cont(0.5) within group (order by r.duration_ms) as p50,
        percentile_cont(0.95) within group (order by r.duration_ms) as p95
      from runs r
      where r.workload = ${opts.workload} and r.tenant = ${opts.tenant}
        and r.started_at >= ${opts.since.toISOString()}::timestamptz
      group by 1, 2 order by 1, 2`);
    return res.rows.map((r) => ({
      hour: num(r.hour),
      version: String(r.version),
      runs: num(r.runs),
      p50Ms: num(r.p50),
      p95Ms: num(r.p95),
    }));
  }

  /**
   * Cheap fingerprints of what the dashboard shows (index-only maxima and counts), so clients can
   * poll often and refetch only when something changed.
   */
  async changeSignature(): Promise<ChangeSignature> {
    const res = await this.db.execute<Record<string, unknown>>(sql`
      select (select coalesce(max(id), 0) from runs)::text as runs,
        (select count(*)::text || ':' || coalesce(max(last_seen)::text, '') || ':' ||
           coalesce(sum(occurrences), 0)::text || ':' || coalesce(sum(hashtext(status)), 0)::text from regressions) as regressions,
        (select coalesce(max(id), 0)::text from pin_events) as pins`);
    const r = res.rows[0] ?? {};
    return { runs: String(r.runs ?? ''), regressions: String(r.regressions ?? ''), pins: String(r.pins ?? '') };
  }

  /** Which of the tables other components own exist yet. */
  async optionalTables(): Promise<OptionalTable[]> {
    const res = await this.db.execute<{ name: string }>(sql`
      select t.name from unnest(${sql.param([...OPTIONAL_TABLES])}::text[]) as t(name)
      where to_regclass('public.' || t.name) is not null`);
    return res.rows.map((r) => r.name as OptionalTable);
  }

  /**
   * Up to `limit` rows of an optional table as JSON objects (binary columns left out), newest first
   * when it has a time or id column, optionally only those whose `where.column` equals a value. Null
   * when the table does not exist.
   */
  async optionalTableRows(
    table: OptionalTable,
    limit = 200,
    where?: { column: 'id' | 'run_id' | 'rollout_id'; value: number },
  ): Promise<Record<string, unknown>[] | null> {
    if (!OPTIONAL_TABLES.includes(table)) throw new Error(`not an optional table: ${table}`);
    if (!(await this.optionalTables()).includes(table)) return null;
    const cols = await this.db.execute<{ c: string }>(sql`
      select column_name as c from information_schema.columns where table_schema = 'public' and table_name = ${table}`);
    const names = new Set(cols.rows.map((r) => r.c));
    const orderCol = ['updated_at', 'created_at', 'started_at', 'at', 'id'].find((c) => names.has(c));
    // Identifiers come from the fixed lists above, never from the request.
    const res = await this.db.execute<{ j: Record<string, unknown> }>(sql`
      select to_jsonb(t) - 'minimized_plan' - 'request' - 'setup' as j from ${sql.identifier(table)} t
      ${where && names.has(where.column) ? sql`where ${sql.identifier(where.column)} = ${where.value}` : sql``}
      ${orderCol ? sql`order by ${sql.identifier(orderCol)} desc nulls last` : sql``} limit ${Math.min(limit, 1000)}`);
    return res.rows.map((r) => r.j);
  }
}

function encodeCursor(value: string, id: number): string {
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
}

function decodeCursor(c: string): { value: string; id: number } {
  try {
    const v: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && Number.isSafeInteger(v[1]))
      return { value: v[0], id: v[1] as number };
  } catch {
    // fall through
  }
  throw invalidCursor(c);
}
