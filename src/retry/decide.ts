/**
 * The blink-twice decision table, as a pure function (property-tested).
 *
 * | failure                                | side effects | last good M      | decision                 |
 * |----------------------------------------|--------------|------------------|--------------------------|
 * | transient (driver lost, UNAVAILABLE…)  | none         | —                | retry once on another process of N |
 * | transient, N has no other process      | —            | —                | fail: UNAVAILABLE to the client |
 * | transient                              | write        | —                | fail: the write may have committed |
 * | deterministic (the query's own error)  | any          | M ≠ N, not tried | re-run on M              |
 * | deterministic                          | any          | none, or = N     | fail                     |
 * | auth / session handle                  | —            | —                | fail                     |
 *
 * Deterministic failures may be retried even for writes because drivers commit writes atomically
 * (stage, then rename): a failed attempt has committed nothing.
 */
export interface RetryInput {
  transient: boolean;
  /** Whether another ready process of the failed version exists to retry a transient failure on. */
  otherProcess: boolean;
  /** `auth` and `session` errors are the caller's, never retried. */
  kind: string | undefined;
  hasWrite: boolean;
  failedVersion: string;
  lastGoodVersion: string | undefined;
  /** Kinds of retries already made for this execution. */
  transientRetries: number;
  blinked: boolean;
}

export type RetryOutcome = { action: 'fail' } | { action: 'retry-transient' } | { action: 'retry-on-version'; version: string };

export function decideRetry(i: RetryInput): RetryOutcome {
  if (i.kind === 'auth' || i.kind === 'session') return { action: 'fail' };
  if (i.transient) {
    if (i.hasWrite || i.transientRetries >= 1 || !i.otherProcess) return { action: 'fail' };
    return { action: 'retry-transient' };
  }
  if (i.blinked || i.lastGoodVersion === undefined || i.lastGoodVersion === i.failedVersion) return { action: 'fail' };
  return { action: 'retry-on-version', version: i.lastGoodVersion };
}
