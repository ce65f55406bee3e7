/** One Spark session: conf, temp views, and the query pipeline (analyze → optimize → execute). */
import type { RecordBatch, Schema } from 'apache-arrow';
import { PerennialError, toPerennialError, unsupported } from '../../core/errors.js';
import type { EngineSession, ExplainMode, MaterializedResult, QueryResult, RuntimeProfile, SqlOutcome, WriteRequest } from '../api.js';
import { toArrowSchema } from '../arrow/arrow-types.js';
import { batchToArrow } from '../arrow/to-arrow.js';
import { type Batch, vecFromValues } from '../arrow/vec.js';
import { Analyzer } from '../analyzer/analyzer.js';
import { tableNotFound } from '../analyzer/errors.js';
import type { AnalyzerHost, NamedRelation } from '../analyzer/relation-source.js';
import type { Catalog } from '../catalog/catalog.js';
import type { EvalContext } from '../expr/eval-context.js';
import { optimize } from '../optimizer/optimizer.js';
import { MemoryTracker, type ExecContext, type FileReader } from '../operators/exec-context.js';
import { executePlan, prepareSubqueries } from '../physical/executor.js';
import type { DataType, StructType } from '../plan/data-type.js';
import { explainPlan } from '../plan/display.js';
import { type LPlan, outputOf } from '../plan/logical-plan.js';
import type { Plan, Statement } from '../plan/parsed-plan.js';
import { T, treeString, typeString } from '../plan/type-utils.js';
import { SessionConfig } from './session-config.js';
import { sqlFront, sqlFrontSync } from './sql-front.js';

export interface SessionDeps {
  profile: RuntimeProfile;
  catalog: Catalog;
  warehouseDir: string;
  allowedRoots: string[];
  defaultConf?: Record<string, string>;
  memoryLimitBytes?: number;
  files: FileReader & {
    inferSchema(format: string, paths: string[], options: Record<string, string>): Promise<StructType>;
    estimateRows?(format: string, paths: string[]): number | undefined;
    estimateNdv?(format: string, paths: string[]): Record<string, number> | undefined;
  };
  write?: (s: EngineSessionImpl, req: WriteRequest) => Promise<void>;
  runStatement?: (s: EngineSessionImpl, st: Statement) => Promise<MaterializedResult | undefined>;
}

export class EngineSessionImpl implements EngineSession {
  readonly conf: SessionConfig;
  private readonly views = new Map<string, { name: string; plan: Plan }>();
  currentDatabase = 'default';

  constructor(readonly deps: SessionDeps) {
    this.conf = new SessionConfig(deps.profile, deps.defaultConf, deps.warehouseDir);
  }

  get timeZone(): string {
    return this.conf.getOption('spark.sql.session.timeZone') ?? 'UTC';
  }

  evalContext(): EvalContext {
    return {
      ansi: this.conf.bool('spark.sql.ansi.enabled'),
      timeZone: this.timeZone,
      legacySizeOfNull: this.conf.bool('spark.sql.legacy.sizeOfNull'),
      legacyStatisticalAggregate: this.conf.bool('spark.sql.legacy.statisticalAggregate'),
      nowMicros: Date.now() * 1000,
    };
  }

  private host(): AnalyzerHost {
    return {
      lookupRelation: (parts) => this.lookupRelation(parts),
      inferFileSchema: async (format, paths, options, userSchema) => {
        if (userSchema) {
          const dt = await this.parseDataTypeAsync(userSchema);
          return dt.type === 'struct' ? dt : T.struct([{ name: 'value', dataType: dt, nullable: true }]);
        }
        return this.deps.files.inferSchema(format, paths, options);
      },
      estimateRows: (format, paths) => this.deps.files.estimateRows?.(format, paths),
      estimateNdv: (format, paths) => this.deps.files.estimateNdv?.(format, paths),
      parseQuery: async (sql) => {
        const st = (await sqlFront()).parseStatement(sql);
        if (st.kind !== 'query') throw unsupported('a command inside a query relation');
        return st.plan;
      },
      parseExpression: async (sql) => (await sqlFront()).parseExpression(sql),
      parseDataType: async (ddl) => (await sqlFront()).parseDataType(ddl),
    };
  }

  private async parseDataTypeAsync(ddl: string): Promise<DataType> {
    return (await sqlFront()).parseDataType(ddl);
  }

  lookupRelation(parts: string[]): NamedRelation | undefined {
    if (parts.length === 1) {
      const v = this.views.get(parts[0]!.toLowerCase());
      if (v) return { kind: 'view', plan: v.plan, qualifier: [v.name] };
    }
    if (parts.length === 2 && parts[0]!.toLowerCase() === 'global_temp') {
      const g = this.deps.catalog.globalViews.get(parts[1]!.toLowerCase());
      if (g) return { kind: 'view', plan: g, qualifier: ['global_temp', parts[1]!] };
    }
    const tail = parts.slice(-2);
    const db = tail.length === 2 ? tail[0]! : this.currentDatabase;
    const t = this.deps.catalog.getTable(db, tail[tail.length - 1]!);
    return t ? { kind: 'table', entry: t } : undefined;
  }

  analyzer(params?: ConstructorParameters<typeof Analyzer>[2]): Analyzer {
    return new Analyzer(
      this.host(),
      {
        ansi: this.conf.bool('spark.sql.ansi.enabled'),
        strictStringNumber: this.deps.profile.stringNumberCoercion === 'strict',
        timeZone: this.timeZone,
        legacySizeOfNull: this.conf.bool('spark.sql.legacy.sizeOfNull'),
      },
      params,
    );
  }

  async resolve(plan: Plan): Promise<LPlan> {
    try {
      return await this.analyzer().analyze(plan);
    } catch (e) {
      throw toPerennialError(e);
    }
  }

  async analyze(plan: Plan): Promise<StructType> {
    return schemaOf(await this.resolve(plan));
  }

  async execute(plan: Plan, signal?: AbortSignal): Promise<QueryResult> {
    const resolved = await this.resolve(plan);
    return this.executeResolved(resolved, signal);
  }

  execContext(signal?: AbortSignal): ExecContext {
    const ctx = this.evalContext();
    const maxRecords = Number(this.conf.getOption('spark.sql.execution.arrow.maxRecordsPerBatch') ?? '10000');
    return {
      ctx,
      env: { ctx, subqueries: new Map() },
      memory: new MemoryTracker(this.deps.memoryLimitBytes),
      files: this.deps.files,
      batchSize: maxRecords > 0 ? Math.min(maxRecords, 65536) : 10000,
      signal,
    };
  }

  /** Runs a resolved plan to engine batches. */
  async *run(resolved: LPlan, x: ExecContext): AsyncIterable<Batch> {
    const optimized = optimize(resolved, { ctx: x.ctx });
    await prepareSubqueries(optimized, x);
    yield* executePlan(optimized, x);
  }

  async executeResolved(resolved: LPlan, signal?: AbortSignal): Promise<QueryResult> {
    const schema = schemaOf(resolved);
    const tz = this.timeZone;
    const arrowSchema = toArrowSchema(schema, tz);
    const x = this.execContext(signal);
    const self = this;
    async function* batches(): AsyncIterable<RecordBatch> {
      let any = false;
      try {
        for await (const b of self.run(resolved, x)) {
          if (b.length === 0 && any) continue;
          any = true;
          yield batchToArrow(schema, b, tz, arrowSchema);
        }
        if (!any) yield batchToArrow(schema, { cols: schema.fields.map((f) => vecFromValues(f.dataType, [])), length: 0 }, tz, arrowSchema);
      } catch (e) {
        throw toPerennialError(e);
      }
    }
    return { schema, arrowSchema, batches: batches() };
  }

  async collect(resolved: LPlan): Promise<MaterializedResult> {
    const r = await this.executeResolved(resolved);
    const batches: RecordBatch[] = [];
    for await (const b of r.batches) batches.push(b);
    return { schema: r.schema, arrowSchema: r.arrowSchema, batches };
  }

  async sql(text: string, args?: { named?: Record<string, Plan | unknown>; positional?: unknown[] }): Promise<SqlOutcome> {
    try {
      const front = await sqlFront();
      const st = front.parseStatement(text);
      if (st.kind === 'query') {
        if (!args) return { kind: 'query', plan: st.plan };
        return { kind: 'query', plan: { kind: 'sql', query: text, namedArgs: args.named as never, positionalArgs: args.positional as never } };
      }
      return { kind: 'command', result: await this.runStatement(st) };
    } catch (e) {
      throw toPerennialError(e);
    }
  }

  /** Runs a non-query statement; returns its output rows. */
  async runStatement(st: Statement): Promise<MaterializedResult> {
    const empty = (): MaterializedResult => rows(T.struct([]), [], this.timeZone);
    switch (st.kind) {
      case 'query':
        return this.collect(await this.resolve(st.plan));
      case 'createView': {
        const name = st.name[st.name.length - 1]!;
        // Resolve now so errors surface at creation, as in Spark.
        const plan: Plan = st.columnAliases ? { kind: 'toDF', input: st.plan, columnNames: st.columnAliases } : st.plan;
        await this.resolve(plan);
        if (st.name.length === 2 && st.name[0]!.toLowerCase() === 'global_temp') {
          this.deps.catalog.globalViews.set(name.toLowerCase(), plan);
          return empty();
        }
        if (!st.temp && this.deps.runStatement) {
          const r = await this.deps.runStatement(this, st);
          if (r) return r;
        }
        if (this.views.has(name.toLowerCase()) && !st.replace) {
          if (st.ifNotExists) return empty();
          throw tempViewExists(name);
        }
        this.views.set(name.toLowerCase(), { name, plan });
        return empty();
      }
      case 'dropTable': {
        const name = st.name[st.name.length - 1]!.toLowerCase();
        if (st.name.length === 1 && this.views.has(name)) {
          this.views.delete(name);
          return empty();
        }
        if (this.deps.runStatement) {
          const r = await this.deps.runStatement(this, st);
          if (r) return r;
        }
        if (!st.ifExists) throw tableNotFound(st.name);
        return empty();
      }
      case 'setConf': {
        const schema = T.struct([
          { name: 'key', dataType: T.string, nullable: false },
          { name: 'value', dataType: T.string, nullable: false },
        ]);
        if (st.key === undefined) return rows(schema, this.conf.getAll().map(([k, v]) => [k, v]), this.timeZone);
        if (st.value === undefined) return rows(schema, [[st.key, this.conf.getOption(st.key) ?? '<undefined>']], this.timeZone);
        this.conf.set(st.key, st.value);
        return rows(schema, [[st.key, st.value]], this.timeZone);
      }
      case 'resetConf':
        if (st.key) this.conf.unset(st.key);
        else this.conf.reset();
        return empty();
      case 'showTables': {
        const schema = T.struct([
          { name: 'namespace', dataType: T.string, nullable: false },
          { name: 'tableName', dataType: T.string, nullable: false },
          { name: 'isTemporary', dataType: T.boolean, nullable: false },
        ]);
        const db = st.database ?? this.currentDatabase;
        const re = st.pattern ? new RegExp(`^(${st.pattern.replace(/\*/g, '.*').replace(/\|/g, '|')})$`, 'i') : undefined;
        const out: unknown[][] = this.deps.catalog.listTables(db).map((t) => [t.database, t.name, false]);
        for (const v of [...this.views.values()].sort((a, b) => a.name.localeCompare(b.name))) out.push(['', v.name, true]);
        return rows(schema, out.filter((r) => !re || re.test(String(r[1]))), this.timeZone);
      }
      case 'describe': {
        const plan: Plan = st.target.kind === 'query' ? st.target.plan : { kind: 'namedTable', nameParts: st.target.name };
        const s = await this.analyze(plan);
        const schema = T.struct([
          { name: 'col_name', dataType: T.string, nullable: false },
          { name: 'data_type', dataType: T.string, nullable: false },
          { name: 'comment', dataType: T.string, nullable: true },
        ]);
        return rows(schema, s.fields.map((f) => [f.name, typeString(f.dataType), null]), this.timeZone);
      }
      case 'explain': {
        const schema = T.struct([{ name: 'plan', dataType: T.string, nullable: false }]);
        if (st.statement.kind !== 'query') return rows(schema, [['== Physical Plan ==\nExecute command\n']], this.timeZone);
        return rows(schema, [[await this.explain(st.statement.plan, st.mode)]], this.timeZone);
      }
      case 'cacheTable':
      case 'uncacheTable':
        return empty();
      case 'useDatabase':
        if (!this.deps.catalog.databases.has(st.name.toLowerCase()))
          throw new PerennialError('SCHEMA_NOT_FOUND', `[SCHEMA_NOT_FOUND] The schema \`${st.name}\` cannot be found. SQLSTATE: 42704`);
        this.currentDatabase = st.name.toLowerCase();
        return empty();
      case 'createDatabase':
        this.deps.catalog.databases.add(st.name.toLowerCase());
        return empty();
      case 'showDatabases':
        return rows(T.struct([{ name: 'namespace', dataType: T.string, nullable: false }]), [...this.deps.catalog.databases].sort().map((d) => [d]), this.timeZone);
      default: {
        if (this.deps.runStatement) {
          const r = await this.deps.runStatement(this, st);
          if (r) return r;
        }
        throw unsupported(`statement ${st.kind}`);
      }
    }
  }

  async createTempView(name: string, plan: Plan, opts: { replace: boolean; global: boolean }): Promise<void> {
    await this.resolve(plan);
    if (opts.global) {
      if (this.deps.catalog.globalViews.has(name.toLowerCase()) && !opts.replace) throw tempViewExists(name);
      this.deps.catalog.globalViews.set(name.toLowerCase(), plan);
      return;
    }
    if (this.views.has(name.toLowerCase()) && !opts.replace) throw tempViewExists(name);
    this.views.delete(name.toLowerCase());
    this.views.set(name.toLowerCase(), { name, plan });
  }

  async write(req: WriteRequest): Promise<void> {
    if (!this.deps.write) throw unsupported('writing data');
    await this.deps.write(this, req);
  }

  async explain(plan: Plan, mode: ExplainMode): Promise<string> {
    const resolved = await this.resolve(plan);
    return explainPlan(resolved, optimize(resolved, { ctx: this.evalContext() }), mode);
  }

  async treeString(plan: Plan, level?: number): Promise<string> {
    return treeString(await this.analyze(plan), level);
  }

  parseDataType(ddl: string): DataType {
    const m = sqlFrontSync();
    if (!m) throw unsupported('DDL parsing before the SQL parser is loaded');
    return m.parseDataType(ddl);
  }

  async semanticHash(plan: Plan): Promise<number> {
    const resolved = await this.resolve(plan);
    const text = explainPlan(resolved, optimize(resolved), 'simple').replace(/#\d+/g, '');
    let h = 0;
    for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
    return h;
  }

  emptyResult(): MaterializedResult {
    return rows(T.struct([]), [], this.timeZone);
  }

  rowsResult(schema: StructType, data: unknown[][]): MaterializedResult {
    return rows(schema, data, this.timeZone);
  }

  tempViewNames(): string[] {
    return [...this.views.values()].map((v) => v.name);
  }

  close(): void {
    this.views.clear();
  }
}

export function schemaOf(p: LPlan): StructType {
  return T.struct(outputOf(p).map((a) => ({ name: a.name, dataType: a.type, nullable: a.nullable })));
}

function tempViewExists(name: string): PerennialError {
  return new PerennialError(
    'TEMP_TABLE_OR_VIEW_ALREADY_EXISTS',
    `[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view \`${name}\` because it already exists.\nChoose a different name, drop or replace the existing view,  or add the IF NOT EXISTS clause to tolerate pre-existing views. SQLSTATE: 42P07`,
    { messageParameters: { relationName: `\`${name}\`` } },
  );
}

/** A small materialized result (command output rows). */
export function rows(schema: StructType, data: unknown[][], timeZone: string): MaterializedResult {
  const arrowSchema: Schema = toArrowSchema(schema, timeZone);
  const cols = schema.fields.map((f, c) => vecFromValues(f.dataType, data.map((r) => r[c] ?? null)));
  const batch = batchToArrow(schema, { cols, length: data.length }, timeZone, arrowSchema);
  return { schema, arrowSchema, batches: [batch] };
}
