/**
 * Builds an Aggregate from grouping and select expressions: aggregate calls become aggregate outputs,
 * grouping expressions become group outputs, and the select list is rewritten over them (Spark's
 * check that every remaining column is grouped raises MISSING_AGGREGATION).
 */
import { type Attr, type LPlan, type NamedExpr, type RExpr, newId, outputOf } from '../plan/logical-plan.js';
import { T } from '../plan/type-utils.js';
import { missingAggregation } from './errors.js';
import { exprKey, lit, refOf } from './expressions.js';

export interface AggregateBuild {
  agg: LPlan;
  rewrite(e: RExpr): RExpr;
}

export function containsAgg(e: RExpr): boolean {
  switch (e.k) {
    case 'agg':
      return true;
    case 'call':
      return e.args.some(containsAgg);
    case 'cast':
      return containsAgg(e.child);
    case 'case':
      return e.branches.some((b) => containsAgg(b.when) || containsAgg(b.then)) || (e.else ? containsAgg(e.else) : false);
    case 'win':
      return e.fn.k === 'agg' ? e.fn.args.some(containsAgg) : containsAgg(e.fn);
    default:
      return false;
  }
}

export function buildAggregate(
  input: LPlan,
  groupExprs: RExpr[],
  groupingSets?: number[][],
): AggregateBuild {
  const inputAttrs = outputOf(input);
  const groups: NamedExpr[] = groupExprs.map((g) => {
    if (g.k === 'ref') {
      const a = inputAttrs.find((x) => x.id === g.id)!;
      return { expr: g, attr: groupingSets ? { ...a, nullable: true } : a };
    }
    return { expr: g, attr: { id: newId(), name: g.sql, type: g.type, nullable: g.nullable || !!groupingSets, qualifier: [] } };
  });
  const groupByKey = new Map<string, Attr>();
  for (const g of groups) groupByKey.set(exprKey(g.expr), g.attr);
  const aggs: NamedExpr[] = [];
  const aggByKey = new Map<string, Attr>();
  const gid: Attr | undefined = groupingSets ? { id: newId(), name: 'spark_grouping_id', type: T.long, nullable: false, qualifier: [] } : undefined;
  const agg: LPlan = { k: 'aggregate', input, groups, aggs, ...(groupingSets && gid ? { groupingSets: { sets: groupingSets, gid } } : {}) };

  const rewrite = (e: RExpr): RExpr => {
    const g = groupByKey.get(exprKey(e));
    if (g) return refOf(g);
    switch (e.k) {
      case 'agg': {
        const k = exprKey(e);
        let a = aggByKey.get(k);
        if (!a) {
          a = { id: newId(), name: e.sql, type: e.type, nullable: e.nullable, qualifier: [] };
          aggByKey.set(k, a);
          aggs.push({ expr: e, attr: a });
        }
        return refOf(a);
      }
      case 'ref':
        throw missingAggregation(e.sql);
      case 'call': {
        if ((e.fn === 'grouping' || e.fn === 'grouping_id') && gid) return groupingCall(e, groups, gid);
        return { ...e, args: e.args.map(rewrite) };
      }
      case 'cast':
        return { ...e, child: rewrite(e.child) };
      case 'case':
        return { ...e, branches: e.branches.map((b) => ({ when: rewrite(b.when), then: rewrite(b.then) })), ...(e.else ? { else: rewrite(e.else) } : {}) };
      case 'win':
        return {
          ...e,
          fn: e.fn.k === 'agg' ? { ...e.fn, args: e.fn.args.map(rewrite) } : rewrite(e.fn),
          partitionBy: e.partitionBy.map(rewrite),
          orderBy: e.orderBy.map((s) => ({ ...s, expr: rewrite(s.expr) })),
        };
      default:
        return e;
    }
  };
  return { agg, rewrite };
}

/** grouping(c) / grouping_id(...) as bit arithmetic over the grouping-set id. */
function groupingCall(e: Extract<RExpr, { k: 'call' }>, groups: NamedExpr[], gid: Attr): RExpr {
  const n = groups.length;
  const idxOf = (a: RExpr): number => groups.findIndex((g) => exprKey(g.expr) === exprKey(a));
  const bit = (i: number): RExpr => ({
    k: 'call',
    fn: '&',
    args: [{ k: 'call', fn: 'shiftright', args: [refOf(gid), lit(T.int, n - 1 - i)], type: T.long, nullable: false, sql: '' }, lit(T.long, 1n)],
    type: T.long,
    nullable: false,
    sql: '',
  });
  if (e.fn === 'grouping') {
    return { k: 'cast', child: bit(idxOf(e.args[0]!)), mode: 'legacy', type: T.byte, nullable: false, sql: e.sql };
  }
  if (e.args.length === 0) return { ...refOf(gid), sql: e.sql };
  // grouping_id(a, b): bits of the listed columns, in order.
  let acc: RExpr = lit(T.long, 0n);
  e.args.forEach((a, j) => {
    const shifted: RExpr = { k: 'call', fn: 'shiftleft', args: [bit(idxOf(a)), lit(T.int, e.args.length - 1 - j)], type: T.long, nullable: false, sql: '' };
    acc = { k: 'call', fn: '|', args: [acc, shifted], type: T.long, nullable: false, sql: '' };
  });
  return { ...acc, sql: e.sql };
}
