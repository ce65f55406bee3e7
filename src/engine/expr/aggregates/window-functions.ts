/**
 * Naming and frames of the window-only functions (ranking and offset functions). Spark gives each a
 * fixed frame that is part of the generated column name, e.g.
 * `RANK() OVER (ORDER BY b ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`.
 */
import type { RExpr } from '../../plan/logical-plan.js';

export const WINDOW_ONLY_FUNCTIONS = ['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'nth_value'];

export interface WindowFrame {
  type: 'rows' | 'range';
  lower: number | null;
  upper: number | null;
}

/** The function's pretty name: RankLike functions print upper-case with no arguments (`rank(b)` → `RANK()`). */
export function windowFunctionSql(name: string, args: RExpr[]): string {
  if (name === 'rank' || name === 'dense_rank' || name === 'percent_rank') return `${name.toUpperCase()}()`;
  return `${name}(${args.map((a) => a.sql).join(', ')})`;
}

/** The frame a ranking or offset function always uses, with Spark's text for it; undefined for the others. */
export function fixedFrame(name: string, args: RExpr[]): { frame: WindowFrame; sql: string } | undefined {
  switch (name) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
    case 'percent_rank':
    case 'ntile':
      return { frame: { type: 'rows', lower: null, upper: 0 }, sql: 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW' };
    case 'cume_dist':
      return { frame: { type: 'range', lower: null, upper: 0 }, sql: 'RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW' };
    case 'lag':
    case 'lead': {
      // lag's frame is written with a negated offset: `ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING`.
      const off = args[1];
      const k = off?.k === 'lit' ? Number(off.value) : 1;
      const at = name === 'lag' ? -k : k;
      return { frame: { type: 'rows', lower: at, upper: at }, sql: `ROWS BETWEEN ${at} FOLLOWING AND ${at} FOLLOWING` };
    }
    default:
      return undefined;
  }
}
