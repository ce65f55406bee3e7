/** EXPLAIN text of resolved plans (one line per node, Spark-like names). */
import { type LPlan, childrenOf, outputOf } from './logical-plan.js';

function attrs(p: LPlan): string {
  return outputOf(p).map((a) => `${a.name}#${a.id}`).join(', ');
}

function line(p: LPlan): string {
  switch (p.k) {
    case 'scan':
      return `${p.source.description} [${attrs(p)}]`;
    case 'project':
      return `Project [${p.exprs.map((e) => (e.expr.k === 'ref' && e.expr.id === e.attr.id ? `${e.attr.name}#${e.attr.id}` : `${e.expr.sql} AS ${e.attr.name}#${e.attr.id}`)).join(', ')}]`;
    case 'filter':
      return `Filter ${p.cond.sql}`;
    case 'aggregate':
      return `Aggregate [${p.groups.map((g) => g.expr.sql).join(', ')}], [${p.aggs.map((a) => `${a.expr.sql} AS ${a.attr.name}#${a.attr.id}`).join(', ')}]`;
    case 'sort':
      return `Sort [${p.order.map((o) => `${o.expr.sql} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}], true`;
    case 'limit':
      return p.offset ? `GlobalLimitAndOffset ${p.limit}, ${p.offset}` : `GlobalLimit ${p.limit}`;
    case 'tail':
      return `Tail ${p.limit}`;
    case 'join':
      return `Join ${p.type === 'semi' ? 'LeftSemi' : p.type === 'anti' ? 'LeftAnti' : p.type[0]!.toUpperCase() + p.type.slice(1)}${p.cond ? `, ${p.cond.sql}` : ''}`;
    case 'union':
      return 'Union false, false';
    case 'setOp':
      return `${p.op === 'intersect' ? 'Intersect' : 'Except'} ${p.all}`;
    case 'distinct':
      return p.keys ? 'Deduplicate' : 'Distinct';
    case 'window':
      return `Window [${p.exprs.map((e) => `${e.expr.sql} AS ${e.attr.name}#${e.attr.id}`).join(', ')}]`;
    case 'generate':
      return `Generate ${p.generator.sql}`;
    case 'sample':
      return `Sample ${p.lower}, ${p.upper}`;
    case 'show':
      return 'ShowString';
  }
}

export function treeText(p: LPlan, indent = ''): string {
  const kids = childrenOf(p);
  let s = `${indent}${line(p)}\n`;
  const ci = indent === '' ? '+- ' : `${indent.replace(/[+:]- $/, '   ')}+- `;
  for (const k of kids) s += treeText(k, ci.replace(/^(\s*)/, '$1'));
  return s;
}

export function explainPlan(analyzed: LPlan, optimized: LPlan, mode: string): string {
  const phys = treeText(optimized);
  if (mode === 'extended') {
    const a = treeText(analyzed);
    return `== Parsed Logical Plan ==\n${a}\n== Analyzed Logical Plan ==\n${attrs(analyzed)}\n${a}\n== Optimized Logical Plan ==\n${phys}\n== Physical Plan ==\n${phys}`;
  }
  return `== Physical Plan ==\n${phys}`;
}
