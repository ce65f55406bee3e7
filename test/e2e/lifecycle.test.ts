/**
 * Runtime lifecycle end to end, on one real platform:
 * - a regression's pin is lifted automatically once a version that fixes it is registered
 *   (`runtimes add`, no restart) and becomes the default: the stored plan is replayed on the new and
 *   the good version, results compared, the regression marked fixed and the pin removed with an audit note;
 * - `runtimes remove` is refused while workloads are pinned to the version, naming them;
 * - a rolling replacement of the default runtime's driver under steady load fails no client query,
 *   including sessions whose state (a temp view, a conf) must be replayed on the new process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkConnectClient } from '../../src/client/index.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BREAKS_ON_ANSI = "SELECT CAST('n/a' AS INT) AS v, 7 AS k";

async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('runtime lifecycle', () => {
  let p: TestPlatform;
  let api: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }>;

  beforeAll(async () => {
    p = await startTestPlatform({ defaultRuntime: '1.0' });
    api = async (method, path, body) => {
      const res = await fetch(`http://127.0.0.1:${p.httpPort}${path}`, {
        method,
        ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('lifts a pin once a fixed version is added and becomes the default; refuses to remove a pinned-to version', async () => {
    const job = new SparkConnectClient(p.url({ workload: 'legacy-cast' }));
    await job.sql(BREAKS_ON_ANSI); // fine on 1.0
    expect((await api('POST', '/api/runtimes/default', { version: '2.0' })).status).toBe(200);
    const again = new SparkConnectClient(p.url({ workload: 'legacy-cast' }));
    expect((await again.sql(BREAKS_ON_ANSI)).table.get(0)?.toJSON()).toEqual({ v: null, k: 7 }); // blinked to 1.0
    const reg = (await p.repos.regressions.list({ workload: 'legacy-cast' })).items[0]!;
    expect(reg).toMatchObject({ status: 'open', failedVersion: '2.0', goodVersion: '1.0' });
    expect((await p.repos.pins.get('default', 'legacy-cast'))?.version).toBe('1.0');

    // Removing 1.0 is refused: legacy-cast is pinned there.
    const refused = await api('DELETE', '/api/runtimes/1.0');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain('legacy-cast');
    expect(p.pool.manifest('1.0')).toBeDefined();

    // A patch release that restores the legacy cast behaviour is registered without a restart.
    const manifest = {
      ...JSON.parse(readFileSync(join(process.cwd(), 'runtimes', '2.0', 'runtime.json'), 'utf8')),
      version: '2.0.1',
      profile: { ansiEnabled: false, stringNumberCoercion: 'lenient', legacySizeOfNull: false, legacyStatisticalAggregate: false },
      releaseNotes: ['Fix: ANSI mode off by default again for legacy workloads.'],
    };
    const added = await api('POST', '/api/runtimes', manifest);
    expect(added.status).toBe(200);
    expect(p.pool.ready('2.0.1')).toHaveLength(1);
    expect((await p.repos.runtimes.list()).map((r) => r.version)).toContain('2.0.1');
    expect(p.router.current().available.has('2.0.1')).toBe(true);

    // The leader replays the stored plan: fixed in 2.0.1. The pin stays while the default (2.0) still breaks it.
    await p.controller.tick();
    const fixed = await waitFor(async () => {
      await p.controller.tick();
      const r = await p.repos.regressions.get(reg.id);
      return r?.status === 'fixed' ? r : undefined;
    }, 'regression marked fixed');
    expect(fixed.fixedInVersion).toBe('2.0.1');
    expect((await p.repos.pins.get('default', 'legacy-cast'))?.version).toBe('1.0');

    // The fixed version becomes the default: the pin is lifted, with an audit note.
    expect((await api('POST', '/api/runtimes/default', { version: '2.0.1' })).status).toBe(200);
    await waitFor(async () => {
      await p.controller.tick();
      return (await p.repos.pins.get('default', 'legacy-cast')) === null;
    }, 'pin lifted');
    const events = await p.repos.pins.events('default', 'legacy-cast');
    expect(events[0]).toMatchObject({ action: 'remove', actor: 'unpin-verifier', previousVersion: '1.0' });
    expect(events[0]?.note).toMatch(/fixed in 2\.0\.1/);
    await waitFor(async () => p.router.route('default', 'legacy-cast').version === '2.0.1', 'routing updated');
    const after = new SparkConnectClient(p.url({ workload: 'legacy-cast' }));
    expect((await after.sql(BREAKS_ON_ANSI)).table.get(0)?.toJSON()).toEqual({ v: null, k: 7 });

    // With the pin gone, 1.0 can be removed... but keep it; remove the unused 2.1 instead.
    expect((await api('DELETE', '/api/runtimes/2.1')).status).toBe(200);
    expect(p.pool.manifest('2.1')).toBeUndefined();
    expect((await p.repos.runtimes.list()).map((r) => r.version)).not.toContain('2.1');
    for (const c of [job, again, after]) await c.close().catch(() => undefined);
  });

  it('replaces the default runtime’s driver under steady load with zero failed client queries', async () => {
    const version = (await p.repos.runtimes.getDefault())!.version;
    const before = p.pool.all().filter((d) => d.version === version).map((d) => ({ pid: d.pid, generation: d.generation }));
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const worker = async (i: number) => {
      const c = new SparkConnectClient(p.url({ workload: `steady-${i}` }));
      // Session state that must follow the session to the new process.
      await c.config({ opType: { case: 'set', value: { pairs: [{ key: 'spark.sql.shuffle.partitions', value: '3' }] } } });
      await c.sql(`CREATE OR REPLACE TEMP VIEW t${i} AS SELECT id, id % 3 AS g FROM range(500)`);
      while (!stop) {
        try {
          const r = await c.sql(`SELECT g, count(*) AS n FROM t${i} GROUP BY g ORDER BY g`);
          if (r.table.numRows !== 3) failures.push(`worker ${i}: ${r.table.numRows} rows`);
          else ok++;
        } catch (err) {
          failures.push(`worker ${i}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      await c.close().catch(() => undefined);
    };
    const workers = [0, 1, 2, 3].map((i) => worker(i));
    await sleep(1_000);
    const okBefore = ok;
    const res = await api('POST', `/api/runtimes/${version}/restart`, {});
    expect(res.status).toBe(200);
    await sleep(1_500);
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(okBefore).toBeGreaterThan(4);
    expect(ok).toBeGreaterThan(okBefore + 4); // queries kept flowing after the switch
    const afterDrivers = p.pool.all().filter((d) => d.version === version);
    expect(afterDrivers).toHaveLength(before.length);
    for (const d of afterDrivers) {
      expect(d.state).toBe('ready');
      expect(before.map((b) => b.pid)).not.toContain(d.pid);
      expect(d.generation).toBeGreaterThan(Math.max(...before.map((b) => b.generation)));
    }
  });

  it('a runtime added or removed through one gateway is started or stopped on another sharing the store', async () => {
    const other = await startTestPlatform({ databaseUrl: p.databaseUrl, redisUrl: p.redisUrl });
    try {
      // Runtimes registered earlier through p are installed on a gateway that starts later.
      expect(other.pool.manifest('2.0.1')).toBeDefined();
      const manifest = {
        ...JSON.parse(readFileSync(join(process.cwd(), 'runtimes', '2.0', 'runtime.json'), 'utf8')),
        version: '2.0.2',
      };
      expect((await api('POST', '/api/runtimes', manifest)).status).toBe(200);
      await waitFor(async () => other.pool.ready('2.0.2').length === 1 && other.router.current().available.has('2.0.2'), '2.0.2 on the other gateway');
      const res = await fetch(`http://127.0.0.1:${other.httpPort}/api/runtimes/2.0.2`, { method: 'DELETE' });
      expect(res.status).toBe(200);
      await waitFor(async () => p.pool.manifest('2.0.2') === undefined, '2.0.2 stopped on the first gateway');
    } finally {
      await other.stop();
    }
  });
});
