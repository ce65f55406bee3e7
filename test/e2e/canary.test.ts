/**
 * Runtime canaries end to end, on real Postgres, Redis, driver processes and gRPC.
 *
 * Two workloads run through the gateway on 1.0 (temp views from local data, SQL and DataFrame plans, a
 * write); the gateway captures their distinct plans. Then `perennial canary` (in-process):
 * - an identical candidate (a copy of 1.0's manifest, not registered) passes the TPC-H catalogue and
 *   the captured workloads three times in a row with zero regressions, and touches no real table;
 * - a changed candidate (ANSI on, size(NULL) → NULL) is caught as an error regression and as a
 *   wrong-result regression, each minimized, with a valid JUnit file listing one test per plan;
 * - shadow mode runs live queries on a registered candidate and records a wrong-result regression.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { Field, Float64, Int64, List, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCanaryCommand } from '../../src/canary/index.js';
import { SparkConnectClient } from '../../src/client/index.js';
import { loadConfig } from '../../src/core/config.js';
import { type Platform, startPlatform } from '../../src/main/start-platform.js';
import { type Expression, ExpressionSchema, type RelationSchema } from '../../src/protocol/index.js';

type Rel = MessageInitShape<typeof RelationSchema>;

const ROOT = process.cwd();
const tmp = mkdtempSync(join(tmpdir(), 'perennial-canary-test-'));
chmodSync(tmp, 0o755);

/** A manifest like 1.0's, with another version and profile changes, in its own folder. */
function manifestLike(base: string, version: string, profile: Record<string, unknown>, dir: string): string {
  const m = JSON.parse(readFileSync(join(ROOT, 'runtimes', base, 'runtime.json'), 'utf8'));
  const folder = join(dir, version);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'runtime.json');
  writeFileSync(file, JSON.stringify({ ...m, version, profile: { ...m.profile, ...profile } }, null, 2));
  return file;
}

// Platform runtimes: 1.0 and a shadow candidate whose only change is size(NULL) → NULL.
const platformRuntimes = join(tmp, 'platform-runtimes');
cpSync(join(ROOT, 'runtimes', '1.0'), join(platformRuntimes, '1.0'), { recursive: true });
manifestLike('1.0', '1.1-shadow', { legacySizeOfNull: false }, platformRuntimes);
// Canary candidates: not registered anywhere, given as manifest paths.
const identical = manifestLike('1.0', '1.0', {}, join(tmp, 'identical'));
const changed = manifestLike('1.0', '1.1-rc', { ansiEnabled: true, legacySizeOfNull: false }, join(tmp, 'changed'));

const col = (n: string): Expression => create(ExpressionSchema, { exprType: { case: 'unresolvedAttribute', value: { unparsedIdentifier: n } } });
const int = (v: number): Expression => create(ExpressionSchema, { exprType: { case: 'literal', value: { literalType: { case: 'integer', value: v } } } });
const fn = (name: string, ...args: Expression[]): Expression =>
  create(ExpressionSchema, { exprType: { case: 'unresolvedFunction', value: { functionName: name, arguments: args } } });
const as = (e: Expression, n: string): Expression => create(ExpressionSchema, { exprType: { case: 'alias', value: { expr: e, name: [n] } } });

function people(): Uint8Array {
  return tableToIPC(
    new Table({
      id: vectorFromArray([1n, 2n, 3n, 4n, 5n, 6n], new Int64()),
      name: vectorFromArray(['ann', 'bob', 'cy', 'dee', 'ed', 'flo'], new Utf8()),
      s: vectorFromArray(['10', 'n/a', '7', '12', '', '3'], new Utf8()),
      tags: vectorFromArray([['a'], null, ['b', 'c'], [], null, ['d']], new List(new Field('element', new Utf8(), true))),
      score: vectorFromArray([1.5, 2.25, 3.125, 4.0, 0.1, 0.2], new Float64()),
    }),
    'stream',
  );
}

const local = (): Rel => ({ relType: { case: 'localRelation', value: { data: people() } } });

/** A 12-operator DataFrame plan whose answer depends on size(NULL). */
function sizePlan(): Rel {
  let r: Rel = local();
  r = { relType: { case: 'subqueryAlias', value: { input: r, alias: 'p' } } };
  r = { relType: { case: 'withColumns', value: { input: r, aliases: [{ expr: fn('*', col('id'), int(10)), name: ['id10'] }] } } };
  r = { relType: { case: 'filter', value: { input: r, condition: fn('and', fn('>', col('id'), int(0)), fn('<', col('id'), int(100))) } } };
  r = { relType: { case: 'project', value: { input: r, expressions: [col('id'), col('name'), as(fn('size', col('tags')), 'n_tags'), col('id10')] } } };
  const other: Rel = { relType: { case: 'project', value: { input: { relType: { case: 'range', value: { start: 0n, end: 10n, step: 1n } } }, expressions: [as(col('id'), 'rid')] } } };
  r = { relType: { case: 'join', value: { left: r, right: other, joinType: 1, joinCondition: fn('==', col('id'), col('rid')) } } };
  r = { relType: { case: 'filter', value: { input: r, condition: fn('>=', col('rid'), int(0)) } } };
  r = { relType: { case: 'project', value: { input: r, expressions: [col('id'), col('name'), col('n_tags')] } } };
  r = { relType: { case: 'sort', value: { input: r, order: [{ child: col('id'), direction: 1, nullOrdering: 1 }], isGlobal: true } } };
  r = { relType: { case: 'limit', value: { input: r, limit: 100 } } };
  return r;
}

let p: Platform;
let dataDir: string;
const url = (workload: string) => `sc://localhost:${p.gatewayPort}/;workload=${workload}`;

async function runWorkloads(): Promise<void> {
  const etl = new SparkConnectClient(url('etl'));
  await etl.executePlan({
    opType: { case: 'command', value: { commandType: { case: 'createDataframeView', value: { input: local(), name: 'people', replace: true } } } },
  } as never);
  await etl.config({ opType: { case: 'set', value: { pairs: [{ key: 'spark.sql.session.timeZone', value: 'UTC' }] } } } as never);
  expect((await etl.sql("SELECT id, CAST(s AS INT) AS n FROM people WHERE name <> 'zed'")).table.numRows).toBe(6);
  expect((await etl.sql('SELECT name, count(*) AS c, sum(score) AS total FROM people GROUP BY name ORDER BY name')).table.numRows).toBe(6);
  expect((await etl.collect(sizePlan() as never)).table.numRows).toBe(6);
  expect((await etl.collect({ relType: { case: 'read', value: { readType: { case: 'namedTable', value: { unparsedIdentifier: 'people' } } } } } as never)).table.numRows).toBe(6);
  await etl.executePlan({
    opType: {
      case: 'command',
      value: {
        commandType: {
          case: 'writeOperation',
          value: {
            input: { relType: { case: 'read', value: { readType: { case: 'namedTable', value: { unparsedIdentifier: 'people' } } } } },
            source: 'parquet',
            saveType: { case: 'table', value: { tableName: 'etl_out', saveMethod: 1 } },
            mode: 2,
          },
        },
      },
    },
  } as never);
  await etl.close();

  const bi = new SparkConnectClient(url('bi'));
  expect((await bi.sql('SELECT id % 10 AS k, count(*) AS c FROM range(1000) GROUP BY id % 10 ORDER BY k')).table.numRows).toBe(10);
  expect((await bi.sql('SELECT avg(id * 1.5) AS a, stddev(id) AS sd FROM range(100)')).table.numRows).toBe(1);
  expect((await bi.sql("SELECT concat('x', CAST(id AS STRING)) AS s FROM range(5)")).table.numRows).toBe(5);
  await bi.close();
}

/** Files of the platform's real warehouse with their modification times. */
function warehouseState(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = join(d, e.name);
      if (e.isDirectory()) walk(f);
      else out.push(`${f}@${statSync(f).mtimeMs}`);
    }
  };
  walk(join(dataDir, 'warehouse'));
  return out.sort();
}

beforeAll(async () => {
  dataDir = join(tmp, 'data');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  const config = loadConfig(
    { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, PERENNIAL_LOG_LEVEL: process.env.PERENNIAL_TEST_LOG_LEVEL ?? 'warn' },
    { host: 'localhost', port: 0, httpPort: 0, dataDir, runtimesDir: platformRuntimes, defaultRuntime: '1.0' },
  );
  p = await startPlatform(config, {
    canary: {
      capture: { enabled: true, maxPlansPerWorkload: 50, redactWorkloads: new Set(), maxSetupBytes: 16 << 20 },
      shadow: { version: '1.1-shadow', fraction: 1, concurrency: 2 },
    },
  });
  await runWorkloads();
  // Capture is asynchronous: wait for every distinct plan to land.
  await vi.waitFor(
    async () => {
      const rows = await p.repos.canary.listCaptured({ workloads: ['etl', 'bi'] });
      expect(rows.filter((r) => r.workload === 'etl').length).toBeGreaterThanOrEqual(7);
      expect(rows.filter((r) => r.workload === 'bi').length).toBeGreaterThanOrEqual(6);
    },
    { timeout: 20_000, interval: 200 },
  );
}, 240_000);

afterAll(async () => {
  await p?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('plan capture', () => {
  it('stores each distinct plan once per workload, with its session setup, writes flagged', async () => {
    const rows = await p.repos.canary.listCaptured({ workloads: ['etl'] });
    const fps = rows.map((r) => r.fingerprint);
    expect(new Set(fps).size).toBe(fps.length);
    const write = rows.filter((r) => r.hasWrite);
    expect(write).toHaveLength(1);
    // The setup log carries the temp view (ExecutePlan with local data) and the conf.
    expect(rows.every((r) => r.setupSteps >= 2)).toBe(true);
    // Running the same queries again adds no plan.
    const before = rows.length;
    const again = new SparkConnectClient(url('etl'));
    await again.executePlan({
      opType: { case: 'command', value: { commandType: { case: 'createDataframeView', value: { input: local(), name: 'people', replace: true } } } },
    } as never);
    await again.sql("SELECT id, CAST(s AS INT) AS n FROM people WHERE name <> 'someone'");
    await again.close();
    await new Promise((r) => setTimeout(r, 500));
    expect((await p.repos.canary.listCaptured({ workloads: ['etl'] })).length).toBe(before);
  });
});

describe('perennial canary', () => {
  it('passes an identical candidate on TPC-H and the captured workloads three times in a row, touching no real table', async () => {
    const warehouseBefore = warehouseState();
    expect(warehouseBefore.some((f) => f.includes('etl_out'))).toBe(true);
    for (let i = 0; i < 3; i++) {
      const r = await runCanaryCommand({
        candidate: identical,
        baseline: '1.0',
        catalogue: ['tpch'],
        workloads: ['etl', 'bi'],
        databaseUrl: p.databaseUrl,
        quiet: true,
      });
      const bad = r.report.outcomes.filter((x) => x.verdict !== 'pass').map((x) => `${x.plan.name}: ${x.verdict} ${x.detail}`);
      expect(bad).toEqual([]);
      expect(r.report.regressions).toBe(0);
      expect(r.exitCode).toBe(0);
      expect(r.report.outcomes.filter((x) => x.plan.source === 'tpch')).toHaveLength(22);
      expect(r.report.outcomes.some((x) => x.plan.hasWrite && x.verdict === 'pass')).toBe(true);
    }
    expect(warehouseState()).toEqual(warehouseBefore);
    const runs = await p.repos.canary.listRuns(3);
    expect(runs.map((x) => x.status)).toEqual(['passed', 'passed', 'passed']);
  }, 900_000);

  it('catches a changed candidate as an error regression and a wrong-result regression, minimized, with JUnit and Markdown', async () => {
    const junit = join(tmp, 'out', 'canary.xml');
    const markdown = join(tmp, 'out', 'canary.md');
    const r = await runCanaryCommand({
      candidate: changed,
      baseline: '1.0',
      catalogue: ['tpch'],
      workloads: ['etl', 'bi'],
      databaseUrl: p.databaseUrl,
      junit,
      markdown,
      quiet: true,
    });
    expect(r.exitCode).toBe(1);
    const regs = r.report.outcomes.filter((x) => x.verdict === 'regression');
    const err = regs.find((x) => x.kind === 'error' && x.candidate.error?.errorClass === 'CAST_INVALID_INPUT');
    const wrong = regs.find((x) => x.kind === 'wrong-result' && /n_tags/.test(x.detail));
    expect(err, JSON.stringify(regs.map((x) => x.detail))).toBeDefined();
    expect(wrong, JSON.stringify(regs.map((x) => x.detail))).toBeDefined();
    expect(regs.every((x) => x.plan.source === 'captured')).toBe(true);
    // Minimized reproductions: the 12-operator DataFrame plan shrinks to at most 3 operators.
    expect(wrong?.repro?.operatorsBefore).toBe(12);
    expect(wrong?.repro?.operatorsAfter).toBeLessThanOrEqual(3);
    expect(wrong?.repro?.text).toContain('size(tags)');
    expect(err?.repro?.text).toMatch(/CAST\(s AS INT\)/i);

    // JUnit: well-formed XML, one testcase per replayed plan, failures = regressions.
    const xml = readFileSync(junit, 'utf8');
    const parsed = execFileSync(
      'python3',
      ['-c', 'import sys,xml.dom.minidom as m; d=m.parse(sys.argv[1]); print(len(d.getElementsByTagName("testcase")), len(d.getElementsByTagName("failure")))', junit],
      { encoding: 'utf8' },
    ).trim();
    expect(parsed).toBe(`${r.report.outcomes.length} ${regs.length}`);
    const captured = await p.repos.canary.listCaptured({ workloads: ['etl', 'bi'] });
    expect(r.report.outcomes.length).toBe(22 + captured.length);
    expect(xml).toContain('CAST_INVALID_INPUT');
    expect(readFileSync(markdown, 'utf8')).toContain('minimized reproduction');

    // Stored for the dashboard: the run, its results, and regressions without pins.
    const run = await p.repos.canary.getRun(r.report.runId as number);
    expect(run?.run.status).toBe('failed');
    expect(run?.results).toHaveLength(r.report.outcomes.length);
    const stored = await p.repos.regressions.list({ failedVersion: '1.1-rc' });
    expect(stored.items.map((x) => x.kind).sort()).toEqual(expect.arrayContaining(['error', 'wrong-result']));
    expect(stored.items.find((x) => x.kind === 'wrong-result')?.planText).toContain('size(tags)');
    expect(await p.repos.pins.get('default', 'etl')).toBeNull();
    if (process.env.CANARY_SAMPLE_OUT) writeFileSync(process.env.CANARY_SAMPLE_OUT, readFileSync(markdown, 'utf8'));
  }, 900_000);
});

describe('the perennial canary command line', () => {
  it('exits 1 on a regression and 0 without, writing JUnit and Markdown', async () => {
    const cli = join(ROOT, 'dist', 'src', 'cli', 'index.js');
    const run = (candidate: string, junit: string) => {
      try {
        execFileSync(process.execPath, [cli, 'canary', '--candidate', candidate, '--baseline', '1.0', '--workloads', 'etl', '--repeat', '1', '--no-minimize', '--no-store', '--quiet', '--junit', junit], {
          env: { ...process.env, DATABASE_URL: p.databaseUrl },
          stdio: 'ignore',
        });
        return 0;
      } catch (e) {
        return (e as { status: number }).status;
      }
    };
    expect(run(changed, join(tmp, 'cli-changed.xml'))).toBe(1);
    expect(readFileSync(join(tmp, 'cli-changed.xml'), 'utf8')).toContain('<failure');
    expect(run(identical, join(tmp, 'cli-identical.xml'))).toBe(0);
    expect(readFileSync(join(tmp, 'cli-identical.xml'), 'utf8')).not.toContain('<failure');
  }, 180_000);
});

describe('shadow mode', () => {
  it('runs successful queries on the candidate in the background and records divergent results', async () => {
    const c = new SparkConnectClient(url('shadowed'));
    const res = await c.sql('SELECT size(cast(NULL AS array<int>)) AS s, 1 AS one');
    expect(res.table.get(0)?.toJSON()).toEqual({ s: -1, one: 1 }); // the client's answer comes from 1.0
    const ok = new SparkConnectClient(url('shadow-ok'));
    await ok.sql('SELECT 40 + 2 AS answer');
    await vi.waitFor(
      async () => {
        const page = await p.repos.regressions.list({ workload: 'shadowed', failedVersion: '1.1-shadow' });
        expect(page.items.map((x) => x.kind)).toEqual(['wrong-result']);
        expect(page.items[0]?.goodVersion).toBe('1.0');
      },
      { timeout: 30_000, interval: 250 },
    );
    expect((await p.repos.regressions.list({ workload: 'shadow-ok' })).items).toHaveLength(0);
    expect(await p.repos.pins.get('default', 'shadowed')).toBeNull();
    await Promise.all([c.close(), ok.close()]);
  }, 120_000);
});
