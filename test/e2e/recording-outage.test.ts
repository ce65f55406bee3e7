/**
 * Redis stopped for a while under steady load: every query is still answered, and once Redis is back
 * the runs table holds exactly one row per attempt made.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkConnectClient } from '../../src/client/index.js';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../src/main/embedded-redis.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

describe('run recording survives a Redis outage', () => {
  let redis: EmbeddedRedis;
  let redisDir: string;
  let p: TestPlatform;

  beforeAll(async () => {
    redisDir = mkdtempSync(join(tmpdir(), 'perennial-redis-'));
    redis = await startEmbeddedRedis({ dataDir: redisDir });
    p = await startTestPlatform({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await p?.stop();
    await redis?.stop();
  });

  it('answers every query and loses no run event', async () => {
    const c = new SparkConnectClient(p.url({ workload: 'steady' }));
    let attempts = 0;
    const runQueries = async (n: number) => {
      for (let i = 0; i < n; i++) {
        // One ExecutePlan = one attempt (no failures here, so no retries).
        const res = await c.collect({ relType: { case: 'range', value: { start: 0n, end: BigInt(i + 1), step: 1n } } });
        expect(res.table.numRows).toBe(i + 1);
        attempts++;
      }
    };
    await runQueries(20);
    const port = redis.port;
    await redis.stop();
    await runQueries(60);
    redis = await startEmbeddedRedis({ dataDir: redisDir, port });
    await runQueries(20);

    const deadline = Date.now() + 30_000;
    let count = 0;
    while (Date.now() < deadline) {
      count = await p.repos.runs.count({ workload: 'steady' });
      if (count >= attempts) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(count).toBe(attempts);
    await c.close();
  });
});
