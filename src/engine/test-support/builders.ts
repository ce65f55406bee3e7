/** Tiny builders for hand-written parsed plans in unit tests. */
import type { DataType } from '../plan/data-type.js';
import type { Expr, LiteralValue, Plan } from '../plan/parsed-plan.js';
import { T } from '../plan/type-utils.js';

export const col = (...nameParts: string[]): Expr => ({ kind: 'attribute', nameParts });
export const fn = (name: string, ...args: Expr[]): Expr => ({ kind: 'function', name, args, isDistinct: false });
export const distinctFn = (name: string, ...args: Expr[]): Expr => ({ kind: 'function', name, args, isDistinct: true });
export const lit = (value: LiteralValue, dataType: DataType = typeof value === 'bigint' ? T.long : typeof value === 'string' ? T.string : typeof value === 'boolean' ? T.boolean : value === null ? T.null : Number.isInteger(value) ? T.int : T.double): Expr => ({ kind: 'literal', dataType, value });
export const alias = (expr: Expr, name: string): Expr => ({ kind: 'alias', expr, names: [name] });
export const cast = (expr: Expr, to: DataType): Expr => ({ kind: 'cast', expr, to, mode: 'default' });
export const range = (end: number, start = 0, step = 1): Plan => ({ kind: 'range', start: BigInt(start), end: BigInt(end), step: BigInt(step) });
export const select = (input: Plan, ...exprs: Expr[]): Plan => ({ kind: 'project', input, exprs });
export const where = (input: Plan, condition: Expr): Plan => ({ kind: 'filter', input, condition });
export const groupBy = (input: Plan, grouping: Expr[], aggregates: Expr[]): Plan => ({ kind: 'aggregate', input, groupType: 'groupBy', grouping, aggregates });
export const oneRow: Plan = { kind: 'oneRow' };
export const values = (rows: Expr[][], columnAliases?: string[], alias?: string): Plan => ({ kind: 'values', rows, columnAliases, alias });
