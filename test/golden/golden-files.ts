/**
 * Readers for the two golden corpora: Spark's SQLQueryTestSuite result files (`*.sql.out`) and the
 * function-example JSON files. Folders are found relative to the repository (`../shared/...`), or
 * through PERENNIAL_SPARK_SQL_TESTS / PERENNIAL_SPARK_FUNCTION_TESTS.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where the corpora live: the env override, else `shared/` beside this checkout, else beside the
 * checkout this one was cloned from (a fresh `git clone` elsewhere still finds the test data).
 */
function locate(envValue: string | undefined, name: string): string {
  if (envValue) return envValue;
  const beside = resolve(REPO_ROOT, '..', 'shared', name);
  if (existsSync(beside)) return beside;
  try {
    const origin = execFileSync('git', ['config', '--get', 'remote.origin.url'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    if (origin && !/^[a-z]+:\/\/|^[^/]+@/.test(origin)) {
      const fromOrigin = resolve(REPO_ROOT, origin, '..', 'shared', name);
      if (existsSync(fromOrigin)) return fromOrigin;
    }
  } catch {
    // Not a git checkout, or no origin: fall through.
  }
  return beside;
}

export function sparkSqlTestsDir(): string {
  return locate(process.env.PERENNIAL_SPARK_SQL_TESTS, 'spark-sql-tests');
}

export function sparkFunctionTestsDir(): string {
  return locate(process.env.PERENNIAL_SPARK_FUNCTION_TESTS, 'spark-function-tests');
}

/** The corpora are test data kept outside this repository; their absence is reported, not hidden. */
export function corpusMissingNotice(dir: string): string {
  return `GOLDEN CORPUS NOT FOUND at ${dir}: no Spark golden queries were run. Set PERENNIAL_SPARK_SQL_TESTS / PERENNIAL_SPARK_FUNCTION_TESTS to the folders.`;
}

export interface GoldenQuery {
  sql: string;
  /** `struct<a:int,b:string>`; `struct<>` for commands and errors. */
  schema: string;
  /** Output text with trailing whitespace removed (rows joined by `\n`). */
  output: string;
}

export interface GoldenFile {
  /** Path relative to the corpus folder. */
  name: string;
  ansi: boolean;
  queries: GoldenQuery[];
}

/** Splits a `.sql.out` file the way SQLQueryTestSuite does: on `-- !query...` header lines. */
export function parseSqlOut(text: string): GoldenQuery[] {
  const segments = text.split(/^-- !query.*\n/m);
  const out: GoldenQuery[] = [];
  for (let i = 1; i + 2 < segments.length + 1; i += 3) {
    const sql = (segments[i] ?? '').trim();
    const schema = (segments[i + 1] ?? '').trim();
    const output = (segments[i + 2] ?? '').replace(/\s+$/, '');
    if (sql === '') continue;
    out.push({ sql, schema, output });
  }
  return out;
}

/** Every `*.sql.out` under the folder, with its ANSI mode from MANIFEST.tsv (default off). */
export function readSqlTestFiles(dir = sparkSqlTestsDir()): GoldenFile[] {
  if (!existsSync(dir)) return [];
  const ansi = new Map<string, boolean>();
  const manifest = join(dir, 'MANIFEST.tsv');
  if (existsSync(manifest)) {
    const [header, ...rows] = readFileSync(manifest, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const cols = (header ?? '').split('\t');
    const pathCol = cols.indexOf('relative_path');
    const ansiCol = cols.indexOf('ansi');
    for (const row of rows) {
      const f = row.split('\t');
      ansi.set(f[pathCol] ?? '', (f[ansiCol] ?? '').trim().toLowerCase() === 'on');
    }
  }
  const files: string[] = [];
  const walk = (sub: string): void => {
    for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? e.name : `${sub}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.sql.out')) files.push(rel);
    }
  };
  walk('');
  return files.sort().map((name) => ({
    name,
    ansi: ansi.get(name) ?? false,
    queries: parseSqlOut(readFileSync(join(dir, name), 'utf8')),
  }));
}

export interface FunctionTest {
  query: string;
  result: string[];
  schema: { type: 'struct'; fields: { name: string; nullable: boolean; type: unknown; metadata?: unknown }[] };
}

export interface FunctionFamily {
  category: string;
  file: string;
  tests: FunctionTest[];
}

export function readFunctionTests(dir = sparkFunctionTestsDir()): FunctionFamily[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { category: string; tests: FunctionTest[] };
      return { category: data.category, file, tests: data.tests };
    });
}
