import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuntimeProfile } from './api.js';
import { createEngine } from './index.js';
import type { Plan } from './plan/parsed-plan.js';
import { T } from './plan/type-utils.js';
import { alias, cast, col, distinctFn, fn, groupBy, lit, oneRow, range, select, values, where } from './test-support/builders.js';

const base: RuntimeProfile = { ansiEnabled: true, stringNumberCoercion: 'lenient', legacySizeOfNull: false, legacyStatisticalAggregate: false };

function session(p: Partial<RuntimeProfile> = {}) {
  return createEngine({ profile: { ...base, ...p }, warehouseDir: join(tmpdir(), 'perennial-test-wh'), allowedRoots: [tmpdir()] }).newSession();
}

async function rows(s: ReturnType<typeof session>, plan: Plan): Promise<unknown[][]> {
  const r = await s.execute(plan);
  const out: unknown[][] = [];
  for await (const b of r.batches) for (const row of b) out.push(r.schema.fields.map((f) => (row as unknown as Record<string, unknown>)[f.name]));
  return out;
}

describe('engine facade', () => {
  it('runs range + filter with Spark column names and Arrow types', async () => {
    const s = session();
    const p = where(range(10), fn('>', col('id'), lit(6)));
    const r = await s.execute(p);
    expect(r.schema.fields).toEqual([{ name: 'id', dataType: T.long, nullable: false }]);
    expect(String(r.arrowSchema.fields[0]!.type)).toBe('Int64');
    expect(await rows(s, p)).toEqual([[7n], [8n], [9n]]);
  });

  it('names expressions like Spark', async () => {
    const s = session();
    const schema = await s.analyze(select(range(3), fn('+', col('id'), lit(1)), cast(col('id'), T.int), lit('abc')));
    expect(schema.fields.map((f) => f.name)).toEqual(['(id + 1)', 'CAST(id AS INT)', 'abc']);
    expect((await s.analyze(select(range(3), fn('count', lit(1))))).fields.map((f) => f.name)).toEqual(['count(1)']);
    await expect(s.analyze(select(range(3), col('id'), fn('count', lit(1))))).rejects.toMatchObject({ errorClass: 'MISSING_AGGREGATION' });
  });

  it('aggregates with groupBy, count distinct, avg and sum', async () => {
    const s = session();
    const p = groupBy(select(range(10), alias(fn('%', col('id'), lit(3n)), 'k'), col('id')), [col('k')], [col('k'), fn('sum', col('id')), fn('avg', col('id')), distinctFn('count', col('id'))]);
    const schema = await s.analyze(p);
    expect(schema.fields.map((f) => `${f.name}:${f.dataType.type}`)).toEqual(['k:long', 'sum(id):long', 'avg(id):double', 'count(DISTINCT id):long']);
    const r = (await rows(s, p)).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(r).toEqual([
      [0n, 18n, 4.5, 4n],
      [1n, 12n, 4, 3n],
      [2n, 15n, 5, 3n],
    ]);
  });

  it('raises UNRESOLVED_COLUMN.WITH_SUGGESTION with Spark text', async () => {
    const s = session();
    await expect(s.analyze(select(range(1), col('x')))).rejects.toThrow(
      '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `x` cannot be resolved. Did you mean one of the following? [`id`]. SQLSTATE: 42703',
    );
  });

  it('renders show() exactly like Spark', async () => {
    const s = session();
    const out = await rows(s, { kind: 'showString', input: range(25), numRows: 20, truncate: 20, vertical: false });
    const text = out[0]![0] as string;
    expect(text.startsWith('+---+\n| id|\n+---+\n|  0|\n')).toBe(true);
    expect(text.endsWith('| 19|\n+---+\nonly showing top 20 rows\n')).toBe(true);
  });

  it('keeps int64 exact beyond 2^53', async () => {
    const s = session();
    const big = 9007199254740993n;
    expect(await rows(s, select(oneRow, fn('+', lit(big), lit(1n))))).toEqual([[big + 1n]]);
  });

  it('decimals keep their scale', async () => {
    const s = session();
    const out = await rows(s, { kind: 'showString', input: select(oneRow, alias(lit('1.50', T.decimal(3, 2)), 'd'), alias(fn('*', lit('1.5', T.decimal(2, 1)), lit('2.25', T.decimal(3, 2))), 'm')), numRows: 20, truncate: 20, vertical: false });
    expect(out[0]![0]).toBe('+----+-----+\n|   d|    m|\n+----+-----+\n|1.50|3.375|\n+----+-----+\n');
  });
});

describe('runtime profile behaviours', () => {
  const divide = select(oneRow, fn('/', lit(1), lit(0)));
  it('ansi: 1/0 raises DIVIDE_BY_ZERO; legacy: NULL', async () => {
    await expect(rows(session({ ansiEnabled: true }), divide)).rejects.toMatchObject({ errorClass: 'DIVIDE_BY_ZERO' });
    expect(await rows(session({ ansiEnabled: false }), divide)).toEqual([[null]]);
  });
  it("ansi: CAST('abc' AS INT) raises CAST_INVALID_INPUT; legacy: NULL", async () => {
    const p = select(oneRow, cast(lit('abc'), T.int));
    await expect(rows(session({ ansiEnabled: true }), p)).rejects.toMatchObject({ errorClass: 'CAST_INVALID_INPUT' });
    expect(await rows(session({ ansiEnabled: false }), p)).toEqual([[null]]);
  });
  it('ansi: int overflow raises ARITHMETIC_OVERFLOW; legacy: wraps', async () => {
    const p = select(oneRow, fn('+', lit(2147483647), lit(1)));
    await expect(rows(session({ ansiEnabled: true }), p)).rejects.toMatchObject({ errorClass: 'ARITHMETIC_OVERFLOW' });
    expect(await rows(session({ ansiEnabled: false }), p)).toEqual([[-2147483648]]);
  });
  it('conf overrides the profile per session', async () => {
    const s = session({ ansiEnabled: true });
    s.conf.set('spark.sql.ansi.enabled', 'false');
    expect(await rows(s, divide)).toEqual([[null]]);
  });
  it('stringNumberCoercion: lenient casts, strict rejects', async () => {
    const p = select(oneRow, fn('+', lit('1'), lit(1)));
    expect(await rows(session({ stringNumberCoercion: 'lenient' }), p)).toEqual([[2n]]);
    await expect(session({ stringNumberCoercion: 'strict' }).analyze(p)).rejects.toMatchObject({ errorClass: 'DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES' });
  });
  it('legacySizeOfNull: size(NULL) is -1 or NULL', async () => {
    const p = select(oneRow, fn('size', cast(lit(null), T.array(T.int))));
    expect(await rows(session({ legacySizeOfNull: true }), p)).toEqual([[-1]]);
    expect(await rows(session({ legacySizeOfNull: false }), p)).toEqual([[null]]);
  });
  it('legacyStatisticalAggregate: stddev_samp of one row is NaN or NULL', async () => {
    const p = groupBy(range(1), [], [fn('stddev_samp', col('id'))]);
    expect(await rows(session({ legacyStatisticalAggregate: true }), p)).toEqual([[Number.NaN]]);
    expect(await rows(session({ legacyStatisticalAggregate: false }), p)).toEqual([[null]]);
  });
});

describe('session conf', () => {
  it('answers defaults and rejects unknown keys', () => {
    const s = session();
    expect(s.conf.get('spark.sql.session.timeZone')).toBe('UTC');
    expect(s.conf.get('spark.sql.ansi.enabled')).toBe('true');
    s.conf.set('spark.my.key', 'v');
    expect(s.conf.get('spark.my.key')).toBe('v');
    expect(() => s.conf.get('spark.unknown')).toThrow(/SQL_CONF_NOT_FOUND/);
    try {
      s.conf.get('spark.unknown');
    } catch (e) {
      expect((e as { classes: string[] }).classes[0]).toBe('org.apache.spark.SparkNoSuchElementException');
    }
  });
});

describe('joins, sort, values', () => {
  it('joins with usingColumns and sorts with nulls ordering', async () => {
    const s = session();
    const l = values([[lit(1), lit('a')], [lit(2), lit('b')], [lit(null, T.int), lit('n')]], ['k', 'v']);
    const r = values([[lit(1), lit(10)], [lit(3), lit(30)]], ['k', 'w']);
    const j: Plan = { kind: 'join', left: l, right: r, joinType: 'full', usingColumns: ['k'] };
    const sorted: Plan = { kind: 'sort', input: j, order: [{ kind: 'sortOrder', expr: col('k'), ascending: true, nullsFirst: true }], isGlobal: true };
    expect((await s.analyze(sorted)).fields.map((f) => f.name)).toEqual(['k', 'v', 'w']);
    expect(await rows(s, sorted)).toEqual([
      [null, 'n', null],
      [1, 'a', 10],
      [2, 'b', null],
      [3, null, 30],
    ]);
  });
});
