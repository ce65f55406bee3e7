import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from './events.js';
import { BufferedRecorder, type RunBatchSink } from './recorder.js';

/** An in-memory sink whose availability and speed the test controls. */
class MemorySink implements RunBatchSink {
  ready = true;
  fail = false;
  delayMs = 0;
  readonly runIds = new Set<string>();
  jobs = 0;
  isReady(): boolean {
    return this.ready;
  }
  async addBatch(events: RunEvent[]): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.fail || !this.ready) throw new Error('sink down');
    this.jobs++;
    for (const e of events) this.runIds.add(e.runId);
  }
}

const ev = (): RunEvent => ({
  runId: randomUUID(),
  operationId: 'op',
  tenant: 't',
  workload: 'w',
  sessionId: 's',
  fingerprint: 'fp',
  runtimeVersion: '4.0.1',
  attempt: 1,
  outcome: 'success',
  durationMs: 1,
  rows: 1,
  bytes: 1,
  startedAt: new Date().toISOString(),
});

const dirs: string[] = [];
function spillDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'recorder-test-'));
  dirs.push(d);
  return d;
}
const quiet = { warn: () => undefined };

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('BufferedRecorder', () => {
  it('batches events into few jobs and loses none on close', async () => {
    const sink = new MemorySink();
    const rec = new BufferedRecorder({ sink, spillDir: spillDir(), registry: new Registry(), logger: quiet });
    for (let i = 0; i < 2_345; i++) rec.record(ev());
    await rec.close();
    expect(sink.runIds.size).toBe(2_345);
    expect(sink.jobs).toBeLessThanOrEqual(6);
    expect(rec.stats()).toMatchObject({ recorded: 2_345, sent: 2_345, dropped: 0, depth: 0 });
  });

  it('spills while the sink is down and drains it when the sink returns', async () => {
    const sink = new MemorySink();
    sink.ready = false;
    const dir = spillDir();
    const rec = new BufferedRecorder({
      sink,
      spillDir: dir,
      registry: new Registry(),
      logger: quiet,
      flushIntervalMs: 10,
    });
    for (let i = 0; i < 1_000; i++) rec.record(ev());
    await vi.waitFor(() => expect(rec.stats().spilled).toBe(1_000));
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    sink.ready = true;
    await vi.waitFor(() => expect(sink.runIds.size).toBe(1_000), { timeout: 5_000 });
    await rec.close();
    expect(rec.stats().spillBytes).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('spills batches whose send fails or times out', async () => {
    const sink = new MemorySink();
    sink.delayMs = 200;
    const rec = new BufferedRecorder({
      sink,
      spillDir: spillDir(),
      registry: new Registry(),
      logger: quiet,
      addTimeoutMs: 20,
      flushIntervalMs: 10,
    });
    for (let i = 0; i < 600; i++) rec.record(ev());
    await vi.waitFor(() => expect(rec.stats().spilled).toBe(600));
    sink.delayMs = 0;
    await vi.waitFor(() => expect(sink.runIds.size).toBe(600), { timeout: 5_000 });
    await rec.close();
  });

  it('picks up a spill left by an earlier process', async () => {
    const dir = spillDir();
    const down = new MemorySink();
    down.ready = false;
    const first = new BufferedRecorder({ sink: down, spillDir: dir, registry: new Registry(), logger: quiet });
    for (let i = 0; i < 300; i++) first.record(ev());
    await first.close();
    expect(first.stats().spilled).toBe(300);

    const up = new MemorySink();
    const second = new BufferedRecorder({
      sink: up,
      spillDir: dir,
      registry: new Registry(),
      logger: quiet,
      flushIntervalMs: 10,
    });
    await vi.waitFor(() => expect(up.runIds.size).toBe(300));
    await second.close();
  });

  it('drops beyond its bounds, counts it and never throws', async () => {
    const sink = new MemorySink();
    sink.ready = false;
    const registry = new Registry();
    const logs: string[] = [];
    const rec = new BufferedRecorder({
      sink,
      spillDir: spillDir(),
      registry,
      logger: { warn: (_f, msg) => logs.push(msg) },
      maxBufferedEvents: 100,
      maxSpillBytes: 1,
      flushIntervalMs: 1_000_000,
    });
    for (let i = 0; i < 150; i++) rec.record(ev());
    expect(rec.stats()).toMatchObject({ recorded: 100, dropped: 50, depth: 100 });
    await rec.close(); // spill is too small: the 100 buffered events are dropped too
    expect(rec.stats().dropped).toBe(150);
    rec.record(ev()); // after close: counted, not thrown
    expect(rec.stats().dropped).toBe(151);
    const metric = await registry.getSingleMetricAsString('perennial_recorder_dropped_total');
    expect(metric).toContain('reason="buffer-full"} 50');
    expect(metric).toContain('reason="spill-full"} 100');
    expect(logs).toEqual(['run events dropped']);
  });
});
