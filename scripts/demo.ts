/**
 * `npm run demo`: the rolling-upgrade story on an embedded platform, with live progress.
 *
 *   1. A catalogue of workloads (TPC-H-like queries over generated data, and two legacy jobs that rely
 *      on 1.0's non-ANSI behaviour: CAST('n/a' AS INT) and x / 0) runs continuously through the
 *      TypeScript Spark Connect client, on the default runtime 1.0.
 *   2. An operator rolls 2.0 out in stages. The first stage passes and the rollout advances; when the
 *      legacy jobs enter the cohort their queries fail on 2.0, are re-run on 1.0 (blink twice: the
 *      client still gets its answer), the regressions are recorded and the jobs pinned — and the
 *      regression-rate gate halts the rollout.
 *   3. A patch release 2.0.1 that restores the legacy behaviour is registered from a temp folder
 *      (no restart). The unpin verifier replays the failing plans on it, marks the regressions fixed
 *      and lifts the pins.
 *   4. The operator aborts the 2.0 rollout and rolls 2.0.1 out; it passes every gate and becomes the default.
 *   5. A summary, and the dashboard URL.
 *
 * Options: `--exit` stops at the end (the default when stdout is not a terminal); otherwise the
 * platform stays up for the dashboard until Ctrl-C. Platform logs go to `<data dir>/platform.log`.
 * DATABASE_URL / REDIS_URL are used when set; PERENNIAL_PORT / PERENNIAL_HTTP_PORT pick ports (default: free ones).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { ApiClient } from '../src/cli/api-client.js';
import { SparkConnectClient } from '../src/client/index.js';
import { loadConfig } from '../src/core/config.js';
import { type Platform, startPlatform } from '../src/main/start-platform.js';
import { fromGrpcError } from '../src/protocol/index.js';
import { bucketOf } from '../src/router/index.js';

const tty = process.stdout.isTTY === true;
const c = (code: number, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = (s: string) => c(1, s);
const dim = (s: string) => c(2, s);
const red = (s: string) => c(31, s);
const green = (s: string) => c(32, s);
const yellow = (s: string) => c(33, s);
const cyan = (s: string) => c(36, s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the parent: logs to a file

if (!process.env.PERENNIAL_DEMO_CHILD) {
  const dataDir = mkdtempSync(join(tmpdir(), 'perennial-demo-'));
  chmodSync(dataDir, 0o755); // embedded Postgres runs as 'postgres' when we are root
  const logFile = join(dataDir, 'platform.log');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', openSync(logFile, 'a')],
    env: { ...process.env, PERENNIAL_DEMO_CHILD: '1', PERENNIAL_DEMO_DIR: dataDir, PERENNIAL_DEMO_TTY: tty ? '1' : '' },
  });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => {
    if (code === 0) rmSync(dataDir, { recursive: true, force: true });
    else process.stderr.write(`demo failed; platform log: ${logFile}\n`);
    process.exit(code ?? 1);
  });
} else {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stdout.write(`\n${red('demo failed:')} ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

// ---------------------------------------------------------------- the catalogue

interface Job {
  workload: string;
  kind: 'tpch' | 'legacy';
  setup: string[];
  query: string;
  ok: number;
  failed: number;
  lastError?: string;
}

const LINEITEM = `CREATE OR REPLACE TEMP VIEW lineitem AS SELECT id AS l_orderkey, CAST(1 + id % 50 AS DOUBLE) AS l_quantity,
  CAST(900 + (id * 37) % 100000 / 100.0 AS DOUBLE) AS l_extendedprice, (id % 11) / 100.0 AS l_discount, (id % 9) / 100.0 AS l_tax,
  CASE id % 3 WHEN 0 THEN 'A' WHEN 1 THEN 'N' ELSE 'R' END AS l_returnflag, CASE id % 2 WHEN 0 THEN 'F' ELSE 'O' END AS l_linestatus,
  date_add(DATE'1992-01-01', CAST(id % 2500 AS INT)) AS l_shipdate FROM range(12000)`;
const ORDERS = `CREATE OR REPLACE TEMP VIEW orders AS SELECT id AS o_orderkey, id % 600 AS o_custkey,
  date_add(DATE'1992-01-01', CAST(id % 2400 AS INT)) AS o_orderdate FROM range(12000)`;
const CUSTOMER = `CREATE OR REPLACE TEMP VIEW customer AS SELECT id AS c_custkey, CASE id % 5 WHEN 0 THEN 'BUILDING'
  WHEN 1 THEN 'AUTOMOBILE' WHEN 2 THEN 'MACHINERY' WHEN 3 THEN 'HOUSEHOLD' ELSE 'FURNITURE' END AS c_mktsegment FROM range(600)`;

const TPCH: Record<string, { setup: string[]; query: string }> = {
  'tpch-q1': {
    setup: [LINEITEM],
    query: `SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
      avg(l_quantity) AS avg_qty, count(*) AS count_order FROM lineitem WHERE l_shipdate <= date_sub(DATE'1998-12-01', 90)
      GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus`,
  },
  'tpch-q3': {
    setup: [LINEITEM, ORDERS, CUSTOMER],
    query: `SELECT l_orderkey, sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate FROM customer
      JOIN orders ON c_custkey = o_custkey JOIN lineitem ON l_orderkey = o_orderkey
      WHERE c_mktsegment = 'BUILDING' AND o_orderdate < DATE'1995-03-15' AND l_shipdate > DATE'1995-03-15'
      GROUP BY l_orderkey, o_orderdate ORDER BY revenue DESC, o_orderdate LIMIT 10`,
  },
  'tpch-q6': {
    setup: [LINEITEM],
    query: `SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem WHERE l_shipdate >= DATE'1994-01-01'
      AND l_shipdate < DATE'1995-01-01' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24`,
  },
  'segments': {
    setup: [ORDERS, CUSTOMER],
    query: `SELECT c_mktsegment, count(DISTINCT o_custkey) AS customers, count(*) AS orders FROM orders
      JOIN customer ON c_custkey = o_custkey GROUP BY c_mktsegment ORDER BY orders DESC`,
  },
};
const LEGACY: Record<string, string> = {
  // 2.0 turns ANSI mode on: an invalid cast raises CAST_INVALID_INPUT instead of returning NULL.
  'legacy-cast': "SELECT code, CAST(code AS INT) AS n FROM VALUES ('12'), ('n/a'), ('7') AS t(code)",
  // ... and division by zero raises DIVIDE_BY_ZERO instead of returning NULL.
  'ratio-report': 'SELECT region, sum(a) / sum(b) AS ratio FROM VALUES (1, 3, 0), (1, 4, 0), (2, 5, 2) AS t(region, a, b) GROUP BY region ORDER BY region',
};
const TEAMS = [
  'finance', 'ops', 'risk', 'growth', 'sales', 'supply', 'audit', 'bi', 'ml', 'search', 'web', 'billing', 'fraud', 'crm', 'hr',
  'legal', 'pricing', 'payments', 'ads', 'catalog', 'inventory', 'logistics', 'retention', 'support', 'forecast', 'treasury',
  'tax', 'compliance', 'security', 'platform', 'mobile', 'partners', 'marketing', 'research', 'quality', 'procurement',
];

const STAGES_1 = [10, 25, 50, 100];

/**
 * Workload names chosen by their cohort bucket so the story is the same on every run: two TPC-H
 * workloads in the first 10% stage, the two legacy jobs between 10% and 25% (they enter at stage 2).
 */
function catalogue(): Job[] {
  const b = (w: string) => bucketOf('default', w);
  const jobs: Job[] = [];
  const used = new Set<string>();
  const pick = (prefix: string, lo: number, hi: number) => {
    for (const t of TEAMS) {
      const w = `${prefix}-${t}`;
      if (!used.has(w) && b(w) >= lo && b(w) < hi) {
        used.add(w);
        return w;
      }
    }
    for (let i = 2; ; i++) {
      const w = `${prefix}-${i}`;
      if (!used.has(w) && b(w) >= lo && b(w) < hi) {
        used.add(w);
        return w;
      }
    }
  };
  const early = ['tpch-q1', 'tpch-q6'];
  for (const q of early) jobs.push({ workload: pick(q, 0, 0.1), kind: 'tpch', ...(TPCH[q] as { setup: string[]; query: string }), ok: 0, failed: 0 });
  for (const [q, def] of Object.entries(TPCH)) {
    for (let n = 0; n < 2; n++) jobs.push({ workload: pick(q, 0.25, 1), kind: 'tpch', ...def, ok: 0, failed: 0 });
  }
  for (const [name, query] of Object.entries(LEGACY)) {
    jobs.push({ workload: pick(name, 0.1, 0.25), kind: 'legacy', setup: [], query, ok: 0, failed: 0 });
  }
  return jobs;
}

// ---------------------------------------------------------------- the story

async function main(): Promise<number> {
  const dataDir = process.env.PERENNIAL_DEMO_DIR as string;
  const interactive = process.env.PERENNIAL_DEMO_TTY === '1';
  const exitAtEnd = process.argv.includes('--exit') || !interactive;
  const config = loadConfig(
    { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, PERENNIAL_LOG_LEVEL: 'warn' },
    {
      host: 'localhost',
      port: Number(process.env.PERENNIAL_PORT ?? 0),
      httpPort: Number(process.env.PERENNIAL_HTTP_PORT ?? 0),
      dataDir,
      defaultRuntime: '1.0',
    },
  );
  const say = (s = '') => process.stdout.write(`${s}\n`);
  say(bold('Perennial — rolling upgrades demo'));
  say(dim(`starting an embedded platform (Postgres, Redis, one driver per runtime) in ${dataDir} …`));
  const p = await startPlatform(config);
  const api = new ApiClient(`http://127.0.0.1:${p.httpPort}`);
  const t0 = Date.now();
  const since = new Date(t0);
  say(`gateway ${cyan(`sc://localhost:${p.gatewayPort}`)}   API ${cyan(`http://127.0.0.1:${p.httpPort}/api`)}\n`);

  // Workloads, each its own Spark Connect session through the gateway.
  const jobs = catalogue();
  let stop = false;
  const loops = jobs.map(async (job, i) => {
    const client = new SparkConnectClient(`sc://localhost:${p.gatewayPort}/;workload=${job.workload}`);
    try {
      for (const s of job.setup) await client.sql(s);
      await sleep(i * 60);
      while (!stop) {
        try {
          await client.sql(job.query);
          job.ok++;
        } catch (err) {
          job.failed++;
          job.lastError = fromGrpcError(err).message.slice(0, 120);
        }
        await sleep(250 + Math.random() * 350);
      }
    } finally {
      await client.close().catch(() => undefined);
    }
  });
  say(`${bold('catalogue')}: ${jobs.map((j) => (j.kind === 'legacy' ? yellow(j.workload) : j.workload)).join(', ')}`);
  say(dim('(yellow: legacy jobs that rely on 1.0 returning NULL for invalid casts and division by zero)\n'));

  // Live progress: events as they happen, plus a status line.
  const seen = { decisions: new Set<number>(), regressions: new Set<number>(), fixed: new Set<number>(), pins: new Map<string, string>() };
  let statusShown = false;
  const event = (s: string) => {
    if (statusShown && tty) process.stdout.write('\r\x1b[K');
    statusShown = false;
    say(`${dim(`${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s`)}  ${s}`);
  };
  let lastPlain = 0;
  const progress = async () => {
    await p.controller.tick();
    const r = await p.repos.rollouts.latest();
    if (r) {
      for (const d of [...(await p.repos.rollouts.decisions(r.id, 20))].reverse()) {
        if (seen.decisions.has(d.id) || d.action === 'hold') continue;
        seen.decisions.add(d.id);
        const color = d.action === 'halt' || d.action === 'rollback' ? red : d.action === 'complete' || d.action === 'advance' ? green : cyan;
        event(`${color(`rollout ${r.candidate} ▸ ${d.action}`)}${d.fraction !== null ? ` (${Math.round(d.fraction * 100)}%)` : ''}: ${d.reason}`);
      }
    }
    for (const g of (await p.repos.regressions.list({ limit: 50 })).items) {
      if (!seen.regressions.has(g.id)) {
        seen.regressions.add(g.id);
        event(`${red('regression')} #${g.id} ${g.kind} ${g.errorClass} on ${g.failedVersion} (good: ${g.goodVersion}) in ${g.workloads.join(', ')} — answered from ${g.goodVersion}, workload pinned`);
      }
      if (g.status === 'fixed' && !seen.fixed.has(g.id)) {
        seen.fixed.add(g.id);
        event(`${green('fixed')} regression #${g.id}: its plan now succeeds on ${g.fixedInVersion} with the same rows as on ${g.goodVersion}`);
      }
    }
    const pins = await p.repos.pins.list();
    const now = new Map(pins.map((x) => [x.workload, x.version]));
    for (const [w, v] of now) if (seen.pins.get(w) !== v) event(`${yellow('pin')} ${w} → ${v}`);
    for (const [w, v] of seen.pins) if (!now.has(w)) event(`${green('unpinned')} ${w} (was ${v}): routed by default/rollout again`);
    seen.pins = now;
    // Status line.
    const counts = await p.db.db.execute<{ v: string; n: string; blinks: string }>(sql`
      select runtime_version as v, count(*) as n, count(*) filter (where retried_from_run_id is not null) as blinks
      from runs where started_at >= ${since.toISOString()}::timestamptz group by 1 order by 1`);
    const ok = jobs.reduce((a, j) => a + j.ok, 0);
    const failed = jobs.reduce((a, j) => a + j.failed, 0);
    const blinks = counts.rows.reduce((a, x) => a + Number(x.blinks), 0);
    const rs = r ? `${r.candidate} ${Math.round((r.stages[r.stageIndex] ?? 0) * 100)}% ${r.status}` : '—';
    const line = `queries ${green(String(ok))} ok · ${failed ? red(String(failed)) : '0'} failed │ runs ${counts.rows.map((x) => `${x.v}:${x.n}`).join(' ')} │ retried ${blinks} │ rollout ${rs} │ pins ${pins.length}`;
    if (tty) {
      process.stdout.write(`\r\x1b[K${dim(`${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s`)}  ${line}`);
      statusShown = true;
    } else if (Date.now() - lastPlain > 5_000) {
      lastPlain = Date.now();
      say(`${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s  ${line}`);
    }
  };
  const until = async (what: string, cond: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await progress();
      if (await cond()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
      await sleep(700);
    }
  };
  const narrate = (s: string) => event(bold(`▶ ${s}`));
  const wait = (ms: number) => until('time', async () => false, ms).catch(() => undefined);

  narrate('workloads warm up on the default runtime 1.0');
  await wait(5_000);

  narrate(`operator: perennial rollout start 2.0 --stages ${STAGES_1.join(',')} --min-interval 5s --min-runs 8`);
  await api.call('POST', '/api/rollouts', { version: '2.0', stages: STAGES_1, minInterval: '5s', minRuns: 8, actor: 'operator' });
  await until('the 2.0 rollout to halt or finish', async () => ['halted', 'completed', 'rolled_back'].includes((await p.repos.rollouts.latest())?.status ?? ''), 120_000);
  await wait(2_000);

  narrate('a patch release arrives: 2.0.1 restores the legacy cast and division semantics (registered from a temp folder, no restart)');
  const manifestDir = mkdtempSync(join(tmpdir(), 'perennial-2.0.1-'));
  const manifestFile = join(manifestDir, 'runtime.json');
  writeFileSync(
    manifestFile,
    JSON.stringify(
      {
        version: '2.0.1',
        kind: 'builtin',
        sparkVersion: '4.0.1',
        processes: 1,
        profile: { ansiEnabled: false, stringNumberCoercion: 'lenient', legacySizeOfNull: false, legacyStatisticalAggregate: false },
        defaultConf: {},
        releaseNotes: ['ANSI mode is off by default again (spark.sql.ansi.enabled=false): legacy jobs keep their NULL results.'],
      },
      null,
      2,
    ),
  );
  narrate(`operator: perennial runtimes add ${manifestFile}`);
  const { readFileSync } = await import('node:fs');
  await api.call('POST', '/api/runtimes', JSON.parse(readFileSync(manifestFile, 'utf8')));
  rmSync(manifestDir, { recursive: true, force: true });
  await until('the pins to lift', async () => (await p.repos.pins.list()).length === 0 && seen.fixed.size > 0, 90_000);
  await wait(2_000);

  narrate('operator: perennial rollout abort   (2.0 stays off; its fix ships as 2.0.1)');
  await api.call('POST', '/api/rollouts/current/abort', { actor: 'operator', reason: 'superseded by 2.0.1' }).catch(() => undefined);
  narrate('operator: perennial rollout start 2.0.1 --stages 25,100 --min-interval 5s --min-runs 8');
  await api.call('POST', '/api/rollouts', { version: '2.0.1', stages: [25, 100], minInterval: '5s', minRuns: 8, actor: 'operator' });
  await until('the 2.0.1 rollout to finish', async () => ['completed', 'halted', 'rolled_back'].includes((await p.repos.rollouts.latest())?.status ?? ''), 120_000);
  await wait(3_000);

  stop = true;
  await Promise.all(loops);
  await progress();
  if (tty) process.stdout.write('\n');

  // ---------------------------------------------------------------- summary
  const byWorkload = await p.db.db.execute<{ workload: string; v: string; n: string }>(sql`
    select workload, runtime_version as v, count(*) as n from runs where started_at >= ${since.toISOString()}::timestamptz
    group by 1, 2 order by 1, 2`);
  const versions = new Map<string, string[]>();
  for (const r of byWorkload.rows) versions.set(r.workload, [...(versions.get(r.workload) ?? []), `${r.v}:${r.n}`]);
  say(`\n${bold('summary')}`);
  const rows = jobs.map((j) => [j.workload, String(j.ok), String(j.failed), (versions.get(j.workload) ?? []).join(' '), p.router.route('default', j.workload).version]);
  table(['workload', 'ok', 'failed', 'attempts by version', 'routes to'], rows, say);
  say('');
  const regs = (await p.repos.regressions.list({ limit: 50 })).items;
  table(
    ['regression', 'kind', 'error', 'failed', 'good', 'status', 'fixed in', 'workloads'],
    regs.map((g) => [`#${g.id}`, g.kind, g.errorClass, g.failedVersion, g.goodVersion, g.status, g.fixedInVersion ?? '', g.workloads.join(', ')]),
    say,
  );
  say('');
  const rollouts = await p.repos.rollouts.list(10);
  table(
    ['rollout', 'candidate', 'baseline', 'status', 'stage', 'reason'],
    rollouts.map((r) => [`#${r.id}`, r.candidate, r.baseline, r.status, `${Math.round((r.stages[r.stageIndex] ?? 0) * 100)}%`, (r.reason ?? '').slice(0, 90)]),
    say,
  );
  const failed = jobs.reduce((a, j) => a + j.failed, 0);
  const ok = jobs.reduce((a, j) => a + j.ok, 0);
  say(`\n${ok} client queries answered, ${failed === 0 ? green('0 failed') : red(`${failed} failed`)}; default runtime now ${bold((await p.repos.runtimes.getDefault())?.version ?? '?')}.`);
  say(`dashboard: ${cyan(`http://127.0.0.1:${p.httpPort}/`)}`);
  if (!exitAtEnd) {
    say(dim('the platform keeps running for the dashboard; Ctrl-C to stop.'));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  }
  await stopPlatform(p);
  return failed === 0 ? 0 : 1;
}

async function stopPlatform(p: Platform): Promise<void> {
  await p.stop();
}

function table(head: string[], rows: string[][], say: (s: string) => void): void {
  if (rows.length === 0) {
    say(`${head[0]}: (none)`);
    return;
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((x, i) => x.padEnd(w[i] as number)).join('  ');
  say(bold(line(head)));
  say(dim(w.map((n) => '─'.repeat(n)).join('  ')));
  for (const r of rows) say(line(r));
}
