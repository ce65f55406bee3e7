import type { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { testSession } from '../../test-support/session.js';

const session = testSession;

async function run(text: string, ansi = true): Promise<{ batches: RecordBatch[]; names: string[] }> {
  const s = session(ansi);
  const o = await s.sql(text);
  if (o.kind !== 'query') throw new Error('expected a query');
  const r = await s.execute(o.plan);
  const batches: RecordBatch[] = [];
  for await (const b of r.batches) batches.push(b);
  return { batches, names: r.schema.fields.map((f) => f.name) };
}

const cell = async (text: string, ansi = true): Promise<unknown> => (await run(text, ansi)).batches[0]!.getChildAt(0)!.get(0);

describe('TIME type', () => {
  it('travels over Arrow as Time64 nanoseconds', async () => {
    const { batches, names } = await run("SELECT t FROM VALUES (TIME '12:34:56.5'), (NULL) AS tab(t)");
    expect(names).toEqual(['t']);
    const col = batches[0]!.getChildAt(0)!;
    expect(String(col.type)).toMatch(/Time/);
    expect(col.get(0)).toBe(45_296_500_000_000n);
    expect(col.get(1)).toBeNull();
  });
  it('casts between STRING and TIME(p)', async () => {
    expect(await cell("SELECT CAST(CAST('10:00:01.123456' AS TIME(3)) AS STRING)")).toBe('10:00:01.123');
    await expect(cell("SELECT CAST('25:00' AS TIME)")).rejects.toThrow(/CAST_INVALID_INPUT/);
    expect(await cell("SELECT try_cast('25:00' AS TIME)")).toBeNull();
  });
  it('builds and takes apart times of day', async () => {
    expect(await cell('SELECT time_to_micros(make_time(1, 2, 3.5))')).toBe(3_723_500_000n);
    expect(await cell('SELECT try_make_time(24, 0, 0)')).toBeNull();
    await expect(cell('SELECT make_time(24, 0, 0)')).rejects.toThrow(/DATETIME_FIELD_OUT_OF_BOUNDS/);
    await expect(cell('SELECT time_from_seconds(86400)')).rejects.toThrow(/DATETIME_FIELD_OUT_OF_BOUNDS/);
    expect(await cell("SELECT minute(time_trunc('MINUTE', TIME'09:32:05'))")).toBe(32);
    await expect(cell("SELECT time_trunc('DAY', TIME'09:32:05')")).rejects.toThrow(/INVALID_PARAMETER_VALUE/);
    expect(await cell("SELECT try_to_time('nope')")).toBeNull();
  });
});

describe('make_timestamp family', () => {
  it('rejects bad fields under ANSI and returns NULL otherwise', async () => {
    await expect(cell('SELECT make_timestamp(2024, 13, 1, 0, 0, 0)')).rejects.toThrow(/DATETIME_FIELD_OUT_OF_BOUNDS/);
    expect(await cell('SELECT make_timestamp(2024, 13, 1, 0, 0, 0)', false)).toBeNull();
    await expect(cell('SELECT make_date(2023, 2, 29)')).rejects.toThrow(/DATETIME_FIELD_OUT_OF_BOUNDS/);
  });
  it('rolls second 60 over to the next minute', async () => {
    const { batches } = await run('SELECT make_timestamp_ntz(2019, 6, 30, 23, 59, 60)');
    expect(batches[0]!.getChildAt(0)!.get(0)).toBe(Date.UTC(2019, 6, 1)); // arrow-js reads timestamps as epoch ms
  });
});

describe('intervals', () => {
  it('extracts fields of ANSI and calendar intervals', async () => {
    expect(await cell("SELECT extract(HOUR FROM INTERVAL '-1 10:00:00' DAY TO SECOND)")).toBe(-10);
    expect(await cell("SELECT extract(YEAR FROM INTERVAL '-2-5' YEAR TO MONTH)")).toBe(-2);
    await expect(cell("SELECT extract(DAY FROM INTERVAL '2-5' YEAR TO MONTH)")).rejects.toThrow(/INVALID_EXTRACT_FIELD/);
  });
  it('scales ANSI intervals by numbers', async () => {
    const { names } = await run("SELECT INTERVAL '3' MONTH / 2");
    expect(names).toEqual(["(INTERVAL '3' MONTH / 2)"]);
    await expect(cell("SELECT INTERVAL '3' MONTH / 0")).rejects.toThrow(/DIVIDE_BY_ZERO/);
    expect(await cell("SELECT try_divide(INTERVAL '3' MONTH, 0)")).toBeNull();
  });
});
