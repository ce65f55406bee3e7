/**
 * The resolved logical plan: what the analyzer produces and the optimizer rewrites. Every column is an
 * `Attr` with a unique id (Spark's exprId), so rewrites can move expressions between operators freely.
 */
import type { DataType } from './data-type.js';
import type { JoinType } from './parsed-plan.js';

export interface Attr {
  id: number;
  name: string;
  type: DataType;
  nullable: boolean;
  /** Relation alias / table name path that may qualify this column (`t.c`). */
  qualifier: string[];
  /** planIds of the DataFrames this column flows out of (for planId-qualified attributes). */
  planIds?: number[];
}

interface ExprBase {
  type: DataType;
  nullable: boolean;
  /** Spark's pretty SQL of the expression: the auto-generated column name. */
  sql: string;
}

export type RExpr = ExprBase &
  (
    | { k: 'lit'; value: unknown }
    | { k: 'ref'; id: number; name: string }
    /** Reference to a column of an enclosing query (correlated subquery). */
    | { k: 'outer'; id: number; name: string }
    | { k: 'call'; fn: string; args: RExpr[]; opts?: Record<string, unknown> }
    | { k: 'cast'; child: RExpr; mode: 'ansi' | 'legacy' | 'try' }
    | { k: 'case'; branches: { when: RExpr; then: RExpr }[]; else?: RExpr }
    | { k: 'agg'; fn: string; args: RExpr[]; distinct: boolean; filter?: RExpr; opts?: Record<string, unknown> }
    | {
        k: 'win';
        fn: RExpr;
        partitionBy: RExpr[];
        orderBy: SortKey[];
        frame: { type: 'rows' | 'range'; lower: number | null; upper: number | null };
      }
    | { k: 'scalarSubquery'; plan: LPlan }
    | { k: 'exists'; plan: LPlan }
    | { k: 'inSubquery'; values: RExpr[]; plan: LPlan }
    | { k: 'lambda'; params: { id: number; name: string; type: DataType }[]; body: RExpr }
    | { k: 'lambdaVar'; id: number; name: string }
    /** Marker for grouping()/grouping_id(): evaluated from the grouping-set id column. */
    | { k: 'groupingId'; id: number }
  );

export interface SortKey {
  expr: RExpr;
  ascending: boolean;
  nullsFirst: boolean;
}

/** An expression producing an output column. `attr.id` equals the ref's id when it is a plain pass-through. */
export interface NamedExpr {
  expr: RExpr;
  attr: Attr;
}

export interface ScanSource {
  kind: 'range' | 'local' | 'oneRow' | 'file' | 'values' | 'empty';
  range?: { start: bigint; end: bigint; step: bigint };
  /** Materialized engine batches for local data and evaluated VALUES. */
  batches?: import('../arrow/vec.js').Batch[];
  file?: { format: string; paths: string[]; options: Record<string, string> };
  /** Row count when known before reading (Parquet footers); used by join reordering. */
  rows?: number;
  /** Distinct-value bounds per column name (Parquet footer min/max); used by join reordering. */
  ndv?: Record<string, number> | undefined;
  /** Description for EXPLAIN. */
  description: string;
}

export type LPlan =
  | { k: 'scan'; source: ScanSource; output: Attr[] }
  | { k: 'project'; input: LPlan; exprs: NamedExpr[] }
  | { k: 'filter'; input: LPlan; cond: RExpr }
  | {
      k: 'aggregate';
      input: LPlan;
      groups: NamedExpr[];
      aggs: NamedExpr[];
      /** For ROLLUP/CUBE/GROUPING SETS: which group columns are active per set, and the grouping-id attr. */
      groupingSets?: { sets: number[][]; gid: Attr };
    }
  | { k: 'window'; input: LPlan; exprs: NamedExpr[] }
  | { k: 'sort'; input: LPlan; order: SortKey[] }
  | { k: 'limit'; input: LPlan; limit: number; offset: number }
  | { k: 'tail'; input: LPlan; limit: number }
  | { k: 'join'; left: LPlan; right: LPlan; type: JoinType; cond?: RExpr; mark?: Attr }
  | { k: 'union'; inputs: LPlan[]; output: Attr[] }
  | { k: 'setOp'; left: LPlan; right: LPlan; op: 'intersect' | 'except'; all: boolean; output: Attr[] }
  | { k: 'distinct'; input: LPlan; keys?: number[] }
  | { k: 'generate'; input: LPlan; generator: RExpr; outer: boolean; output: Attr[] }
  | { k: 'sample'; input: LPlan; lower: number; upper: number; seed: number }
  /** Spark's `show_string`: renders its input. */
  | { k: 'show'; input: LPlan; numRows: number; truncate: number; vertical: boolean; html: boolean; output: Attr[] };

let nextId = 1;
export function newId(): number {
  return nextId++;
}

export function outputOf(p: LPlan): Attr[] {
  switch (p.k) {
    case 'scan':
    case 'union':
    case 'setOp':
    case 'show':
      return p.output;
    case 'project':
      return p.exprs.map((e) => e.attr);
    case 'aggregate':
      return [...p.groups.map((g) => g.attr), ...p.aggs.map((a) => a.attr), ...(p.groupingSets ? [p.groupingSets.gid] : [])];
    case 'window':
      return [...outputOf(p.input), ...p.exprs.map((e) => e.attr)];
    case 'join': {
      const l = outputOf(p.left);
      const r = outputOf(p.right);
      const nl = (a: Attr): Attr => ({ ...a, nullable: true });
      switch (p.type) {
        case 'semi':
        case 'anti':
          return p.mark ? [...l, p.mark] : l;
        case 'left':
          return [...l, ...r.map(nl)];
        case 'right':
          return [...l.map(nl), ...r];
        case 'full':
          return [...l.map(nl), ...r.map(nl)];
        default:
          return [...l, ...r];
      }
    }
    case 'generate':
      return [...outputOf(p.input), ...p.output];
    default:
      return outputOf(p.input);
  }
}

export function childrenOf(p: LPlan): LPlan[] {
  switch (p.k) {
    case 'scan':
      return [];
    case 'join':
    case 'setOp':
      return [p.left, p.right];
    case 'union':
      return p.inputs;
    default:
      return [p.input];
  }
}

export function withChildren(p: LPlan, cs: LPlan[]): LPlan {
  switch (p.k) {
    case 'scan':
      return p;
    case 'join':
    case 'setOp':
      return { ...p, left: cs[0]!, right: cs[1]! };
    case 'union':
      return { ...p, inputs: cs };
    default:
      return { ...p, input: cs[0]! } as LPlan;
  }
}

/** Expressions of one plan node (not its children). */
export function nodeExprs(p: LPlan): RExpr[] {
  switch (p.k) {
    case 'filter':
      return [p.cond];
    case 'project':
    case 'window':
      return p.exprs.map((e) => e.expr);
    case 'aggregate':
      return [...p.groups.map((g) => g.expr), ...p.aggs.map((a) => a.expr)];
    case 'sort':
      return p.order.map((o) => o.expr);
    case 'join':
      return p.cond ? [p.cond] : [];
    case 'generate':
      return [p.generator];
    default:
      return [];
  }
}

/** Direct sub-expressions (not descending into subquery plans). */
export function exprChildren(e: RExpr): RExpr[] {
  switch (e.k) {
    case 'call':
      return e.args;
    case 'cast':
      return [e.child];
    case 'case':
      return [...e.branches.flatMap((b) => [b.when, b.then]), ...(e.else ? [e.else] : [])];
    case 'agg':
      return [...e.args, ...(e.filter ? [e.filter] : [])];
    case 'win':
      return [e.fn, ...e.partitionBy, ...e.orderBy.map((o) => o.expr)];
    case 'inSubquery':
      return e.values;
    case 'lambda':
      return [e.body];
    default:
      return [];
  }
}
