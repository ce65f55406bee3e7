/**
 * Rollout settings: stages, pacing and gate thresholds, with the defaults documented in README.md.
 */
import { PerennialError } from '../core/errors.js';

export interface RolloutConfig {
  /** Least time a stage runs before the next one (gates must pass then too). Default 10 min. */
  minIntervalMs: number;
  /** Candidate runs needed in a stage before it may pass. Default 20. */
  minRuns: number;
  /** Largest share of the stage's candidate workloads allowed to regress (blink to the baseline). Default 0.02. */
  maxRegressionRate: number;
  /** Largest allowed (candidate error rate − baseline error rate) over the stage. Default 0.02. */
  maxErrorRateDelta: number;
  /** Candidate median latency / baseline median latency (same workloads and queries) that fails the gate. Default 1.5. */
  latencyFactor: number;
  /** Significance level of the one-sided Mann-Whitney test behind the latency gate. Default 0.01. */
  latencyAlpha: number;
  /** Samples needed on each side before latency is judged. Default 20. */
  latencyMinSamples: number;
  /** Roll back instead of halting when a gate fails. Default false. */
  autoRollback: boolean;
}

export const DEFAULT_STAGES = [0.01, 0.05, 0.25, 0.5, 1];

export const DEFAULT_ROLLOUT_CONFIG: RolloutConfig = {
  minIntervalMs: 10 * 60_000,
  minRuns: 20,
  maxRegressionRate: 0.02,
  maxErrorRateDelta: 0.02,
  latencyFactor: 1.5,
  latencyAlpha: 0.01,
  latencyMinSamples: 20,
  autoRollback: false,
};

function bad(message: string): PerennialError {
  return new PerennialError('INVALID_PARAMETER_VALUE', message, { kind: 'user', sqlState: '22023' });
}

/** `500ms`, `30s`, `10m`, `1h`, or a number of milliseconds. */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw bad(`invalid duration ${v}`);
    return v;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
  if (!m) throw bad(`invalid duration "${v}" (use e.g. 500ms, 30s, 10m, 1h)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(n * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms']);
}

/** `1,5,25,50,100` (percent) → [0.01, 0.05, 0.25, 0.5, 1]; strictly increasing; 100 appended if missing. */
export function parseStages(v: string | readonly number[]): number[] {
  const pct = typeof v === 'string' ? v.split(',').map((s) => Number(s.trim())) : [...v];
  if (pct.length === 0 || pct.some((p) => !Number.isFinite(p) || p <= 0 || p > 100)) {
    throw bad(`stages must be percentages in (0, 100], e.g. 1,5,25,50,100`);
  }
  for (let i = 1; i < pct.length; i++) {
    if ((pct[i] as number) <= (pct[i - 1] as number)) throw bad('stages must be strictly increasing');
  }
  if (pct[pct.length - 1] !== 100) pct.push(100);
  return pct.map((p) => p / 100);
}

/** Validated config from partial operator input (numbers or strings). */
export function resolveConfig(input: Record<string, unknown> = {}): RolloutConfig {
  const c: RolloutConfig = { ...DEFAULT_ROLLOUT_CONFIG };
  const num = (k: keyof RolloutConfig, min: number, max: number, int = false) => {
    const v = input[k];
    if (v === undefined || v === null || v === '') return;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
      throw bad(`${k} must be ${int ? 'an integer' : 'a number'} in [${min}, ${max}]`);
    }
    (c as unknown as Record<string, number>)[k] = n;
  };
  if (input.minIntervalMs !== undefined && input.minIntervalMs !== null && input.minIntervalMs !== '') {
    c.minIntervalMs = parseDuration(input.minIntervalMs as string | number);
  }
  num('minRuns', 1, 1e9, true);
  num('maxRegressionRate', 0, 1);
  num('maxErrorRateDelta', 0, 1);
  num('latencyFactor', 1, 1000);
  num('latencyAlpha', 1e-9, 0.5);
  num('latencyMinSamples', 3, 1e6, true);
  if (input.autoRollback !== undefined) c.autoRollback = input.autoRollback === true || input.autoRollback === 'true';
  return c;
}
