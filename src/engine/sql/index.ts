/**
 * Spark SQL text → parsed plan. Errors are PerennialError PARSE_SYNTAX_ERROR with Spark's message shape
 * (`[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'. SQLSTATE: 42601 (line 1, pos 7)`).
 */
import type { DataType, StructType } from '../plan/data-type.js';
import type { Expr, Statement } from '../plan/parsed-plan.js';
import { emptyStatementError } from './parse-error.js';
import { splitStatements, stripLeadingComments } from './split-statements.js';
import { parseSetLike, StatementParser } from './statement-parser.js';

export function parseStatement(sql: string): Statement {
  const body = stripLeadingComments(sql);
  if (/^[\s;]*$/.test(body)) throw emptyStatementError();
  const setLike = parseSetLike(body);
  if (setLike !== undefined) return setLike;
  return new StatementParser(sql).parseStatementInner();
}

/** Splits on top-level `;` (outside strings/comments) and parses each. */
export function parseStatements(sql: string): Statement[] {
  const parts = splitStatements(sql).filter((s) => !/^[\s;]*$/.test(stripLeadingComments(s)));
  if (parts.length === 0) throw emptyStatementError();
  return parts.map(parseStatement);
}

export function parseExpression(sql: string): Expr {
  return new StatementParser(sql).parseSingleExpression();
}

/** A single type (`int`, `decimal(10,2)`, `array<struct<a:int>>`) or a table schema (`a int, b string`, returned as a struct). */
export function parseDataType(ddl: string): DataType {
  try {
    return new StatementParser(ddl).parseSingleDataType();
  } catch (first) {
    try {
      return new StatementParser(ddl).parseSingleTableSchema();
    } catch {
      throw first;
    }
  }
}

export function parseTableSchema(ddl: string): StructType {
  return new StatementParser(ddl).parseSingleTableSchema();
}

/** `a.b.`c.d`` → ['a', 'b', 'c.d']. */
export function parseMultipartIdentifier(text: string): string[] {
  return new StatementParser(text).parseSingleMultipartIdentifier();
}
