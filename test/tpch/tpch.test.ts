/**
 * TPC-H at SF 0.01: all 22 queries through our engine and through DuckDB (dev-only oracle) over the
 * same Parquet files. Numbers match within 1e-6 relative; row order matters when the query has an
 * ORDER BY. Prints which queries pass; every query must pass (and the floor in test/golden/baseline.json holds).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { DataType } from '../../src/engine/plan/data-type.js';
import { batchRows } from '../golden/arrow-rows.js';
import { readBaseline } from '../golden/baseline.js';
import { goldenProfile, loadCreateEngine } from '../golden/engine-runner.js';
import { REPO_ROOT } from '../golden/golden-files.js';
import { formatDate } from '../golden/spark-format.js';

const SCALE = '0.01';
const DATA_DIR = join(REPO_ROOT, 'data', 'tpch', `sf${SCALE}`);
const QUERY_DIR = join(REPO_ROOT, 'test', 'tpch', 'queries');
const TABLES = ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem'];
const REL_TOL = 1e-6;

type Cell = number | string | null;

function ensureData(): void {
  if (TABLES.every((t) => existsSync(join(DATA_DIR, `${t}.parquet`)))) return;
  execFileSync('bash', [join(REPO_ROOT, 'scripts', 'tpch', 'generate.sh'), SCALE], { stdio: 'inherit' });
}

function normalizeOurs(v: unknown, t: DataType): Cell {
  if (v === null || v === undefined) return null;
  switch (t.type) {
    case 'date':
      return formatDate(v as number);
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'decimal':
      return Number(v);
    default:
      return String(v);
  }
}

function normalizeDuck(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  return String(v);
}

/**
 * Numbers match within REL_TOL relative; a decimal column of ours also matches when DuckDB's value
 * rounds to it at the column's scale (Spark's `avg(decimal(15,2))` is `decimal(19,6)`, DuckDB's a double).
 */
function sameCell(a: Cell, b: Cell, t?: DataType): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b || Math.abs(a - b) <= REL_TOL * Math.max(Math.abs(a), Math.abs(b))) return true;
    return t?.type === 'decimal' && Math.abs(a - b) <= 0.5 * 10 ** -t.scale * (1 + 1e-9);
  }
  return a === b;
}

/** Compares result sets; rows are sorted by their text first unless the query fixes the order. */
function compareRows(ours: Cell[][], theirs: Cell[][], ordered: boolean, types: DataType[] = []): string | undefined {
  if (ours.length !== theirs.length) return `${ours.length} rows, DuckDB has ${theirs.length}`;
  const key = (r: Cell[]): string =>
    JSON.stringify(r.map((c) => (typeof c === 'number' ? Number(c.toPrecision(6)) : c)));
  const a = ordered ? ours : [...ours].sort((x, y) => key(x).localeCompare(key(y)));
  const b = ordered ? theirs : [...theirs].sort((x, y) => key(x).localeCompare(key(y)));
  for (let i = 0; i < a.length; i++) {
    const ra = a[i] as Cell[];
    const rb = b[i] as Cell[];
    if (ra.length !== rb.length) return `row ${i}: ${ra.length} columns, DuckDB has ${rb.length}`;
    for (let j = 0; j < ra.length; j++) {
      if (!sameCell(ra[j] ?? null, rb[j] ?? null, types[j]))
        return `row ${i} col ${j}: ${String(ra[j])} vs DuckDB ${String(rb[j])}`;
    }
  }
  return undefined;
}

describe('TPC-H SF 0.01 against DuckDB', () => {
  it('passes at least the recorded number of queries', async () => {
    ensureData();
    const queries = readdirSync(QUERY_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => ({ name: f.replace(/\.sql$/, ''), sql: readFileSync(join(QUERY_DIR, f), 'utf8') }));
    expect(queries).toHaveLength(22);

    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    for (const t of TABLES) {
      await duck.run(
        `CREATE VIEW ${t} AS SELECT * FROM read_parquet('${join(DATA_DIR, `${t}.parquet`).replace(/'/g, "''")}')`,
      );
    }

    const { createEngine, reason } = await loadCreateEngine();
    if (createEngine === undefined) console.log(`engine unavailable (${reason}); every query counts as failed`);
    const warehouseDir = mkdtempSync(join(tmpdir(), 'perennial-tpch-'));
    const engine =
      createEngine === undefined
        ? undefined
        : await createEngine({ profile: goldenProfile(true), warehouseDir, allowedRoots: [DATA_DIR, warehouseDir] });
    const session = engine?.newSession();
    if (session !== undefined) {
      for (const t of TABLES) {
        await session.createTempView(
          t,
          { kind: 'dataSource', format: 'parquet', paths: [join(DATA_DIR, `${t}.parquet`)], options: {} },
          { replace: true, global: false },
        );
      }
    }

    const lines: string[] = [];
    let passed = 0;
    try {
      for (const q of queries) {
        // The files end with `;`, which DuckDB accepts and our parser allows.
        const expected = (await duck.runAndReadAll(q.sql)).getRowsJS().map((r) => r.map(normalizeDuck));
        const ordered = /\border\s+by\b/i.test(q.sql.replace(/--.*$/gm, ''));
        let verdict: string;
        if (session === undefined) verdict = `not run (DuckDB: ${expected.length} rows)`;
        else {
          const started = performance.now();
          try {
            const outcome = await session.sql(q.sql);
            if (outcome.kind !== 'query') throw new Error(`expected a query, got ${outcome.kind}`);
            const result = await session.execute(outcome.plan);
            const rows: Cell[][] = [];
            for await (const b of result.batches) {
              for (const r of batchRows(b, result.schema))
                rows.push(
                  r.map((v, j) => normalizeOurs(v, (result.schema.fields[j] as { dataType: DataType }).dataType)),
                );
            }
            const types = result.schema.fields.map((f) => f.dataType);
            const diff = compareRows(rows, expected, ordered, types);
            verdict =
              diff === undefined
                ? `ok (${rows.length} rows, ${Math.round(performance.now() - started)} ms)`
                : `MISMATCH ${diff}`;
            if (diff === undefined) passed++;
          } catch (e) {
            verdict = `ERROR ${(e instanceof Error ? e.message : String(e)).split('\n')[0]?.slice(0, 160)}`;
          }
        }
        lines.push(`${q.name}  ${verdict}`);
      }
    } finally {
      session?.close();
      rmSync(warehouseDir, { recursive: true, force: true });
    }
    console.log(`TPC-H SF ${SCALE}: ${passed}/22 match DuckDB\n${lines.join('\n')}`);
    expect(passed).toBeGreaterThanOrEqual(readBaseline().tpch);
    // Every query runs and matches DuckDB; any regression fails here, whatever the floor says.
    expect(lines.filter((l) => !/^q\d+ {2}ok /.test(l))).toEqual([]);
  }, 600_000);
});
