/**
 * The engine's public contract. The driver process is its only production caller; tests, the SQL
 * golden runner and benchmarks call it directly (the engine is pure compute: no gRPC, Redis, Postgres).
 *
 * Lifecycle: one `Engine` per driver process (shared warehouse catalog), one `EngineSession` per
 * Spark Connect session (own configs, temp views, current database).
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import type { DataType, StructType } from './plan/data-type.js';
import type { Expr, Plan, WriteMode } from './plan/parsed-plan.js';
import type { RuntimeProfile } from '../core/runtime.js';

export type { RuntimeProfile } from '../core/runtime.js';

export interface EngineOptions {
  profile: RuntimeProfile;
  /** Folder holding managed tables (`saveAsTable`, `CREATE TABLE`). */
  warehouseDir: string;
  /** Absolute folders that reads and writes may touch; any other path is refused with a clear error. */
  allowedRoots: string[];
  /** Extra session config defaults from the runtime manifest (`spark.sql.*` → value). */
  defaultConf?: Record<string, string>;
  /** Soft cap on bytes held by pipeline breakers of one query; beyond it the query fails with MEMORY_LIMIT_EXCEEDED. */
  memoryLimitBytes?: number;
}

export interface Engine {
  readonly profile: RuntimeProfile;
  newSession(): EngineSession;
}

/** `spark.conf` semantics for one session. Values are strings, as on the wire. */
export interface SessionConf {
  /** Throws SQL_CONF_NOT_FOUND for an unknown key without a default. */
  get(key: string): string;
  getOption(key: string): string | undefined;
  set(key: string, value: string): void;
  unset(key: string): void;
  /** Every key with a value (defaults included), sorted, optionally filtered by prefix. */
  getAll(prefix?: string): [string, string][];
  isModifiable(key: string): boolean;
}

/** A query's result: the resolved schema up front, then batches pulled lazily. */
export interface QueryResult {
  /** Spark schema (names, types, nullability) — what AnalyzePlan `schema` reports. */
  schema: StructType;
  /** The Arrow schema the batches carry (Spark → Arrow mapping, session time zone on timestamps). */
  arrowSchema: Schema;
  batches: AsyncIterable<RecordBatch>;
}

export type SqlOutcome =
  /** A query: nothing ran; the client will execute `plan` (Spark returns the query relation itself). */
  | { kind: 'query'; plan: Plan }
  /** A command (DDL, DML, SET, SHOW, DESCRIBE, EXPLAIN...): it already ran; these are its output rows. */
  | { kind: 'command'; result: MaterializedResult };

export interface MaterializedResult {
  schema: StructType;
  arrowSchema: Schema;
  batches: RecordBatch[];
}

export interface WriteRequest {
  input: Plan;
  /** Data source format: parquet, csv, json, arrow. */
  format: string;
  /** Exactly one of path / table. */
  path?: string;
  table?: string[];
  /** `saveAsTable` vs `insertInto` when `table` is set. */
  tableSaveMethod?: 'saveAsTable' | 'insertInto';
  mode: WriteMode;
  options: Record<string, string>;
  partitionBy: string[];
}

export type ExplainMode = 'simple' | 'extended' | 'codegen' | 'cost' | 'formatted';

export interface EngineSession {
  readonly conf: SessionConf;
  /** Resolve the plan and return its output schema; raises analysis errors (UNRESOLVED_COLUMN...). */
  analyze(plan: Plan): Promise<StructType>;
  /** Plan and start executing; errors surface from `schema` resolution (thrown here) or from the batch iterator. */
  execute(plan: Plan, signal?: AbortSignal): Promise<QueryResult>;
  /** `spark.sql(text, args)`: parse; run commands now; return queries unexecuted. */
  sql(text: string, args?: { named?: Record<string, Expr>; positional?: Expr[] }): Promise<SqlOutcome>;
  /** `df.createOrReplaceTempView(name)` and friends. Throws TEMP_TABLE_OR_VIEW_ALREADY_EXISTS when !replace and it exists. */
  createTempView(name: string, plan: Plan, opts: { replace: boolean; global: boolean }): Promise<void>;
  /** `df.write...` with atomic commit (stage, then rename). */
  write(req: WriteRequest): Promise<void>;
  explain(plan: Plan, mode: ExplainMode): Promise<string>;
  /** `df.printSchema()` text (`root\n |-- id: long (nullable = false)\n`). */
  treeString(plan: Plan, level?: number): Promise<string>;
  /** Parse a DDL type or table schema string (`a int, b string` or `struct<...>` or `int`). */
  parseDataType(ddl: string): DataType;
  /** Stable hash of the resolved plan, equal for semantically equal plans. */
  semanticHash(plan: Plan): Promise<number>;
  /** Names of temp views this session created, in creation order (for replaying a session elsewhere). */
  tempViewNames(): string[];
  close(): void;
}
