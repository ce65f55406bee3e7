import { type Job, Worker } from 'bullmq';
import { createLogger } from '../core/logger.js';
import {
  cappedExponentialBackoff,
  createRedisConnection,
  type PersistRunsPayload,
  RUNS_BACKOFF_MAX_MS,
  RUNS_BACKOFF_TYPE,
  RUNS_QUEUE,
  type RunEventPayload,
} from '../queue/index.js';
import { type Database, type NewRun, type WorkloadTouch, withTransaction } from '../store/index.js';

export interface PersistRunsLogger {
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface PersistRunsWorkerOptions {
  redisUrl: string;
  db: Database;
  /** Default RUNS_QUEUE. */
  queueName?: string;
  /** BullMQ key prefix; must match the producer's. */
  prefix?: string;
  /** Batches processed at once. Default 2. */
  concurrency?: number;
  /** Cap of the retry delay. Default RUNS_BACKOFF_MAX_MS (30 s). */
  maxBackoffMs?: number;
  logger?: PersistRunsLogger;
  /** Minimum time between two "batch failed" log lines. Default 10 s. */
  failureLogIntervalMs?: number;
}

export interface PersistRunsWorker {
  worker: Worker<PersistRunsPayload>;
  /** Finishes the batches in progress, then disconnects. */
  close(): Promise<void>;
}

export interface PersistResult {
  inserted: number;
  /** Already stored (a redelivered batch or a duplicate event). */
  duplicates: number;
  /** Malformed events, logged and skipped so they cannot block their batch for ever. */
  invalid: number;
}

/**
 * Stores one batch in ONE transaction: the runs (idempotent on run_id) and, for the runs actually
 * inserted, the workloads' last_seen / run_count / last_good_version. A redelivered batch therefore
 * changes nothing, and a failed one changes nothing either, so BullMQ may simply retry it.
 */
export async function persistRunBatch(
  db: Database,
  events: readonly RunEventPayload[],
  logger?: PersistRunsLogger,
): Promise<PersistResult> {
  const rows: NewRun[] = [];
  let invalid = 0;
  for (const e of events) {
    const row = toNewRun(e);
    if (row === undefined) {
      invalid++;
      logger?.warn({ runId: (e as { runId?: unknown })?.runId }, 'malformed run event skipped');
    } else rows.push(row);
  }
  if (rows.length === 0) return { inserted: 0, duplicates: 0, invalid };
  return withTransaction(db, async (repos) => {
    const inserted = await repos.runs.insertBatch(rows);
    const touches: WorkloadTouch[] = inserted.map((r) => ({
      tenant: r.tenant,
      workload: r.workload,
      seenAt: r.startedAt,
      runs: 1,
      ...(r.outcome === 'success' ? { lastGood: { version: r.runtimeVersion, at: r.startedAt } } : {}),
    }));
    await repos.workloads.touch(touches);
    return { inserted: inserted.length, duplicates: rows.length - inserted.length, invalid };
  });
}

/**
 * The BullMQ worker on RUNS_QUEUE. Any failure (Postgres down, deadlock, timeout) fails the job and
 * BullMQ retries it with capped exponential backoff for as long as the job's attempts allow (about
 * for ever with RUNS_JOB_OPTIONS): a Postgres outage delays runs, it does not lose them.
 */
export function startPersistRunsWorker(opts: PersistRunsWorkerOptions): PersistRunsWorker {
  const logger = opts.logger ?? createLogger('perennial-persist-runs');
  const maxBackoff = opts.maxBackoffMs ?? RUNS_BACKOFF_MAX_MS;
  const logEvery = opts.failureLogIntervalMs ?? 10_000;
  let lastLog = 0;
  let unlogged = 0;

  const connection = createRedisConnection({
    url: opts.redisUrl,
    role: 'worker',
    connectionName: 'perennial-persist-runs',
  });
  const worker = new Worker<PersistRunsPayload>(
    opts.queueName ?? RUNS_QUEUE,
    async (job: Job<PersistRunsPayload>) => persistRunBatch(opts.db, job.data.events ?? [], logger),
    {
      connection,
      concurrency: opts.concurrency ?? 2,
      ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
      settings: {
        backoffStrategy: (attemptsMade, type, _err, job) => {
          const b = job?.opts.backoff;
          const base = typeof b === 'object' && b.delay !== undefined ? b.delay : typeof b === 'number' ? b : 250;
          if (type !== RUNS_BACKOFF_TYPE) return base;
          return cappedExponentialBackoff(attemptsMade, base, maxBackoff);
        },
      },
    },
  );
  worker.on('error', (err) => {
    const now = Date.now();
    if (now - lastLog >= logEvery) {
      lastLog = now;
      logger.warn({ err: describeError(err) }, 'persist-runs worker error');
    }
  });
  worker.on('failed', (job, err) => {
    unlogged++;
    const now = Date.now();
    if (now - lastLog >= logEvery) {
      lastLog = now;
      logger.warn(
        { failedBatches: unlogged, attemptsMade: job?.attemptsMade, err: describeError(err) },
        'run batch not stored; will retry',
      );
      unlogged = 0;
    }
  });

  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}

/**
 * A short, data-free description: query errors carry the whole statement and its parameters (run
 * events), which must not end up in logs.
 */
function describeError(err: Error): string {
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const msg = cause?.message ?? err.message;
  return `${typeof code === 'string' ? `${code} ` : ''}${msg}`.slice(0, 300);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OUTCOMES = new Set(['success', 'error', 'interrupted']);

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Payload → row, or undefined when the event could never be stored. */
function toNewRun(e: RunEventPayload): NewRun | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const startedAt = isStr(e.startedAt) ? new Date(e.startedAt) : undefined;
  if (
    !isStr(e.runId) ||
    !UUID.test(e.runId) ||
    !isStr(e.operationId) ||
    !isStr(e.tenant) ||
    !isStr(e.workload) ||
    !isStr(e.sessionId) ||
    !isStr(e.fingerprint) ||
    !isStr(e.runtimeVersion) ||
    !Number.isSafeInteger(e.attempt) ||
    !OUTCOMES.has(e.outcome) ||
    !isNum(e.durationMs) ||
    !isNum(e.rows) ||
    !isNum(e.bytes) ||
    (e.retriedFromRunId !== undefined && e.retriedFromRunId !== null && !UUID.test(String(e.retriedFromRunId))) ||
    startedAt === undefined ||
    Number.isNaN(startedAt.getTime())
  ) {
    return undefined;
  }
  return {
    runId: e.runId,
    operationId: e.operationId,
    tenant: e.tenant,
    workload: e.workload,
    sessionId: e.sessionId,
    fingerprint: e.fingerprint,
    runtimeVersion: e.runtimeVersion,
    attempt: e.attempt,
    outcome: e.outcome,
    errorClass: e.errorClass ?? null,
    sqlState: e.sqlState ?? null,
    message: e.message ?? null,
    durationMs: Math.min(Math.max(Math.round(e.durationMs), 0), 2_147_483_647),
    rows: Math.round(e.rows),
    bytes: Math.round(e.bytes),
    retriedFromRunId: e.retriedFromRunId ?? null,
    startedAt,
  };
}
