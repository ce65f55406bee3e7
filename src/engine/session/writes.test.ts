import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../api.js';
import { createEngine } from '../index.js';
import type { Plan } from '../plan/parsed-plan.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(): { s: EngineSession; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'perennial-writes-'));
  dirs.push(root);
  const wh = join(root, 'warehouse');
  const s = createEngine({ profile: { ansiEnabled: true, stringNumberCoercion: 'lenient', legacySizeOfNull: false, legacyStatisticalAggregate: false }, warehouseDir: wh, allowedRoots: [root] }).newSession();
  return { s, root };
}

async function query(s: EngineSession, sql: string): Promise<unknown[][]> {
  const o = await s.sql(sql);
  const r = o.kind === 'query' ? await s.execute(o.plan) : { schema: o.result.schema, batches: o.result.batches };
  const out: unknown[][] = [];
  for await (const b of r.batches) for (const row of b) out.push(r.schema.fields.map((f) => (row as unknown as Record<string, unknown>)[f.name]));
  return out;
}

async function plan(s: EngineSession, sql: string): Promise<Plan> {
  const o = await s.sql(sql);
  if (o.kind !== 'query') throw new Error('not a query');
  return o.plan;
}

describe('table DDL and DML', () => {
  it('creates, inserts, overwrites, reads back and drops a parquet table', async () => {
    const { s } = setup();
    await query(s, 'create table t(a int, b string, d decimal(10,2)) using parquet');
    await query(s, "insert into t values (1, 'x', 1.50), (2, null, null)");
    await query(s, "insert into t values (3, 'z', 2.25)");
    expect(await query(s, 'select a, b, cast(d as string) from t order by a')).toEqual([[1, 'x', '1.50'], [2, null, null], [3, 'z', '2.25']]);
    await query(s, "insert overwrite t values (9, 'n', 0.01)");
    expect(await query(s, 'select a from t')).toEqual([[9]]);
    await expect(query(s, 'create table t(a int) using parquet')).rejects.toMatchObject({ errorClass: 'TABLE_OR_VIEW_ALREADY_EXISTS' });
    await expect(query(s, 'insert into t values (1)')).rejects.toMatchObject({ errorClass: 'INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS' });
    await query(s, 'drop table t');
    await expect(query(s, 'select * from t')).rejects.toMatchObject({ errorClass: 'TABLE_OR_VIEW_NOT_FOUND' });
    await query(s, 'drop table if exists t');
  });

  it('supports CREATE TABLE AS SELECT with partitions', async () => {
    const { s } = setup();
    await query(s, "create table p using parquet partitioned by (k) as select id as v, cast(id % 2 as int) as k from range(5)");
    expect(await query(s, 'select k, count(*) from p group by k order by k')).toEqual([[0, 3n], [1, 2n]]);
  });
});

describe('df.write', () => {
  it('writes parquet, csv and json with save modes', async () => {
    const { s, root } = setup();
    const input = await plan(s, "select id, concat('r', id) as name from range(3)");
    for (const format of ['parquet', 'csv', 'json']) {
      const path = join(root, `out-${format}`);
      const options: Record<string, string> = format === 'csv' ? { header: 'true' } : {};
      await s.write({ input, format, path, mode: 'errorIfExists', options, partitionBy: [] });
      await expect(s.write({ input, format, path, mode: 'errorIfExists', options, partitionBy: [] })).rejects.toMatchObject({ errorClass: 'PATH_ALREADY_EXISTS' });
      await s.write({ input, format, path, mode: 'ignore', options, partitionBy: [] });
      await s.write({ input, format, path, mode: 'append', options, partitionBy: [] });
      const read = await s.execute({ kind: 'dataSource', format, paths: [path], options: format === 'csv' ? { header: 'true', inferSchema: 'true' } : {} });
      let n = 0;
      for await (const b of read.batches) n += b.numRows;
      expect(n).toBe(6);
      await s.write({ input, format, path, mode: 'overwrite', options, partitionBy: [] });
      expect(readdirSync(path).filter((f) => f.startsWith('part-'))).toHaveLength(1);
    }
  });

  it('commits nothing when the write fails, and refuses paths outside the allowed roots', async () => {
    const { s, root } = setup();
    const path = join(root, 'failed');
    const bad = await plan(s, "select cast('x' as int) as v from range(2)");
    await expect(s.write({ input: bad, format: 'parquet', path, mode: 'overwrite', options: {}, partitionBy: [] })).rejects.toMatchObject({ errorClass: 'CAST_INVALID_INPUT' });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('staging'))).toEqual([]);
    const ok = await plan(s, 'select 1 as v');
    await expect(s.write({ input: ok, format: 'parquet', path: '/definitely/elsewhere', mode: 'overwrite', options: {}, partitionBy: [] })).rejects.toMatchObject({ errorClass: 'PATH_NOT_ALLOWED' });
  });

  it('writes partitioned folders that read back with their partition column', async () => {
    const { s, root } = setup();
    const path = join(root, 'parts');
    const input = await plan(s, "select id, if(id < 2, 'a', 'b/c') as g from range(4)");
    await s.write({ input, format: 'parquet', path, mode: 'overwrite', options: {}, partitionBy: ['g'] });
    expect(readdirSync(path).sort()).toEqual(['_SUCCESS', 'g=a', 'g=b%2Fc']);
    await s.createTempView('parts', { kind: 'dataSource', format: 'parquet', paths: [path], options: {} }, { replace: true, global: false });
    expect(await query(s, 'select g, count(*) from parts group by g order by g')).toEqual([['a', 2n], ['b/c', 2n]]);
  });
});
