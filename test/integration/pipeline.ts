import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { type PersistRunsWorker, startPersistRunsWorker } from '../../src/jobs/index.js';
import { createRunsProducer, type RunsProducer } from '../../src/queue/index.js';
import { BufferedRecorder, type BufferedRecorderOptions } from '../../src/recorder/index.js';
import { createDb, type Db } from '../../src/store/index.js';

/** recorder → BullMQ → persist-runs worker → Postgres, wired the way main wires it, on a private queue prefix. */
export interface Pipeline {
  recorder: BufferedRecorder;
  producer: RunsProducer;
  worker: PersistRunsWorker;
  store: Db;
  spillDir: string;
  registry: Registry;
  close(): Promise<void>;
}

export async function startPipeline(opts: {
  databaseUrl: string;
  redisUrl: string;
  tmpDir: string;
  recorder?: Partial<BufferedRecorderOptions>;
  maxBackoffMs?: number;
  concurrency?: number;
}): Promise<Pipeline> {
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const spillDir = await mkdtemp(join(opts.tmpDir, 'spill-'));
  const registry = new Registry();
  const quiet = { warn: () => undefined };
  const store = createDb(opts.databaseUrl);
  const producer = createRunsProducer({ redisUrl: opts.redisUrl, prefix });
  const worker = startPersistRunsWorker({
    redisUrl: opts.redisUrl,
    db: store.db,
    prefix,
    logger: quiet,
    ...(opts.maxBackoffMs === undefined ? {} : { maxBackoffMs: opts.maxBackoffMs }),
    ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
  });
  const recorder = new BufferedRecorder({ sink: producer, spillDir, registry, logger: quiet, ...opts.recorder });
  return {
    recorder,
    producer,
    worker,
    store,
    spillDir,
    registry,
    async close() {
      await recorder.close();
      await producer.close();
      await worker.close();
      await store.close();
    },
  };
}

export async function countRuns(store: Db, tenant: string): Promise<number> {
  const { rows } = await store.pool.query<{ n: string }>('select count(*) as n from runs where tenant = $1', [tenant]);
  return Number(rows[0]?.n ?? 0);
}
