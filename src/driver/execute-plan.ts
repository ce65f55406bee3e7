/**
 * ExecutePlan inside a driver: translate the plan, run it on the session's engine, and push the
 * encoded responses into the operation's buffer (schema, Arrow batches, result_complete), which the
 * RPC — and any later ReattachExecute — streams to the caller.
 */
import { randomUUID } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { type RecordBatch, RecordBatchStreamWriter, type Schema } from 'apache-arrow';
import { PerennialError, toPerennialError, unsupported } from '../core/errors.js';
import type { Expr, Plan, WriteRequest } from '../engine/index.js';
import {
  type Command,
  type ExecutePlanRequest,
  type ExecutePlanResponse,
  ExecutePlanResponseSchema,
  type Relation,
  RelationSchema,
  WriteOperation_SaveMode as SaveMode,
  WriteOperation_SaveTable_TableSaveMethod as SaveMethod,
  WriteOperationV2_Mode as V2Mode,
} from '../protocol/index.js';
import { encodeArrowBatchResponses, encodeEmptyIpc, OperationBuffer } from '../results/index.js';
import type { DriverSession, RunningOperation } from './session-state.js';
import { dataTypeToProto } from './translate/data-type.js';
import { exprFromProto } from './translate/expression.js';
import { parseSchemaString } from './translate/json-schema.js';
import { type RelationContext, relationFromProto } from './translate/relation.js';

export function relationContext(session: DriverSession): RelationContext {
  const engine = session.engine;
  return {
    parseDdl: (s) => parseSchemaString(s, (ddl) => engine.parseDataType(ddl)),
    parseIdentifier: (s) => parseIdentifier(s),
    subqueries: new Map(),
    artifact: (name) => session.artifacts.get(name),
  };
}

/** Spark identifier syntax: dot-separated parts, backticks quote (`` `a.b`.c `` → ['a.b', 'c']). */
export function parseIdentifier(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted) {
      if (c === '`') {
        if (s[i + 1] === '`') {
          cur += '`';
          i++;
        } else quoted = false;
      } else cur += c;
    } else if (c === '`') quoted = true;
    else if (c === '.') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

export function translatePlan(session: DriverSession, relation: Relation | undefined): Plan {
  return relationFromProto(relation, relationContext(session));
}

/** Starts the operation; returns at once. Progress and outcome live in the returned buffer. */
export function startExecution(session: DriverSession, req: ExecutePlanRequest, operationId: string): OperationBuffer {
  const buffer = new OperationBuffer(operationId);
  const abort = new AbortController();
  const op: RunningOperation = { buffer, abort, tags: req.tags, effect: 'none' };
  session.operations.set(operationId, op);
  const stamp = (r: Omit<ExecutePlanResponse, 'sessionId' | 'serverSideSessionId' | 'operationId' | 'responseId' | '$typeName'>) => {
    const responseId = randomUUID();
    const msg = create(ExecutePlanResponseSchema, {
      ...r,
      sessionId: session.sessionId,
      serverSideSessionId: session.serverSideSessionId,
      operationId,
      responseId,
    });
    buffer.push({ responseId, bytes: toBinary(ExecutePlanResponseSchema, msg) });
  };
  run(session, req, stamp, abort.signal, op)
    .then(() => {
      stamp({ responseType: { case: 'resultComplete', value: {} } } as never);
      buffer.finish();
    })
    .catch((e: unknown) => buffer.fail(abort.signal.aborted ? cancelled(operationId) : toPerennialError(e)));
  return buffer;
}

type Stamp = (r: never) => void;

async function run(
  session: DriverSession,
  req: ExecutePlanRequest,
  stamp: Stamp,
  signal: AbortSignal,
  op: RunningOperation,
): Promise<void> {
  const plan = req.plan?.opType;
  if (plan?.case === 'root') {
    await streamRelation(session, translatePlan(session, plan.value), stamp, signal);
    return;
  }
  if (plan?.case === 'command') {
    op.effect = await runCommand(session, plan.value, stamp);
    return;
  }
  throw new PerennialError('INVALID_PLAN_INPUT', 'The request carries no plan (neither a relation nor a command).', {
    kind: 'user',
    sqlState: '42K0E',
    classes: ['org.apache.spark.sql.connect.common.InvalidPlanInput', 'java.lang.Exception', 'java.lang.Throwable'],
  });
}

async function streamRelation(session: DriverSession, plan: Plan, stamp: Stamp, signal: AbortSignal): Promise<void> {
  const result = await session.engine.execute(plan, signal);
  stamp({ schema: dataTypeToProto(result.schema) } as never);
  let offset = 0n;
  let sent = false;
  for await (const batch of result.batches) {
    if (signal.aborted) throw new Error('interrupted');
    if (batch.numRows === 0 && sent) continue;
    stamp({
      responseType: {
        case: 'arrowBatch',
        value: { rowCount: BigInt(batch.numRows), data: encodeArrowBatchResponses(batch), startOffset: offset },
      },
    } as never);
    offset += BigInt(batch.numRows);
    sent = true;
  }
  if (!sent) {
    stamp({
      responseType: { case: 'arrowBatch', value: { rowCount: 0n, data: encodeEmptyIpc(result.arrowSchema), startOffset: 0n } },
    } as never);
  }
}

async function runCommand(session: DriverSession, cmd: Command, stamp: Stamp): Promise<RunningOperation['effect']> {
  const c = cmd.commandType;
  const ctx = relationContext(session);
  switch (c.case) {
    case 'sqlCommand': {
      const input = c.value.input;
      let text: string;
      let named: Record<string, Expr> | undefined;
      let positional: Expr[] | undefined;
      if (input?.relType.case === 'sql') {
        text = input.relType.value.query;
        const sqlPlan = relationFromProto(input, ctx);
        if (sqlPlan.kind === 'sql') {
          named = sqlPlan.namedArgs;
          positional = sqlPlan.positionalArgs;
        }
      } else if (input?.relType.case === 'withRelations' && input.relType.value.root?.relType.case === 'sql') {
        // spark.sql(q, df=df): the query is a query by construction (it reads DataFrames).
        stamp({ responseType: { case: 'sqlCommandResult', value: { relation: input } } } as never);
        return 'none';
      } else {
        text = c.value.sql;
        if (Object.keys(c.value.namedArguments).length) {
          named = Object.fromEntries(Object.entries(c.value.namedArguments).map(([k, v]) => [k, exprFromProto(v, ctx)]));
        }
        if (c.value.posArguments.length) positional = c.value.posArguments.map((v) => exprFromProto(v, ctx));
      }
      const outcome = await session.engine.sql(text, {
        ...(named ? { named } : {}),
        ...(positional ? { positional } : {}),
      });
      const relation =
        outcome.kind === 'query'
          ? (input ?? create(RelationSchema, { relType: { case: 'sql', value: { query: text } } }))
          : create(RelationSchema, {
              relType: { case: 'localRelation', value: { data: encodeTable(outcome.result.batches, outcome.result.arrowSchema) } },
            });
      stamp({ responseType: { case: 'sqlCommandResult', value: { relation } } } as never);
      return outcome.kind === 'query' ? 'none' : sqlEffect(text);
    }
    case 'createDataframeView':
      await session.engine.createTempView(c.value.name, relationFromProto(c.value.input, ctx), {
        replace: c.value.replace,
        global: c.value.isGlobal,
      });
      return 'session-state';
    case 'writeOperation': {
      const w = c.value;
      const req: WriteRequest = {
        input: relationFromProto(w.input, ctx),
        format: w.source ?? 'parquet',
        mode: saveModeOf(w.mode),
        options: w.options,
        partitionBy: w.partitioningColumns,
      };
      if (w.saveType.case === 'path') req.path = w.saveType.value;
      else if (w.saveType.case === 'table') {
        req.table = parseIdentifier(w.saveType.value.tableName);
        req.tableSaveMethod = w.saveType.value.saveMethod === SaveMethod.INSERT_INTO ? 'insertInto' : 'saveAsTable';
      } else throw unsupported('a write with neither a path nor a table');
      await session.engine.write(req);
      return 'write';
    }
    case 'writeOperationV2': {
      const w = c.value;
      const mode =
        w.mode === V2Mode.APPEND
          ? 'append'
          : w.mode === V2Mode.CREATE
            ? 'errorIfExists'
            : 'overwrite';
      await session.engine.write({
        input: relationFromProto(w.input, ctx),
        format: w.provider ?? 'parquet',
        table: parseIdentifier(w.tableName),
        tableSaveMethod: w.mode === V2Mode.APPEND ? 'insertInto' : 'saveAsTable',
        mode,
        options: w.options,
        partitionBy: [],
      });
      return 'write';
    }
    case 'getResourcesCommand':
      stamp({ responseType: { case: 'getResourcesCommandResult', value: { resources: {} } } } as never);
      return 'none';
    case 'registerFunction':
      throw unsupported('registering user-defined functions (Python UDFs need a Python worker)');
    case 'extension':
      throw unsupported(`command extension ${c.value.typeUrl}`);
    case undefined:
      throw unsupported('this command (unknown to this server)');
  }
}

/**
 * What a SQL command changed. Session-local state (temp views, confs, current database) is replayed
 * when the session is re-created on another driver; anything else that is not read-only is a write.
 */
function sqlEffect(text: string): RunningOperation['effect'] {
  const t = text.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '').toUpperCase();
  if (/^(SET|RESET|USE|CACHE|UNCACHE|CLEAR\s+CACHE)\b/.test(t)) return 'session-state';
  if (/^(CREATE\s+(OR\s+REPLACE\s+)?(GLOBAL\s+)?TEMP(ORARY)?\s+VIEW|DROP\s+VIEW)\b/.test(t)) return 'session-state';
  if (/^(SHOW|DESCRIBE|DESC|EXPLAIN)\b/.test(t)) return 'none';
  return 'write';
}

function saveModeOf(m: SaveMode): WriteRequest['mode'] {
  switch (m) {
    case SaveMode.APPEND:
      return 'append';
    case SaveMode.OVERWRITE:
      return 'overwrite';
    case SaveMode.IGNORE:
      return 'ignore';
    case SaveMode.ERROR_IF_EXISTS:
    case SaveMode.UNSPECIFIED:
      return 'errorIfExists';
  }
}

function encodeTable(batches: RecordBatch[], schema: Schema): Uint8Array {
  if (batches.length === 0) return encodeEmptyIpc(schema);
  const w = new RecordBatchStreamWriter();
  for (const b of batches) w.write(b);
  w.finish();
  return w.toUint8Array(true);
}

export function cancelled(operationId: string): PerennialError {
  return new PerennialError('OPERATION_CANCELED', `[OPERATION_CANCELED] Operation ${operationId} has been cancelled.`, {
    kind: 'user',
    sqlState: 'HY008',
    classes: ['org.apache.spark.SparkException', 'java.lang.Exception', 'java.lang.Throwable'],
  });
}
