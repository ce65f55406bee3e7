/**
 * Recorder throughput: events/s sustained from `record()` to rows in Postgres (recorder → BullMQ →
 * persist-runs worker → runs + workloads), against a plain single-row INSERT loop as the reference.
 * Zero loss is asserted: exit code 1 if any event is missing or dropped.
 *
 *   npx tsx scripts/bench-recorder.ts [--events=50000] [--ref-events=50000]
 *
 * Uses DATABASE_URL / REDIS_URL when set, else starts embedded servers in a temp folder.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { startPersistRunsWorker } from '../src/jobs/index.js';
import { startEmbeddedPostgres } from '../src/main/embedded-postgres.js';
import { startEmbeddedRedis } from '../src/main/embedded-redis.js';
import { createRunsProducer } from '../src/queue/index.js';
import { BufferedRecorder, type RunEvent } from '../src/recorder/index.js';
import { createDb, migrateDb } from '../src/store/index.js';

function arg(name: string, dflt: number): number {
  const a = process.argv.find((s) => s.startsWith(`--${name}=`));
  return a === undefined ? dflt : Number(a.split('=')[1]);
}

const EVENTS = arg('events', 50_000);
const REF_EVENTS = arg('ref-events', EVENTS);

function makeEvent(tenant: string, i: number): RunEvent {
  return {
    runId: randomUUID(),
    operationId: randomUUID(),
    tenant,
    workload: `workload-${i % 50}`,
    sessionId: `session-${i % 200}`,
    fingerprint: `fp-${i % 1000}`,
    runtimeVersion: i % 3 === 0 ? '4.1.0' : '4.0.1',
    attempt: 1,
    outcome: i % 20 === 0 ? 'error' : 'success',
    ...(i % 20 === 0 ? { errorClass: 'DIVIDE_BY_ZERO', sqlState: '22012', message: 'Division by zero' } : {}),
    durationMs: i % 500,
    rows: i % 1000,
    bytes: (i % 1000) * 64,
    startedAt: new Date(Date.now() + i).toISOString(),
  };
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'perennial-bench-'));
  await chmod(tmp, 0o755);
  const pgServer = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: join(tmp, 'pg') });
  const redis = process.env.REDIS_URL ? undefined : await startEmbeddedRedis({ dataDir: join(tmp, 'redis') });
  const databaseUrl = process.env.DATABASE_URL ?? pgServer?.url ?? '';
  const redisUrl = process.env.REDIS_URL ?? redis?.url ?? '';
  await migrateDb(databaseUrl);
  const store = createDb(databaseUrl);
  const count = async (tenant: string) =>
    Number(
      (await store.pool.query<{ n: string }>('select count(*) n from runs where tenant = $1', [tenant])).rows[0]?.n,
    );
  let failed = false;

  try {
    // ---- reference: one INSERT per event, one after another -----------------------------------
    const refTenant = `bench-ref-${randomUUID().slice(0, 8)}`;
    const refStart = performance.now();
    for (let i = 0; i < REF_EVENTS; i++) {
      const e = makeEvent(refTenant, i);
      await store.pool.query(
        `insert into runs (run_id, operation_id, tenant, workload, session_id, fingerprint, runtime_version, attempt,
           outcome, error_class, sql_state, message, duration_ms, rows, bytes, retried_from_run_id, started_at)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
        [
          e.runId,
          e.operationId,
          e.tenant,
          e.workload,
          e.sessionId,
          e.fingerprint,
          e.runtimeVersion,
          e.attempt,
          e.outcome,
          e.errorClass ?? null,
          e.sqlState ?? null,
          e.message ?? null,
          e.durationMs,
          e.rows,
          e.bytes,
          null,
          e.startedAt,
        ],
      );
    }
    const refSeconds = (performance.now() - refStart) / 1000;
    const refRate = REF_EVENTS / refSeconds;
    if ((await count(refTenant)) !== REF_EVENTS) failed = true;

    // ---- recorder pipeline ---------------------------------------------------------------------
    const prefix = `bench-${randomUUID().slice(0, 8)}`;
    const producer = createRunsProducer({ redisUrl, prefix });
    const worker = startPersistRunsWorker({ redisUrl, db: store.db, prefix, concurrency: 2 });
    const recorder = new BufferedRecorder({
      sink: producer,
      spillDir: join(tmp, 'spill'),
      registry: new Registry(),
    });
    await new Promise((r) => setTimeout(r, 200)); // connections up
    const tenant = `bench-rec-${randomUUID().slice(0, 8)}`;
    const events = Array.from({ length: EVENTS }, (_, i) => makeEvent(tenant, i));

    const start = performance.now();
    let recordNs = 0;
    for (let i = 0; i < EVENTS; i += 500) {
      const t = process.hrtime.bigint();
      for (let j = i; j < Math.min(i + 500, EVENTS); j++) recorder.record(events[j] as RunEvent);
      recordNs += Number(process.hrtime.bigint() - t);
      await new Promise((r) => setImmediate(r)); // a gateway yields between requests
    }
    const recordedAt = performance.now();
    let stored = 0;
    while (stored < EVENTS && performance.now() - start < 300_000) {
      await new Promise((r) => setTimeout(r, 50));
      stored = await count(tenant);
    }
    const seconds = (performance.now() - start) / 1000;
    const rate = EVENTS / seconds;
    const stats = recorder.stats();
    await recorder.close();
    await producer.close();
    await worker.close();
    if (stored !== EVENTS || stats.dropped !== 0) failed = true;

    const rows = [
      ['path', 'events', 'seconds', 'events/s', 'ratio'],
      ['single-row INSERT loop (reference)', String(REF_EVENTS), refSeconds.toFixed(2), refRate.toFixed(0), '1.00'],
      [
        'record() → BullMQ → worker → Postgres',
        String(EVENTS),
        seconds.toFixed(2),
        rate.toFixed(0),
        (rate / refRate).toFixed(2),
      ],
    ];
    const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
    for (const r of rows) console.log(`| ${r.map((v, c) => v.padEnd(widths[c] ?? 0)).join(' | ')} |`);
    console.log(
      `\nrecord() cost: ${(recordNs / EVENTS).toFixed(0)} ns/event (all ${EVENTS} recorded in ` +
        `${((recordedAt - start) / 1000).toFixed(2)} s); stored ${stored}/${EVENTS}, dropped ${stats.dropped}, ` +
        `spilled ${stats.spilled}. ${failed ? 'LOSS DETECTED' : 'zero loss'}`,
    );
  } finally {
    await store.close();
    await Promise.allSettled([pgServer?.stop(), redis?.stop()]);
    await rm(tmp, { recursive: true, force: true });
  }
  if (failed) process.exit(1);
}

await main();
