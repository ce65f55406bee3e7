/** Helpers for aggregate arguments that must be constants, and the WITHIN GROUP error family. */
import { PerennialError } from '../../../core/errors.js';
import { getValue } from '../../arrow/vec.js';
import type { DataType } from '../../plan/data-type.js';
import type { RExpr, SortKey } from '../../plan/logical-plan.js';
import { compile } from '../compile.js';
import { defaultEvalContext } from '../eval-context.js';
import type { ResolveContext } from '../functions/registry.js';

/** Whether `e` can be evaluated without input rows (literals and deterministic calls over them). */
export function isFoldable(e: RExpr): boolean {
  switch (e.k) {
    case 'lit':
      return true;
    case 'call':
      return e.args.every(isFoldable);
    case 'cast':
      return isFoldable(e.child);
    default:
      return false;
  }
}

/** Evaluates a foldable argument (`0.5`, `array(0.25, 0.75)`, `', '`) once, at planning time. */
export function constantValue(e: RExpr, ctx: ResolveContext): unknown {
  if (e.k === 'lit') return e.value;
  const env = { ctx: { ...defaultEvalContext(), ansi: ctx.ansi, timeZone: ctx.timeZone }, subqueries: new Map() };
  return getValue(compile(e, [], env)({ cols: [], length: 1 }), 0);
}

/** A numeric value of type `t` (decimals are unscaled bigints) as a double. */
export function toDouble(t: DataType, v: unknown): number {
  if (t.type === 'decimal') return Number(v as bigint) / 10 ** t.scale;
  return Number(v);
}

/** `ORDER BY x DESC NULLS LAST` as Spark prints a sort order inside a function's name. */
export function sortKeySql(k: SortKey): string {
  return `${k.expr.sql} ${k.ascending ? 'ASC' : 'DESC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`;
}

export function invalidWithinGroup(sub: string, fn: string, detail: string, params: Record<string, string> = {}): PerennialError {
  return new PerennialError(
    `INVALID_WITHIN_GROUP_EXPRESSION.${sub}`,
    `[INVALID_WITHIN_GROUP_EXPRESSION.${sub}] Invalid function \`${fn}\` with WITHIN GROUP. ${detail} SQLSTATE: 42K0K`,
    { messageParameters: { funcName: `\`${fn}\``, ...params } },
  );
}

export function withinGroupUnsupported(fn: string): PerennialError {
  return new PerennialError(
    'INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX',
    `[INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX] Invalid SQL syntax: The function \`${fn}\` does not support WITHIN GROUP. SQLSTATE: 42000`,
    { messageParameters: { prettyName: `\`${fn}\``, syntax: '"WITHIN GROUP"' } },
  );
}

export function nonFoldableArgument(fn: string, param: string, type: string): PerennialError {
  return new PerennialError(
    'NON_FOLDABLE_ARGUMENT',
    `[NON_FOLDABLE_ARGUMENT] The function \`${fn}\` requires the parameter \`${param}\` to be a foldable expression of the type "${type}", but the actual argument is a non-foldable. SQLSTATE: 42K08`,
    { messageParameters: { funcName: `\`${fn}\``, paramName: `\`${param}\``, paramType: `"${type}"` } },
  );
}
