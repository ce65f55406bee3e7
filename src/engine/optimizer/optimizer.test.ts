import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineSession } from '../api.js';
import { createEngine } from '../index.js';
import { compactDecimalArith } from '../expr/arithmetic.js';

function session(): EngineSession {
  return createEngine({ profile: { ansiEnabled: true, stringNumberCoercion: 'lenient', legacySizeOfNull: false, legacyStatisticalAggregate: false }, warehouseDir: join(tmpdir(), 'perennial-opt-wh'), allowedRoots: [tmpdir()] }).newSession();
}

async function run(s: EngineSession, sql: string): Promise<unknown[][]> {
  const o = await s.sql(sql);
  const r = o.kind === 'query' ? await s.execute(o.plan) : { schema: o.result.schema, batches: o.result.batches };
  const out: unknown[][] = [];
  for await (const b of r.batches) for (const row of b) out.push(r.schema.fields.map((f) => (row as unknown as Record<string, unknown>)[f.name]));
  return out;
}

async function explain(s: EngineSession, sql: string): Promise<string> {
  const o = await s.sql(sql);
  if (o.kind !== 'query') throw new Error('not a query');
  return s.explain(o.plan, 'extended');
}

async function views(s: EngineSession): Promise<void> {
  await run(s, 'create temporary view a as select * from values (1, 10), (2, 20), (3, 30), (null, 40) as a(k, v)');
  await run(s, 'create temporary view b as select * from values (1, 100), (1, 101), (3, 300) as b(k, w)');
  await run(s, 'create temporary view c as select * from values (1, 7), (2, 8) as c(k, x)');
}

describe('subquery decorrelation', () => {
  it('turns correlated EXISTS / NOT EXISTS into semi / anti joins', async () => {
    const s = session();
    await views(s);
    expect(await run(s, 'select k from a where exists (select 1 from b where b.k = a.k) order by k')).toEqual([[1], [3]]);
    expect(await run(s, 'select v from a where not exists (select 1 from b where b.k = a.k) order by v')).toEqual([[20], [40]]);
    expect(await explain(s, 'select k from a where exists (select 1 from b where b.k = a.k)')).toContain('Join LeftSemi');
  });

  it('turns correlated IN and scalar aggregates into joins', async () => {
    const s = session();
    await views(s);
    expect(await run(s, 'select k from a where v in (select w / 10 from b where b.k = a.k) order by k')).toEqual([[1], [3]]);
    expect(await run(s, 'select k, v from a where v * 10 < (select max(w) from b where b.k = a.k) order by k')).toEqual([[1, 10]]);
    expect(await run(s, 'select k from a where (select sum(w) from b where b.k = a.k) > 200 order by k')).toEqual([[1], [3]]);
  });
});

describe('correlated subqueries in select lists and the count bug', () => {
  it('gives count(*) over no matching rows as 0, in a select list and in a filter', async () => {
    const s = session();
    await views(s);
    expect(await run(s, 'select v, (select count(*) from b where b.k = a.k) from a order by v')).toEqual([[10, 2n], [20, 0n], [30, 1n], [40, 0n]]);
    expect(await run(s, 'select v from a where (select count(*) from b where b.k = a.k) = 0 order by v')).toEqual([[20], [40]]);
    expect(await run(s, 'select v, (select count(*) + 1 from b where b.k = a.k having count(*) < 2) from a order by v')).toEqual([[10, null], [20, 1n], [30, 2n], [40, 1n]]);
  });

  it('names correlated subquery columns after their outer references', async () => {
    const s = session();
    await views(s);
    const o = await s.sql('select (select max(w) from b where b.k = a.k), exists (select 1 from b where b.k = a.k) from a');
    if (o.kind !== 'query') throw new Error('not a query');
    const r = await s.execute(o.plan);
    expect(r.schema.fields.map((f) => f.name)).toEqual(['scalarsubquery(k)', 'exists(k)']);
  });

  it('evaluates EXISTS / IN as values and non-equality correlation below an aggregate', async () => {
    const s = session();
    await views(s);
    expect(await run(s, 'select v, exists (select 1 from b where b.k = a.k) from a order by v')).toEqual([[10, true], [20, false], [30, true], [40, false]]);
    expect(await run(s, 'select c.k, c.k in (select b.k from b where b.w < c.x * 20) from c order by c.k')).toEqual([[1, true], [2, false]]);
    expect(await run(s, 'select v, (select count(*) from b where b.k < a.k) from a order by v')).toEqual([[10, 0n], [20, 2n], [30, 2n], [40, 0n]]);
  });
});

describe('predicate pushdown, join reordering, pruning, folding', () => {
  it('factors a common join key out of an OR and pushes side filters below the join', async () => {
    const s = session();
    await views(s);
    const sql = 'select a.v, b.w from a, b where (a.k = b.k and a.v = 10) or (a.k = b.k and b.w = 300)';
    expect((await run(s, sql)).sort()).toEqual([[10, 100], [10, 101], [30, 300]]);
    const plan = (await explain(s, sql)).split('== Optimized Logical Plan ==')[1] ?? '';
    expect(plan).toMatch(/Join Inner, \(k = k\)|Join Inner, .*k.*=.*k/);
  });

  it('reorders a cross product of three relations into equi-joins', async () => {
    const s = session();
    await views(s);
    const sql = 'select a.v, b.w, c.x from a, c, b where a.k = b.k and b.k = c.k';
    expect((await run(s, sql)).sort()).toEqual([[10, 100, 7], [10, 101, 7]]);
    const plan = (await explain(s, sql)).split('== Optimized Logical Plan ==')[1] ?? '';
    expect(plan).not.toMatch(/Join Inner\s*$/m);
  });

  it('folds constants but leaves failing expressions to run time', async () => {
    const s = session();
    expect(await run(s, 'select 1 + 2 as x')).toEqual([[3]]);
    expect(await run(s, 'select id from range(3) where 1 = 1 and id > 0 + 1')).toEqual([[2n]]);
    // Division by zero is not raised when no row reaches it.
    expect(await run(s, 'select 1 / 0 from range(0)')).toEqual([]);
  });

  it('adds exact decimals in float64 while they stay safe integers', () => {
    expect(Array.from(compactDecimalArith('*', Float64Array.of(150, -2), Float64Array.of(10, 3), 2, 1, 3, 2)!)).toEqual([1500, -6]);
    expect(Array.from(compactDecimalArith('+', Float64Array.of(150), Float64Array.of(5), 2, 1, 2, 1)!)).toEqual([200]);
    expect(compactDecimalArith('*', Float64Array.of(2 ** 40), Float64Array.of(2 ** 20), 0, 0, 0, 1)).toBeUndefined();
  });

  it('extracts date fields with Spark names', async () => {
    const s = session();
    const o = await s.sql("select extract(year from date'2024-03-05') as y, date_part('MONTH', date'2024-03-05'), extract(doy from date'2024-03-05')");
    if (o.kind !== 'query') throw new Error('not a query');
    const schema = await s.analyze(o.plan);
    expect(schema.fields.map((f) => f.name)).toEqual(['y', 'date_part(MONTH, DATE \'2024-03-05\')', 'extract(doy FROM DATE \'2024-03-05\')']);
    expect(await run(s, "select extract(year from date'2024-03-05'), extract(dow from date'2024-03-05')")).toEqual([[2024, 3]]);
  });
});
