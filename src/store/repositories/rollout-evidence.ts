import { sql } from 'drizzle-orm';
import type { Executor } from '../db.js';
import { regressions } from '../schema/index.js';
import type { RegressionRecord } from './regressions.js';

export interface VersionRunCounts {
  runs: number;
  errors: number;
  workloads: number;
}

export interface DurationSample {
  tenant: string;
  workload: string;
  fingerprint: string;
  version: string;
  durationMs: number;
}

export interface ControlSample {
  tenant: string;
  workload: string;
  fingerprint: string;
  /** Ran since the stage started (else: before it). */
  recent: boolean;
  durationMs: number;
}

export interface PerformanceRegressionInput {
  fingerprint: string;
  failedVersion: string;
  goodVersion: string;
  tenant: string;
  workload: string;
  message: string;
  sqlText?: string | null;
  seenAt?: Date;
}

/**
 * Read-side queries over `runs` for rollout gates and performance-regression detection, and the
 * non-pinning insert of performance regressions. Nothing here is on the request path.
 */
export class RolloutEvidenceRepository {
  constructor(private readonly db: Executor) {}

  /** Attempts, errors and distinct workloads per version since `since` (interrupted runs excluded). */
  async runCounts(versions: readonly string[], since: Date): Promise<Map<string, VersionRunCounts>> {
    const out = new Map<string, VersionRunCounts>();
    if (versions.length === 0) return out;
    const res = await this.db.execute<{ v: string; n: string; e: string; w: string }>(sql`
      select runtime_version as v, count(*) as n, count(*) filter (where outcome = 'error') as e,
             count(distinct (tenant, workload)) as w
      from runs
      where started_at >= ${since.toISOString()}::timestamptz and outcome <> 'interrupted'
        and runtime_version = any(${sql.param([...versions])}::text[])
      group by runtime_version`);
    for (const r of res.rows) out.set(r.v, { runs: Number(r.n), errors: Number(r.e), workloads: Number(r.w) });
    return out;
  }

  /**
   * Workloads with a query that failed on `version` and then succeeded on another version (a blink-twice
   * retry) since `since`: the workloads the version regressed. `tenant/workload` unless tenant is 'default'.
   */
  async regressedWorkloads(version: string, since: Date): Promise<string[]> {
    const res = await this.db.execute<{ tenant: string; workload: string }>(sql`
      select distinct c.tenant, c.workload
      from runs c join runs r on r.retried_from_run_id = c.run_id
      where c.runtime_version = ${version} and c.outcome = 'error' and r.outcome = 'success'
        and r.runtime_version <> ${version} and c.started_at >= ${since.toISOString()}::timestamptz
      order by 1, 2`);
    return res.rows.map((r) => (r.tenant === 'default' ? r.workload : `${r.tenant}/${r.workload}`));
  }

  /**
   * Successful durations on `candidate` since `since`, and the latest (up to `perPair`) successful
   * durations on `baseline` of the same (tenant, workload, fingerprint) — whenever they ran.
   */
  async pairedDurations(candidate: string, baseline: string, since: Date, perPair = 200): Promise<DurationSample[]> {
    const res = await this.db.execute<{
      tenant: string;
      workload: string;
      fingerprint: string;
      v: string;
      d: number;
    }>(sql`
      with cand as (
        select tenant, workload, fingerprint, duration_ms, row_number() over (
          partition by tenant, workload, fingerprint order by started_at desc) as rn
        from runs
        where runtime_version = ${candidate} and outcome = 'success' and started_at >= ${since.toISOString()}::timestamptz
      ), pairs as (select distinct tenant, workload, fingerprint from cand),
      base as (
        select r.tenant, r.workload, r.fingerprint, r.duration_ms, row_number() over (
          partition by r.tenant, r.workload, r.fingerprint order by r.started_at desc) as rn
        from runs r join pairs p on p.tenant = r.tenant and p.workload = r.workload and p.fingerprint = r.fingerprint
        where r.runtime_version = ${baseline} and r.outcome = 'success'
      )
      select tenant, workload, fingerprint, ${candidate}::text as v, duration_ms as d from cand where rn <= ${perPair}
      union all
      select tenant, workload, fingerprint, ${baseline}::text as v, duration_ms as d from base where rn <= ${perPair}`);
    return res.rows.map((r) => ({
      tenant: r.tenant,
      workload: r.workload,
      fingerprint: r.fingerprint,
      version: r.v,
      durationMs: Number(r.d),
    }));
  }

  /**
   * The latency gate's control group: successful `baseline` durations of the (tenant, workload,
   * fingerprint) triples that ran on the baseline since `since` and not on the candidate (workloads
   * outside the cohort, pinned ones). Each sample says whether it ran since `since` (`recent`) or
   * before; up to `perPair` of the latest of each side.
   */
  async controlDurations(candidate: string, baseline: string, since: Date, perPair = 50): Promise<ControlSample[]> {
    const at = since.toISOString();
    const res = await this.db.execute<{ tenant: string; workload: string; fingerprint: string; recent: boolean; d: number }>(sql`
      with recent_pairs as (
        select distinct tenant, workload, fingerprint from runs
        where runtime_version = ${baseline} and outcome = 'success' and started_at >= ${at}::timestamptz
        except
        select distinct tenant, workload, fingerprint from runs
        where runtime_version = ${candidate} and started_at >= ${at}::timestamptz
      ), ranked as (
        select r.tenant, r.workload, r.fingerprint, r.duration_ms, r.started_at >= ${at}::timestamptz as recent,
               row_number() over (partition by r.tenant, r.workload, r.fingerprint, r.started_at >= ${at}::timestamptz
                                  order by r.started_at desc) as rn
        from runs r join recent_pairs p on p.tenant = r.tenant and p.workload = r.workload and p.fingerprint = r.fingerprint
        where r.runtime_version = ${baseline} and r.outcome = 'success'
      )
      select tenant, workload, fingerprint, recent, duration_ms as d from ranked where rn <= ${perPair}`);
    return res.rows.map((r) => ({
      tenant: r.tenant,
      workload: r.workload,
      fingerprint: r.fingerprint,
      recent: r.recent === true || (r.recent as unknown) === 't',
      durationMs: Number(r.d),
    }));
  }

  /** The latest (up to `perGroup`) successful durations per (tenant, workload, fingerprint, version) since `since`. */
  async recentDurations(since: Date, perGroup = 100): Promise<DurationSample[]> {
    const res = await this.db.execute<{
      tenant: string;
      workload: string;
      fingerprint: string;
      v: string;
      d: number;
    }>(sql`
      select tenant, workload, fingerprint, runtime_version as v, duration_ms as d from (
        select tenant, workload, fingerprint, runtime_version, duration_ms, row_number() over (
          partition by tenant, workload, fingerprint, runtime_version order by started_at desc) as rn
        from runs where outcome = 'success' and started_at >= ${since.toISOString()}::timestamptz
      ) t where rn <= ${perGroup}`);
    return res.rows.map((r) => ({
      tenant: r.tenant,
      workload: r.workload,
      fingerprint: r.fingerprint,
      version: r.v,
      durationMs: Number(r.d),
    }));
  }

  /**
   * Records a `performance` regression without pinning (deduplicated like every regression; the workload
   * and tenant are appended once). Returns the row and whether this workload is new to it.
   */
  async recordPerformanceRegression(
    input: PerformanceRegressionInput,
  ): Promise<{ regression: RegressionRecord; newWorkload: boolean }> {
    const r = regressions;
    const seenAt = input.seenAt ?? new Date();
    const existing = await this.db.execute<{ id: number; workloads: string[] }>(sql`
      select id, workloads from regressions where kind = 'performance' and fingerprint = ${input.fingerprint}
        and failed_version = ${input.failedVersion} and good_version = ${input.goodVersion} and error_class = ''`);
    const prior = existing.rows[0];
    const newWorkload = !prior?.workloads.includes(input.workload);
    const [row] = await this.db
      .insert(r)
      .values({
        kind: 'performance',
        fingerprint: input.fingerprint,
        failedVersion: input.failedVersion,
        goodVersion: input.goodVersion,
        errorClass: '',
        errorMessage: input.message,
        sqlText: input.sqlText ?? null,
        workloads: [input.workload],
        tenants: [input.tenant],
        occurrences: 1,
        firstSeen: seenAt,
        lastSeen: seenAt,
      })
      .onConflictDoUpdate({
        target: [r.fingerprint, r.failedVersion, r.goodVersion, r.errorClass, r.kind],
        set: {
          occurrences: newWorkload ? sql`${r.occurrences} + 1` : sql`${r.occurrences}`,
          lastSeen: sql`greatest(${r.lastSeen}, excluded.last_seen)`,
          errorMessage: sql`excluded.error_message`,
          workloads: sql`case when ${input.workload}::text = any(${r.workloads}) then ${r.workloads} else array_append(${r.workloads}, ${input.workload}::text) end`,
          tenants: sql`case when ${input.tenant}::text = any(${r.tenants}) then ${r.tenants} else array_append(${r.tenants}, ${input.tenant}::text) end`,
        },
      })
      .returning();
    if (!row) throw new Error('performance regression upsert returned no row');
    return { regression: row as RegressionRecord, newWorkload };
  }

  /** `error` regressions with a plan to replay: open or acknowledged ones, and fixed ones that still hold pins. */
  async openErrorRegressions(): Promise<RegressionRecord[]> {
    const rows = await this.db.execute<{ id: number }>(sql`
      select id from regressions r where kind = 'error' and plan is not null
        and (status in ('open', 'acknowledged') or (status = 'fixed' and exists (select 1 from pins p where p.regression_id = r.id)))
      order by id`);
    if (rows.rows.length === 0) return [];
    const ids = rows.rows.map((x) => Number(x.id));
    return (await this.db
      .select()
      .from(regressions)
      .where(sql`${regressions.id} = any(${sql.param(ids)}::bigint[])`)) as RegressionRecord[];
  }
}
