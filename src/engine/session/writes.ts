/**
 * Writes and table DDL/DML: `df.write` (path, saveAsTable, insertInto), CREATE TABLE [AS SELECT],
 * INSERT INTO/OVERWRITE, DROP TABLE, TRUNCATE TABLE. Every write stages its files next to the target
 * and commits by rename (io/commit.ts), so a failed write commits nothing.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PerennialError, unsupported } from '../../core/errors.js';
import type { MaterializedResult, WriteRequest } from '../api.js';
import { type Batch, concatBatches, getValue, takeBatch } from '../arrow/vec.js';
import { analysisError, tableNotFound } from '../analyzer/errors.js';
import { refOf } from '../analyzer/expressions.js';
import type { TableEntry } from '../catalog/catalog.js';
import { castValue } from '../expr/cast.js';
import { castTo } from '../expr/functions/coercion.js';
import { commitWrite, pathExists } from '../io/commit.js';
import { extensionOf, isWritableFormat, writeDataFile } from '../io/file-writer.js';
import { checkPath } from '../io/paths.js';
import type { StructType } from '../plan/data-type.js';
import { type LPlan, type NamedExpr, newId, outputOf } from '../plan/logical-plan.js';
import type { Plan, Statement, WriteMode } from '../plan/parsed-plan.js';
import { T, typeEquals } from '../plan/type-utils.js';
import type { EngineSessionImpl } from './engine-session.js';
import { schemaOf } from './engine-session.js';

const DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/** Spark's ExternalCatalogUtils.escapePathName. */
export function escapePartitionValue(s: string): string {
  return s.replace(/["#%'*/:=?\\\x7f{[\]^\x00-\x1f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

const quoted = (t: TableEntry): string => `\`spark_catalog\`.\`${t.database}\`.\`${t.name}\``;

function tableExists(db: string, name: string): PerennialError {
  const n = `\`spark_catalog\`.\`${db}\`.\`${name}\``;
  return new PerennialError(
    'TABLE_OR_VIEW_ALREADY_EXISTS',
    `[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view ${n} because it already exists.\nChoose a different name, drop or replace the existing object, or add the IF NOT EXISTS clause to tolerate pre-existing objects. SQLSTATE: 42P07`,
    { messageParameters: { relationName: n } },
  );
}

function splitName(s: EngineSessionImpl, parts: string[]): { db: string; name: string } {
  const tail = parts.slice(-2);
  return tail.length === 2 ? { db: tail[0]!.toLowerCase(), name: tail[1]! } : { db: s.currentDatabase, name: tail[0]! };
}

function managedPath(s: EngineSessionImpl, db: string, name: string): string {
  const base = s.deps.warehouseDir;
  return db === 'default' ? path.join(base, name.toLowerCase()) : path.join(base, `${db}.db`, name.toLowerCase());
}

/** Runs a resolved plan and gathers its rows into one batch. */
async function materialize(s: EngineSessionImpl, plan: LPlan): Promise<Batch> {
  const types = outputOf(plan).map((a) => a.type);
  const bs: Batch[] = [];
  for await (const b of s.run(plan, s.execContext())) if (b.length) bs.push(b);
  return concatBatches(types, bs);
}

/** Writes `plan`'s rows into `dir` as part files (one per partition folder) plus `_SUCCESS`. */
async function stageFiles(s: EngineSessionImpl, dir: string, plan: LPlan, format: string, options: Record<string, string>, partitionBy: string[]): Promise<void> {
  const schema = schemaOf(plan);
  const data = await materialize(s, plan);
  const ctx = s.evalContext();
  const ext = extensionOf(format);
  const id = randomUUID();
  let n = 0;
  const fileName = (): string => `part-${String(n++).padStart(5, '0')}-${id}.c000${ext}`;
  const pIdx = partitionBy.map((p) => {
    const i = schema.fields.findIndex((f) => f.name.toLowerCase() === p.toLowerCase());
    if (i < 0) throw analysisError('COLUMN_NOT_FOUND', `[COLUMN_NOT_FOUND] The column \`${p}\` cannot be found. Verify the spelling and correctness of the column name according to the SQL config spark.sql.caseSensitive. SQLSTATE: 42703`);
    return i;
  });
  if (pIdx.length === 0) {
    if (data.length > 0 || format.toLowerCase() === 'parquet') await writeDataFile(format, path.join(dir, fileName()), schema, data, options, ctx);
  } else {
    const keep = schema.fields.map((_, i) => i).filter((i) => !pIdx.includes(i));
    const dataSchema = T.struct(keep.map((i) => schema.fields[i]!));
    const groups = new Map<string, number[]>();
    for (let r = 0; r < data.length; r++) {
      const rel = pIdx
        .map((i) => {
          const f = schema.fields[i]!;
          const v = getValue(data.cols[i]!, r);
          const text = v === null ? DEFAULT_PARTITION : escapePartitionValue(String(castValue(v, f.dataType, T.string, 'legacy', ctx)));
          return `${f.name}=${text}`;
        })
        .join(path.sep);
      const l = groups.get(rel);
      if (l) l.push(r);
      else groups.set(rel, [r]);
    }
    for (const [rel, rows] of groups) {
      const sub = path.join(dir, rel);
      await fs.mkdir(sub, { recursive: true });
      const b = takeBatch(data, rows);
      await writeDataFile(format, path.join(sub, fileName()), dataSchema, { cols: keep.map((i) => b.cols[i]!), length: b.length }, options, ctx);
    }
  }
  await fs.writeFile(path.join(dir, '_SUCCESS'), '');
}

function checkFormat(format: string): string {
  const f = format.toLowerCase();
  if (!isWritableFormat(f)) throw unsupported(`writing the ${format} data source`);
  return f;
}

/** Casts the query's columns, by position, to the table's columns (Spark's ANSI store assignment). */
function castToTable(t: TableEntry, plan: LPlan, columns: string[] | undefined, s: EngineSessionImpl): LPlan {
  const out = outputOf(plan);
  const target = columns
    ? columns.map((c) => {
        const f = t.schema.fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
        if (!f) throw analysisError('UNRESOLVED_COLUMN.WITH_SUGGESTION', `[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name \`${c}\` cannot be resolved. SQLSTATE: 42703`);
        return f;
      })
    : t.schema.fields;
  if (out.length !== target.length) {
    const reason = out.length < target.length ? 'NOT_ENOUGH_DATA_COLUMNS' : 'TOO_MANY_DATA_COLUMNS';
    const words = out.length < target.length ? 'not enough data columns' : 'too many data columns';
    throw analysisError(
      `INSERT_COLUMN_ARITY_MISMATCH.${reason}`,
      `[INSERT_COLUMN_ARITY_MISMATCH.${reason}] Cannot write to ${quoted(t)}, the reason is ${words}:\nTable columns: ${target.map((f) => `\`${f.name}\``).join(', ')}.\nData columns: ${out.map((a) => `\`${a.name}\``).join(', ')}. SQLSTATE: 21S01`,
    );
  }
  const exprs: NamedExpr[] = t.schema.fields.map((f) => {
    const i = target.indexOf(f);
    const attr = { id: newId(), name: f.name, type: f.dataType, nullable: true, qualifier: [] };
    if (i < 0) return { expr: { k: 'lit', value: null, type: f.dataType, nullable: true, sql: 'NULL' }, attr };
    const a = out[i]!;
    const e = typeEquals(a.type, f.dataType) ? refOf(a) : { ...castTo(refOf(a), f.dataType, { ansi: true }), sql: a.name };
    return { expr: e, attr };
  });
  void s;
  return { k: 'project', input: plan, exprs };
}

async function createTableEntry(
  s: EngineSessionImpl,
  nameParts: string[],
  schema: StructType,
  format: string,
  options: Record<string, string>,
  partitionBy: string[],
  location: string | undefined,
): Promise<TableEntry> {
  const { db, name } = splitName(s, nameParts);
  if (!s.deps.catalog.databases.has(db))
    throw new PerennialError('SCHEMA_NOT_FOUND', `[SCHEMA_NOT_FOUND] The schema \`${db}\` cannot be found. SQLSTATE: 42704`);
  // Partition columns go last, as in Spark.
  const isPart = (n: string): boolean => partitionBy.some((p) => p.toLowerCase() === n.toLowerCase());
  const ordered = T.struct([...schema.fields.filter((f) => !isPart(f.name)), ...partitionBy.map((p) => schema.fields.find((f) => f.name.toLowerCase() === p.toLowerCase())!).filter(Boolean)]);
  const tablePath = location ? checkPath(location, s.deps.allowedRoots) : checkPath(managedPath(s, db, name), s.deps.allowedRoots);
  return { database: db, name: name.toLowerCase(), format: checkFormat(format), path: tablePath, schema: ordered, partitionBy, options, managed: !location };
}

/** Writes `plan` into table `t` (append or overwrite), committing atomically. */
async function writeTable(s: EngineSessionImpl, t: TableEntry, plan: LPlan, overwrite: boolean): Promise<void> {
  await commitWrite(t.path, overwrite ? 'overwrite' : 'append', (dir) => stageFiles(s, dir, plan, t.format, t.options, t.partitionBy));
}

export async function sessionWrite(s: EngineSessionImpl, req: WriteRequest): Promise<void> {
  const format = checkFormat(req.format || 'parquet');
  const plan = await s.resolve(req.input);
  if (req.path !== undefined) {
    const target = checkPath(req.path, s.deps.allowedRoots);
    await commitWrite(target, req.mode, (dir) => stageFiles(s, dir, plan, format, req.options, req.partitionBy));
    return;
  }
  if (!req.table) throw analysisError('INVALID_WRITE', '[INVALID_WRITE] A write needs a path or a table name.');
  const { db, name } = splitName(s, req.table);
  const existing = s.deps.catalog.getTable(db, name);
  if (req.tableSaveMethod === 'insertInto') {
    if (!existing) throw tableNotFound(req.table);
    await writeTable(s, existing, castToTable(existing, plan, undefined, s), req.mode === 'overwrite');
    return;
  }
  if (existing) {
    if (req.mode === 'errorIfExists') throw tableExists(existing.database, existing.name);
    if (req.mode === 'ignore') return;
    if (req.mode === 'append') {
      // saveAsTable append matches columns by name.
      const out = outputOf(plan);
      const byName: LPlan = {
        k: 'project',
        input: plan,
        exprs: existing.schema.fields.map((f) => {
          const a = out.find((x) => x.name.toLowerCase() === f.name.toLowerCase());
          if (!a) throw analysisError('INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS', `[INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS] Cannot write to ${quoted(existing)}, the reason is not enough data columns. SQLSTATE: 21S01`);
          return { expr: refOf(a), attr: a };
        }),
      };
      await writeTable(s, existing, castToTable(existing, byName, undefined, s), false);
      return;
    }
  }
  const schema = nullableSchema(schemaOf(plan));
  const entry = await createTableEntry(s, req.table, schema, format, req.options, req.partitionBy, req.options.path);
  await commitWrite(entry.path, 'overwrite', (dir) => stageFiles(s, dir, plan, format, req.options, entry.partitionBy));
  s.deps.catalog.putTable(entry);
}

function nullableSchema(st: StructType): StructType {
  return T.struct(st.fields.map((f) => ({ ...f, nullable: true })));
}

function empty(s: EngineSessionImpl): MaterializedResult {
  return { ...rowsOf(s) };
}

function rowsOf(s: EngineSessionImpl): MaterializedResult {
  return s.emptyResult();
}

/** CREATE TABLE / INSERT / DROP TABLE / TRUNCATE TABLE; undefined for statements handled elsewhere. */
export async function runTableStatement(s: EngineSessionImpl, st: Statement): Promise<MaterializedResult | undefined> {
  switch (st.kind) {
    case 'createTable': {
      const { db, name } = splitName(s, st.name);
      const existing = s.deps.catalog.getTable(db, name);
      if (existing && !st.replace) {
        if (st.ifNotExists) return empty(s);
        throw tableExists(db, name.toLowerCase());
      }
      let plan: LPlan | undefined;
      let schema: StructType;
      if (st.asSelect) {
        plan = await s.resolve(st.asSelect);
        schema = nullableSchema(schemaOf(plan));
        if (st.columns && st.columns.length) throw unsupported('a column list with AS SELECT');
      } else if (st.columns && st.columns.length) {
        schema = T.struct(st.columns.map((c) => ({ name: c.name, dataType: c.dataType, nullable: c.nullable })));
      } else if (st.location) {
        schema = await s.deps.files.inferSchema(st.format, [checkPath(st.location, s.deps.allowedRoots)], st.options);
      } else {
        throw analysisError('UNABLE_TO_INFER_SCHEMA', `[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for ${st.format.toUpperCase()}. It must be specified manually. SQLSTATE: 42KD9`);
      }
      const entry = await createTableEntry(s, st.name, schema, st.format, st.options, st.partitionBy ?? [], st.location);
      if (existing?.managed) await fs.rm(existing.path, { recursive: true, force: true });
      if (plan) {
        const p = plan;
        await commitWrite(entry.path, 'overwrite', (dir) => stageFiles(s, dir, p, entry.format, entry.options, entry.partitionBy));
      } else if (!(await pathExists(entry.path))) await fs.mkdir(entry.path, { recursive: true });
      s.deps.catalog.putTable(entry);
      return empty(s);
    }
    case 'insert': {
      const { db, name } = splitName(s, st.table);
      const t = s.deps.catalog.getTable(db, name);
      if (!t) {
        if (s.lookupRelation(st.table)) throw unsupported('INSERT into a view');
        throw tableNotFound(st.table);
      }
      const plan = await s.resolve(st.query as Plan);
      await writeTable(s, t, castToTable(t, plan, st.columns, s), st.overwrite);
      return empty(s);
    }
    case 'dropTable': {
      const { db, name } = splitName(s, st.name);
      const t = s.deps.catalog.getTable(db, name);
      if (!t) {
        if (st.ifExists) return empty(s);
        throw tableNotFound(st.name);
      }
      s.deps.catalog.dropTable(db, name);
      if (t.managed) await fs.rm(t.path, { recursive: true, force: true });
      return empty(s);
    }
    case 'truncateTable': {
      const { db, name } = splitName(s, st.name);
      const t = s.deps.catalog.getTable(db, name);
      if (!t) throw tableNotFound(st.name);
      await commitWrite(t.path, 'overwrite', async () => {});
      return empty(s);
    }
    case 'showColumns': {
      const schema = await s.analyze({ kind: 'namedTable', nameParts: st.table });
      return s.rowsResult(T.struct([{ name: 'col_name', dataType: T.string, nullable: false }]), schema.fields.map((f) => [f.name]));
    }
    default:
      return undefined;
  }
}

export type { WriteMode };
