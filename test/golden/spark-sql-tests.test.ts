/**
 * Spark's SQLQueryTestSuite result files, replayed against our engine. A query passes when it fails
 * like Spark (same error class) or returns the same schema (catalog string) and rows (as a set unless
 * the query is sorted, exactly as the Spark harness compares them). Prints passed/total per file and
 * fails only when the total drops below the floor in baseline.json.
 */
import { describe, expect, it } from 'vitest';
import { readBaseline } from './baseline.js';
import { isSortedQuery, loadCreateEngine, openSession, printTable, runSql, schemaString } from './engine-runner.js';
import { corpusMissingNotice, type GoldenQuery, readSqlTestFiles, sparkSqlTestsDir } from './golden-files.js';

/** The expected error class of a failing golden query, or undefined when the query succeeds. */
function expectedError(q: GoldenQuery): { errorClass?: string; message: string } | undefined {
  const [first, ...rest] = q.output.split('\n');
  if (
    q.schema !== 'struct<>' ||
    first === undefined ||
    !/^[a-z][\w$]*(\.[\w$]+)+(Exception|Error|Throwable)$/.test(first.trim())
  ) {
    return undefined;
  }
  const body = rest.join('\n').trim();
  const json = /"errorClass"\s*:\s*"([^"]+)"/.exec(body);
  if (json !== null) return { errorClass: json[1] as string, message: body };
  const bracket = /^\[([A-Z0-9_.]+)\]/.exec(body);
  return bracket !== null ? { errorClass: bracket[1] as string, message: body } : { message: body };
}

async function runFile(
  createEngine: NonNullable<Awaited<ReturnType<typeof loadCreateEngine>>['createEngine']>,
  ansi: boolean,
  queries: GoldenQuery[],
): Promise<{ passed: number; failures: string[] }> {
  const handle = await openSession(createEngine, ansi);
  let passed = 0;
  const failures: string[] = [];
  try {
    for (const q of queries) {
      const got = await runSql(handle.session, q.sql);
      const err = expectedError(q);
      let ok: boolean;
      let why = '';
      if (err !== undefined) {
        ok =
          got.kind === 'error' &&
          (err.errorClass === undefined
            ? got.message.includes(err.message.split('\n')[0] ?? '')
            : got.errorClass === err.errorClass);
        why =
          got.kind === 'error'
            ? `error ${got.errorClass}, expected ${err.errorClass ?? err.message}`
            : `no error, expected ${err.errorClass ?? err.message}`;
      } else if (got.kind === 'error') {
        ok = false;
        why = `${got.message.split('\n')[0]}`;
      } else {
        const schema = schemaString(got.schema);
        const expectedRows = q.output === '' ? [] : q.output.split('\n');
        const sorted = isSortedQuery(q.sql);
        const a = sorted ? got.rows : [...got.rows].sort();
        const b = sorted ? expectedRows : [...expectedRows].sort();
        const sameRows =
          a.length === b.length && a.every((r, i) => r.replace(/\s+$/, '') === (b[i] ?? '').replace(/\s+$/, ''));
        ok = schema === q.schema && sameRows;
        why =
          schema !== q.schema ? `schema ${schema}, expected ${q.schema}` : `rows differ (${a.length} vs ${b.length})`;
      }
      if (ok) passed++;
      else failures.push(`${q.sql.replace(/\s+/g, ' ').slice(0, 120)}  →  ${why.slice(0, 200)}`);
    }
  } finally {
    handle.dispose();
  }
  return { passed, failures };
}

describe('Spark SQLQueryTestSuite golden files', () => {
  it('passes at least the recorded number of queries', async () => {
    const files = readSqlTestFiles();
    if (files.length === 0) {
      // Test data lives outside the repository; without it there is nothing to count.
      console.warn(corpusMissingNotice(sparkSqlTestsDir()));
      return;
    }
    const { createEngine, reason } = await loadCreateEngine();
    if (createEngine === undefined) console.log(`engine unavailable (${reason}); every query counts as failed`);
    const table: [string, number, number][] = [];
    const verbose = process.env.PERENNIAL_GOLDEN_VERBOSE === '1';
    for (const f of files) {
      const { passed, failures } =
        createEngine === undefined ? { passed: 0, failures: [] } : await runFile(createEngine, f.ansi, f.queries);
      table.push([`${f.name}${f.ansi ? ' (ansi)' : ''}`, passed, f.queries.length]);
      if (verbose) for (const line of failures) console.log(`  ${f.name}: ${line}`);
    }
    printTable('spark-sql-tests file', table);
    const total = table.reduce((a, r) => a + r[1], 0);
    expect(total).toBeGreaterThanOrEqual(readBaseline().sparkSqlTests);
  }, 600_000);
});
