/**
 * Compact S-expression rendering of parsed expressions and plans, for tests and debugging: the
 * tree shape (and so operator precedence) is visible at a glance, e.g. `(and (== a 1) (isnull b))`.
 */
import type { Expr, Plan } from '../plan/parsed-plan.js';

export function sexpr(e: Expr): string {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      const t = e.dataType.type;
      if (v === null) return 'null';
      if (t === 'string') return `'${String(v)}'`;
      if (typeof v === 'bigint') return `${v}L`;
      if (t === 'decimal') return `${String(v)}BD`;
      if (t === 'double') return `${String(v)}D`;
      if (t === 'integer' || t === 'boolean') return String(v);
      return `${t}:${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))}`;
    }
    case 'attribute':
      return e.nameParts.join('.');
    case 'star':
      return e.target === undefined ? '*' : `${e.target.join('.')}.*`;
    case 'function': {
      const parts = [e.name + (e.isDistinct ? ' distinct' : ''), ...e.args.map(sexpr)];
      for (const a of e.namedArgs ?? []) parts.push(`${a.name}=>${sexpr(a.value)}`);
      if (e.filter !== undefined) parts.push(`filter ${sexpr(e.filter)}`);
      if (e.withinGroup !== undefined) parts.push(`within ${e.withinGroup.map(sexpr).join(' ')}`);
      if (e.ignoreNulls !== undefined) parts.push(e.ignoreNulls ? 'ignore-nulls' : 'respect-nulls');
      return `(${parts.join(' ')})`;
    }
    case 'alias':
      return `(as ${sexpr(e.expr)} ${e.names.join(',')})`;
    case 'cast':
      return `(${e.mode === 'try' ? 'try_cast' : 'cast'} ${sexpr(e.expr)} ${typeName(e.to)})`;
    case 'sortOrder':
      return `(${e.ascending ? 'asc' : 'desc'} ${sexpr(e.expr)}${e.nullsFirst ? ' nulls-first' : ' nulls-last'})`;
    case 'window': {
      const parts = [`over ${sexpr(e.fn)}`];
      if (e.partitionBy.length > 0) parts.push(`partition ${e.partitionBy.map(sexpr).join(' ')}`);
      if (e.orderBy.length > 0) parts.push(`order ${e.orderBy.map(sexpr).join(' ')}`);
      if (e.frame !== undefined) {
        const b = (x: (typeof e.frame)['lower']): string => (x.kind === 'offset' ? sexpr(x.value) : x.kind);
        parts.push(`${e.frame.type} ${b(e.frame.lower)} ${b(e.frame.upper)}`);
      }
      return `(${parts.join(' ')})`;
    }
    case 'case': {
      const parts = ['case'];
      if (e.operand !== undefined) parts.push(sexpr(e.operand));
      for (const b of e.branches) parts.push(`(when ${sexpr(b.when)} ${sexpr(b.then)})`);
      if (e.else !== undefined) parts.push(`(else ${sexpr(e.else)})`);
      return `(${parts.join(' ')})`;
    }
    case 'in':
      return `(${e.negated ? 'not-in' : 'in'} ${sexpr(e.expr)} ${e.list.map(sexpr).join(' ')})`;
    case 'inSubquery':
      return `(${e.negated ? 'not-in' : 'in'} ${e.exprs.map(sexpr).join(' ')} ${splan(e.plan)})`;
    case 'exists':
      return `(${e.negated ? 'not-exists' : 'exists'} ${splan(e.plan)})`;
    case 'scalarSubquery':
      return `(subquery ${splan(e.plan)})`;
    case 'extractValue':
      return `(get ${sexpr(e.child)} ${sexpr(e.extraction)})`;
    case 'lambda':
      return `(lambda (${e.params.join(' ')}) ${sexpr(e.body)})`;
    case 'lambdaVar':
      return `$${e.name}`;
    case 'exprString':
      return `(sql ${e.sql})`;
    case 'parameter':
      return e.name === undefined ? `?${e.position ?? ''}` : `:${e.name}`;
    case 'interval':
      return `(interval ${e.months} ${e.days} ${e.micros})`;
  }
}

export function typeName(t: import('../plan/data-type.js').DataType): string {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'array':
      return `array<${typeName(t.elementType)}>`;
    case 'map':
      return `map<${typeName(t.keyType)},${typeName(t.valueType)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${typeName(f.dataType)}${f.nullable ? '' : ' not null'}`).join(',')}>`;
    case 'year_month_interval':
    case 'day_time_interval':
      return `${t.type}(${t.startField},${t.endField})`;
    default:
      return t.type;
  }
}

export function splan(p: Plan): string {
  const list = (es: Expr[]): string => es.map(sexpr).join(' ');
  switch (p.kind) {
    case 'oneRow':
      return '(oneRow)';
    case 'namedTable':
      return p.nameParts.join('.');
    case 'project':
      return `(project ${list(p.exprs)} ${splan(p.input)})`;
    case 'filter':
      return `(filter ${sexpr(p.condition)} ${splan(p.input)})`;
    case 'aggregate': {
      const sets = p.groupingSets === undefined ? '' : ` sets[${p.groupingSets.map((s) => `(${list(s)})`).join(' ')}]`;
      return `(aggregate ${p.groupType} [${list(p.grouping)}]${sets} [${list(p.aggregates)}] ${splan(p.input)})`;
    }
    case 'sort':
      return `(${p.isGlobal ? 'sort' : 'localSort'} ${list(p.order)} ${splan(p.input)})`;
    case 'limit':
      return `(limit ${p.limit} ${splan(p.input)})`;
    case 'offset':
      return `(offset ${p.offset} ${splan(p.input)})`;
    case 'join': {
      const extra =
        p.condition !== undefined
          ? ` ${sexpr(p.condition)}`
          : p.usingColumns !== undefined
            ? ` using(${p.usingColumns.join(',')})`
            : '';
      return `(${p.natural === true ? 'natural-' : ''}${p.joinType}-join ${splan(p.left)} ${splan(p.right)}${extra})`;
    }
    case 'setOp':
      return `(${p.op}${p.isAll ? '-all' : ''}${p.byName ? '-by-name' : ''} ${splan(p.left)} ${splan(p.right)})`;
    case 'deduplicate':
      return `(distinct ${splan(p.input)})`;
    case 'subqueryAlias':
      return `(alias ${p.alias}${p.columnAliases === undefined ? '' : `(${p.columnAliases.join(',')})`} ${splan(p.input)})`;
    case 'with':
      return `(with [${p.ctes.map((c) => `${c.name}${c.columnAliases === undefined ? '' : `(${c.columnAliases.join(',')})`}=${splan(c.plan)}`).join(' ')}] ${splan(p.root)})`;
    case 'generate':
      return `(generate${p.outer ? '-outer' : ''} ${sexpr(p.generator)} ${p.alias ?? '-'}(${p.columnAliases.join(',')}) ${splan(p.input)})`;
    case 'values':
      return `(values${p.alias === undefined ? '' : ` ${p.alias}`}${p.columnAliases === undefined ? '' : `(${p.columnAliases.join(',')})`} ${p.rows.map((r) => `(${list(r)})`).join(' ')})`;
    case 'tableFunction':
      return `(tvf ${p.name} ${list(p.args)})`;
    case 'repartition':
      return `(repartition ${splan(p.input)})`;
    case 'sample':
      return `(sample ${p.lowerBound} ${p.upperBound} ${splan(p.input)})`;
    default:
      return `(${p.kind})`;
  }
}
