/**
 * Spark SQL text → parsed plan. Errors are PerennialError PARSE_SYNTAX_ERROR with Spark's message shape
 * (`[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'. SQLSTATE: 42601 (line 1, pos 7)`).
 */
import type { DataType, StructType } from '../plan/data-type.js';
import type { Expr, Statement } from '../plan/parsed-plan.js';

export declare function parseStatement(sql: string): Statement;
/** Splits on top-level `;` (outside strings/comments) and parses each. */
export declare function parseStatements(sql: string): Statement[];
export declare function parseExpression(sql: string): Expr;
/** A single type (`int`, `decimal(10,2)`, `array<struct<a:int>>`) or a table schema (`a int, b string`, returned as a struct). */
export declare function parseDataType(ddl: string): DataType;
export declare function parseTableSchema(ddl: string): StructType;
/** `a.b.`c.d`` → ['a', 'b', 'c.d']. */
export declare function parseMultipartIdentifier(text: string): string[];
