import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ControlledInfra, startControlledInfra } from '../helpers/infra.js';
import { countRuns, type Pipeline, startPipeline } from './pipeline.js';
import { runEvent, uniqueTenant } from './run-events.js';

let infra: ControlledInfra;
let p: Pipeline;

beforeAll(async () => {
  infra = await startControlledInfra();
  p = await startPipeline({ ...infra, maxBackoffMs: 500, recorder: { addTimeoutMs: 500 } });
});

afterAll(async () => {
  await p?.close();
  await infra?.stop();
});

describe('outages', () => {
  it('Redis down: events spill to disk, and all arrive once Redis is back', async () => {
    const tenant = uniqueTenant('redis-down');
    for (let i = 0; i < 1_000; i++) p.recorder.record(runEvent({ tenant }));
    await vi.waitFor(async () => expect(await countRuns(p.store, tenant)).toBe(1_000), { timeout: 30_000 });

    await infra.stopRedis();
    await vi.waitFor(() => expect(p.producer.isReady()).toBe(false));
    for (let i = 0; i < 2_500; i++) p.recorder.record(runEvent({ tenant }));
    await vi.waitFor(() => expect(p.recorder.stats().spilled).toBeGreaterThanOrEqual(2_500), { timeout: 10_000 });
    expect(readdirSync(p.spillDir).length).toBeGreaterThan(0);
    expect(await countRuns(p.store, tenant)).toBe(1_000);

    await infra.startRedis();
    await vi.waitFor(async () => expect(await countRuns(p.store, tenant)).toBe(3_500), {
      timeout: 60_000,
      interval: 200,
    });
    await vi.waitFor(() => expect(p.recorder.stats().spillBytes).toBe(0));
    expect(p.recorder.stats().dropped).toBe(0);
  });

  it('Postgres down: runs wait in the queue and are stored once Postgres is back', async () => {
    const tenant = uniqueTenant('pg-down');
    let failures = 0;
    p.worker.worker.on('failed', () => failures++);

    await infra.stopPostgres();
    for (let i = 0; i < 2_000; i++) p.recorder.record(runEvent({ tenant, workload: `w${i % 5}` }));
    await vi.waitFor(() => expect(failures).toBeGreaterThan(0), { timeout: 20_000 });
    expect(p.recorder.stats().depth).toBe(0); // the gateway side is not held up

    await infra.startPostgres();
    await vi.waitFor(async () => expect(await countRuns(p.store, tenant)).toBe(2_000), {
      timeout: 60_000,
      interval: 200,
    });
    const { rows } = await p.store.pool.query<{ n: string }>(
      'select sum(run_count) as n from workloads where tenant = $1',
      [tenant],
    );
    expect(Number(rows[0]?.n)).toBe(2_000);
  });
});
