/** Lazy access to the SQL parser (engine/sql), so the engine works before the parser lands. */
import { PerennialError } from '../../core/errors.js';
import type { DataType } from '../plan/data-type.js';
import type { Expr, Statement } from '../plan/parsed-plan.js';

interface SqlModule {
  parseStatement(sql: string): Statement;
  parseStatements(sql: string): Statement[];
  parseExpression(sql: string): Expr;
  parseDataType(ddl: string): DataType;
}

let mod: SqlModule | undefined;

export async function sqlFront(): Promise<SqlModule> {
  if (mod) return mod;
  const m = (await import('../sql/index.js')) as Partial<SqlModule>;
  if (typeof m.parseStatement !== 'function') {
    throw new PerennialError('UNSUPPORTED_FEATURE', '[UNSUPPORTED_FEATURE] The feature is not supported: SQL text (the SQL parser is not available). SQLSTATE: 0A000', { kind: 'unsupported' });
  }
  mod = m as SqlModule;
  return mod;
}

/** Synchronous access once loaded (parseDataType on the session is synchronous). */
export function sqlFrontSync(): SqlModule | undefined {
  return mod;
}
