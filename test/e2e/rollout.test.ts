/**
 * Staged rollouts and performance regressions end to end: real Postgres, Redis, driver processes and
 * Spark Connect clients. The controller is ticked by the test (it also ticks by itself).
 *
 * 1. A candidate that breaks a share of workloads (2.0: ANSI casts) halts at its first stage, with the
 *    reason and decision recorded; the broken workloads were answered from 1.0 and pinned.
 * 2. A candidate that breaks nobody still in the cohort (2.1; the broken workloads stay pinned) passes
 *    every stage in order — no halt, no step back — and becomes the default.
 * 3. A query shape that became much slower on one version is recorded as a performance regression;
 *    the same query at the same speed on both versions is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkConnectClient } from '../../src/client/index.js';
import { bucketOf } from '../../src/router/index.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BREAKS_ON_ANSI = "SELECT CAST('n/a' AS INT) AS v, 1 AS k";
const FINE = 'SELECT id % 5 AS k, count(*) AS n FROM range(2000) GROUP BY id % 5 ORDER BY k';

/** Names whose cohort bucket falls in [lo, hi): makes stage membership deterministic. */
function namesIn(prefix: string, lo: number, hi: number, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) if (bucketOf('default', `${prefix}-${i}`) >= lo && bucketOf('default', `${prefix}-${i}`) < hi) out.push(`${prefix}-${i}`);
  return out;
}

describe('rollouts', () => {
  let p: TestPlatform;
  const clients = new Map<string, SparkConnectClient>();
  // Stage 1 of the first rollout is 30%: one breaker inside it, fine workloads everywhere.
  const breakers = namesIn('cast-job', 0, 0.3, 1);
  const fine = [...namesIn('report', 0, 0.3, 3), ...namesIn('report', 0.3, 1, 5)];
  // Pinned to 1.0 by an operator: they never join a cohort, so the latency gate measures the machine's
  // own load drift on them (the test shares two cores with other suites).
  const steady = ['steady-0', 'steady-1', 'steady-2'];

  async function run(workload: string, query: string): Promise<void> {
    let c = clients.get(workload);
    if (!c) {
      c = new SparkConnectClient(p.url({ workload }));
      clients.set(workload, c);
    }
    await c.sql(query);
  }
  async function round(): Promise<void> {
    for (const w of breakers) await run(w, BREAKS_ON_ANSI);
    for (const w of fine) await run(w, FINE);
    for (const w of steady) await run(w, FINE);
  }

  beforeAll(async () => {
    p = await startTestPlatform({ defaultRuntime: '1.0' });
    for (const w of steady) await p.repos.pins.add({ tenant: 'default', workload: w, version: '1.0', actor: 'test' });
    await p.refreshRouting();
  });
  afterAll(async () => {
    for (const c of clients.values()) await c.close().catch(() => undefined);
    await p?.stop();
  });

  it('another gateway sees rollout changes within a second, routes the same cohorts, and only one controller decides', async () => {
    const other = await startTestPlatform({ databaseUrl: p.databaseUrl, redisUrl: p.redisUrl });
    try {
      const post = async (base: TestPlatform, path: string, body: unknown) => {
        const res = await fetch(`http://127.0.0.1:${base.httpPort}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
      };
      await post(p, '/api/rollouts', { version: '2.1', stages: '50,100', minInterval: '1h' });
      let t0 = Date.now();
      while (!other.router.current().rollout?.active && Date.now() - t0 < 1_000) await sleep(20);
      expect(other.router.current().rollout).toEqual({ candidate: '2.1', fraction: 0.5, active: true });
      const names = Array.from({ length: 300 }, (_, i) => `job-${i}`);
      const here = names.map((w) => p.router.route('default', w).version);
      expect(names.map((w) => other.router.route('default', w).version)).toEqual(here);
      expect(here.filter((v) => v === '2.1').length).toBeGreaterThan(100);
      expect(here.filter((v) => v === '2.1').length).toBeLessThan(200);
      await Promise.all([p.controller.tick(), other.controller.tick()]);
      expect([p.controller.isLeader, other.controller.isLeader].filter(Boolean)).toHaveLength(1);
      await post(other, '/api/rollouts/current/abort', { reason: 'test' });
      t0 = Date.now();
      while (p.router.current().rollout && Date.now() - t0 < 1_000) await sleep(20);
      expect(p.router.current().rollout).toBeUndefined();
    } finally {
      await other.stop();
    }
  });

  it('halts a candidate that breaks a share of workloads at the first gate, with the reason recorded', async () => {
    await round(); // everyone succeeds on 1.0 first: that is their last good version
    const r = await p.rollouts.start({ version: '2.0', stages: '30,100', minInterval: '1s', minRuns: 5, actor: 'test' });
    expect(p.router.current().rollout).toEqual({ candidate: '2.0', fraction: 0.3, active: true });
    let status = r.status as string;
    for (let i = 0; i < 40 && status === 'active'; i++) {
      await round(); // every query answers: the breaker blinks to 1.0
      await sleep(250);
      await p.controller.tick();
      status = (await p.repos.rollouts.get(r.id))?.status ?? '';
    }
    expect(status).toBe('halted');
    const halted = (await p.repos.rollouts.get(r.id))!;
    expect(halted.stageIndex).toBe(0);
    expect(halted.reason).toMatch(/regression-rate gate failed/);
    expect(halted.reason).toContain(breakers[0]);
    const decisions = await p.repos.rollouts.decisions(r.id);
    expect(decisions.map((d) => d.action)).toContain('halt');
    expect(decisions.map((d) => d.action)).not.toContain('advance');
    // A halted rollout admits nobody; the breaker is pinned to its good version.
    expect(p.router.current().rollout?.active).toBe(false);
    expect(p.router.route('default', fine[0]!).version).toBe('1.0');
    expect((await p.repos.pins.get('default', breakers[0]!))?.version).toBe('1.0');
    // No flapping: further ticks with the same evidence do not resume it.
    await p.controller.tick();
    expect((await p.repos.rollouts.get(r.id))?.status).toBe('halted');
    await p.rollouts.command('abort', { actor: 'test' });
  });

  it('passes a candidate that breaks nobody, stage by stage, and makes it the default', async () => {
    const r = await p.rollouts.start({ version: '2.1', stages: '30,60,100', minInterval: '2s', minRuns: 4, actor: 'test' });
    const fractions: number[] = [];
    let status = 'active';
    let reason = '';
    for (let i = 0; i < 80 && status === 'active'; i++) {
      await round();
      await sleep(200);
      await p.controller.tick();
      const cur = (await p.repos.rollouts.get(r.id))!;
      status = cur.status;
      reason = cur.reason ?? '';
      const f = cur.stages[cur.stageIndex]!;
      if (fractions[fractions.length - 1] !== f) fractions.push(f);
      // The routing snapshot follows the rollout (same process here; other gateways via pub/sub).
      if (status === 'active') expect(p.router.current().rollout?.fraction).toBe(f);
    }
    expect(status, reason).toBe('completed');
    expect(fractions).toEqual([0.3, 0.6, 1]);
    const actions = (await p.repos.rollouts.decisions(r.id)).map((d) => d.action).reverse();
    expect(actions.filter((a) => a !== 'hold')).toEqual(['start', 'advance', 'advance', 'complete']);
    expect((await p.repos.runtimes.getDefault())?.version).toBe('2.1');
    // Pinned workloads stayed pinned through the whole rollout.
    expect(p.router.route('default', breakers[0]!).version).toBe('1.0');
    expect(p.router.route('default', steady[0]!).version).toBe('1.0');
    expect(p.router.route('default', fine[fine.length - 1]!).version).toBe('2.1');
  });

  it('records a performance regression for a query shape that became much slower, not for noise', async () => {
    const slowW = 'perf-slow';
    const noisyW = 'perf-noise';
    // Same fingerprint (literals are stripped), very different work: fast on 1.0, slow on 2.0.
    const q = (n: number) => `SELECT count(*) AS n, sum(id % 7) AS s FROM range(${n})`;
    await p.repos.pins.add({ tenant: 'default', workload: slowW, version: '1.0', actor: 'test' });
    await p.repos.pins.add({ tenant: 'default', workload: noisyW, version: '1.0', actor: 'test' });
    await p.refreshRouting();
    for (let i = 0; i < 12; i++) {
      await run(slowW, q(1_000));
      await run(noisyW, q(300_000));
    }
    await p.repos.pins.add({ tenant: 'default', workload: slowW, version: '2.0', actor: 'test' });
    await p.repos.pins.add({ tenant: 'default', workload: noisyW, version: '2.0', actor: 'test' });
    await p.refreshRouting();
    for (let i = 0; i < 12; i++) {
      await run(slowW, q(1_500_000));
      await run(noisyW, q(300_000));
    }
    // Runs reach Postgres through the recorder queue.
    for (let i = 0; i < 50 && (await p.repos.runs.count({ workload: slowW, runtimeVersion: '2.0' })) < 12; i++) await sleep(200);
    for (let i = 0; i < 50 && (await p.repos.runs.count({ workload: noisyW, runtimeVersion: '2.0' })) < 12; i++) await sleep(200);
    const fresh = await p.perf.run();
    expect(fresh.map((f) => f.workload)).toContain(slowW);
    expect(fresh.map((f) => f.workload)).not.toContain(noisyW);
    const perf = await p.repos.regressions.list({ kind: 'performance' });
    // spark.sql() is two plans (the SQL command and its relation): each fingerprint is judged on its own.
    const mine = perf.items.filter((r) => r.workloads.includes(slowW));
    expect(mine.length).toBeGreaterThanOrEqual(1);
    for (const r of mine) expect(r).toMatchObject({ failedVersion: '2.0', goodVersion: '1.0', status: 'open', errorClass: '' });
    expect(perf.items.some((r) => r.workloads.includes(noisyW))).toBe(false);
    // Detecting again adds nothing (no new occurrence for the same workload).
    expect((await p.perf.run()).filter((f) => f.workload === slowW)).toHaveLength(0);
  });
});
