/**
 * Projection pruning (Spark's ColumnPruning): walks the plan top-down with the set of columns each
 * parent needs, drops unused projections and aggregates, and narrows scans so file readers decode
 * only the columns a query uses (Parquet and JSON read by name; CSV reads by position, so it is kept).
 */
import type { Batch } from '../../arrow/vec.js';
import { type Attr, type LPlan, type RExpr, childrenOf, outputOf, withChildren } from '../../plan/logical-plan.js';
import { children, nodeExprs } from '../expr-utils.js';
import type { OptimizerRule } from '../rule.js';

/** Every column id an expression reads (through lambdas, aggregate filters, windows...). */
export function usedIds(e: RExpr, out = new Set<number>()): Set<number> {
  if (e.k === 'ref') out.add(e.id);
  for (const c of children(e)) usedIds(c, out);
  return out;
}

const BY_NAME = new Set(['parquet', 'json']);

export const pruneColumns: OptimizerRule = {
  name: 'ColumnPruning',
  rewrite(plan) {
    let changed = false;
    const all = (p: LPlan): Set<number> => new Set(outputOf(p).map((a) => a.id));
    const withExprs = (req: Set<number>, es: RExpr[]): Set<number> => {
      const s = new Set(req);
      for (const e of es) usedIds(e, s);
      return s;
    };
    const prune = (p: LPlan, req: Set<number>): LPlan => {
      switch (p.k) {
        case 'scan': {
          const src = p.source;
          const keep = p.output.filter((a) => req.has(a.id));
          if (keep.length === p.output.length) return p;
          if (src.kind === 'file' && src.file && BY_NAME.has(src.file.format.toLowerCase())) {
            changed = true;
            return { ...p, output: keep };
          }
          if ((src.kind === 'values' || src.kind === 'local') && src.batches) {
            const idx = keep.map((a) => p.output.indexOf(a));
            changed = true;
            const batches: Batch[] = src.batches.map((b) => ({ cols: idx.map((i) => b.cols[i]!), length: b.length }));
            return { ...p, source: { ...src, batches }, output: keep };
          }
          return p;
        }
        case 'project': {
          const exprs = p.exprs.filter((e) => req.has(e.attr.id));
          if (exprs.length !== p.exprs.length) changed = true;
          return { ...p, exprs, input: prune(p.input, withExprs(new Set(), exprs.map((e) => e.expr))) };
        }
        case 'aggregate': {
          const aggs = p.aggs.filter((a) => req.has(a.attr.id));
          if (aggs.length !== p.aggs.length) changed = true;
          const need = withExprs(new Set(), [...p.groups.map((g) => g.expr), ...aggs.map((a) => a.expr)]);
          return { ...p, aggs, input: prune(p.input, need) };
        }
        case 'filter':
        case 'sort':
        case 'window':
        case 'limit':
        case 'tail':
        case 'sample': {
          const need = withExprs(req, nodeExprs(p));
          if (p.k === 'window') for (const e of p.exprs) need.delete(e.attr.id);
          return withChildren(p, [prune(p.input, need)]);
        }
        case 'generate': {
          const need = withExprs(req, [p.generator]);
          return { ...p, input: prune(p.input, need) };
        }
        case 'join': {
          const need = withExprs(req, nodeExprs(p));
          return { ...p, left: prune(p.left, need), right: prune(p.right, p.type === 'semi' || p.type === 'anti' ? withExprs(new Set(), nodeExprs(p)) : need) };
        }
        default: {
          // Positional operators (union, set operations, distinct, show) need all their input columns.
          const kids = childrenOf(p).map((c) => prune(c, all(c)));
          return kids.length ? withChildren(p, kids) : p;
        }
      }
    };
    const out = prune(plan, all(plan));
    return { plan: out, changed };
  },
};

export type { Attr };
