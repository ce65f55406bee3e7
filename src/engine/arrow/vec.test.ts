import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { T } from '../plan/type-utils.js';
import { type Batch, selectBatch, takeBatch } from './vec.js';

describe('selectBatch', () => {
  it('gives the same batch as a row-by-row gather for any ascending selection', () => {
    const batch = fc.integer({ min: 1, max: 400 }).chain((n) =>
      fc.tuple(
        fc.constant(n),
        fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        // Long kept runs and short gaps, or anything.
        fc.oneof(fc.array(fc.boolean(), { minLength: n, maxLength: n }), fc.array(fc.constantFrom(true, true, true, true, true, true, true, false), { minLength: n, maxLength: n })),
      ),
    );
    fc.assert(
      fc.property(batch, ([n, nulls, keep]) => {
        const b: Batch = {
          length: n,
          cols: [
            { type: T.int, length: n, data: Int32Array.from({ length: n }, (_, i) => i * 3), valid: null },
            { type: T.double, length: n, data: Float64Array.from({ length: n }, (_, i) => i / 7), valid: Uint8Array.from(nulls, (x) => (x ? 0 : 1)) },
            { type: T.long, length: n, data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i) << 40n), valid: null },
            { type: T.string, length: n, data: Array.from({ length: n }, (_, i) => `s${i}`), valid: Uint8Array.from(nulls, (x) => (x ? 0 : 1)) },
          ],
        };
        const sel = Int32Array.from(keep.flatMap((k, i) => (k ? [i] : [])));
        expect(selectBatch(b, sel)).toEqual(takeBatch(b, sel));
      }),
      { numRuns: 300 },
    );
  });
});
