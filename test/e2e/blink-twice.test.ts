/**
 * The blink-twice story end to end, on real Postgres, Redis, driver processes and gRPC.
 *
 * Workload `etl` succeeds on 1.0; the default moves to 2.0 (ANSI); its query now fails there, is
 * re-run on 1.0, and the client gets 1.0's answer; the regression and pin are in Postgres; the next
 * run goes straight to 1.0; workload `bi`, fine on 2.0, stays there.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkConnectClient } from '../../src/client/index.js';
import { fromGrpcError, PlanSchema } from '../../src/protocol/index.js';
import { planFingerprint } from '../../src/results/index.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/** Runtimes as shipped, but 2.0 with two driver processes so a transient failure has somewhere to go. */
function runtimesWithTwoProcesses(): string {
  const dir = mkdtempSync(join(tmpdir(), 'perennial-runtimes-'));
  cpSync(join(process.cwd(), 'runtimes'), dir, { recursive: true });
  const f = join(dir, '2.0', 'runtime.json');
  writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), processes: 2 }));
  return dir;
}

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const BREAKS_ON_ANSI = "SELECT CAST('n/a' AS INT) AS v, 7 AS k";

describe('blink twice', () => {
  let p: TestPlatform;

  beforeAll(async () => {
    p = await startTestPlatform({ runtimesDir: runtimesWithTwoProcesses(), defaultRuntime: '1.0' });
  });
  afterAll(async () => {
    await p?.stop();
  });

  async function setDefault(version: string) {
    const res = await fetch(`http://127.0.0.1:${p.httpPort}/api/runtimes/default`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version }),
    });
    expect(res.status).toBe(200);
  }

  async function runsOf(workload: string) {
    return p.repos.runs.list({ workload, limit: 1000 });
  }

  it('answers from the last good version, records the regression and pins, then routes straight there', async () => {
    const etl = new SparkConnectClient(p.url({ workload: 'etl' }));
    const first = await etl.sql(BREAKS_ON_ANSI);
    expect(first.table.toArray().map((r) => r.toJSON())).toEqual([{ v: null, k: 7 }]);

    await setDefault('2.0');
    const bi = new SparkConnectClient(p.url({ workload: 'bi' }));
    const fine = await bi.sql('SELECT 1 + 1 AS two');
    expect(fine.table.get(0)?.toJSON()).toEqual({ two: 2 });

    // A new session of the same job: routed to 2.0, fails there, answered from 1.0.
    const etl2 = new SparkConnectClient(p.url({ workload: 'etl' }));
    const blinked = await etl2.sql(BREAKS_ON_ANSI);
    expect(blinked.table.toArray().map((r) => r.toJSON())).toEqual([{ v: null, k: 7 }]);

    const page = await p.repos.regressions.list({ workload: 'etl' });
    expect(page.items).toHaveLength(1);
    const reg = page.items[0]!;
    expect(reg).toMatchObject({ kind: 'error', failedVersion: '2.0', goodVersion: '1.0', errorClass: 'CAST_INVALID_INPUT', status: 'open' });
    expect(reg.workloads).toEqual(['etl']);
    expect(reg.sqlText).toBe(BREAKS_ON_ANSI);
    const root = create(PlanSchema, { opType: { case: 'root', value: { relType: { case: 'sql', value: { query: BREAKS_ON_ANSI } } } } });
    expect(reg.fingerprint).toBe(planFingerprint(root));
    const pin = await p.repos.pins.get('default', 'etl');
    expect(pin).toMatchObject({ version: '1.0', reason: 'regression' });

    // The failed attempt and the retry are both recorded, the retry naming the attempt it retried.
    const blinkRuns = await waitFor(async () => {
      const rs = (await runsOf('etl')).filter((r) => r.outcome === 'error');
      return rs.length === 1 ? rs : undefined;
    }, 'the failed attempt to be recorded');
    const failed = blinkRuns[0]!;
    expect(failed).toMatchObject({ runtimeVersion: '2.0', errorClass: 'CAST_INVALID_INPUT', attempt: 1 });
    const retry = await waitFor(async () => (await runsOf('etl')).find((r) => r.retriedFromRunId === failed.runId), 'the retry');
    expect(retry).toMatchObject({ runtimeVersion: '1.0', outcome: 'success', attempt: 2 });

    // The next run of the job goes straight to 1.0: one attempt, no new failure.
    const before = (await runsOf('etl')).length;
    const etl3 = new SparkConnectClient(p.url({ workload: 'etl' }));
    const again = await etl3.sql(BREAKS_ON_ANSI);
    expect(again.table.get(0)?.toJSON()).toEqual({ v: null, k: 7 });
    const after = await waitFor(async () => {
      const rs = await runsOf('etl');
      return rs.length >= before + 2 ? rs : undefined;
    }, 'the third run to be recorded');
    const newest = after.slice(0, after.length - before);
    expect(newest.every((r) => r.runtimeVersion === '1.0' && r.attempt === 1 && r.outcome === 'success')).toBe(true);

    // bi stays on 2.0.
    const biRuns = await waitFor(async () => {
      const rs = await runsOf('bi');
      return rs.length >= 2 ? rs : undefined;
    }, 'bi runs');
    expect(biRuns.every((r) => r.runtimeVersion === '2.0' && r.outcome === 'success')).toBe(true);
    expect(await p.repos.pins.get('default', 'bi')).toBeNull();

    for (const c of [etl, etl2, etl3, bi]) await c.close();
  });

  it('a query that fails on both versions returns its own error and records no regression', async () => {
    // Make 1.0 this workload's last good version, then let it route to the default (2.0) again.
    await p.repos.pins.add({ tenant: 'default', workload: 'etl-missing', version: '1.0', actor: 'test' });
    await p.refreshRouting();
    const c = new SparkConnectClient(p.url({ workload: 'etl-missing' }));
    await c.sql('SELECT 1 AS one');
    await p.repos.pins.remove({ tenant: 'default', workload: 'etl-missing', actor: 'test' });
    await p.refreshRouting();
    const err = await c.sql('SELECT * FROM no_such_table').then(
      () => undefined,
      (e: unknown) => fromGrpcError(e),
    );
    expect(err?.errorClass).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect((await p.repos.regressions.list({ workload: 'etl-missing' })).items).toHaveLength(0);
    expect(await p.repos.pins.get('default', 'etl-missing')).toBeNull();
    // Both versions were tried: the error the client saw is 2.0's.
    const errors = await waitFor(async () => {
      const rs = (await runsOf('etl-missing')).filter((r) => r.outcome === 'error');
      return rs.length === 2 ? rs : undefined;
    }, 'both failed attempts');
    expect(errors.map((r) => r.runtimeVersion).sort()).toEqual(['1.0', '2.0']);
    await c.close();
  });

  it('a driver killed mid-query: the query answers from another process of the same version, no regression', async () => {
    const c = new SparkConnectClient(p.url({ workload: 'transient' }));
    await c.sql('SELECT 1 AS warm');
    await waitFor(async () => (p.pool.ready('2.0').length === 2 ? true : undefined), 'two 2.0 drivers');
    const victim = [...p.gateway.sessions.all()].find((s) => s.sessionId === c.sessionId)!.driver!;
    expect(victim.version).toBe('2.0');
    const q = c.sql('SELECT sum(id) AS s FROM range(0, 300000000)');
    await new Promise((r) => setTimeout(r, 300));
    p.pool.kill(victim.id);
    const res = await q;
    expect(res.table.get(0)?.toJSON().s).toBe(44999999850000000n);
    expect((await p.repos.regressions.list({ workload: 'transient' })).items).toHaveLength(0);
    const runs = await waitFor(async () => {
      const rs = (await runsOf('transient')).filter((r) => r.attempt === 2);
      return rs.length ? rs : undefined;
    }, 'the transient retry');
    expect(runs[0]).toMatchObject({ runtimeVersion: '2.0', outcome: 'success' });
    await c.close();
  });

  it('a pin made through one gateway routes another gateway sharing Postgres and Redis within a second', async () => {
    const other = await startTestPlatform({ databaseUrl: p.databaseUrl, redisUrl: p.redisUrl });
    try {
      const res = await fetch(`http://127.0.0.1:${p.httpPort}/api/pins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workload: 'shared-job', version: '2.1' }),
      });
      expect(res.status).toBe(200);
      const t0 = Date.now();
      await waitFor(async () => (other.router.route('default', 'shared-job').version === '2.1' ? true : undefined), 'the pin on the other gateway', 1_000);
      expect(Date.now() - t0).toBeLessThan(1_000);
    } finally {
      await other.stop();
    }
  });
});

describe('blink twice after the answer started streaming', () => {
  let p: TestPlatform;

  beforeAll(async () => {
    // Nothing is held back: the first response goes to the client at once.
    p = await startTestPlatform({ defaultRuntime: '2.0', holdBackBytes: 0 });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('reports the failure, but records the regression and pins so the next run goes to the good version', async () => {
    await p.repos.pins.add({ tenant: 'default', workload: 'streamer', version: '1.0', actor: 'test' });
    await p.refreshRouting();
    const c = new SparkConnectClient(p.url({ workload: 'streamer' }));
    await c.sql('SELECT 1 AS warm'); // 1.0 is this workload's last good version
    await p.repos.pins.remove({ tenant: 'default', workload: 'streamer', actor: 'test' });
    await p.refreshRouting();

    const err = await c.sql(BREAKS_ON_ANSI).then(
      () => undefined,
      (e: unknown) => fromGrpcError(e),
    );
    expect(err?.errorClass).toBe('CAST_INVALID_INPUT');
    const reg = await waitFor(async () => (await p.repos.regressions.list({ workload: 'streamer' })).items[0], 'the regression');
    expect(reg).toMatchObject({ failedVersion: '2.0', goodVersion: '1.0', errorClass: 'CAST_INVALID_INPUT' });
    expect(await p.repos.pins.get('default', 'streamer')).toMatchObject({ version: '1.0', reason: 'regression' });
    expect(p.router.route('default', 'streamer').version).toBe('1.0');

    const again = await c.sql(BREAKS_ON_ANSI);
    expect(again.table.get(0)?.toJSON()).toEqual({ v: null, k: 7 });
    await c.close();
  });
});
