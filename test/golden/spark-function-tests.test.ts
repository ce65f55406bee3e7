/**
 * Spark's built-in function examples with Spark's answers (column names included). A query passes
 * when column names, column types and rows match (rows as a set unless the query is sorted).
 * Nondeterministic examples and families out of scope are reported apart, not hidden. Fails only
 * when the pass count drops below the floor in baseline.json.
 */
import { describe, expect, it } from 'vitest';
import { readBaseline } from './baseline.js';
import { isSortedQuery, loadCreateEngine, openSession, printTable, runSql } from './engine-runner.js';
import { corpusMissingNotice, type FunctionTest, readFunctionTests, sparkFunctionTestsDir } from './golden-files.js';
import { catalogString, jsonTypeToCatalogString } from './spark-format.js';

/** Families that need features out of scope (README of the corpus). */
const OUT_OF_SCOPE = new Set(['sketch', 'xml', 'avro', 'protobuf', 'variant', 'st', 'vector']);

/** Results that depend on the clock, randomness, the environment or the build. */
const NONDETERMINISTIC =
  /\b(rand|randn|random|uniform|randstr|uuid|shuffle|now|current_date|current_timestamp|current_timezone|localtimestamp|curdate|current_user|user|session_user|current_database|current_schema|current_catalog|version|spark_partition_id|monotonically_increasing_id|input_file_name|input_file_block_start|input_file_block_length|unix_timestamp\(\s*\)|reflect|java_method|try_reflect)\b/i;

function classify(category: string, t: FunctionTest): 'run' | 'nondeterministic' | 'out-of-scope' {
  if (OUT_OF_SCOPE.has(category)) return 'out-of-scope';
  if (NONDETERMINISTIC.test(t.query)) return 'nondeterministic';
  return 'run';
}

describe('Spark function examples', () => {
  it('passes at least the recorded number of examples', async () => {
    const families = readFunctionTests();
    if (families.length === 0) {
      // Test data lives outside the repository; without it there is nothing to count.
      console.warn(corpusMissingNotice(sparkFunctionTestsDir()));
      return;
    }
    const { createEngine, reason } = await loadCreateEngine();
    if (createEngine === undefined) console.log(`engine unavailable (${reason}); every example counts as failed`);
    const verbose = process.env.PERENNIAL_GOLDEN_VERBOSE === '1';
    const table: [string, number, number][] = [];
    let nondeterministic = 0;
    let outOfScope = 0;
    let nullabilityMismatches = 0;
    for (const fam of families) {
      let passed = 0;
      let total = 0;
      const handle = createEngine === undefined ? undefined : await openSession(createEngine, true);
      try {
        for (const t of fam.tests) {
          const kind = classify(fam.category, t);
          if (kind === 'nondeterministic') nondeterministic++;
          if (kind === 'out-of-scope') outOfScope++;
          if (kind !== 'run') continue;
          total++;
          if (handle === undefined) continue;
          // The corpus renders ANSI intervals as `1-2` / `2 00:00:00.000000000` (not SQL literals).
          const got = await runSql(handle.session, t.query, { intervalStyle: 'plain' });
          let why = '';
          if (got.kind === 'error') why = got.message.split('\n')[0] ?? '';
          else {
            const names = got.schema.fields.map((f) => f.name);
            const expNames = t.schema.fields.map((f) => f.name);
            const types = got.schema.fields.map((f) => catalogString(f.dataType));
            const expTypes = t.schema.fields.map((f) => jsonTypeToCatalogString(f.type));
            const sorted = isSortedQuery(t.query);
            const a = sorted ? got.rows : [...got.rows].sort();
            const b = sorted ? t.result : [...t.result].sort();
            if (JSON.stringify(names) !== JSON.stringify(expNames))
              why = `columns ${JSON.stringify(names)}, expected ${JSON.stringify(expNames)}`;
            else if (JSON.stringify(types) !== JSON.stringify(expTypes))
              why = `types ${types.join(',')}, expected ${expTypes.join(',')}`;
            else if (JSON.stringify(a) !== JSON.stringify(b))
              why = `rows ${JSON.stringify(a).slice(0, 100)}, expected ${JSON.stringify(b).slice(0, 100)}`;
            if (why === '' && got.schema.fields.some((f, i) => f.nullable !== t.schema.fields[i]?.nullable))
              nullabilityMismatches++;
          }
          if (why === '') passed++;
          else if (verbose) console.log(`  ${fam.category}: ${t.query.slice(0, 100)}  →  ${why.slice(0, 200)}`);
        }
      } finally {
        handle?.dispose();
      }
      table.push([fam.category, passed, total]);
    }
    printTable('function family', table);
    console.log(
      `not run: ${nondeterministic} nondeterministic, ${outOfScope} out of scope; ` +
        `${nullabilityMismatches} passing examples differ only in nullability`,
    );
    const totalPassed = table.reduce((a, r) => a + r[1], 0);
    expect(totalPassed).toBeGreaterThanOrEqual(readBaseline().sparkFunctionTests);
  }, 600_000);
});
