import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineHandle, openSession, runSql } from '../../../../test/golden/engine-runner.js';
import { createEngine } from '../../index.js';

let h: EngineHandle;

beforeAll(async () => {
  h = await openSession(createEngine, true);
  await runSql(
    h.session,
    "CREATE TEMP VIEW t AS SELECT * FROM VALUES (1, array(1, 2, 3), map('a', 1), 10), (2, NULL, NULL, 20), (3, array(), map(), 30), (4, array(4, NULL), map('b', NULL), 40) AS t(id, arr, m, k)",
  );
});
afterAll(() => h.dispose());

/** Result rows as the golden harness prints them, or the error class. */
async function rows(sql: string): Promise<string[] | string> {
  const r = await runSql(h.session, sql);
  return r.kind === 'rows' ? r.rows : r.errorClass;
}

describe('higher-order functions', () => {
  it('lambda bodies see the row’s other columns', async () => {
    expect(await rows('SELECT id, transform(arr, x -> x + k) FROM t ORDER BY id')).toEqual(['1\t[11,12,13]', '2\tNULL', '3\t[]', '4\t[44,null]']);
    expect(await rows('SELECT id FROM t WHERE exists(arr, x -> x = id) ORDER BY id')).toEqual(['1', '4']);
  });

  it('three-valued exists/forall and filter with an index', async () => {
    expect(await rows('SELECT id, exists(arr, x -> x > 3), forall(arr, x -> x > 0), filter(arr, (x, i) -> i > 0) FROM t ORDER BY id')).toEqual([
      '1\tfalse\ttrue\t[2,3]',
      '2\tNULL\tNULL\tNULL',
      '3\tfalse\ttrue\t[]',
      '4\ttrue\tNULL\t[null]',
    ]);
  });

  it('aggregate folds per row and checks the merge type', async () => {
    expect(await rows('SELECT id, aggregate(arr, 0L, (acc, x) -> acc + coalesce(x, 100), acc -> acc * 2) FROM t ORDER BY id')).toEqual(['1\t12', '2\tNULL', '3\t0', '4\t208']);
    expect(await rows('SELECT aggregate(array(1), 0, (acc, x) -> acc + 1.5)')).toBe('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE');
  });

  it('nested lambdas and lambdas under CASE/IF', async () => {
    expect(await rows('SELECT transform(array(array(1), array(2, 3)), a -> aggregate(a, 0, (s, x) -> s + x + size(a)))')).toEqual(['[2,9]']);
    expect(await rows('SELECT transform(array(1, 2, 3), x -> IF(x > 1, x * 10, -x))')).toEqual(['[-1,20,30]']);
    expect(await rows('SELECT map_zip_with(map(1, 1), map(2, 2), (k, a, b) -> coalesce(a, 0) + coalesce(b, 0))')).toEqual(['{1:1,2:2}']);
  });

  it('array_sort with and without a comparator', async () => {
    expect(await rows('SELECT array_sort(array(3, 1, 2), (a, b) -> b - a), array_sort(array(3, NULL, 1))')).toEqual(['[3,2,1]\t[1,3,null]']);
  });

  it('map lambdas', async () => {
    expect(await rows("SELECT id, transform_values(m, (kk, v) -> v * k), map_filter(m, (kk, v) -> v IS NOT NULL), transform_keys(m, (kk, v) -> upper(kk)) FROM t ORDER BY id")).toEqual([
      '1\t{"a":10}\t{"a":1}\t{"A":1}',
      '2\tNULL\tNULL\tNULL',
      '3\t{}\t{}\t{}',
      '4\t{"b":null}\t{}\t{"B":null}',
    ]);
    expect(await rows('SELECT transform_keys(map(1, 2, 3, 4), (k, v) -> 0)')).toBe('DUPLICATED_MAP_KEY');
  });

  it('the same higher-order expression in SELECT and GROUP BY matches', async () => {
    expect(await rows('SELECT transform(arr, x -> x), count(*) FROM t GROUP BY transform(arr, x -> x) ORDER BY 2, 1')).toHaveLength(4);
  });

  it('reports Spark’s lambda errors', async () => {
    expect(await rows('SELECT transform(array(1), (x, x) -> x)')).toBe('INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES');
    expect(await rows('SELECT transform(array(1), (x, y, z) -> x)')).toBe('INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH');
    expect(await rows('SELECT abs(x -> x)')).toBe('INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION');
    expect(await rows('SELECT filter(array(1), x -> x)')).toBe('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE');
  });
});

describe('array, map, generator and bit functions', () => {
  it('array_insert pads and counts from the end', async () => {
    expect(await rows('SELECT array_insert(array(1, 2), 5, 9), array_insert(array(1, 2), -1, 9), array_insert(array(1, 2), -5, 9)')).toEqual([
      '[1,2,null,null,9]\t[1,2,9]\t[9,null,null,1,2]',
    ]);
    expect(await rows('SELECT array_insert(array(1), 0, 2)')).toBe('INVALID_INDEX_OF_ZERO');
  });

  it('sequence over numbers, dates and timestamps', async () => {
    expect(await rows("SELECT sequence(5, 1), sequence(to_date('2018-01-31'), to_date('2018-04-30'), interval 1 month)")).toEqual([
      '[5,4,3,2,1]\t[2018-01-31,2018-02-28,2018-03-31,2018-04-30]',
    ]);
  });

  it('maps reject duplicate and NULL keys', async () => {
    expect(await rows("SELECT map(1, 'a', 1, 'b')")).toBe('DUPLICATED_MAP_KEY');
    expect(await rows("SELECT map_concat(map(1, 'a'), map(1, 'b'))")).toBe('DUPLICATED_MAP_KEY');
    expect(await rows("SELECT map_from_arrays(array(1, NULL), array('a', 'b'))")).toBe('NULL_MAP_KEY');
    expect(await rows("SELECT str_to_map('a=1&b', '&', '=')")).toEqual(['{"a":"1","b":null}']);
  });

  it('stack and the outer generators', async () => {
    expect(await rows("SELECT stack(2, 'a', 1, 'b')")).toEqual(['a\t1', 'b\tNULL']);
    expect(await rows('SELECT id, posexplode_outer(arr) FROM t WHERE id IN (2, 4) ORDER BY id, pos')).toEqual(['2\tNULL\tNULL', '4\t0\t4', '4\t1\tNULL']);
  });

  it('bit functions', async () => {
    expect(await rows('SELECT 1 << 3, -8 >> 1, -8 >>> 28, bit_count(-1), bit_get(5, 2)')).toEqual(['8\t-4\t15\t64\t1']);
    expect(await rows('SELECT getbit(1, 32)')).toBe('INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE');
  });
});
