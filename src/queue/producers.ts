import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedisConnection } from './connection.js';
import {
  PERSIST_RUNS_JOB,
  type PersistRunsPayload,
  RUNS_JOB_OPTIONS,
  RUNS_QUEUE,
  type RunEventPayload,
} from './queues.js';

export interface RunsProducerOptions {
  redisUrl: string;
  /** Default RUNS_QUEUE. */
  queueName?: string;
  /** BullMQ key prefix (tests isolate with it). Default 'bull'. */
  prefix?: string;
}

/** Enqueues batches of run events; fails fast while Redis is unreachable. */
export interface RunsProducer {
  /** True while the Redis connection is up. */
  isReady(): boolean;
  /** One job carrying the whole batch. Rejects at once when Redis is not connected. */
  addBatch(events: RunEventPayload[]): Promise<void>;
  close(): Promise<void>;
}

export function createRunsProducer(opts: RunsProducerOptions): RunsProducer {
  const connection: Redis = createRedisConnection({
    url: opts.redisUrl,
    role: 'producer',
    connectionName: 'perennial-runs-producer',
  });
  const queue = new Queue<PersistRunsPayload>(opts.queueName ?? RUNS_QUEUE, {
    connection,
    ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
  });
  queue.on('error', () => undefined);
  return {
    isReady: () => connection.status === 'ready',
    async addBatch(events) {
      await queue.add(PERSIST_RUNS_JOB, { events }, RUNS_JOB_OPTIONS);
    },
    async close() {
      await queue.close().catch(() => undefined);
      connection.disconnect();
    },
  };
}
