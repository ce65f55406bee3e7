/**
 * Queue names, payload types and default job options: the single source of truth shared by
 * producers (recorder) and consumers (jobs).
 */
import type { JobsOptions } from 'bullmq';

export const RUNS_QUEUE = 'perennial-runs';
export const PERSIST_RUNS_JOB = 'persist-runs';

export type RunOutcome = 'success' | 'error' | 'interrupted';

/**
 * One attempt of one operation on one runtime version, as it travels through the queue (plain JSON:
 * `startedAt` is an ISO-8601 string). Mirrors the `runs` table.
 */
export interface RunEventPayload {
  /** UUID; the idempotency key of the runs table. */
  runId: string;
  operationId: string;
  tenant: string;
  workload: string;
  sessionId: string;
  fingerprint: string;
  runtimeVersion: string;
  /** 1 for the first attempt; retries count up. */
  attempt: number;
  outcome: RunOutcome;
  errorClass?: string;
  sqlState?: string;
  message?: string;
  durationMs: number;
  rows: number;
  bytes: number;
  /** runId of the attempt this one retried (blink twice). */
  retriedFromRunId?: string;
  startedAt: string;
}

/** Payload of one job on RUNS_QUEUE: a batch of events. */
export interface PersistRunsPayload {
  events: RunEventPayload[];
}

/**
 * Capped exponential backoff, computed by the worker's backoff strategy: `delay * 2^(n-1)`, at most
 * `RUNS_BACKOFF_MAX_MS`. With a near-unbounded attempt count, a batch waits out a Postgres outage.
 */
export const RUNS_BACKOFF_TYPE = 'capped-exponential';
export const RUNS_BACKOFF_MAX_MS = 30_000;

export const RUNS_JOB_OPTIONS: JobsOptions = {
  attempts: 1_000_000,
  backoff: { type: RUNS_BACKOFF_TYPE, delay: 250 },
  removeOnComplete: true,
  // Kept for inspection if a batch ever exhausts its attempts.
  removeOnFail: false,
};

export function cappedExponentialBackoff(attemptsMade: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(Math.max(attemptsMade - 1, 0), 30);
  return Math.min(baseMs * 2 ** exp, maxMs);
}
