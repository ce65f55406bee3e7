/**
 * Turns a resolved (optimized) logical plan into a tree of streaming operators. Uncorrelated
 * subqueries are computed first and their values handed to expression kernels.
 */
import { unsupported } from '../../core/errors.js';
import { childrenOf, exprChildren, type LPlan, nodeExprs, outputOf, type RExpr } from '../plan/logical-plan.js';
import { getValue } from '../arrow/vec.js';
import { hashAggregate, distinct } from '../operators/aggregate.js';
import { collect, filter, limit, project, sample, scan, union } from '../operators/basic.js';
import type { ExecContext, Stream } from '../operators/exec-context.js';
import { generate } from '../operators/generate.js';
import { join } from '../operators/join.js';
import { joinWithKeyFilter, keyFilterFor } from './join-key-filter.js';
import { setOp } from '../operators/set-op.js';
import { show } from '../operators/show.js';
import { sort, tail } from '../operators/sort.js';
import { windowOp } from '../operators/window.js';
import { valueKey } from '../expr/value-key.js';
import { PerennialError } from '../../core/errors.js';

export function executePlan(p: LPlan, x: ExecContext): Stream {
  switch (p.k) {
    case 'scan':
      return scan(p.source, p.output, x);
    case 'filter':
      return filter(executePlan(p.input, x), outputOf(p.input), p.cond, x);
    case 'project':
      return project(executePlan(p.input, x), outputOf(p.input), p.exprs, x);
    case 'aggregate':
      return hashAggregate(executePlan(p.input, x), outputOf(p.input), p.groups, p.aggs, p.groupingSets?.sets, x);
    case 'sort':
      return sort(executePlan(p.input, x), outputOf(p.input), p.order, undefined, x);
    case 'limit':
      if (p.input.k === 'sort' && p.limit >= 0)
        return limit(sort(executePlan(p.input.input, x), outputOf(p.input.input), p.input.order, p.limit + p.offset, x), p.limit, p.offset);
      return limit(executePlan(p.input, x), p.limit, p.offset);
    case 'tail':
      return tail(executePlan(p.input, x), p.limit, outputOf(p.input).map((a) => a.type));
    case 'join': {
      const f = keyFilterFor(p);
      if (f) return joinWithKeyFilter(p, f, executePlan, x);
      return join(executePlan(p.left, x), executePlan(p.right, x), outputOf(p.left), outputOf(p.right), p.type, p.cond, x);
    }
    case 'union':
      return union(p.inputs.map((i) => executePlan(i, x)));
    case 'distinct':
      return distinct(executePlan(p.input, x), p.keys, x);
    case 'setOp':
      return setOp(executePlan(p.left, x), executePlan(p.right, x), p.op, p.all, p.output.map((a) => a.type));
    case 'generate':
      return generate(executePlan(p.input, x), outputOf(p.input), p.generator, p.outer, p.output, x);
    case 'sample':
      return sample(executePlan(p.input, x), p.lower, p.upper, p.seed);
    case 'show':
      return show(executePlan(p.input, x), outputOf(p.input), p.numRows, p.truncate, p.vertical, p.html, x);
    case 'window':
      return windowOp(executePlan(p.input, x), outputOf(p.input), p.exprs, x);
  }
}

function hasOuterRef(p: LPlan): boolean {
  const inExpr = (e: RExpr): boolean => e.k === 'outer' || exprChildren(e).some(inExpr);
  return nodeExprs(p).some(inExpr) || childrenOf(p).some(hasOuterRef);
}

/** Computes every uncorrelated subquery in the plan; results go to `x.env.subqueries`. */
export async function prepareSubqueries(p: LPlan, x: ExecContext): Promise<void> {
  const visit = async (e: RExpr): Promise<void> => {
    for (const c of exprChildren(e)) await visit(c);
    if (e.k !== 'scalarSubquery' && e.k !== 'exists' && e.k !== 'inSubquery') return;
    if (x.env.subqueries.has(e)) return;
    if (hasOuterRef(e.plan)) throw unsupported('correlated subqueries');
    await prepareSubqueries(e.plan, x);
    const batches = await collect(executePlan(e.plan, x));
    if (e.k === 'scalarSubquery') {
      const rows = batches.reduce((s, b) => s + b.length, 0);
      if (rows > 1)
        throw new PerennialError('SCALAR_SUBQUERY_TOO_MANY_ROWS', '[SCALAR_SUBQUERY_TOO_MANY_ROWS] More than one row returned by a subquery used as an expression. SQLSTATE: 21000');
      const b = batches.find((bb) => bb.length > 0);
      x.env.subqueries.set(e, b ? getValue(b.cols[0]!, 0) : null);
    } else if (e.k === 'exists') {
      x.env.subqueries.set(e, batches.some((b) => b.length > 0));
    } else {
      const t = outputOf(e.plan)[0]!.type;
      const set = new Set<unknown>();
      let hasNull = false;
      for (const b of batches)
        for (let i = 0; i < b.length; i++) {
          const v = getValue(b.cols[0]!, i);
          if (v === null) hasNull = true;
          else set.add(valueKey(t, v));
        }
      x.env.subqueries.set(e, { set, hasNull });
    }
  };
  for (const e of nodeExprs(p)) await visit(e);
  for (const c of childrenOf(p)) await prepareSubqueries(c, x);
}
