/**
 * Spark Connect `Relation` → engine parsed plan. One plan, two fronts: SQL text and this translator
 * produce the same `Plan`, so the analyzer and everything after it are shared.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { RecordBatchStreamWriter, tableFromIPC } from 'apache-arrow';
import { unsupported } from '../../core/errors.js';
import type { Expr, JoinType, Plan } from '../../engine/index.js';
import {
  Aggregate_GroupType as GroupType,
  Join_JoinType as JoinTypeProto,
  LocalRelationSchema,
  type Relation,
  SetOperation_SetOpType as SetOpType,
} from '../../protocol/index.js';
import { exprFromProto, invalidPlan, sortOrderFromProto, type TranslateContext } from './expression.js';
import { literalFromProto } from './literal.js';

export interface RelationContext extends TranslateContext {
  /** Artifact bytes uploaded by the client (`cache/<sha256>`), for cached local relations. */
  artifact(name: string): Uint8Array | undefined;
}

export function relationFromProto(r: Relation | undefined, ctx: RelationContext): Plan {
  if (!r) throw invalidPlan('A relation is missing from the plan.');
  const planId = r.common?.planId;
  const plan = translate(r, ctx);
  return planId !== undefined ? { ...plan, planId: Number(planId) } : plan;
}

function translate(r: Relation, ctx: RelationContext): Plan {
  const rel = (x: Relation | undefined) => relationFromProto(x, ctx);
  const ex = (x: Parameters<typeof exprFromProto>[0]) => exprFromProto(x, ctx);
  const t = r.relType;
  switch (t.case) {
    case 'range':
      return {
        kind: 'range',
        start: t.value.start ?? 0n,
        end: t.value.end,
        step: t.value.step === 0n ? 1n : t.value.step,
        ...(t.value.numPartitions !== undefined ? { numPartitions: t.value.numPartitions } : {}),
      };
    case 'sql':
      return {
        kind: 'sql',
        query: t.value.query,
        ...(Object.keys(t.value.namedArguments).length || Object.keys(t.value.args).length
          ? {
              namedArgs: Object.fromEntries([
                ...Object.entries(t.value.args).map(([k, v]) => [k, literalFromProto(v, ctx.parseDdl)] as const),
                ...Object.entries(t.value.namedArguments).map(([k, v]) => [k, ex(v)] as const),
              ]),
            }
          : {}),
        ...(t.value.posArguments.length || t.value.posArgs.length
          ? {
              positionalArgs: [
                ...t.value.posArgs.map((v) => literalFromProto(v, ctx.parseDdl) as Expr),
                ...t.value.posArguments.map(ex),
              ],
            }
          : {}),
      };
    case 'read': {
      const rt = t.value.readType;
      if (t.value.isStreaming) throw unsupported('streaming reads');
      if (rt.case === 'namedTable') {
        return {
          kind: 'namedTable',
          nameParts: ctx.parseIdentifier(rt.value.unparsedIdentifier),
          options: rt.value.options,
        };
      }
      if (rt.case === 'dataSource') {
        return {
          kind: 'dataSource',
          format: rt.value.format ?? 'parquet',
          paths: rt.value.paths,
          options: lowerKeys(rt.value.options),
          ...(rt.value.schema ? { schema: rt.value.schema } : {}),
        };
      }
      throw invalidPlan('A read relation names neither a table nor a data source.');
    }
    case 'localRelation':
      return {
        kind: 'localRelation',
        batches: t.value.data ? { ipc: t.value.data } : {},
        ...(t.value.schema ? { schema: ctx.parseDdl(t.value.schema) } : {}),
      };
    case 'cachedLocalRelation': {
      const bytes = ctx.artifact(`cache/${t.value.hash}`);
      if (!bytes) throw invalidPlan(`Cached local relation ${t.value.hash} was not uploaded to this session.`);
      const local = fromBinary(LocalRelationSchema, bytes);
      return {
        kind: 'localRelation',
        batches: local.data ? { ipc: local.data } : {},
        ...(local.schema ? { schema: ctx.parseDdl(local.schema) } : {}),
      };
    }
    case 'chunkedCachedLocalRelation': {
      const chunks = t.value.dataHashes.map((h) => {
        const b = ctx.artifact(`cache/${h}`);
        if (!b) throw invalidPlan(`Cached data chunk ${h} was not uploaded to this session.`);
        return b;
      });
      const schemaBytes = t.value.schemaHash ? ctx.artifact(`cache/${t.value.schemaHash}`) : undefined;
      return {
        kind: 'localRelation',
        batches: chunks.length ? { ipc: concatIpcStreams(chunks) } : {},
        ...(schemaBytes ? { schema: ctx.parseDdl(new TextDecoder().decode(schemaBytes)) } : {}),
      };
    }
    case 'project':
      return t.value.input
        ? { kind: 'project', input: rel(t.value.input), exprs: t.value.expressions.map(ex) }
        : { kind: 'project', input: { kind: 'oneRow' }, exprs: t.value.expressions.map(ex) };
    case 'filter':
      return { kind: 'filter', input: rel(t.value.input), condition: ex(t.value.condition) };
    case 'aggregate': {
      const a = t.value;
      const groupType =
        a.groupType === GroupType.ROLLUP
          ? 'rollup'
          : a.groupType === GroupType.CUBE
            ? 'cube'
            : a.groupType === GroupType.GROUPING_SETS
              ? 'groupingSets'
              : a.groupType === GroupType.PIVOT
                ? 'pivot'
                : 'groupBy';
      const grouping = a.groupingExpressions.map(ex);
      // DataFrame groupBy().agg() keeps the grouping columns in front (Spark's RelationalGroupedDataset);
      // a SQL SELECT lists them itself, so only this front adds them.
      const keep = groupType === 'pivot' ? [] : grouping;
      return {
        kind: 'aggregate',
        input: rel(a.input),
        groupType,
        grouping,
        aggregates: [...keep, ...a.aggregateExpressions.map(ex)],
        ...(a.groupingSets.length ? { groupingSets: a.groupingSets.map((g) => g.groupingSet.map(ex)) } : {}),
        ...(a.pivot
          ? {
              pivot: {
                column: ex(a.pivot.col),
                values: a.pivot.values.map((v) => literalFromProto(v, ctx.parseDdl) as Expr),
              },
            }
          : {}),
      };
    }
    case 'sort':
      return {
        kind: 'sort',
        input: rel(t.value.input),
        order: t.value.order.map((o) => sortOrderFromProto(o, ctx)),
        isGlobal: t.value.isGlobal ?? true,
      };
    case 'limit':
      return { kind: 'limit', input: rel(t.value.input), limit: t.value.limit };
    case 'offset':
      return { kind: 'offset', input: rel(t.value.input), offset: t.value.offset };
    case 'tail':
      return { kind: 'tail', input: rel(t.value.input), limit: t.value.limit };
    case 'join': {
      const j = t.value;
      if (j.joinDataType) throw unsupported('joinWith');
      return {
        kind: 'join',
        left: rel(j.left),
        right: rel(j.right),
        joinType: joinTypeOf(j.joinType, j.joinCondition !== undefined || j.usingColumns.length > 0),
        ...(j.joinCondition ? { condition: ex(j.joinCondition) } : {}),
        ...(j.usingColumns.length ? { usingColumns: j.usingColumns } : {}),
      };
    }
    case 'setOp': {
      const s = t.value;
      const op =
        s.setOpType === SetOpType.UNION
          ? 'union'
          : s.setOpType === SetOpType.INTERSECT
            ? 'intersect'
            : s.setOpType === SetOpType.EXCEPT
              ? 'except'
              : undefined;
      if (!op) throw invalidPlan('A set operation has no type.');
      return {
        kind: 'setOp',
        left: rel(s.leftInput),
        right: rel(s.rightInput),
        op,
        isAll: s.isAll ?? false,
        byName: s.byName ?? false,
        allowMissingColumns: s.allowMissingColumns ?? false,
      };
    }
    case 'deduplicate':
      if (t.value.withinWatermark) throw unsupported('dropDuplicatesWithinWatermark');
      return {
        kind: 'deduplicate',
        input: rel(t.value.input),
        ...(t.value.allColumnsAsKeys || t.value.columnNames.length === 0 ? {} : { columns: t.value.columnNames }),
      };
    case 'subqueryAlias':
      return { kind: 'subqueryAlias', input: rel(t.value.input), alias: t.value.alias };
    case 'toDf':
      return { kind: 'toDF', input: rel(t.value.input), columnNames: t.value.columnNames };
    case 'withColumns':
      return {
        kind: 'withColumns',
        input: rel(t.value.input),
        columns: t.value.aliases.map((a) => {
          if (a.name.length !== 1) throw invalidPlan('withColumns takes single-part column names.');
          return { name: a.name[0] as string, expr: ex(a.expr) };
        }),
      };
    case 'withColumnsRenamed':
      return {
        kind: 'withColumnsRenamed',
        input: rel(t.value.input),
        renames: [
          ...Object.entries(t.value.renameColumnsMap).map(([from, to]) => ({ from, to })),
          ...t.value.renames.map((x) => ({ from: x.colName, to: x.newColName })),
        ],
      };
    case 'drop':
      return {
        kind: 'drop',
        input: rel(t.value.input),
        columns: t.value.columns.map(ex),
        columnNames: t.value.columnNames,
      };
    case 'showString':
      return {
        kind: 'showString',
        input: rel(t.value.input),
        numRows: t.value.numRows,
        truncate: t.value.truncate,
        vertical: t.value.vertical,
      };
    case 'htmlString':
      return { kind: 'htmlString', input: rel(t.value.input), numRows: t.value.numRows, truncate: t.value.truncate };
    case 'sample':
      return {
        kind: 'sample',
        input: rel(t.value.input),
        lowerBound: t.value.lowerBound,
        upperBound: t.value.upperBound,
        withReplacement: t.value.withReplacement ?? false,
        ...(t.value.seed !== undefined ? { seed: t.value.seed } : {}),
      };
    case 'hint':
      return { kind: 'hint', input: rel(t.value.input), name: t.value.name };
    case 'repartition':
      return { kind: 'repartition', input: rel(t.value.input) };
    case 'repartitionByExpression':
      return { kind: 'repartition', input: rel(t.value.input) };
    case 'withRelations': {
      // References are either named subquery aliases (spark.sql with DataFrame kwargs) or plan ids
      // used by SubqueryExpression.
      const ctes: { name: string; plan: Plan }[] = [];
      for (const ref of t.value.references) {
        const p = rel(ref);
        if (ref.common?.planId !== undefined) ctx.subqueries.set(Number(ref.common.planId), p);
        if (ref.relType.case === 'subqueryAlias') ctes.push({ name: ref.relType.value.alias, plan: p });
      }
      const root = rel(t.value.root);
      return ctes.length ? { kind: 'with', root, ctes } : root;
    }
    case 'unpivot':
      return {
        kind: 'unpivot',
        input: rel(t.value.input),
        ids: t.value.ids.map(ex),
        ...(t.value.values ? { values: t.value.values.values.map(ex) } : {}),
        variableColumnName: t.value.variableColumnName,
        valueColumnName: t.value.valueColumnName,
      };
    case 'toSchema':
    case 'cachedRemoteRelation':
    case 'fillNa':
    case 'dropNa':
    case 'replace':
    case 'summary':
    case 'describe':
      throw unsupported(`the ${t.case} relation`);
    case 'extension':
      throw unsupported(`relation extension ${t.value.typeUrl}`);
    case 'unknown':
    case undefined:
      throw invalidPlan('The plan contains a relation of a type this server does not know.');
  }
}

function joinTypeOf(t: JoinTypeProto, hasCondition: boolean): JoinType {
  switch (t) {
    case JoinTypeProto.INNER:
      return 'inner';
    case JoinTypeProto.FULL_OUTER:
      return 'full';
    case JoinTypeProto.LEFT_OUTER:
      return 'left';
    case JoinTypeProto.RIGHT_OUTER:
      return 'right';
    case JoinTypeProto.LEFT_ANTI:
      return 'anti';
    case JoinTypeProto.LEFT_SEMI:
      return 'semi';
    case JoinTypeProto.CROSS:
      return 'cross';
    case JoinTypeProto.UNSPECIFIED:
      return hasCondition ? 'inner' : 'cross';
  }
}

function lowerKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Arrow IPC streams cannot be concatenated byte-wise (each has its own schema and end marker). */
function concatIpcStreams(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const tables = chunks.map((c) => tableFromIPC(c));
  const writer = new RecordBatchStreamWriter();
  for (const t of tables) for (const b of t.batches) writer.write(b);
  writer.finish();
  return writer.toUint8Array(true);
}
