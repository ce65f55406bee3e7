/**
 * Plans as text for people: a Spark Connect relation as pyspark DataFrame code and, where it has
 * one, as Spark SQL. Used for minimized reproductions in reports and regressions. Best effort: an
 * unknown node renders as `<kind>` rather than failing.
 */
import { DataType as ArrowType, tableFromIPC } from 'apache-arrow';
import {
  Aggregate_GroupType as GroupType,
  type DataType,
  type Expression,
  type Expression_Literal as Literal,
  Expression_SortOrder_NullOrdering as NullOrdering,
  Expression_SortOrder_SortDirection as SortDirection,
  type Expression_SortOrder as SortOrder,
  Join_JoinType as JoinType,
  type Plan,
  type Relation,
  SetOperation_SetOpType as SetOpType,
} from '../protocol/index.js';
import { planRelation } from './plan-tree.js';

const INFIX = new Set(['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '<=>', 'and', 'or', '&', '|', '^', '||']);

export function exprSql(e: Expression | undefined): string {
  if (!e) return '?';
  const t = e.exprType;
  switch (t.case) {
    case 'literal':
      return literalSql(t.value);
    case 'unresolvedAttribute':
      return t.value.unparsedIdentifier;
    case 'unresolvedStar':
      return t.value.unparsedTarget ? t.value.unparsedTarget : '*';
    case 'expressionString':
      return t.value.expression;
    case 'alias':
      return `${exprSql(t.value.expr)} AS ${t.value.name.map(quoteIdent).join('.')}`;
    case 'cast': {
      const to = t.value.castToType;
      const ty = to.case === 'typeStr' ? to.value : to.case === 'type' ? dataTypeSql(to.value) : '?';
      return `CAST(${exprSql(t.value.expr)} AS ${ty})`;
    }
    case 'unresolvedFunction':
    case 'callFunction': {
      const name = t.value.functionName;
      const args = t.value.arguments;
      const lower = name.toLowerCase();
      if (INFIX.has(lower) && args.length === 2) {
        const op = lower === '==' ? '=' : lower === 'and' || lower === 'or' ? lower.toUpperCase() : name;
        return `(${exprSql(args[0])} ${op} ${exprSql(args[1])})`;
      }
      if ((lower === '!' || lower === 'not') && args.length === 1) return `(NOT ${exprSql(args[0])})`;
      if (lower === 'negative' && args.length === 1) return `(- ${exprSql(args[0])})`;
      if (lower === 'isnull' && args.length === 1) return `(${exprSql(args[0])} IS NULL)`;
      if (lower === 'isnotnull' && args.length === 1) return `(${exprSql(args[0])} IS NOT NULL)`;
      const distinct = t.case === 'unresolvedFunction' && t.value.isDistinct ? 'DISTINCT ' : '';
      return `${name}(${distinct}${args.map(exprSql).join(', ')})`;
    }
    case 'sortOrder':
      return sortSql(t.value);
    case 'window': {
      const w = t.value;
      const parts: string[] = [];
      if (w.partitionSpec.length) parts.push(`PARTITION BY ${w.partitionSpec.map(exprSql).join(', ')}`);
      if (w.orderSpec.length) parts.push(`ORDER BY ${w.orderSpec.map(sortSql).join(', ')}`);
      return `${exprSql(w.windowFunction)} OVER (${parts.join(' ')})`;
    }
    case 'unresolvedExtractValue':
      return `${exprSql(t.value.child)}[${exprSql(t.value.extraction)}]`;
    case 'unresolvedRegex':
      return `\`${t.value.colName}\``;
    case 'lambdaFunction': {
      const names = t.value.arguments.map((a) => a.nameParts.join('.'));
      return `${names.length === 1 ? names[0] : `(${names.join(', ')})`} -> ${exprSql(t.value.function)}`;
    }
    case 'unresolvedNamedLambdaVariable':
      return t.value.nameParts.join('.');
    case 'namedArgumentExpression':
      return `${t.value.key} => ${exprSql(t.value.value)}`;
    case 'updateFields':
      return `${exprSql(t.value.structExpression)}.withField(${t.value.fieldName}, ${exprSql(t.value.valueExpression)})`;
    default:
      return `<${t.case ?? 'expression'}>`;
  }
}

function sortSql(s: SortOrder): string {
  const dir = s.direction === SortDirection.DESCENDING ? ' DESC' : s.direction === SortDirection.ASCENDING ? ' ASC' : '';
  const nulls = s.nullOrdering === NullOrdering.SORT_NULLS_FIRST ? ' NULLS FIRST' : s.nullOrdering === NullOrdering.SORT_NULLS_LAST ? ' NULLS LAST' : '';
  return `${exprSql(s.child)}${dir}${nulls}`;
}

function quoteIdent(n: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : `\`${n.replace(/`/g, '``')}\``;
}

function quoteStr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function literalSql(l: Literal): string {
  const t = l.literalType;
  switch (t.case) {
    case 'null':
      return t.value.kind.case ? `CAST(NULL AS ${dataTypeSql(t.value)})` : 'NULL';
    case 'boolean':
      return t.value ? 'TRUE' : 'FALSE';
    case 'byte':
      return `${t.value}Y`;
    case 'short':
      return `${t.value}S`;
    case 'integer':
      return String(t.value);
    case 'long':
      return `${t.value}L`;
    case 'float':
      return `CAST(${t.value} AS FLOAT)`;
    case 'double':
      return Number.isFinite(t.value) ? `${t.value}D` : `CAST('${t.value}' AS DOUBLE)`;
    case 'decimal':
      return `${t.value.value}BD`;
    case 'string':
      return quoteStr(t.value);
    case 'date':
      return `DATE '${new Date(t.value * 86_400_000).toISOString().slice(0, 10)}'`;
    case 'timestamp':
      return `TIMESTAMP '${new Date(Number(t.value / 1000n)).toISOString().replace('T', ' ').replace('Z', '')}'`;
    case 'timestampNtz':
      return `TIMESTAMP_NTZ '${new Date(Number(t.value / 1000n)).toISOString().replace('T', ' ').replace('Z', '')}'`;
    case 'binary':
      return `X'${Buffer.from(t.value).toString('hex')}'`;
    case 'array':
      return `array(${t.value.elements.map(literalSql).join(', ')})`;
    case 'map':
      return `map(${t.value.keys.flatMap((k, i) => [literalSql(k), literalSql(t.value.values[i] as Literal)]).join(', ')})`;
    case 'struct':
      return `struct(${t.value.elements.map(literalSql).join(', ')})`;
    case 'calendarInterval':
      return `INTERVAL ${t.value.months} MONTHS ${t.value.days} DAYS ${t.value.microseconds} MICROSECONDS`;
    case 'yearMonthInterval':
      return `INTERVAL '${t.value}' MONTH`;
    case 'dayTimeInterval':
      return `INTERVAL '${Number(t.value) / 1e6}' SECOND`;
    default:
      return 'NULL';
  }
}

export function dataTypeSql(d: DataType | undefined): string {
  const k = d?.kind;
  switch (k?.case) {
    case undefined:
      return 'VOID';
    case 'decimal':
      return `DECIMAL(${k.value.precision ?? 10}, ${k.value.scale ?? 0})`;
    case 'array':
      return `ARRAY<${dataTypeSql(k.value.elementType)}>`;
    case 'map':
      return `MAP<${dataTypeSql(k.value.keyType)}, ${dataTypeSql(k.value.valueType)}>`;
    case 'struct':
      return `STRUCT<${k.value.fields.map((f) => `${quoteIdent(f.name)}: ${dataTypeSql(f.dataType)}`).join(', ')}>`;
    case 'integer':
      return 'INT';
    case 'long':
      return 'BIGINT';
    case 'short':
      return 'SMALLINT';
    case 'byte':
      return 'TINYINT';
    case 'timestampNtz':
      return 'TIMESTAMP_NTZ';
    default:
      return String(k?.case).toUpperCase();
  }
}

/** Spark SQL type of an Arrow type (as local relations carry them). */
export function arrowTypeSql(t: ArrowType): string {
  if (ArrowType.isDictionary(t)) return arrowTypeSql(t.dictionary);
  if (ArrowType.isInt(t)) return t.bitWidth === 64 ? 'BIGINT' : t.bitWidth === 16 ? 'SMALLINT' : t.bitWidth === 8 ? 'TINYINT' : 'INT';
  if (ArrowType.isFloat(t)) return t.precision === 1 ? 'FLOAT' : 'DOUBLE';
  if (ArrowType.isUtf8(t) || ArrowType.isLargeUtf8(t)) return 'STRING';
  if (ArrowType.isBool(t)) return 'BOOLEAN';
  if (ArrowType.isDecimal(t)) return `DECIMAL(${t.precision}, ${t.scale})`;
  if (ArrowType.isDate(t)) return 'DATE';
  if (ArrowType.isTimestamp(t)) return t.timezone ? 'TIMESTAMP' : 'TIMESTAMP_NTZ';
  if (ArrowType.isBinary(t)) return 'BINARY';
  if (ArrowType.isList(t)) return `ARRAY<${arrowTypeSql(t.children[0]?.type as ArrowType)}>`;
  if (ArrowType.isStruct(t)) return `STRUCT<${t.children.map((f) => `${quoteIdent(f.name)}: ${arrowTypeSql(f.type)}`).join(', ')}>`;
  if (ArrowType.isMap(t)) {
    const entry = t.children[0]?.type as ArrowType | undefined;
    const kv = entry && ArrowType.isStruct(entry) ? entry.children : [];
    return `MAP<${kv[0] ? arrowTypeSql(kv[0].type) : 'STRING'}, ${kv[1] ? arrowTypeSql(kv[1].type) : 'STRING'}>`;
  }
  return String(t).toUpperCase();
}

/** Rows of a local relation as JS values, with column names and Spark SQL types. */
export function localRows(data: Uint8Array | undefined): { names: string[]; types: string[]; rows: unknown[][] } {
  if (!data || data.byteLength === 0) return { names: [], types: [], rows: [] };
  const t = tableFromIPC(data);
  const names = t.schema.fields.map((f) => f.name);
  const types = t.schema.fields.map((f) => arrowTypeSql(f.type));
  const rows: unknown[][] = [];
  for (let i = 0; i < t.numRows; i++) rows.push(names.map((_, c) => t.getChildAt(c)?.get(i)));
  return { names, types, rows };
}

function jsValueSql(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return quoteStr(v);
  if (typeof v === 'bigint') return `${v}L`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return `TIMESTAMP '${v.toISOString()}'`;
  if (typeof (v as { toArray?: unknown }).toArray === 'function') {
    return `array(${[...(v as { toArray(): unknown[] }).toArray()].map(jsValueSql).join(', ')})`;
  }
  return quoteStr(JSON.stringify(v));
}

function jsValuePy(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `float("${v}")`;
  if (typeof (v as { toArray?: unknown }).toArray === 'function') {
    return `[${[...(v as { toArray(): unknown[] }).toArray()].map(jsValuePy).join(', ')}]`;
  }
  return JSON.stringify(String(v));
}

const pyStr = (s: string) => JSON.stringify(s);
const pyExpr = (e: Expression) => `F.expr(${pyStr(exprSql(e))})`;

/** pyspark DataFrame code that builds the relation. */
export function relationToDataFrame(r: Relation | undefined): string {
  if (!r) return '<missing>';
  const t = r.relType;
  const df = (x: Relation | undefined) => relationToDataFrame(x);
  switch (t.case) {
    case 'read': {
      const rt = t.value.readType;
      if (rt.case === 'namedTable') return `spark.table(${pyStr(rt.value.unparsedIdentifier)})`;
      if (rt.case === 'dataSource') {
        const paths = rt.value.paths.map(pyStr).join(', ');
        return `spark.read.format(${pyStr(rt.value.format ?? 'parquet')}).load(${paths})`;
      }
      return 'spark.read.load()';
    }
    case 'sql':
      return `spark.sql(${JSON.stringify(t.value.query.trim())})`;
    case 'range':
      return `spark.range(${t.value.start ?? 0n}, ${t.value.end}, ${t.value.step || 1n})`;
    case 'localRelation': {
      const { names, types, rows } = localRows(t.value.data);
      const shown = rows.slice(0, 50).map((row) => `(${row.map(jsValuePy).join(', ')}${row.length === 1 ? ',' : ''})`);
      const more = rows.length > 50 ? `  # + ${rows.length - 50} more rows` : '';
      const schema = pyStr(t.value.schema ?? names.map((n, i) => `${quoteIdent(n)} ${(types[i] ?? 'STRING').toLowerCase()}`).join(', '));
      return `spark.createDataFrame([${shown.join(', ')}], ${schema})${more}`;
    }
    case 'project':
      return `${df(t.value.input)}.select(${t.value.expressions.map(pyExpr).join(', ')})`;
    case 'filter':
      return `${df(t.value.input)}.filter(${pyStr(exprSql(t.value.condition))})`;
    case 'join': {
      const how = joinHow(t.value.joinType);
      const on = t.value.usingColumns.length
        ? `[${t.value.usingColumns.map(pyStr).join(', ')}]`
        : t.value.joinCondition
          ? pyExpr(t.value.joinCondition)
          : 'None';
      return `${df(t.value.left)}.join(${df(t.value.right)}, on=${on}, how=${pyStr(how)})`;
    }
    case 'setOp': {
      const op =
        t.value.setOpType === SetOpType.UNION
          ? t.value.byName
            ? 'unionByName'
            : 'union'
          : t.value.setOpType === SetOpType.INTERSECT
            ? t.value.isAll
              ? 'intersectAll'
              : 'intersect'
            : t.value.isAll
              ? 'exceptAll'
              : 'subtract';
      const dedupe = t.value.setOpType === SetOpType.UNION && !t.value.isAll ? '.distinct()' : '';
      return `${df(t.value.leftInput)}.${op}(${df(t.value.rightInput)})${dedupe}`;
    }
    case 'sort':
      return `${df(t.value.input)}.${t.value.isGlobal === false ? 'sortWithinPartitions' : 'orderBy'}(${t.value.order.map((o) => `F.expr(${pyStr(sortSql(o))})`).join(', ')})`;
    case 'limit':
      return `${df(t.value.input)}.limit(${t.value.limit})`;
    case 'offset':
      return `${df(t.value.input)}.offset(${t.value.offset})`;
    case 'tail':
      return `${df(t.value.input)}.tail(${t.value.limit})`;
    case 'aggregate': {
      const g = t.value.groupingExpressions.map(pyExpr).join(', ');
      const verb = t.value.groupType === GroupType.ROLLUP ? 'rollup' : t.value.groupType === GroupType.CUBE ? 'cube' : 'groupBy';
      return `${df(t.value.input)}.${verb}(${g}).agg(${t.value.aggregateExpressions.map(pyExpr).join(', ')})`;
    }
    case 'deduplicate':
      return `${df(t.value.input)}.dropDuplicates(${t.value.columnNames.length ? `[${t.value.columnNames.map(pyStr).join(', ')}]` : ''})`;
    case 'subqueryAlias':
      return `${df(t.value.input)}.alias(${pyStr(t.value.alias)})`;
    case 'withColumns':
      return `${df(t.value.input)}.withColumns({${t.value.aliases.map((a) => `${pyStr(a.name.join('.'))}: ${pyExpr(a.expr as Expression)}`).join(', ')}})`;
    case 'withColumnsRenamed':
      return `${df(t.value.input)}.withColumnsRenamed({${t.value.renames.map((x) => `${pyStr(x.colName)}: ${pyStr(x.newColName)}`).join(', ')}})`;
    case 'drop':
      return `${df(t.value.input)}.drop(${[...t.value.columnNames.map(pyStr), ...t.value.columns.map(pyExpr)].join(', ')})`;
    case 'toDf':
      return `${df(t.value.input)}.toDF(${t.value.columnNames.map(pyStr).join(', ')})`;
    case 'sample':
      return `${df(t.value.input)}.sample(fraction=${t.value.upperBound - t.value.lowerBound}${t.value.seed !== undefined ? `, seed=${t.value.seed}` : ''})`;
    case 'repartition':
      return `${df(t.value.input)}.repartition(${t.value.numPartitions})`;
    case 'repartitionByExpression':
      return `${df(t.value.input)}.repartition(${t.value.partitionExprs.map(pyExpr).join(', ')})`;
    case 'hint':
      return `${df(t.value.input)}.hint(${pyStr(t.value.name)})`;
    case 'showString':
      return `${df(t.value.input)}.show(${t.value.numRows})`;
    case 'fillNa':
      return `${df(t.value.input)}.fillna(...)`;
    case 'dropNa':
      return `${df(t.value.input)}.dropna()`;
    case 'withRelations':
      return df(t.value.root);
    default:
      return `<${t.case ?? 'relation'}>`;
  }
}

function joinHow(j: JoinType): string {
  switch (j) {
    case JoinType.FULL_OUTER:
      return 'full';
    case JoinType.LEFT_OUTER:
      return 'left';
    case JoinType.RIGHT_OUTER:
      return 'right';
    case JoinType.LEFT_ANTI:
      return 'left_anti';
    case JoinType.LEFT_SEMI:
      return 'left_semi';
    case JoinType.CROSS:
      return 'cross';
    default:
      return 'inner';
  }
}

let aliasCounter = 0;

/** Spark SQL for the relation, or undefined when a node has no SQL form here. */
export function relationToSql(r: Relation | undefined): string | undefined {
  aliasCounter = 0;
  try {
    return sqlOf(r);
  } catch {
    return undefined;
  }
}

class NoSql extends Error {}

function from(r: Relation | undefined): string {
  if (!r) throw new NoSql();
  const t = r.relType;
  if (t.case === 'read' && t.value.readType.case === 'namedTable') return t.value.readType.value.unparsedIdentifier;
  if (t.case === 'subqueryAlias') return `(${sqlOf(t.value.input)}) AS ${quoteIdent(t.value.alias)}`;
  return `(${sqlOf(r)}) AS t${++aliasCounter}`;
}

function sqlOf(r: Relation | undefined): string {
  if (!r) throw new NoSql();
  const t = r.relType;
  switch (t.case) {
    case 'sql':
      return t.value.query.trim().replace(/;\s*$/, '');
    case 'read':
      if (t.value.readType.case === 'namedTable') return `SELECT * FROM ${t.value.readType.value.unparsedIdentifier}`;
      if (t.value.readType.case === 'dataSource') {
        const ds = t.value.readType.value;
        if (ds.paths.length !== 1) throw new NoSql();
        return `SELECT * FROM ${ds.format ?? 'parquet'}.\`${ds.paths[0]}\``;
      }
      throw new NoSql();
    case 'range':
      return `SELECT * FROM range(${t.value.start ?? 0n}, ${t.value.end}, ${t.value.step || 1n})`;
    case 'localRelation': {
      const { names, types, rows } = localRows(t.value.data);
      if (rows.length === 0) throw new NoSql();
      // NULLs get their column's type, so the VALUES list types like the local data.
      const cell = (v: unknown, i: number) => (v === null || v === undefined ? `CAST(NULL AS ${types[i]})` : jsValueSql(v));
      return `SELECT * FROM VALUES ${rows.map((row) => `(${row.map(cell).join(', ')})`).join(', ')} AS v(${names.map(quoteIdent).join(', ')})`;
    }
    case 'project':
      return `SELECT ${t.value.expressions.map(exprSql).join(', ') || '*'} FROM ${from(t.value.input)}`;
    case 'filter':
      return `SELECT * FROM ${from(t.value.input)} WHERE ${exprSql(t.value.condition)}`;
    case 'aggregate': {
      if (t.value.groupType !== GroupType.GROUPBY && t.value.groupType !== GroupType.UNSPECIFIED) throw new NoSql();
      const cols = [...t.value.groupingExpressions, ...t.value.aggregateExpressions].map(exprSql).join(', ');
      const g = t.value.groupingExpressions.length ? ` GROUP BY ${t.value.groupingExpressions.map(exprSql).join(', ')}` : '';
      return `SELECT ${cols} FROM ${from(t.value.input)}${g}`;
    }
    case 'sort':
      return `SELECT * FROM ${from(t.value.input)} ORDER BY ${t.value.order.map(sortSql).join(', ')}`;
    case 'limit':
      return `SELECT * FROM ${from(t.value.input)} LIMIT ${t.value.limit}`;
    case 'offset':
      return `SELECT * FROM ${from(t.value.input)} OFFSET ${t.value.offset}`;
    case 'deduplicate':
      if (t.value.columnNames.length) throw new NoSql();
      return `SELECT DISTINCT * FROM ${from(t.value.input)}`;
    case 'subqueryAlias':
      return `SELECT * FROM ${from(r)}`;
    case 'join': {
      const how = joinHow(t.value.joinType).toUpperCase().replace('_', ' ');
      const kw = how === 'INNER' ? 'JOIN' : how === 'CROSS' ? 'CROSS JOIN' : `${how === 'FULL' ? 'FULL OUTER' : how} JOIN`;
      const on = t.value.usingColumns.length
        ? ` USING (${t.value.usingColumns.map(quoteIdent).join(', ')})`
        : t.value.joinCondition
          ? ` ON ${exprSql(t.value.joinCondition)}`
          : '';
      return `SELECT * FROM ${from(t.value.left)} ${kw} ${from(t.value.right)}${on}`;
    }
    case 'setOp': {
      const op = t.value.setOpType === SetOpType.UNION ? 'UNION' : t.value.setOpType === SetOpType.INTERSECT ? 'INTERSECT' : 'EXCEPT';
      if (t.value.byName) throw new NoSql();
      return `${sqlOf(t.value.leftInput)} ${op}${t.value.isAll ? ' ALL' : ''} ${sqlOf(t.value.rightInput)}`;
    }
    case 'withColumns':
      return `SELECT *, ${t.value.aliases.map((a) => `${exprSql(a.expr)} AS ${a.name.map(quoteIdent).join('.')}`).join(', ')} FROM ${from(t.value.input)}`;
    case 'toDf':
      return `SELECT * FROM ${from(t.value.input)} AS v(${t.value.columnNames.map(quoteIdent).join(', ')})`;
    default:
      throw new NoSql();
  }
}

/** "SQL:\n...\n\nDataFrame:\n..." for a plan (SQL omitted when it has no SQL form). */
export function renderPlan(plan: Plan | undefined): string {
  const rel = planRelation(plan);
  if (!rel) return '<command without a relation>';
  const sql = relationToSql(rel);
  const df = relationToDataFrame(rel);
  if (rel.relType.case === 'sql') return `SQL:\n  ${sql ?? rel.relType.value.query}`;
  return sql ? `SQL:\n  ${sql}\n\nDataFrame:\n  ${df}` : `DataFrame:\n  ${df}`;
}
