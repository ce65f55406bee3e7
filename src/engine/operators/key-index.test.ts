import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Vec } from '../arrow/vec.js';
import { T } from '../plan/type-utils.js';
import { KeyIndex } from './key-index.js';

const doubles = (xs: number[]): Vec => ({ type: T.double, length: xs.length, data: Float64Array.from(xs), valid: null });
/** Spark's grouping equality: NaN groups with NaN, -0.0 with 0.0. */
const norm = (x: number) => (Number.isNaN(x) ? 'NaN' : x === 0 ? 0 : x);

describe('KeyIndex over numbers', () => {
  // Small integers take the direct-address array, which grows batch by batch and takes over keys that
  // were hashed before; the ids must not notice.
  const key = fc.oneof(
    fc.integer({ min: 0, max: 3000 }),
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: -50, max: 50 }),
    fc.constantFrom(Number.NaN, -0, 0.5, 2 ** 30, 2 ** 24 + 1),
    fc.double({ noNaN: true }),
  );
  it('gives equal keys equal ids in first-seen order across batches, and -1 to keys never inserted', () => {
    fc.assert(
      fc.property(fc.array(fc.array(key, { minLength: 150, maxLength: 600 }), { minLength: 1, maxLength: 6 }), fc.array(key, { maxLength: 50 }), (batches, probes) => {
        const index = new KeyIndex(1);
        const ref = new Map<unknown, number>();
        for (const b of batches) {
          const out = new Int32Array(b.length);
          index.insert([doubles(b)], b.length, out);
          b.forEach((x, i) => {
            if (!ref.has(norm(x))) ref.set(norm(x), ref.size);
            expect(out[i]).toBe(ref.get(norm(x)));
          });
        }
        expect(index.size).toBe(ref.size);
        const out = new Int32Array(probes.length);
        index.find([doubles(probes)], probes.length, out);
        probes.forEach((x, i) => expect(out[i]).toBe(ref.get(norm(x)) ?? -1));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the ids of hashed keys when the direct-address array grows over them', () => {
    const index = new KeyIndex(1);
    // Too sparse for the array at first (a 300000 key among 300 rows): every key is hashed.
    const first = [...Array.from({ length: 300 }, (_, i) => 299 - i), 300_000];
    const a = new Int32Array(first.length);
    index.insert([doubles(first)], first.length, a);
    // Dense enough now: 0..1999 move to the array, and 0..299 must keep their ids.
    const second = Array.from({ length: 2000 }, (_, i) => i);
    const b = new Int32Array(second.length);
    index.insert([doubles(second)], second.length, b);
    for (let k = 0; k < 300; k++) expect(b[k]).toBe(299 - k);
    expect(b[300]).toBe(301);
    const c = new Int32Array(1);
    index.find([doubles([300_000])], 1, c);
    expect(c[0]).toBe(300);
    expect(index.size).toBe(2001);
  });

  it('keeps huge sparse keys out of the direct-address array', () => {
    const index = new KeyIndex(1);
    const out = new Int32Array(2);
    index.insert([doubles([1, 2 ** 23])], 2, out);
    expect(Array.from(out)).toEqual([0, 1]);
    expect(index.bytes()).toBeLessThan(1 << 20);
  });

  it('gives equal (string, number) pairs equal ids across batches, whether the strings are few or many', () => {
    const str = fc.oneof(fc.constantFrom('A', 'N', 'R'), fc.string({ maxLength: 3 }), fc.constant(null));
    const row = fc.tuple(str, fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 100_000 })));
    fc.assert(
      fc.property(fc.array(fc.array(row, { maxLength: 300 }), { minLength: 1, maxLength: 5 }), (batches) => {
        const index = new KeyIndex(2);
        const ref = new Map<string, number>();
        for (const b of batches) {
          const s: Vec = {
            type: T.string,
            length: b.length,
            data: b.map(([x]) => x),
            valid: Uint8Array.from(b, ([x]) => (x === null ? 0 : 1)),
          };
          const out = new Int32Array(b.length);
          index.insert([s, doubles(b.map(([, y]) => y))], b.length, out);
          b.forEach((r, i) => {
            const k = JSON.stringify(r);
            if (!ref.has(k)) ref.set(k, ref.size);
            expect(out[i]).toBe(ref.get(k));
          });
        }
        expect(index.size).toBe(ref.size);
      }),
      { numRuns: 100 },
    );
  });
});
