import { describe, expect, it } from 'vitest';
import { isPerennialError } from '../../core/errors.js';
import { parseExpression, parseStatement, parseStatements } from './index.js';

function errorOf(f: () => unknown): {
  errorClass: string;
  message: string;
  messageParameters: Record<string, string>;
  sqlState: string;
} {
  try {
    f();
  } catch (e) {
    if (!isPerennialError(e)) throw e;
    return e;
  }
  throw new Error('expected an error');
}

describe('syntax errors', () => {
  it.each([
    ['SELECT FROM t', "'FROM'", 1, 7],
    ['SELECT * FROM', 'end of input', 1, 13],
    ['SELECT 1 +', 'end of input', 1, 10],
    ['SELECT a b c FROM t', "'c'", 1, 11],
    ['SELECT * FROM t WHERE', 'end of input', 1, 21],
    ['SELECT *\nFROM t\nWHERE a = = 1', "'='", 3, 10],
    ['SELECT (1', 'end of input', 1, 9],
    ['SELEC 1', "'SELEC'", 1, 0],
    ["SELECT 'abc", "'''", 1, 7],
    ['SELECT a FROM t GROUP a', "'GROUP'", 1, 16],
  ])('%s', (sql, token, line, pos) => {
    const e = errorOf(() => parseStatement(sql));
    expect(e.errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect(e.sqlState).toBe('42601');
    expect(e.messageParameters).toEqual({ error: token, hint: '' });
    expect(e.message).toBe(
      `[PARSE_SYNTAX_ERROR] Syntax error at or near ${token}. SQLSTATE: 42601 (line ${line}, pos ${pos})`,
    );
  });

  it('empty statements', () => {
    for (const sql of ['', '  ', ';', '-- only a comment']) {
      expect(errorOf(() => parseStatement(sql)).errorClass).toBe('PARSE_EMPTY_STATEMENT');
    }
    expect(errorOf(() => parseStatements(' ; ')).errorClass).toBe('PARSE_EMPTY_STATEMENT');
  });

  it('unclosed bracketed comment', () => {
    expect(errorOf(() => parseStatement('SELECT 1 /* x')).errorClass).toBe('UNCLOSED_BRACKETED_COMMENT');
  });

  it('expression errors', () => {
    expect(errorOf(() => parseExpression('a +')).message).toMatch(/end of input.*pos 3/);
    expect(errorOf(() => parseExpression('a IS 1')).messageParameters.error).toBe("'1'");
  });
});
