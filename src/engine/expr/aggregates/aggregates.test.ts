import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../index.js';
import { javaRandomInts, sparkMurmurBytes } from './count-min-sketch.js';

const session = () =>
  createEngine({
    profile: { ansiEnabled: true, stringNumberCoercion: 'lenient', legacySizeOfNull: false, legacyStatisticalAggregate: false },
    warehouseDir: join(tmpdir(), 'perennial-wh'),
    allowedRoots: [tmpdir()],
  }).newSession();

async function q(text: string): Promise<{ names: string[]; rows: unknown[][] }> {
  const sess = session();
  const o = await sess.sql(text);
  if (o.kind !== 'query') throw new Error('expected a query');
  const r = await sess.execute(o.plan);
  const rows: unknown[][] = [];
  for await (const b of r.batches) for (const row of b) rows.push(Object.values((row as { toJSON(): Record<string, unknown> }).toJSON()));
  return { names: r.schema.fields.map((f) => f.name), rows };
}

async function errorClass(text: string): Promise<string> {
  try {
    await q(text);
  } catch (e) {
    return (e as { errorClass?: string }).errorClass ?? String(e);
  }
  return 'no error';
}

describe('ordered aggregates', () => {
  it('listagg orders by WITHIN GROUP keys per group', async () => {
    const r = await q("SELECT a, listagg(b, '-') WITHIN GROUP (ORDER BY c DESC) FROM VALUES (1, 'x', 1), (1, 'y', 2), (2, 'z', 3), (1, NULL, 4) t(a, b, c) GROUP BY a ORDER BY a");
    expect(r.names[1]).toBe('listagg(b, -) WITHIN GROUP (ORDER BY c DESC NULLS LAST)');
    expect(r.rows).toEqual([
      [1, 'y-x'],
      [2, 'z'],
    ]);
  });
  it('listagg DISTINCT needs the ordering to be the value', async () => {
    expect(await errorClass('SELECT listagg(DISTINCT a) WITHIN GROUP (ORDER BY b) FROM VALUES (1, 2) t(a, b)')).toBe('INVALID_WITHIN_GROUP_EXPRESSION.MISMATCH_WITH_DISTINCT_INPUT');
    const r = await q("SELECT listagg(DISTINCT a, ',') WITHIN GROUP (ORDER BY a DESC) FROM VALUES ('x'), ('y'), ('x') t(a)");
    expect(r.rows).toEqual([['y,x']]);
  });
  it('mode breaks ties by direction, or in the order Spark hashes ints', async () => {
    expect((await q('SELECT mode() WITHIN GROUP (ORDER BY c) FROM VALUES (3), (1), (3), (1) t(c)')).rows).toEqual([[1]]);
    expect((await q('SELECT mode() WITHIN GROUP (ORDER BY c DESC) FROM VALUES (3), (1), (3), (1) t(c)')).rows).toEqual([[3]]);
    expect((await q('SELECT mode(c) FROM VALUES (10), (-10), (0) t(c)')).rows).toEqual([[0]]);
    expect(await errorClass('SELECT mode() FROM VALUES (1) t(c)')).toBe('INVALID_WITHIN_GROUP_EXPRESSION.WITHIN_GROUP_MISSING');
  });
  it('WITHIN GROUP on an aggregate that does not take it is an error', async () => {
    expect(await errorClass('SELECT sum(c) WITHIN GROUP (ORDER BY c) FROM VALUES (1) t(c)')).toBe('INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX');
  });
});

describe('percentiles', () => {
  it('percentile_cont DESC reverses, percentile_disc picks an input value', async () => {
    const r = await q('SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY c DESC), percentile_disc(0.4) WITHIN GROUP (ORDER BY c) FROM VALUES (0), (10), (20) t(c)');
    expect(r.names).toEqual(['percentile_cont(0.25) WITHIN GROUP (ORDER BY c DESC)', 'percentile_disc(0.4) WITHIN GROUP (ORDER BY c)']);
    expect(r.rows).toEqual([[15, 10]]);
  });
  it('percentile weighs values by frequency and checks the percentage', async () => {
    expect((await q('SELECT percentile(v, 0.5, f) FROM VALUES (1, 3), (100, 1) t(v, f)')).rows).toEqual([[1]]);
    expect(await errorClass('SELECT percentile(v, 1.5) FROM VALUES (1) t(v)')).toBe('DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE');
    expect(await errorClass('SELECT percentile_cont(0.5) FROM VALUES (1) t(v)')).toBe('INVALID_WITHIN_GROUP_EXPRESSION.WITHIN_GROUP_MISSING');
  });
});

describe('other aggregates', () => {
  it('max_by / min_by with k', async () => {
    const r = await q("SELECT max_by(x, y, 2), min_by(x, y, 5) FROM VALUES ('a', 10), ('b', 50), ('c', 20) t(x, y)");
    expect(r.rows.map((row) => row.map((v) => (v as { toArray(): unknown[] }).toArray()))).toEqual([
      [
        ['b', 'c'],
        ['a', 'c', 'b'],
      ],
    ]);
  });
  it('bit_and / bit_or / bit_xor keep the input type', async () => {
    const r = await q('SELECT bit_and(c), bit_or(c), bit_xor(c), bit_or(CAST(c AS BIGINT)) FROM VALUES (3), (5), (NULL) t(c)');
    expect(r.rows).toEqual([[1, 7, 6, 7n]]);
  });
  it('try_sum turns an overflow into NULL; sum raises it', async () => {
    expect((await q('SELECT try_sum(c) FROM VALUES (9223372036854775807L), (1L) t(c)')).rows).toEqual([[null]]);
    expect(await errorClass('SELECT sum(c) FROM VALUES (9223372036854775807L), (1L) t(c)')).toBe('ARITHMETIC_OVERFLOW');
  });
  it('regr_* ignore pairs with a NULL', async () => {
    const r = await q('SELECT regr_count(y, x), regr_slope(y, x), regr_intercept(y, x) FROM VALUES (1, 1), (3, 2), (NULL, 5), (5, 3) t(y, x)');
    expect(r.rows).toEqual([[3n, 2, -1]]);
  });
});

describe('window functions', () => {
  it('nth_value over the default frame, lag naming', async () => {
    const r = await q('SELECT b, nth_value(b, 2) OVER (ORDER BY b), lag(b) OVER (ORDER BY b) FROM VALUES (3), (1), (2) t(b) ORDER BY b');
    expect(r.names.slice(1)).toEqual([
      'nth_value(b, 2) OVER (ORDER BY b ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
      'lag(b, 1, NULL) OVER (ORDER BY b ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)',
    ]);
    expect(r.rows).toEqual([
      [1, null, null],
      [2, 2, 1],
      [3, 2, 2],
    ]);
  });
});

describe('Spark hashing helpers', () => {
  it('java.util.Random and Murmur3 match the JVM', () => {
    // The first hash multiplier of Spark's count_min_sketch with seed 1 (seen in its serialized bytes).
    expect(javaRandomInts(1, 2147483647, 1)).toEqual([0x5d8d6ab9]);
    expect(sparkMurmurBytes(new Uint8Array(0), 0)).toBe(0);
  });
});
