/**
 * Runs every `test/slt/*.slt` file (format: slt-parser.ts) through the engine, one fresh session per
 * file, and fails with `file:line` for each record whose outcome differs from the expected one.
 * Records marked `# todo:` are known engine bugs: their mismatches are printed, not failed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCreateEngine, openSession, runSql } from '../golden/engine-runner.js';
import { normalizeExpectedRow, parseSlt, type SltRecord, typeLetterMatches } from './slt-parser.js';

const SLT_DIR = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(SLT_DIR)
  .filter((f) => f.endsWith('.slt'))
  .sort();

const errorMatches = (expected: string, got: string): boolean => got === expected || got.startsWith(`${expected}.`);

/** Why the record's outcome differs from the expected one, or undefined when it matches. */
async function check(session: Parameters<typeof runSql>[0], r: SltRecord): Promise<string | undefined> {
  const got = await runSql(session, r.sql);
  if (r.kind === 'statement') {
    if (r.expectError === undefined) return got.kind === 'error' ? `expected success, got ${got.errorClass}: ${got.message.split('\n')[0]}` : undefined;
    if (got.kind !== 'error') return `expected error ${r.expectError}, got success`;
    return errorMatches(r.expectError, got.errorClass) ? undefined : `expected error ${r.expectError}, got ${got.errorClass}: ${got.message.split('\n')[0]}`;
  }
  if (got.kind === 'error') return `expected rows, got ${got.errorClass}: ${got.message.split('\n')[0]}`;
  const fields = got.schema.fields;
  if (fields.length !== r.types.length) return `expected ${r.types.length} columns, got ${fields.length}`;
  const badType = fields.findIndex((f, i) => !typeLetterMatches(r.types[i]!, f.dataType.type));
  if (badType >= 0) return `column ${badType + 1} has type ${fields[badType]!.dataType.type}, expected '${r.types[badType]}'`;
  const expected = r.rows.map(normalizeExpectedRow);
  const actual = got.rows.map((x) => x.replace(/\s+$/, ''));
  const exp = expected.map((x) => x.replace(/\s+$/, ''));
  if (r.sort === 'rowsort') {
    actual.sort();
    exp.sort();
  }
  if (actual.length === exp.length && actual.every((x, i) => x === exp[i])) return undefined;
  const show = (rows: string[]) => (rows.length === 0 ? '    (no rows)' : rows.map((x) => `    ${x.replace(/\t/g, ' | ')}`).join('\n'));
  return `rows differ\n  expected:\n${show(exp)}\n  got:\n${show(actual)}`;
}

describe('sqllogictest files', async () => {
  const { createEngine, reason } = await loadCreateEngine();
  it.each(files)('%s', async (file) => {
    if (createEngine === undefined) throw new Error(`engine unavailable: ${reason}`);
    const parsed = parseSlt(readFileSync(join(SLT_DIR, file), 'utf8'), file);
    const handle = await openSession(createEngine, parsed.ansi);
    const failures: string[] = [];
    const known: string[] = [];
    try {
      for (const r of parsed.records) {
        const why = await check(handle.session, r);
        if (why === undefined) continue;
        const where = `test/slt/${file}:${r.line}`;
        if (r.todo !== undefined) known.push(`${where}: (todo: ${r.todo}) ${why}`);
        else failures.push(`${where}: ${r.sql.replace(/\s+/g, ' ').slice(0, 160)}\n  ${why}`);
      }
    } finally {
      handle.dispose();
    }
    if (known.length > 0 && process.env.PERENNIAL_GOLDEN_VERBOSE === '1') console.log(known.join('\n'));
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
