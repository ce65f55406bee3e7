/**
 * Fills a database with a dashboard-sized history: runs spread over the last days across the runtime
 * versions, regressions with plans, workloads and pins — to measure the dashboard's pages and API.
 *
 *   npm run build && DATABASE_URL=postgres://... node dist/scripts/seed-dashboard.js --runs 1000000 --regressions 10000
 *
 * Without DATABASE_URL it starts an embedded Postgres in a temp folder, seeds it and (with --serve)
 * starts a whole platform on it so the dashboard can be opened and timed.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { create, toBinary } from '@bufbuild/protobuf';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/core/config.js';
import { startEmbeddedPostgres } from '../src/main/embedded-postgres.js';
import { startPlatform } from '../src/main/start-platform.js';
import { PlanSchema } from '../src/protocol/index.js';
import { createDb, migrateDb } from '../src/store/index.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    regressions: { type: 'string', default: '10000' },
    workloads: { type: 'string', default: '2000' },
    days: { type: 'string', default: '7' },
    tenant: { type: 'string', default: 'default' },
    serve: { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const regressions = Number(args.regressions);
const workloads = Number(args.workloads);
const days = Number(args.days);
const tenant = args.tenant as string;

let databaseUrl = process.env.DATABASE_URL ?? '';
let stopPg: (() => Promise<void>) | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'perennial-seed-'));
// Postgres runs as the 'postgres' user when we are root: it must be able to enter the folder.
chmodSync(dataDir, 0o755);
if (!databaseUrl) {
  const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres') });
  databaseUrl = pg.url;
  stopPg = () => pg.stop();
  console.log(`embedded postgres: ${databaseUrl}`);
}
await migrateDb(databaseUrl);
const { db, close } = createDb(databaseUrl);
const t0 = Date.now();
const versions = ['1.0', '2.0', '2.1'];
const classes = ['CAST_INVALID_INPUT', 'ARITHMETIC_OVERFLOW', 'DIVIDE_BY_ZERO', 'DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES', 'UNRESOLVED_COLUMN.WITH_SUGGESTION'];
const plan = (i: number) =>
  Buffer.from(
    toBinary(
      PlanSchema,
      create(PlanSchema, { opType: { case: 'root', value: { relType: { case: 'sql', value: { query: `SELECT CAST(v AS INT) + ${i} AS x FROM t${i % 97}` } } } } }),
    ),
  );

// Workloads and runs, generated server-side: one statement each, every value a parameter.
await db.execute(sql`
  insert into workloads (tenant, id, last_good_version, last_good_at, first_seen, last_seen, run_count)
  select ${tenant}, 'job-' || lpad(g::text, 5, '0'), (${sql.param(versions)}::text[])[1 + g % 2], now(), now() - make_interval(days => ${days}::int), now(), 0
  from generate_series(1, ${workloads}::int) g
  on conflict do nothing`);
const batch = 200_000;
for (let done = 0; done < runs; done += batch) {
  const n = Math.min(batch, runs - done);
  await db.execute(sql`
    insert into runs (run_id, operation_id, tenant, workload, session_id, fingerprint, runtime_version, attempt, outcome,
      error_class, duration_ms, rows, bytes, retried_from_run_id, started_at)
    select gen_random_uuid(), 'op-' || g, ${tenant}, 'job-' || lpad((1 + g % ${workloads}::int)::text, 5, '0'), 's-' || (g % 5000),
      'fp-' || (g % 20000), (${sql.param(versions)}::text[])[1 + (g % 10 > 5)::int + (g % 10 > 8)::int],
      case when g % 97 = 0 then 2 else 1 end,
      case when g % 53 = 0 then 'error' else 'success' end,
      case when g % 53 = 0 then (${sql.param(classes)}::text[])[1 + g % 5] end,
      (20 + (g::bigint * 7919) % 900)::int, g % 1000, (g % 1000) * 64, null,
      now() - make_interval(secs => ((g::bigint * 104729) % (${days}::int * 86400))::double precision)
    from generate_series(${done + 1}::int, ${done + n}::int) g`);
  console.log(`runs: ${done + n}/${runs}`);
}
await db.execute(sql`
  update workloads w set run_count = c.n from (select workload, count(*) n from runs where tenant = ${tenant} group by 1) c
  where w.tenant = ${tenant} and w.id = c.workload`);

for (let done = 0; done < regressions; done += 2000) {
  const n = Math.min(2000, regressions - done);
  const ids = Array.from({ length: n }, (_, i) => done + i + 1);
  await db.execute(sql`
    insert into regressions (kind, fingerprint, failed_version, good_version, error_class, error_message, plan, sql_text,
      workloads, tenants, occurrences, first_seen, last_seen, status)
    select (array['error','error','error','performance','wrong-result'])[1 + g % 5], 'seed-fp-' || g,
      (array['2.0','2.1','2.1'])[1 + g % 3], case when g % 3 = 0 then '1.0' else (array['1.0','2.0'])[1 + g % 2] end,
      case when g % 5 < 3 then (${sql.param(classes)}::text[])[1 + g % 5] else '' end,
      'Seeded failure ' || g || ': [CAST_INVALID_INPUT] The value ''n/a'' of the type "STRING" cannot be cast to "INT".',
      p, 'SELECT CAST(v AS INT) + ' || g || ' AS x FROM t' || (g % 97),
      array['job-' || lpad((1 + g % ${workloads}::int)::text, 5, '0'), 'job-' || lpad((1 + (g * 7) % ${workloads}::int)::text, 5, '0')],
      array[${tenant}]::text[], 1 + (g * 31) % 500,
      now() - make_interval(secs => ((g * 7919) % (${days}::int * 86400))::double precision),
      now() - make_interval(secs => ((g * 7919) % (${days}::int * 86400))::double precision / 2),
      (array['open','open','acknowledged','fixed','verified'])[1 + g % 5]
    from unnest(${sql.param(ids)}::int[], ${sql.param(ids.map(plan))}::bytea[]) as x(g, p)
    on conflict do nothing`);
}
await db.execute(sql`
  insert into pins (tenant, workload, version, reason, created_by, created_at, note)
  select ${tenant}, 'job-' || lpad(g::text, 5, '0'), '1.0', 'regression', 'seed', now() - make_interval(hours => g % 200), 'seeded pin'
  from generate_series(1, least(${workloads}::int, 300)) g
  on conflict do nothing`);
await db.execute(sql`analyze`);
console.log(`seeded ${runs} runs, ${regressions} regressions, ${workloads} workloads in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
await close();

if (args.serve) {
  const p = await startPlatform(
    loadConfig({ ...process.env, DATABASE_URL: databaseUrl }, { dataDir: join(dataDir, 'platform'), port: 0 }),
  );
  console.log(`dashboard: http://127.0.0.1:${p.httpPort}/  (Ctrl-C to stop)`);
  process.on('SIGINT', () => void p.stop().then(() => stopPg?.()).then(() => process.exit(0)));
} else {
  await stopPg?.();
}
