/**
 * Parse errors with Spark's exact wording, so clients matching on messages see the same text:
 * `[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'. SQLSTATE: 42601 (line 1, pos 7)`.
 */
import { PerennialError } from '../../core/errors.js';

/** 1-based line and 0-based position within that line, as Spark's ParseException reports them. */
export function lineAndPos(sql: string, offset: number): { line: number; pos: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < sql.length; i++) {
    if (sql[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, pos: offset - lineStart };
}

/** `text` empty means the end of input. */
export function syntaxErrorAt(sql: string, offset: number, text: string, hint = ''): PerennialError {
  const error = text === '' ? 'end of input' : `'${text}'`;
  const { line, pos } = lineAndPos(sql, offset);
  return new PerennialError(
    'PARSE_SYNTAX_ERROR',
    `[PARSE_SYNTAX_ERROR] Syntax error at or near ${error}${hint}. SQLSTATE: 42601 (line ${line}, pos ${pos})`,
    { messageParameters: { error, hint } },
  );
}

export function emptyStatementError(): PerennialError {
  return new PerennialError(
    'PARSE_EMPTY_STATEMENT',
    '[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement. SQLSTATE: 42617',
  );
}

/** A parse-time error other than a syntax error (bad literal, unsupported clause), still a ParseException. */
export function parseError(
  errorClass: string,
  message: string,
  sqlState: string,
  params: Record<string, string> = {},
): PerennialError {
  return new PerennialError(errorClass, `[${errorClass}] ${message} SQLSTATE: ${sqlState}`, {
    sqlState,
    messageParameters: params,
    classes: [
      'org.apache.spark.sql.catalyst.parser.ParseException',
      'org.apache.spark.sql.AnalysisException',
      'java.lang.Exception',
      'java.lang.Throwable',
    ],
  });
}
