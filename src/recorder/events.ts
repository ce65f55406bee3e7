import type { RunEventPayload, RunOutcome } from '../queue/index.js';

/**
 * One attempt of one operation on one runtime version, mirroring the `runs` table: what the gateway
 * hands to a `RunRecorder` when an attempt ends. The type is the queue payload itself (defined in
 * `queue/queues.ts`, the contract shared with the persisting job), so the two cannot drift apart.
 *
 * - `runId` is a fresh UUID per attempt and the idempotency key downstream: recording the same
 *   event twice stores one row.
 * - `attempt` starts at 1; a "blink twice" retry sets `retriedFromRunId` to the failed attempt.
 * - `startedAt` is an ISO-8601 string (events travel as JSON).
 * - Plain JSON values only; do not mutate an event after passing it to `record()`.
 */
export type RunEvent = RunEventPayload;
export type { RunOutcome };
