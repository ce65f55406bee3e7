/**
 * Rank statistics for judging latency: the Mann-Whitney U test (Wilcoxon rank-sum) with average ranks
 * for ties, the tie-corrected variance and the normal approximation with a continuity correction —
 * the same asymptotic method as scipy.stats.mannwhitneyu(method='asymptotic'). Rank-based, so it is
 * unmoved by outliers and by any monotone transformation of the data, which is what run durations
 * (skewed, heavy-tailed, full of ties at millisecond resolution) need.
 */

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /** U statistic of the first sample: how many (x, y) pairs have x > y (ties count one half). */
  u1: number;
  /** U of the second sample; u1 + u2 = n1 · n2. */
  u2: number;
  /** Standardized statistic for the chosen alternative (0 when undefined). */
  z: number;
  pValue: number;
  /** Common-language effect size u1 / (n1 · n2): P(X > Y) + P(X = Y) / 2. */
  effect: number;
}

/** 1 − Φ(z): upper tail of the standard normal. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes `erfcc`, fractional error below 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Mann-Whitney U test of x against y. `greater`: x tends to be larger than y (e.g. candidate slower).
 * Empty samples or all-tied data give p = 1 (no evidence).
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided'): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { n1, n2, u1: 0, u2: 0, z: 0, pValue: 1, effect: 0.5 };
  const all = [...x.map((v) => ({ v, g: 0 })), ...y.map((v) => ({ v, g: 1 }))].sort((a, b) => a.v - b.v);
  const n = n1 + n2;
  let r1 = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && (all[j + 1] as { v: number }).v === (all[i] as { v: number }).v) j++;
    const rank = (i + j) / 2 + 1; // average of ranks i+1 .. j+1
    const t = j - i + 1;
    if (t > 1) tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) if ((all[k] as { g: number }).g === 0) r1 += rank;
    i = j + 1;
  }
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const effect = u1 / (n1 * n2);
  if (!(variance > 0)) return { n1, n2, u1, u2, z: 0, pValue: 1, effect };
  const sd = Math.sqrt(variance);
  let z: number;
  let p: number;
  if (alternative === 'greater') {
    z = (u1 - mu - 0.5) / sd;
    p = normalSf(z);
  } else if (alternative === 'less') {
    z = (u2 - mu - 0.5) / sd;
    p = normalSf(z);
  } else {
    z = (Math.max(u1, u2) - mu - 0.5) / sd;
    p = 2 * normalSf(z);
  }
  return { n1, n2, u1, u2, z, pValue: Math.min(1, Math.max(0, p)), effect };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export interface SlowdownVerdict {
  /** candidate median / baseline median (medians floored at `floor`, default 1 ms, so sub-millisecond noise is not a factor). */
  ratio: number;
  pValue: number;
  effect: number;
  nCandidate: number;
  nBaseline: number;
  /** Enough samples on both sides, ratio ≥ factor, and the test says candidate is slower (p < alpha). */
  slower: boolean;
  /** Why it is or is not called slower. */
  detail: string;
}

/**
 * "Markedly and consistently slower": both the size of the slowdown (median ratio ≥ factor) and its
 * consistency (one-sided Mann-Whitney, p < alpha) are required, and never from fewer than `minSamples`
 * on either side — one slow run proves nothing.
 */
export function judgeSlowdown(
  candidate: readonly number[],
  baseline: readonly number[],
  opts: { factor: number; minSamples: number; alpha: number; floor?: number },
): SlowdownVerdict {
  const nCandidate = candidate.length;
  const nBaseline = baseline.length;
  if (nCandidate < opts.minSamples || nBaseline < opts.minSamples) {
    return {
      ratio: Number.NaN,
      pValue: 1,
      effect: 0.5,
      nCandidate,
      nBaseline,
      slower: false,
      detail: `not enough samples (${nCandidate} vs ${nBaseline}, need ${opts.minSamples} each)`,
    };
  }
  const floor = opts.floor ?? 1;
  const ratio = Math.max(floor, median(candidate)) / Math.max(floor, median(baseline));
  const t = mannWhitneyU(candidate, baseline, 'greater');
  const slower = ratio >= opts.factor && t.pValue < opts.alpha;
  return {
    ratio,
    pValue: t.pValue,
    effect: t.effect,
    nCandidate,
    nBaseline,
    slower,
    detail: `median ratio ${ratio.toFixed(2)} (limit ${opts.factor}), Mann-Whitney p=${t.pValue.toExponential(2)} (alpha ${opts.alpha}), n=${nCandidate}/${nBaseline}`,
  };
}

export interface LoadDrift {
  /** Recent / historical duration of the same baseline queries: above 1 the machine is slower now. */
  factor: number;
  /** Recent control runs the factor was taken from. */
  n: number;
}

/**
 * How much the environment itself moved between the baseline's history and now, from a control group
 * that ran on the baseline both before and during the stage: each recent run over its own query's
 * historical median, pooled, median. A candidate judged against history alone would be blamed for
 * (or credited with) any change in load; dividing by this factor removes that. Undefined when fewer
 * than `minSamples` recent control runs have a history to compare with.
 */
export function loadDrift(
  samples: readonly { key: string; recent: boolean; durationMs: number }[],
  opts: { minSamples: number; floor: number },
): LoadDrift | undefined {
  const byKey = new Map<string, { recent: number[]; history: number[] }>();
  for (const s of samples) {
    let e = byKey.get(s.key);
    if (!e) {
      e = { recent: [], history: [] };
      byKey.set(s.key, e);
    }
    (s.recent ? e.recent : e.history).push(Math.max(opts.floor, s.durationMs));
  }
  const ratios: number[] = [];
  for (const { recent, history } of byKey.values()) {
    if (recent.length === 0 || history.length === 0) continue;
    const m = median(history);
    for (const x of recent) ratios.push(x / m);
  }
  if (ratios.length < opts.minSamples) return undefined;
  return { factor: median(ratios), n: ratios.length };
}
