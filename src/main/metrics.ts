/** Query metrics, counted from the run events the gateway records (one per attempt). */
import { Counter, Histogram } from 'prom-client';
import type { RunEvent, RunRecorder } from '../recorder/index.js';

const queries = new Counter({
  name: 'perennial_queries_total',
  help: 'Query attempts by runtime version and outcome',
  labelNames: ['runtime', 'outcome'],
});
const retries = new Counter({
  name: 'perennial_retries_total',
  help: 'Retried attempts (attempt > 1) by runtime version they ran on',
  labelNames: ['runtime'],
});
export const regressionsFound = new Counter({
  name: 'perennial_regressions_found_total',
  help: 'Regressions caught by blink-twice (failed on one version, succeeded on the pinned one)',
  labelNames: ['failed', 'good'],
});
const latency = new Histogram({
  name: 'perennial_query_duration_seconds',
  help: 'Attempt latency by runtime version and outcome',
  labelNames: ['runtime', 'outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

/** Counts every event, then hands it on. */
export function meteredRecorder(inner: RunRecorder): RunRecorder {
  return {
    record(e: RunEvent) {
      queries.inc({ runtime: e.runtimeVersion, outcome: e.outcome });
      if (e.attempt > 1) retries.inc({ runtime: e.runtimeVersion });
      latency.observe({ runtime: e.runtimeVersion, outcome: e.outcome }, e.durationMs / 1000);
      inner.record(e);
    },
  };
}
