/**
 * TPC-H: all 22 queries through our engine and through DuckDB over the same Parquet files
 * (scripts/tpch/generate.sh writes them). Median of 3 runs per query, ratio ours/DuckDB, geometric
 * mean of the ratios, and peak memory (max RSS from resourceUsage, peak heap sampled during runs).
 *
 *   npm run build && node dist/scripts/bench-tpch.js [SF ...] [qNN ...]   (default: 0.1 1, all queries)
 *   node --cpu-prof dist/scripts/bench-tpch.js 0.1                   (profile; open the .cpuprofile)
 *
 * Profiling lesson (node --cpu-prof, q01 at SF 0.1, before optimizing): the top self-time entries were
 * the garbage collector (28%), `toBigInts` and `decimalArith` (12% together): every decimal multiply
 * went through BigInt even though TPC-H's unscaled values are small. A float64 fast path for exact
 * decimal +, -, * on compact vectors took q01 from 4.4 s to 1.9 s. Parquet decoding was next, not the
 * join or aggregate kernels we would have tuned by instinct: measure before optimizing.
 * Later lessons (SF 1): hyparquet's per-value conversion was ~70% of q06 (own page decoder into typed
 * arrays, wasm snappy, decoding on worker threads: 2.8 s -> 0.5 s); in q09 the join order carried 6M
 * rows past the selective part filter, and Map<number> key lookups plus concatenating both join
 * inputs dominated (7.4 s -> 2.8 s). Geometric mean 19.1x -> ~10x DuckDB.
 * Then (SF 1, ~7.4x -> ~5.5x): q17 and q20 grouped all of lineitem for a correlated aggregate whose
 * outer side keeps a few thousand keys (join key filter); q22 hashed 1.5M integer keys and built a
 * code-point array per substring (direct-address key codes, surrogate-free fast path); q13's LIKE
 * regex backtracked through 1.5M comments (indexOf matcher); q12/q15 compared strings and dates on
 * rows a later, cheaper conjunct would have removed (conjunct order, merged ranges).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { createEngine } from '../src/engine/index.js';

const TABLES = ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem'];
const RUNS = 3;

function repoRoot(): string {
  // Works from scripts/ (tsx) and from dist/scripts/ (compiled).
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeRuns(run: () => Promise<number>): Promise<{ ms: number; rows: number } | { error: string }> {
  const times: number[] = [];
  let rows = 0;
  try {
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      rows = await run();
      times.push(performance.now() - t0);
    }
  } catch (e) {
    return { error: (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 80) };
  }
  return { ms: median(times), rows };
}

async function benchScale(root: string, sf: string): Promise<void> {
  const dataDir = join(root, 'data', 'tpch', `sf${sf}`);
  if (!TABLES.every((t) => existsSync(join(dataDir, `${t}.parquet`))))
    execFileSync('bash', [join(root, 'scripts', 'tpch', 'generate.sh'), sf], { stdio: 'inherit' });
  const queryDir = join(root, 'test', 'tpch', 'queries');
  const queries = readdirSync(queryDir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ name: f.replace(/\.sql$/, ''), sql: readFileSync(join(queryDir, f), 'utf8') }))
    .filter((q) => only.length === 0 || only.includes(q.name));

  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  for (const t of TABLES)
    await duck.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${join(dataDir, `${t}.parquet`).replace(/'/g, "''")}')`);

  const warehouseDir = mkdtempSync(join(tmpdir(), 'perennial-bench-'));
  const engine = createEngine({
    profile: { ansiEnabled: false, stringNumberCoercion: 'lenient', legacySizeOfNull: true, legacyStatisticalAggregate: false },
    warehouseDir,
    allowedRoots: [dataDir, warehouseDir],
  });
  const session = engine.newSession();
  for (const t of TABLES)
    await session.createTempView(t, { kind: 'dataSource', format: 'parquet', paths: [join(dataDir, `${t}.parquet`)], options: {} }, { replace: true, global: false });

  let peakHeap = 0;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);

  console.log(`\nTPC-H SF ${sf} (median of ${RUNS}; ms)`);
  console.log('query     ours     duckdb    ratio   rows');
  const ratios: number[] = [];
  try {
    for (const q of queries) {
      const ours = await timeRuns(async () => {
        const o = await session.sql(q.sql);
        if (o.kind !== 'query') throw new Error('not a query');
        const r = await session.execute(o.plan);
        let n = 0;
        for await (const b of r.batches) n += b.numRows;
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        return n;
      });
      const theirs = await timeRuns(async () => (await duck.runAndReadAll(q.sql)).getRows().length);
      if ('error' in ours || 'error' in theirs) {
        console.log(`${q.name.padEnd(6)}  ERROR ${'error' in ours ? `ours: ${ours.error}` : ''} ${'error' in theirs ? `duckdb: ${theirs.error}` : ''}`);
        continue;
      }
      const ratio = ours.ms / Math.max(theirs.ms, 0.01);
      ratios.push(ratio);
      console.log(
        `${q.name.padEnd(6)} ${ours.ms.toFixed(1).padStart(8)} ${theirs.ms.toFixed(1).padStart(9)} ${ratio.toFixed(1).padStart(8)}x ${String(ours.rows).padStart(6)}`,
      );
    }
  } finally {
    clearInterval(sampler);
    session.close();
    rmSync(warehouseDir, { recursive: true, force: true });
  }
  const geo = ratios.length ? Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length) : Number.NaN;
  console.log(`geometric mean ratio (ours/DuckDB): ${geo.toFixed(1)}x over ${ratios.length} queries`);
  console.log(`peak heap: ${(peakHeap / 2 ** 20).toFixed(0)} MiB; max RSS so far: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

// Arguments: scale factors (`0.1 1`) and optionally query names (`q01 q05`) to run only those.
const args = process.argv.slice(2);
const only = args.filter((a) => /^q\d+$/.test(a));
const sfArgs = args.filter((a) => !/^q\d+$/.test(a));
const scales = sfArgs.length ? sfArgs : ['0.1', '1'];
const root = resolve(repoRoot());
for (const sf of scales) await benchScale(root, sf);
