import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRepositories } from '../../src/store/index.js';
import { startTestInfra, type TestInfra } from '../helpers/infra.js';
import { countRuns, type Pipeline, startPipeline } from './pipeline.js';
import { runEvent, uniqueTenant } from './run-events.js';

let infra: TestInfra;
let p: Pipeline;

beforeAll(async () => {
  infra = await startTestInfra();
  p = await startPipeline({ ...infra, tmpDir: tmpdir() });
});

afterAll(async () => {
  await p?.close();
  await infra?.stop();
});

describe('recorder → BullMQ → worker → Postgres', () => {
  it('persists exactly N events, once each, and maintains workloads', async () => {
    const tenant = uniqueTenant('pipe');
    const N = 5_000;
    const t0 = Date.now() - N;
    const events = Array.from({ length: N }, (_, i) =>
      runEvent({
        tenant,
        workload: `w${i % 3}`,
        runtimeVersion: i % 2 === 0 ? '4.0.1' : '4.1.0',
        outcome: i % 10 === 9 ? 'error' : 'success',
        startedAt: new Date(t0 + i).toISOString(),
      }),
    );
    for (const e of events) p.recorder.record(e);
    // Redelivery of some events (e.g. a retried producer) must not create rows twice.
    for (const e of events.slice(0, 300)) p.recorder.record(e);

    await vi.waitFor(async () => expect(await countRuns(p.store, tenant)).toBe(N), { timeout: 30_000, interval: 100 });
    expect(p.recorder.stats()).toMatchObject({ recorded: N + 300, dropped: 0 });

    const repos = createRepositories(p.store.db);
    const workloads = await repos.workloads.list({ tenant });
    expect(workloads.reduce((s, w) => s + w.runCount, 0)).toBe(N);
    // Latest successful run of w0: highest i with i%3==0, i%10!=9.
    let latest = -1;
    for (let i = 0; i < N; i++) if (i % 3 === 0 && i % 10 !== 9) latest = i;
    expect(workloads.find((w) => w.id === 'w0')?.lastGoodVersion).toBe(latest % 2 === 0 ? '4.0.1' : '4.1.0');
  });
});
