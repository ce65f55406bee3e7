/**
 * String vectors that carry their Parquet dictionary must give the same answers as plain ones, in
 * every kernel that works per dictionary entry, and keep the dictionary true through gathers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVecScalar } from '../expr/compare.js';
import '../expr/functions/index.js';
import { type CallNode, lookupFunction } from '../expr/functions/registry.js';
import { KeyIndex } from '../operators/key-index.js';
import type { RExpr } from '../plan/logical-plan.js';
import { T } from '../plan/type-utils.js';
import { type Vec, selectBatch, sliceVec, takeVec } from './vec.js';

const VALUES = ['MAIL', 'SHIP', 'AIR', 'DELIVER IN PERSON', 'R'];

/** The same rows as a plain string vector and as one with a dictionary. */
function pair(codes: number[], nulls: boolean[]): [Vec, Vec] {
  const n = codes.length;
  const valid = nulls.some(Boolean) ? Uint8Array.from(nulls, (x) => (x ? 0 : 1)) : null;
  const data = codes.map((c, i) => (nulls[i] ? null : VALUES[c]!));
  const plain: Vec = { type: T.string, length: n, data, valid };
  return [plain, { ...plain, dict: { values: VALUES, codes: Int32Array.from(codes) } }];
}

const rows = fc.integer({ min: 10, max: 200 }).chain((n) =>
  fc.tuple(
    fc.array(fc.integer({ min: 0, max: VALUES.length - 1 }), { minLength: n, maxLength: n }),
    fc.oneof(fc.array(fc.boolean(), { minLength: n, maxLength: n }), fc.constant(new Array<boolean>(n).fill(false))),
  ),
);
const lit = (value: unknown): RExpr => ({ k: 'lit', value, type: T.string, nullable: value === null, sql: String(value) });
const ref: RExpr = { k: 'ref', id: 1, name: 's', type: T.string, nullable: true, sql: 's' };
const call = (fn: string, args: RExpr[], opts?: Record<string, unknown>): CallNode => ({ k: 'call', fn, args, type: T.boolean, nullable: true, sql: fn, ...(opts ? { opts } : {}) }) as CallNode;
const ctx = {} as never;

describe('dictionary-carrying string vectors', () => {
  it('compare with a literal like plain ones', () => {
    fc.assert(
      fc.property(rows, fc.constantFrom('=', '!=', '<', '<=', '>', '>=') as fc.Arbitrary<'='>, fc.constantFrom(...VALUES, 'M'), ([codes, nulls], op, value) => {
        const [plain, dict] = pair(codes, nulls);
        expect(compareVecScalar(op, dict, value, T.string)).toEqual(compareVecScalar(op, plain, value, T.string));
      }),
    );
  });

  it('answer IN (literals) and LIKE like plain ones', () => {
    const inFn = lookupFunction('in')!;
    const likeFn = lookupFunction('like')!;
    fc.assert(
      fc.property(rows, fc.subarray([...VALUES, 'X', null]), fc.constantFrom('%A%', 'S%', '%N', 'R', '%'), ([codes, nulls], list, pattern) => {
        const [plain, dict] = pair(codes, nulls);
        const n = codes.length;
        const node = call('in', [ref, ...list.map(lit)]);
        // IN takes its literal list from the node; the list's own vectors are never read.
        const items: Vec[] = list.map(() => ({ type: T.string, length: 0, data: [], valid: null }));
        const a = inFn.vector!([plain, ...items], n, ctx, node);
        const b = inFn.vector!([dict, ...items], n, ctx, node);
        // Compare as three-valued answers: the value bit only matters where the answer is not NULL.
        const tv = (v: Vec) => Array.from({ length: n }, (_, i) => (v.valid !== null && v.valid[i] === 0 ? null : (v.data as Uint8Array)[i]));
        expect(tv(b)).toEqual(tv(a));
        const likeNode = call('like', [ref, lit(pattern)], { escape: '\\' });
        const patVec: Vec = { type: T.string, length: n, data: new Array(n).fill(pattern), valid: null };
        expect(tv(likeFn.vector!([dict, patVec], n, ctx, likeNode))).toEqual(tv(likeFn.vector!([plain, patVec], n, ctx, likeNode)));
      }),
    );
  });

  it('get the same group ids as plain ones, mixed batch by batch in one index', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(rows, fc.boolean()), { minLength: 1, maxLength: 4 }), (batches) => {
        const a = new KeyIndex(1);
        const b = new KeyIndex(1);
        for (const [[codes, nulls], useDict] of batches) {
          const [plain, dict] = pair(codes, nulls);
          const outA = new Int32Array(codes.length);
          const outB = new Int32Array(codes.length);
          a.insert([plain], codes.length, outA);
          b.insert([useDict ? dict : plain], codes.length, outB);
          expect(outB).toEqual(outA);
        }
      }),
    );
  });

  it('keep data[i] = values[codes[i]] through take, slice and select', () => {
    fc.assert(
      fc.property(rows, ([codes, nulls]) => {
        const [, dict] = pair(codes, nulls);
        const n = codes.length;
        const idx = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1);
        const check = (v: Vec) => {
          expect(v.dict).toBeDefined();
          for (let i = 0; i < v.length; i++) if (v.valid === null || v.valid[i] === 1) expect((v.data as string[])[i]).toBe(v.dict!.values[v.dict!.codes[i]!]);
        };
        check(takeVec(dict, idx));
        check(sliceVec(dict, 2, n - 1));
        check(selectBatch({ cols: [dict], length: n }, Int32Array.from(idx)).cols[0]!);
        // One long run: the block-copy path.
        check(selectBatch({ cols: [dict], length: n }, Int32Array.from({ length: n - 2 }, (_, i) => i + 2)).cols[0]!);
      }),
    );
  });
});
