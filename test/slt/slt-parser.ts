/**
 * Reader for our sqllogictest files (`test/slt/*.slt`), a dialect of the format DataFusion and
 * SQLite use. A file is a sequence of records separated by blank lines:
 *
 *   statement ok                  the SQL must succeed
 *   statement error <CLASS>       the SQL must fail with that error class (or a subclass: `A` matches `A.B`)
 *   query <types> [rowsort]       the SQL must return these rows: one line each, columns separated by
 *   <sql>                         a tab, NULL for null, (empty) for an empty string, values as Spark's
 *   ----                          test harness prints them. Types: one letter per column — I integral,
 *   <rows>                        R fractional/decimal, T string, B boolean, D date/time/interval, ? any.
 *
 * `#` starts a comment line. File-level directive: `# profile: ansi` (default: the non-ANSI profile).
 * A `# todo: <reason>` comment right before a record marks a known engine bug: its mismatch is
 * reported but does not fail the suite.
 */

export type SltRecord =
  | { kind: 'statement'; line: number; sql: string; expectError?: string; todo?: string }
  | { kind: 'query'; line: number; sql: string; types: string; sort: 'none' | 'rowsort'; rows: string[]; todo?: string };

export interface SltFile {
  ansi: boolean;
  records: SltRecord[];
}

export class SltSyntaxError extends Error {}

export function parseSlt(text: string, name = 'input'): SltFile {
  const lines = text.split(/\r?\n/);
  const records: SltRecord[] = [];
  let ansi = false;
  let todo: string | undefined;
  let i = 0;
  const fail = (msg: string): never => {
    throw new SltSyntaxError(`${name}:${i + 1}: ${msg}`);
  };
  /** Lines up to the next blank line (or `----` when `stopAtDashes`). */
  const block = (stopAtDashes: boolean): string[] => {
    const out: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !(stopAtDashes && lines[i]!.trim() === '----')) out.push(lines[i++]!);
    return out;
  };
  while (i < lines.length) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '') {
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      const directive = /^#\s*(profile|todo)\s*:\s*(.*)$/i.exec(line);
      if (directive) {
        const key = directive[1]!.toLowerCase();
        const value = directive[2]!.trim();
        if (key === 'profile') {
          if (value !== 'ansi' && value !== 'legacy') fail(`unknown profile '${value}' (ansi or legacy)`);
          ansi = value === 'ansi';
        } else todo = value || 'known bug';
      }
      i++;
      continue;
    }
    const start = i + 1;
    const words = line.split(/\s+/);
    i++;
    if (words[0] === 'statement') {
      const sql = block(false).join('\n');
      if (sql === '') fail('statement without SQL');
      if (words[1] === 'ok') records.push({ kind: 'statement', line: start, sql, ...(todo ? { todo } : {}) });
      else if (words[1] === 'error' && words[2]) records.push({ kind: 'statement', line: start, sql, expectError: words[2], ...(todo ? { todo } : {}) });
      else fail(`expected 'statement ok' or 'statement error <ERROR_CLASS>'`);
    } else if (words[0] === 'query') {
      const types = words[1] ?? '';
      if (!/^[IRTBD?]+$/.test(types)) fail(`query needs column types (letters I, R, T, B, D, ?), got '${types}'`);
      const sort = words[2] ?? 'nosort';
      if (sort !== 'nosort' && sort !== 'rowsort') fail(`unknown sort mode '${sort}'`);
      const sql = block(true).join('\n');
      if (sql === '') fail('query without SQL');
      if (lines[i]?.trim() !== '----') fail(`query must be followed by '----' and the expected rows`);
      i++;
      const rows = block(false);
      records.push({ kind: 'query', line: start, sql, types, sort: sort === 'rowsort' ? 'rowsort' : 'none', rows, ...(todo ? { todo } : {}) });
    } else fail(`expected 'statement' or 'query', got '${words[0]}'`);
    todo = undefined;
  }
  return { ansi, records };
}

/** Whether a Spark type name fits a column type letter. */
export function typeLetterMatches(letter: string, sparkType: string): boolean {
  switch (letter) {
    case 'I':
      return ['byte', 'short', 'integer', 'long'].includes(sparkType);
    case 'R':
      return ['float', 'double', 'decimal'].includes(sparkType);
    case 'T':
      return ['string', 'char', 'varchar'].includes(sparkType);
    case 'B':
      return sparkType === 'boolean';
    case 'D':
      return ['date', 'timestamp', 'timestamp_ntz', 'time', 'calendar_interval', 'year_month_interval', 'day_time_interval'].includes(sparkType);
    default:
      return true;
  }
}

/** Expected row text as the engine renders it: `(empty)` stands for an empty string cell. */
export function normalizeExpectedRow(row: string): string {
  return row
    .split('\t')
    .map((c) => (c === '(empty)' ? '' : c))
    .join('\t');
}
