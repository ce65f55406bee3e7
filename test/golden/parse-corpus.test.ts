/**
 * Every golden query must at least parse. Known gaps are listed with their reason; anything else
 * failing to parse is a parser regression.
 */
import { describe, expect, it } from 'vitest';
import { parseStatement } from '../../src/engine/sql/index.js';
import { readFunctionTests, readSqlTestFiles } from './golden-files.js';

/** Parse failures we accept, by reason. */
const KNOWN_GAPS: [RegExp, string][] = [[/\bTIME\s*'/i, 'TIME literals: the DataType contract has no TIME type']];

describe('golden corpora parse', () => {
  it('every query parses, except known gaps', () => {
    const queries = [
      ...readSqlTestFiles().flatMap((f) => f.queries.map((q) => q.sql)),
      ...readFunctionTests().flatMap((f) => f.tests.map((t) => t.query)),
    ];
    const unexpected: string[] = [];
    const gaps = new Map<string, number>();
    for (const sql of queries) {
      try {
        parseStatement(sql);
      } catch (e) {
        const gap = KNOWN_GAPS.find(([re]) => re.test(sql));
        if (gap !== undefined) gaps.set(gap[1], (gaps.get(gap[1]) ?? 0) + 1);
        else unexpected.push(`${sql.slice(0, 120)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    console.log(
      `parsed ${queries.length - unexpected.length - [...gaps.values()].reduce((a, b) => a + b, 0)}/${queries.length}`,
    );
    for (const [why, n] of gaps) console.log(`known gap (${n}): ${why}`);
    expect(unexpected).toEqual([]);
  });
});
