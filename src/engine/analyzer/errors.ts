/** Analysis errors with Spark's error classes and message text. */
import { PerennialError } from '../../core/errors.js';

const q = (s: string): string => `\`${s.replace(/`/g, '``')}\``;
/** Spark quotes identifiers only when needed (`a`, `t`.`c`) — in messages it always backquotes each part. */
export const quoteParts = (parts: string[]): string => parts.map(q).join('.');

export function unresolvedColumn(nameParts: string[], candidates: string[][]): PerennialError {
  const name = quoteParts(nameParts);
  if (candidates.length === 0) {
    return new PerennialError(
      'UNRESOLVED_COLUMN.WITHOUT_SUGGESTION',
      `[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function parameter with name ${name} cannot be resolved.  SQLSTATE: 42703`,
      { messageParameters: { objectName: name } },
    );
  }
  const target = nameParts[nameParts.length - 1]!.toLowerCase();
  const scored = candidates
    .map((c) => ({ c, d: levenshtein(c[c.length - 1]!.toLowerCase(), target) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 5)
    .map((x) => quoteParts(x.c));
  const proposal = scored.join(', ');
  return new PerennialError(
    'UNRESOLVED_COLUMN.WITH_SUGGESTION',
    `[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name ${name} cannot be resolved. Did you mean one of the following? [${proposal}]. SQLSTATE: 42703`,
    { messageParameters: { objectName: name, proposal } },
  );
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

export function ambiguousReference(nameParts: string[], matches: string[][]): PerennialError {
  const name = quoteParts(nameParts);
  const refs = `[${matches.map(quoteParts).join(', ')}]`;
  return new PerennialError(
    'AMBIGUOUS_REFERENCE',
    `[AMBIGUOUS_REFERENCE] Reference ${name} is ambiguous, could be: ${refs}. SQLSTATE: 42704`,
    { messageParameters: { name, referenceNames: refs } },
  );
}

export function tableNotFound(nameParts: string[]): PerennialError {
  const name = quoteParts(nameParts);
  return new PerennialError(
    'TABLE_OR_VIEW_NOT_FOUND',
    `[TABLE_OR_VIEW_NOT_FOUND] The table or view ${name} cannot be found. Verify the spelling and correctness of the schema and catalog.\nIf you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS. SQLSTATE: 42P01`,
    { messageParameters: { relationName: name } },
  );
}

export function unresolvedRoutine(name: string): PerennialError {
  const routine = q(name);
  const searchPath = '[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]';
  return new PerennialError(
    'UNRESOLVED_ROUTINE',
    `[UNRESOLVED_ROUTINE] Cannot resolve routine ${routine} on search path ${searchPath}. SQLSTATE: 42883`,
    { messageParameters: { routineName: routine, searchPath } },
  );
}

export function missingAggregation(exprSql: string): PerennialError {
  return new PerennialError(
    'MISSING_AGGREGATION',
    `[MISSING_AGGREGATION] The non-aggregating expression "${exprSql}" is based on columns which are not participating in the GROUP BY clause.\nAdd the columns or the expression to the GROUP BY, aggregate the expression, or use "any_value(${exprSql})" if you do not care which of the values within a group is returned. SQLSTATE: 42803`,
    { messageParameters: { expression: `"${exprSql}"`, expressionAnyValue: `"any_value(${exprSql})"` } },
  );
}

export function analysisError(errorClass: string, message: string, params: Record<string, string> = {}): PerennialError {
  return new PerennialError(errorClass, message, { messageParameters: params });
}
