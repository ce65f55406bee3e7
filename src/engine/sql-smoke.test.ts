import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from './index.js';

const s = () => createEngine({ profile: { ansiEnabled: true, stringNumberCoercion: 'lenient', legacySizeOfNull: false, legacyStatisticalAggregate: false }, warehouseDir: join(tmpdir(), 'perennial-wh'), allowedRoots: [tmpdir()] }).newSession();

async function q(sess: ReturnType<typeof s>, text: string): Promise<{ names: string[]; rows: unknown[][] }> {
  const o = await sess.sql(text);
  if (o.kind !== 'query') return { names: o.result.schema.fields.map((f) => f.name), rows: o.result.batches.flatMap((b) => b.toArray().map((r) => Object.values(r.toJSON()))) };
  const r = await sess.execute(o.plan);
  const rows: unknown[][] = [];
  for await (const b of r.batches) for (const row of b) rows.push(Object.values((row as { toJSON(): Record<string, unknown> }).toJSON()));
  return { names: r.schema.fields.map((f) => f.name), rows };
}

describe('SQL through the facade', () => {
  it('select with expressions, group by, having, order by', async () => {
    const sess = s();
    await sess.sql('CREATE TEMP VIEW t AS SELECT * FROM VALUES (1, 10), (1, 20), (2, 5), (3, NULL) AS t(a, b)');
    const r = await q(sess, 'SELECT a, sum(b), count(*) FROM t GROUP BY a HAVING count(*) > 0 ORDER BY a');
    expect(r.names).toEqual(['a', 'sum(b)', 'count(1)']);
    expect(r.rows).toEqual([
      [1, 30n, 2n],
      [2, 5n, 1n],
      [3, null, 1n],
    ]);
  });
  it('SET returns the key/value row', async () => {
    const r = await q(s(), 'SET spark.sql.ansi.enabled=false');
    expect(r.rows).toEqual([['spark.sql.ansi.enabled', 'false']]);
  });
  it('case, coalesce, string functions and casts', async () => {
    const r = await q(s(), "SELECT CASE WHEN 1 > 0 THEN 'y' ELSE 'n' END, coalesce(NULL, 2), upper('ab'), CAST('12' AS INT) + 1, 2 % 1.8");
    expect(r.names).toEqual(["CASE WHEN (1 > 0) THEN y ELSE n END", 'coalesce(NULL, 2)', 'upper(ab)', '(CAST(12 AS INT) + 1)', '(2 % 1.8)']);
    expect(r.rows[0]!.slice(0, 4)).toEqual(['y', 2, 'AB', 13]);
  });
  it('window functions', async () => {
    const r = await q(s(), 'SELECT id, row_number() OVER (ORDER BY id DESC) AS rn, sum(id) OVER (ORDER BY id) AS run FROM range(4) ORDER BY id');
    expect(r.rows).toEqual([
      [0n, 4, 0n],
      [1n, 3, 1n],
      [2n, 2, 3n],
      [3n, 1, 6n],
    ]);
  });
});
