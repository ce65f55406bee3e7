/**
 * Keyword classes. Spark's default (non-ANSI) grammar makes almost every keyword usable as an
 * identifier, so these sets are deliberately small: they only list words whose use as a name
 * would make a clause boundary ambiguous.
 */

/**
 * Words that may not be an implicit alias (`SELECT a b`, `FROM t x`): ANSI-reserved words plus
 * Spark's "strict non-reserved" join/set-operation words and clause starters.
 */
export const NOT_IMPLICIT_ALIAS = new Set([
  'ALL',
  'AND',
  'ANTI',
  'ANY',
  'AS',
  'BETWEEN',
  'BY',
  'CASE',
  'CAST',
  'CLUSTER',
  'CROSS',
  'DISTINCT',
  'DISTRIBUTE',
  'ELSE',
  'END',
  'EXCEPT',
  'FETCH',
  'FOR',
  'FROM',
  'FULL',
  'GROUP',
  'HAVING',
  'IN',
  'INNER',
  'INTERSECT',
  'INTO',
  'IS',
  'JOIN',
  'LATERAL',
  'LEFT',
  'LIKE',
  'ILIKE',
  'RLIKE',
  'REGEXP',
  'LIMIT',
  'MINUS',
  'NATURAL',
  'NOT',
  'OFFSET',
  'ON',
  'OR',
  'ORDER',
  'OUTER',
  'OVER',
  'PIVOT',
  'QUALIFY',
  'RIGHT',
  'SELECT',
  'SEMI',
  'SORT',
  'TABLESAMPLE',
  'THEN',
  'UNION',
  'UNPIVOT',
  'USING',
  'WHEN',
  'WHERE',
  'WINDOW',
  'WITH',
]);

/** Words that cannot begin a column reference: seeing one where an expression starts is a syntax error. */
export const NOT_EXPRESSION_START = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'HAVING',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'JOIN',
  'ON',
  'AS',
  'AND',
  'OR',
  'THEN',
  'ELSE',
  'END',
  'WHEN',
  'BY',
  'IS',
  'IN',
  'LIKE',
  'BETWEEN',
  'DISTINCT',
  'WITH',
  'USING',
]);

/** Words that start a query (after `(` this decides subquery vs. parenthesised expression). */
export const QUERY_START = new Set(['SELECT', 'WITH', 'VALUES', 'FROM', 'TABLE', 'MAP', 'REDUCE']);

/** `datetimeUnit` of TIMESTAMPADD/TIMESTAMPDIFF-style functions. */
export const DATETIME_UNITS = new Set([
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'DAYOFYEAR',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
]);
