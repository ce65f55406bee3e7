/**
 * The latency gate's evidence from a real Postgres: a candidate is judged against the same workloads'
 * history on the baseline, corrected by how much the machine itself slowed down (or sped up) over the
 * same window, as seen on workloads still running on the baseline. A slowdown halts the rollout only
 * once runs taken after the first suspicion confirm it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { resolveConfig } from '../../src/rollout/config.js';
import { RolloutController } from '../../src/rollout/controller.js';
import { createDb, createRepositories, type Db, type NewRun, type Repositories, type RolloutRecord } from '../../src/store/index.js';
import { startTestInfra, type TestInfra } from '../helpers/infra.js';
import { uniqueTenant } from './run-events.js';

let infra: TestInfra;
let store: Db;
let repos: Repositories;
let controller: RolloutController;

beforeAll(async () => {
  infra = await startTestInfra();
  store = createDb(infra.databaseUrl);
  repos = createRepositories(store.db);
  controller = new RolloutController({
    repos,
    databaseUrl: infra.databaseUrl,
    log: createLogger('test', 'silent'),
    routingChanged: async () => undefined,
    setDefault: async () => undefined,
  });
});

afterAll(async () => {
  await controller?.stop();
  await store?.close();
  await infra?.stop();
});

/** `n` successful runs of one workload's query, `ms` each (±10 % jitter), a second apart from `start`. */
function runs(tenant: string, workload: string, version: string, ms: number, start: number, n = 30): NewRun[] {
  return Array.from({ length: n }, (_, i) => ({
    runId: randomUUID(),
    operationId: randomUUID(),
    tenant,
    workload,
    sessionId: 's',
    fingerprint: 'fp',
    runtimeVersion: version,
    attempt: 1,
    outcome: 'success' as const,
    durationMs: Math.round(ms * (0.9 + ((i * 7) % 11) / 50)),
    rows: 1,
    bytes: 8,
    startedAt: new Date(start + i * 1_000),
  }));
}

/**
 * History: a cohort workload and a control workload, both 40 ms on the baseline. During the stage the
 * cohort workload runs on the candidate at `candidateMs` while the control stays on the baseline at
 * `controlMs` (the machine's load now).
 */
async function stage(candidateMs: number, controlMs: number) {
  const tenant = uniqueTenant('drift');
  const [cand, base] = [`c-${tenant}`, `b-${tenant}`];
  const since = Date.now() - 60_000;
  await repos.runs.insertBatch([
    ...runs(tenant, 'cohort', base, 40, since - 100_000),
    ...runs(tenant, 'control', base, 40, since - 100_000),
    ...runs(tenant, 'cohort', cand, candidateMs, since + 1_000),
    ...runs(tenant, 'control', base, controlMs, since + 1_000),
  ]);
  const r = { candidate: cand, baseline: base, stageStartedAt: new Date(since) } as RolloutRecord;
  return (await controller.evidence(r, resolveConfig({}))).latency;
}

describe('latency gate evidence', () => {
  it('does not blame the candidate for a machine that got busier', async () => {
    const l = await stage(80, 80);
    expect(l?.slower).toBe(false);
    expect(l?.ratio).toBeGreaterThan(0.85);
    expect(l?.ratio).toBeLessThan(1.15);
    expect(l?.detail).toMatch(/load drift ×2\.0\d from 30 control runs/);
  });

  it('still fails a candidate that is slower than the load explains', async () => {
    const l = await stage(80, 40);
    expect(l?.slower).toBe(true);
    expect(l?.ratio).toBeGreaterThan(1.8);
    expect(l?.detail).toMatch(/load drift ×1\.0\d/);
  });

  it('does not let a quieter machine hide a slowdown', async () => {
    const l = await stage(40, 20); // machine twice as fast now; the candidate only matched history
    expect(l?.slower).toBe(true);
  });
});

describe('latency suspicion', () => {
  /** An active rollout whose stage started a minute ago, with a cohort workload 40 ms on the baseline before it. */
  async function rolloutWithHistory() {
    const tenant = uniqueTenant('suspect');
    const [cand, base] = [`c-${tenant}`, `b-${tenant}`];
    const since = Date.now() - 60_000;
    await repos.runs.insertBatch(runs(tenant, 'cohort', base, 40, since - 100_000));
    const r = await repos.rollouts.start(
      { candidate: cand, baseline: base, stages: [0.5, 1], config: { minRuns: 5, minIntervalMs: 3_600_000 }, createdBy: 'test', at: new Date(since) },
      { action: 'start', reason: 'test', actor: 'test' },
    );
    return { tenant, cand, r, since };
  }
  const status = async (id: number) => (await repos.rollouts.get(id))?.status;
  async function close(id: number) {
    const cur = (await repos.rollouts.get(id))!;
    await repos.rollouts.transition(cur, { status: 'aborted', finishedAt: new Date() }, { action: 'abort', reason: 'test', actor: 'test' });
  }
  const lastReason = async (id: number) => (await repos.rollouts.lastDecision(id))?.reason ?? '';

  it('holds on a first slow look, and halts when runs after it are slow too', async () => {
    const { tenant, cand, r, since } = await rolloutWithHistory();
    await repos.runs.insertBatch(runs(tenant, 'cohort', cand, 80, since + 1_000));
    const t1 = Date.now();
    await controller.tick(t1);
    expect(await status(r.id)).toBe('active');
    expect(await lastReason(r.id)).toMatch(/slowdown suspected, confirming on fresh runs: median ratio 2\.\d\d/);
    expect((await repos.rollouts.latencySuspectedAt(r))?.getTime()).toBe(t1);
    // Nothing new yet: the stage waits for fresh evidence instead of passing or failing on the old runs.
    await controller.tick(t1 + 1);
    expect(await status(r.id)).toBe('active');
    expect((await controller.evaluateOnly(r)).reason).toMatch(/confirming a slowdown suspected at .*: 0 fresh candidate samples \(need 20\)/);
    await repos.runs.insertBatch(runs(tenant, 'cohort', cand, 80, t1 + 1_000));
    await controller.tick(t1 + 2);
    expect(await status(r.id)).toBe('halted');
    expect((await repos.rollouts.get(r.id))?.reason).toMatch(/^latency gate failed: median ratio 2\.\d\d .*\(confirmed on runs since the suspicion at /);
    await close(r.id);
  });

  it('goes on when the runs after a suspicion are back to the baseline speed', async () => {
    const { tenant, cand, r, since } = await rolloutWithHistory();
    await repos.runs.insertBatch(runs(tenant, 'cohort', cand, 80, since + 1_000));
    const t1 = Date.now();
    await controller.tick(t1);
    expect(await lastReason(r.id)).toMatch(/slowdown suspected/);
    await repos.runs.insertBatch(runs(tenant, 'cohort', cand, 40, t1 + 1_000));
    await controller.tick(t1 + 1);
    expect(await status(r.id)).toBe('active');
    const ev = await controller.evaluateOnly(r);
    const latency = ev.gates.find((g) => g.gate === 'latency');
    expect(latency?.verdict).toBe('pass');
    expect(latency?.detail).toMatch(/was not confirmed/);
    // Only the stage's minimum interval holds it now.
    expect(ev.verdict).toBe('pass');
    await close(r.id);
  });
});
