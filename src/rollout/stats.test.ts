import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeSlowdown, loadDrift, mannWhitneyU, median, normalSf } from './stats.js';

/** Exact null distribution of U (no ties): counts[u] = arrangements giving U = u. */
function exactCounts(n1: number, n2: number): number[] {
  const memo = new Map<string, number[]>();
  const f = (a: number, b: number): number[] => {
    const k = `${a},${b}`;
    const hit = memo.get(k);
    if (hit) return hit;
    let out: number[];
    if (a === 0 || b === 0) out = [1];
    else {
      // The largest value is from x (adds b to U) or from y (adds 0).
      const fromX = f(a - 1, b);
      const fromY = f(a, b - 1);
      out = new Array(a * b + 1).fill(0);
      fromX.forEach((c, u) => {
        out[u + b] = (out[u + b] ?? 0) + c;
      });
      fromY.forEach((c, u) => {
        out[u] = (out[u] ?? 0) + c;
      });
    }
    memo.set(k, out);
    return out;
  };
  return f(n1, n2);
}

const sample = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: min, maxLength: max });

describe('Mann-Whitney U', () => {
  it('matches the textbook example (scipy asymptotic, continuity-corrected)', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u1).toBe(0);
    expect(r.u2).toBe(25);
    expect(r.pValue).toBeCloseTo(0.01218, 4);
    expect(normalSf(1.959963985)).toBeCloseTo(0.025, 6);
  });

  it('U1 + U2 = n1·n2 and p is a probability', () => {
    fc.assert(
      fc.property(sample(1, 40), sample(1, 40), fc.constantFrom('two-sided', 'greater', 'less' as const), (x, y, alt) => {
        const r = mannWhitneyU(x, y, alt);
        expect(r.u1 + r.u2).toBeCloseTo(x.length * y.length, 9);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is invariant under strictly increasing transformations (rank-based)', () => {
    fc.assert(
      fc.property(sample(1, 30), sample(1, 30), (x, y) => {
        const a = mannWhitneyU(x, y, 'greater');
        const t = (v: number) => v ** 3 + 7 * v + 11;
        const b = mannWhitneyU(x.map(t), y.map(t), 'greater');
        expect(b.u1).toBe(a.u1);
        expect(b.pValue).toBeCloseTo(a.pValue, 12);
      }),
    );
  });

  it('greater(x, y) is less(y, x); two-sided is symmetric', () => {
    fc.assert(
      fc.property(sample(1, 30), sample(1, 30), (x, y) => {
        expect(mannWhitneyU(x, y, 'greater').pValue).toBeCloseTo(mannWhitneyU(y, x, 'less').pValue, 12);
        expect(mannWhitneyU(x, y).pValue).toBeCloseTo(mannWhitneyU(y, x).pValue, 12);
      }),
    );
  });

  it('a sample shifted above every other value is significant once both sides have ≥ 8 values', () => {
    fc.assert(
      fc.property(sample(8, 40), sample(8, 40), (x, y) => {
        const shifted = x.map((v) => v + 2_000);
        expect(mannWhitneyU(shifted, y, 'greater').pValue).toBeLessThan(0.001);
        expect(mannWhitneyU(shifted, y, 'less').pValue).toBeGreaterThan(0.99);
      }),
    );
  });

  it('the same data on both sides is never significant; all ties give p = 1', () => {
    fc.assert(
      fc.property(sample(1, 40), (x) => {
        expect(mannWhitneyU(x, [...x]).pValue).toBeGreaterThan(0.9);
      }),
    );
    expect(mannWhitneyU([5, 5, 5], [5, 5]).pValue).toBe(1);
    expect(mannWhitneyU([], [1, 2]).pValue).toBe(1);
  });

  it('the normal approximation stays close to the exact distribution (distinct values, n ≤ 8)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 8, maxLength: 16 }), fc.integer({ min: 4, max: 8 }), (vals, n1raw) => {
        const n1 = Math.min(n1raw, vals.length - 4);
        const x = vals.slice(0, n1);
        const y = vals.slice(n1, Math.min(vals.length, n1 + 8));
        const r = mannWhitneyU(x, y, 'greater');
        const counts = exactCounts(x.length, y.length);
        const total = counts.reduce((a, b) => a + b, 0);
        const exact = counts.slice(Math.round(r.u1)).reduce((a, b) => a + b, 0) / total;
        expect(Math.abs(r.pValue - exact)).toBeLessThan(0.03);
      }),
    );
  });
});

describe('judgeSlowdown', () => {
  it('never judges from too few samples', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1000, max: 2000 }), { minLength: 0, maxLength: 9 }), sample(10, 30), (c, b) => {
        expect(judgeSlowdown(c, b, { factor: 1.5, minSamples: 10, alpha: 0.01 }).slower).toBe(false);
      }),
    );
  });

  it('flags a consistent, large slowdown; not noise of the same distribution; not a small consistent one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 20, max: 40 }), { minLength: 20, maxLength: 60 }), fc.integer({ min: 0, max: 59 }), (a, k) => {
        const opts = { factor: 1.5, minSamples: 10, alpha: 0.01 };
        // The baseline: the same distribution (a rotated copy with ±1 ms jitter).
        const b = a.map((_, i) => (a[(i + k) % a.length] as number) + ((i % 3) - 1));
        expect(judgeSlowdown(a.map((v) => v * 3), b, opts).slower).toBe(true);
        expect(judgeSlowdown(a.map((v) => v + 2), b, opts).slower).toBe(false);
        expect(judgeSlowdown(a, b, opts).slower).toBe(false);
      }),
    );
    // One huge outlier among otherwise equal samples is not a regression.
    const base = Array.from({ length: 30 }, (_, i) => 10 + (i % 5));
    expect(judgeSlowdown([...base.slice(1), 10_000], base, { factor: 1.5, minSamples: 10, alpha: 0.01 }).slower).toBe(false);
    expect(median([3, 1, 2])).toBe(2);
  });
});

describe('load drift', () => {
  const runs = (key: string, recent: boolean, ms: number[]) => ms.map((durationMs) => ({ key, recent, durationMs }));
  it('is each recent run over its own query history, pooled; undefined without enough control runs', () => {
    const samples = [
      ...runs('a', false, [10, 10, 12]),
      ...runs('a', true, [20, 20, 22, 19]),
      ...runs('b', false, [100, 100]),
      ...runs('b', true, [210, 190, 200]),
      ...runs('c', true, [1_000, 1_000, 1_000]), // no history: not a control
    ];
    expect(loadDrift(samples, { minSamples: 7, floor: 1 })).toEqual({ factor: 2, n: 7 });
    expect(loadDrift(samples, { minSamples: 8, floor: 1 })).toBeUndefined();
    // Sub-floor durations count as the floor: timer noise is not drift.
    expect(loadDrift([...runs('a', false, [1, 2, 1]), ...runs('a', true, [4, 3, 4])], { minSamples: 3, floor: 5 })).toEqual({ factor: 1, n: 3 });
  });
});
