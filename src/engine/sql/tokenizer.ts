/**
 * Spark SQL lexer. Produces the whole token list up front (statements are small) so the parser can
 * look ahead freely, which Spark's grammar needs in a few places (lambdas, subquery vs. parenthesised
 * expression, typed literals).
 */
import { PerennialError } from '../../core/errors.js';
import { syntaxErrorAt } from './parse-error.js';

export type TokenKind =
  /** Unquoted identifier or keyword; `upper` is the case-folded text used for keyword checks. */
  | 'word'
  /** Backtick-quoted identifier; `value` has the backticks removed and doubled backticks collapsed. */
  | 'quotedIdent'
  /** '...' or "..." (or r'...'); `value` is the unescaped text. */
  | 'string'
  /** Numeric literal, raw text including any suffix (`1L`, `1.5BD`, `1e3`). */
  | 'number'
  | 'op'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Exact source text. */
  text: string;
  /** Processed value: unescaped string, unquoted identifier, or the text itself. */
  value: string;
  upper: string;
  /** Offsets into the source (end exclusive). */
  start: number;
  end: number;
  /** True when whitespace or a comment precedes this token (`:name` markers must be adjacent). */
  spaceBefore: boolean;
}

// Longest first: the scanner takes the first match.
const OPERATORS = [
  '<=>',
  '>>>',
  '<<',
  '>>',
  '<=',
  '>=',
  '<>',
  '!=',
  '==',
  '||',
  '::',
  '->',
  '=>',
  '|>',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '~',
  '!',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  ';',
  '?',
  ':',
];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaceBefore = false;
  const n = sql.length;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = sql.slice(start, end);
    tokens.push({
      kind,
      text,
      value: value ?? text,
      upper: kind === 'word' ? text.toUpperCase() : text,
      start,
      end,
      spaceBefore,
    });
    spaceBefore = false;
  };

  while (i < n) {
    const c = sql[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      spaceBefore = true;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      spaceBefore = true;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      // Bracketed comments nest in Spark; hints (`/*+ ... */`) are comments to us.
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) {
        throw new PerennialError(
          'UNCLOSED_BRACKETED_COMMENT',
          '[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, append */ at the end of the comment. SQLSTATE: 42601',
          { sqlState: '42601' },
        );
      }
      spaceBefore = true;
      continue;
    }
    // Raw string: r'...' / R"..." — no escape processing.
    if ((c === 'r' || c === 'R') && (sql[i + 1] === "'" || sql[i + 1] === '"')) {
      const q = sql[i + 1] as string;
      const end = sql.indexOf(q, i + 2);
      if (end < 0) throw syntaxErrorAt(sql, i + 1, q);
      push('string', i, end + 1, sql.slice(i + 2, end));
      i = end + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      const { value, end } = scanString(sql, i);
      push('string', i, end, value);
      i = end;
      continue;
    }
    if (c === '`') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= n) throw syntaxErrorAt(sql, i, '`');
        if (sql[j] === '`') {
          if (sql[j + 1] === '`') {
            value += '`';
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      push('quotedIdent', i, j + 1, value);
      i = j + 1;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(sql[i + 1]) && !afterOperand(tokens, spaceBefore))) {
      const end = scanNumber(sql, i);
      if (end > 0) {
        push('number', i, end);
        i = end;
        continue;
      }
      // Digits running into letters (`1a`, `2col`) form an identifier, as in Spark's lexer.
      let j = i;
      while (isWordChar(sql[j])) j++;
      push('word', i, j);
      i = j;
      continue;
    }
    if (isWordChar(c)) {
      let j = i;
      while (isWordChar(sql[j])) j++;
      push('word', i, j);
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (op === undefined) throw syntaxErrorAt(sql, i, c);
    push('op', i, i + op.length);
    i += op.length;
  }
  tokens.push({ kind: 'eof', text: '', value: '', upper: '', start: n, end: n, spaceBefore });
  return tokens;
}

/** `t.5` is not a number: a `.` right after an identifier or `)` is field access. */
function afterOperand(tokens: Token[], spaceBefore: boolean): boolean {
  const prev = tokens[tokens.length - 1];
  if (prev === undefined || spaceBefore) return false;
  return prev.kind === 'word' || prev.kind === 'quotedIdent' || prev.text === ')' || prev.text === ']';
}

/**
 * Returns the end offset of a numeric literal starting at `i`, or -1 when the digits run into
 * identifier characters that are not a valid suffix.
 */
function scanNumber(sql: string, i: number): number {
  let j = i;
  let sawDot = false;
  let sawExp = false;
  while (isDigit(sql[j])) j++;
  if (sql[j] === '.') {
    sawDot = true;
    j++;
    while (isDigit(sql[j])) j++;
  }
  if (
    (sql[j] === 'e' || sql[j] === 'E') &&
    (isDigit(sql[j + 1]) || ((sql[j + 1] === '+' || sql[j + 1] === '-') && isDigit(sql[j + 2])))
  ) {
    sawExp = true;
    j += 2;
    while (isDigit(sql[j])) j++;
  }
  const rest = sql.slice(j, j + 2).toUpperCase();
  let end = j;
  if (rest === 'BD') end = j + 2;
  else if (rest[0] === 'D' || rest[0] === 'F') end = j + 1;
  else if (!sawDot && !sawExp && (rest[0] === 'L' || rest[0] === 'S' || rest[0] === 'Y')) end = j + 1;
  if (isWordChar(sql[end]) && !sawDot && !sawExp) return -1;
  return end;
}

/** Spark's `unescapeSQLString` (spark.sql.parser.escapedStringLiterals=false). */
function scanString(sql: string, start: number): { value: string; end: number } {
  const q = sql[start] as string;
  let j = start + 1;
  let out = '';
  for (;;) {
    if (j >= sql.length) throw syntaxErrorAt(sql, start, q);
    const c = sql[j] as string;
    if (c === q) {
      // A doubled quote is an escaped quote (Spark 4).
      if (sql[j + 1] === q) {
        out += q;
        j += 2;
        continue;
      }
      return { value: out, end: j + 1 };
    }
    if (c === '\\' && j + 1 < sql.length) {
      const d = sql[j + 1] as string;
      // Octal \ddd
      if (/[0-3]/.test(d) && /[0-7]/.test(sql[j + 2] ?? '') && /[0-7]/.test(sql[j + 3] ?? '')) {
        out += String.fromCharCode(Number.parseInt(sql.slice(j + 1, j + 4), 8));
        j += 4;
        continue;
      }
      if (d === 'u' && /^[0-9a-fA-F]{4}$/.test(sql.slice(j + 2, j + 6))) {
        out += String.fromCharCode(Number.parseInt(sql.slice(j + 2, j + 6), 16));
        j += 6;
        continue;
      }
      if (d === 'U' && /^[0-9a-fA-F]{8}$/.test(sql.slice(j + 2, j + 10))) {
        out += String.fromCodePoint(Number.parseInt(sql.slice(j + 2, j + 10), 16));
        j += 10;
        continue;
      }
      out += ESCAPES[d] ?? d;
      j += 2;
      continue;
    }
    out += c;
    j++;
  }
}

const ESCAPES: Record<string, string> = {
  '0': '\u0000',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\u001A',
  // LIKE wildcards keep their backslash so the pattern still escapes them.
  '%': '\\%',
  _: '\\_',
};
