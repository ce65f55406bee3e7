/**
 * Performance regressions: per (workload, query fingerprint, version) latency. A query markedly and
 * consistently slower on a version than on the previous version the same workload ran it on — median
 * ratio ≥ factor, median at least `minDeltaMs` slower, one-sided Mann-Whitney p < alpha, at least
 * `minSamples` successful runs on each side — is recorded as a `performance` regression. Pinning is
 * optional (off by default: a slow answer is still an answer).
 */
import type { Logger } from '../core/logger.js';
import { compareVersions } from '../core/runtime.js';
import type { DurationSample, Repositories } from '../store/index.js';
import { judgeSlowdown, median, type SlowdownVerdict } from './stats.js';

export interface PerfOptions {
  factor: number;
  minSamples: number;
  alpha: number;
  /** Absolute slowdown of the medians below which nothing is flagged (timer resolution, noise). */
  minDeltaMs: number;
  /** How far back runs are considered. */
  windowMs: number;
  /** Pin the workload to the faster version. */
  pin: boolean;
}

export const DEFAULT_PERF_OPTIONS: PerfOptions = {
  factor: 2,
  minSamples: 10,
  alpha: 0.001,
  minDeltaMs: 10,
  windowMs: 24 * 3_600_000,
  pin: false,
};

export interface PerfFinding {
  tenant: string;
  workload: string;
  fingerprint: string;
  slowVersion: string;
  fastVersion: string;
  verdict: SlowdownVerdict;
}

/** Pure: findings from duration samples. Each version is compared with the closest older version that has enough samples. */
export function findPerformanceRegressions(samples: readonly DurationSample[], o: Omit<PerfOptions, 'windowMs' | 'pin'>): PerfFinding[] {
  const groups = new Map<string, Map<string, number[]>>();
  for (const s of samples) {
    const k = `${s.tenant}\u0000${s.workload}\u0000${s.fingerprint}`;
    let byVersion = groups.get(k);
    if (!byVersion) {
      byVersion = new Map();
      groups.set(k, byVersion);
    }
    const d = byVersion.get(s.version);
    if (d) d.push(s.durationMs);
    else byVersion.set(s.version, [s.durationMs]);
  }
  const out: PerfFinding[] = [];
  for (const [k, byVersion] of groups) {
    const [tenant, workload, fingerprint] = k.split('\u0000') as [string, string, string];
    const versions = [...byVersion.keys()].filter((v) => (byVersion.get(v)?.length ?? 0) >= o.minSamples).sort(compareVersions);
    for (let i = 1; i < versions.length; i++) {
      const slow = byVersion.get(versions[i] as string) as number[];
      const fast = byVersion.get(versions[i - 1] as string) as number[];
      const verdict = judgeSlowdown(slow, fast, o);
      if (verdict.slower && median(slow) - median(fast) >= o.minDeltaMs) {
        out.push({ tenant, workload, fingerprint, slowVersion: versions[i] as string, fastVersion: versions[i - 1] as string, verdict });
      }
    }
  }
  return out;
}

export class PerformanceRegressionDetector {
  constructor(
    private readonly repos: Repositories,
    private readonly log: Logger,
    private readonly opts: PerfOptions = DEFAULT_PERF_OPTIONS,
    private readonly onPinned?: (workload: string) => Promise<void>,
  ) {}

  /** One detection pass; returns the findings that were new (a workload added to a regression). */
  async run(now = Date.now()): Promise<PerfFinding[]> {
    const samples = await this.repos.rolloutEvidence.recentDurations(new Date(now - this.opts.windowMs));
    const findings = findPerformanceRegressions(samples, this.opts);
    const fresh: PerfFinding[] = [];
    for (const f of findings) {
      const { regression, newWorkload } = await this.repos.rolloutEvidence.recordPerformanceRegression({
        fingerprint: f.fingerprint,
        failedVersion: f.slowVersion,
        goodVersion: f.fastVersion,
        tenant: f.tenant,
        workload: f.workload,
        message: `${f.slowVersion} is slower than ${f.fastVersion}: ${f.verdict.detail}`,
        seenAt: new Date(now),
      });
      if (!newWorkload) continue;
      fresh.push(f);
      this.log.warn({ workload: f.workload, slow: f.slowVersion, fast: f.fastVersion, detail: f.verdict.detail }, 'performance regression');
      if (this.opts.pin && regression.status === 'open') {
        await this.repos.pins.add({
          tenant: f.tenant,
          workload: f.workload,
          version: f.fastVersion,
          reason: 'regression',
          regressionId: regression.id,
          actor: 'perf-detector',
          note: `performance regression on ${f.slowVersion}: ${f.verdict.detail}`,
        });
        await this.onPinned?.(f.workload);
      }
    }
    return fresh;
  }
}
