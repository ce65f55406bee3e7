/**
 * The analyzer: parsed plan → resolved logical plan. Resolves relations (temp views, tables, files,
 * CTEs), names, functions, aggregates, windows, star expansion and Spark's output column naming.
 */
import { tableFromIPC } from 'apache-arrow';
import { unsupported } from '../../core/errors.js';
import { arrowSchemaToStruct, recordBatchToBatch } from '../arrow/from-arrow.js';
import { type Batch, getValue, vecFromValues } from '../arrow/vec.js';
import type { DataType, StructType } from '../plan/data-type.js';
import { type Attr, type LPlan, type NamedExpr, type RExpr, type SortKey, newId, outputOf } from '../plan/logical-plan.js';
import type { Expr, Plan } from '../plan/parsed-plan.js';
import { T, commonType, typeEquals } from '../plan/type-utils.js';
import { castValue } from '../expr/cast.js';
import { defaultEvalContext } from '../expr/eval-context.js';
import { castTo } from '../expr/functions/coercion.js';
import { isGeneratorName, resolveGenerator } from '../expr/functions/generators.js';
import type { ResolveContext } from '../expr/functions/index.js';
import { buildAggregate, containsAgg } from './aggregate.js';
import { analysisError, tableNotFound } from './errors.js';
import { type ExprEnv, ExprResolver, refOf } from './expressions.js';
import type { AnalyzerHost } from './relation-source.js';
import type { Scope } from './scope.js';
import { lookupAttr } from './scope.js';

const localCache = new WeakMap<object, { schema: StructType; batches: Batch[] }>();

function hasAlias(e: RExpr): string | undefined {
  return (e as { alias?: string }).alias;
}

export class Analyzer {
  private readonly planIds = new Map<number, Attr[]>();
  private readonly ctes: Map<string, { plan: Plan; columnAliases?: string[] }>[] = [];
  private readonly exprs: ExprResolver;

  constructor(
    private readonly host: AnalyzerHost,
    private readonly rctx: ResolveContext,
    params?: ExprEnv['params'],
  ) {
    this.exprs = new ExprResolver({
      rctx,
      timeZone: rctx.timeZone,
      planIds: this.planIds,
      resolveSubquery: (p, outer) => this.plan(p, outer),
      parseExpression: (s) => host.parseExpression(s),
      params,
    });
  }

  async analyze(p: Plan): Promise<LPlan> {
    return this.plan(p);
  }

  /** Resolves an expression against a resolved plan's output (used by commands). */
  async resolveExpr(e: Expr, input: LPlan): Promise<RExpr> {
    return this.exprs.resolve(e, { attrs: outputOf(input) });
  }

  async plan(p: Plan, outer?: Scope): Promise<LPlan> {
    const r = await this.planInner(p, outer);
    if (p.planId !== undefined) this.planIds.set(p.planId, outputOf(r));
    return r;
  }

  private scope(input: LPlan, outer?: Scope): Scope {
    return { attrs: outputOf(input), outer };
  }

  private async planInner(p: Plan, outer?: Scope): Promise<LPlan> {
    switch (p.kind) {
      case 'range': {
        if (p.step === 0n) throw analysisError('INVALID_PARAMETER_VALUE', '[INVALID_PARAMETER_VALUE] The step of range must not be 0. SQLSTATE: 22023');
        const id: Attr = { id: newId(), name: 'id', type: T.long, nullable: false, qualifier: [] };
        return { k: 'scan', source: { kind: 'range', range: { start: p.start, end: p.end, step: p.step }, description: `Range (${p.start}, ${p.end}, step=${p.step})` }, output: [id] };
      }
      case 'oneRow':
        return { k: 'scan', source: { kind: 'oneRow', batches: [{ cols: [], length: 1 }], description: 'OneRowRelation' }, output: [] };
      case 'localRelation':
        return this.localRelation(p);
      case 'namedTable':
        return this.namedTable(p.nameParts);
      case 'dataSource': {
        const schema = await this.host.inferFileSchema(p.format, p.paths, p.options, p.schema);
        return {
          k: 'scan',
          source: { kind: 'file', file: { format: p.format, paths: p.paths, options: p.options }, rows: this.host.estimateRows?.(p.format, p.paths), ndv: this.host.estimateNdv?.(p.format, p.paths), description: `${p.format} ${p.paths.join(', ')}` },
          output: schema.fields.map((f) => ({ id: newId(), name: f.name, type: f.dataType, nullable: f.nullable, qualifier: [] })),
        };
      }
      case 'sql': {
        const parsed = await this.host.parseQuery(p.query);
        const sub = new Analyzer(this.host, this.rctx, { named: p.namedArgs as Record<string, unknown> | undefined, positional: p.positionalArgs });
        return sub.plan(parsed, outer);
      }
      case 'project':
        return this.project(await this.plan(p.input, outer), p.exprs, outer, p.input);
      case 'filter':
        return this.filter(p, outer);
      case 'aggregate':
        return this.aggregate(p, [], outer).then((r) => r.plan);
      case 'sort':
        return this.sort(p, outer);
      case 'limit':
        return { k: 'limit', input: await this.plan(p.input, outer), limit: p.limit, offset: 0 };
      case 'offset': {
        const input = await this.plan(p.input, outer);
        if (input.k === 'limit' && input.offset === 0) return { k: 'limit', input: input.input, limit: input.limit - p.offset, offset: p.offset };
        return { k: 'limit', input, limit: -1, offset: p.offset };
      }
      case 'tail':
        return { k: 'tail', input: await this.plan(p.input, outer), limit: p.limit };
      case 'join':
        return this.join(p, outer);
      case 'setOp':
        return this.setOp(p, outer);
      case 'deduplicate': {
        const input = await this.plan(p.input, outer);
        const out = outputOf(input);
        if (!p.columns) return { k: 'distinct', input };
        const keys = p.columns.map((c) => {
          const i = out.findIndex((a) => a.name.toLowerCase() === c.toLowerCase());
          if (i < 0) {
            // Raises UNRESOLVED_COLUMN with Spark's suggestions.
            this.exprs.resolveAttribute([c], { attrs: out });
            throw new Error('unreachable');
          }
          return i;
        });
        return { k: 'distinct', input, keys };
      }
      case 'subqueryAlias': {
        const input = await this.plan(p.input, outer);
        const out = outputOf(input);
        if (p.columnAliases && p.columnAliases.length !== out.length)
          throw analysisError('ASSIGNMENT_ARITY_MISMATCH', `[ASSIGNMENT_ARITY_MISMATCH] The number of columns or variables assigned or declared (${p.columnAliases.length}) does not match the number of source values (${out.length}). SQLSTATE: 42802`);
        return {
          k: 'project',
          input,
          exprs: out.map((a, i) => ({
            expr: refOf(a),
            attr: p.columnAliases ? { id: newId(), name: p.columnAliases[i]!, type: a.type, nullable: a.nullable, qualifier: [p.alias] } : { ...a, qualifier: [p.alias] },
          })),
        };
      }
      case 'toDF': {
        const input = await this.plan(p.input, outer);
        const out = outputOf(input);
        if (p.columnNames.length !== out.length)
          throw analysisError('INVALID_COLUMN_NAMES', `[AMBIGUOUS_COLUMN_OR_FIELD] The number of columns doesn't match.\nOld column names (${out.length}): ${out.map((a) => a.name).join(', ')}\nNew column names (${p.columnNames.length}): ${p.columnNames.join(', ')}`);
        return { k: 'project', input, exprs: out.map((a, i) => ({ expr: refOf(a), attr: { ...a, id: newId(), name: p.columnNames[i]!, qualifier: [] } })) };
      }
      case 'withColumns': {
        const input = await this.plan(p.input, outer);
        const out = outputOf(input);
        const sc = this.scope(input, outer);
        const items: NamedExpr[] = out.map((a) => ({ expr: refOf(a), attr: a }));
        const windows: RExpr[] = [];
        for (const c of p.columns) {
          const e = await this.exprs.resolve(c.expr, sc, { allowWindow: true });
          const named: NamedExpr = { expr: e, attr: { id: newId(), name: c.name, type: e.type, nullable: e.nullable, qualifier: [] } };
          const i = items.findIndex((x) => x.attr.name.toLowerCase() === c.name.toLowerCase());
          if (i >= 0) items[i] = named;
          else items.push(named);
          if (e.k === 'win') windows.push(e);
        }
        return this.finishProject(input, items);
      }
      case 'withColumnsRenamed': {
        const input = await this.plan(p.input, outer);
        const out = outputOf(input);
        return {
          k: 'project',
          input,
          exprs: out.map((a) => {
            const r = p.renames.find((x) => x.from.toLowerCase() === a.name.toLowerCase());
            return { expr: refOf(a), attr: r ? { ...a, id: newId(), name: r.to } : a };
          }),
        };
      }
      case 'drop': {
        const input = await this.plan(p.input, outer);
        const out = outputOf(input);
        const dropIds = new Set<number>();
        for (const c of p.columns) {
          try {
            const r = await this.exprs.resolve(c, this.scope(input));
            if (r.k === 'ref') dropIds.add(r.id);
          } catch {
            // Spark ignores columns it cannot find in drop().
          }
        }
        const names = new Set(p.columnNames.map((n) => n.toLowerCase()));
        const keep = out.filter((a) => !dropIds.has(a.id) && !names.has(a.name.toLowerCase()));
        return { k: 'project', input, exprs: keep.map((a) => ({ expr: refOf(a), attr: a })) };
      }
      case 'showString':
      case 'htmlString': {
        const input = await this.plan(p.input, outer);
        const name = p.kind === 'showString' ? 'show_string' : 'html_string';
        return {
          k: 'show',
          input,
          numRows: p.numRows,
          truncate: p.truncate,
          vertical: p.kind === 'showString' ? p.vertical : false,
          html: p.kind === 'htmlString',
          output: [{ id: newId(), name, type: T.string, nullable: false, qualifier: [] }],
        };
      }
      case 'hint':
      case 'repartition':
        return this.plan(p.input, outer);
      case 'sample':
        return { k: 'sample', input: await this.plan(p.input, outer), lower: p.lowerBound, upper: p.upperBound, seed: Number(p.seed ?? 0n) };
      case 'with': {
        // One scope level per definition: a CTE body sees only the CTEs defined before it.
        for (const c of p.ctes) this.ctes.push(new Map([[c.name.toLowerCase(), { plan: c.plan, columnAliases: c.columnAliases }]]));
        try {
          return await this.plan(p.root, outer);
        } finally {
          this.ctes.splice(this.ctes.length - p.ctes.length);
        }
      }
      case 'values':
        return this.values(p);
      case 'tableFunction':
        return this.tableFunction(p);
      case 'generate':
        return this.generate(p, outer);
      case 'unpivot':
        throw unsupported('unpivot');
    }
  }

  private async localRelation(p: Extract<Plan, { kind: 'localRelation' }>): Promise<LPlan> {
    let cached = localCache.get(p.batches);
    if (!cached) {
      let schema: StructType = T.struct([]);
      let batches: Batch[] = [];
      if (p.batches.ipc && p.batches.ipc.length > 0) {
        const table = tableFromIPC(p.batches.ipc);
        schema = arrowSchemaToStruct(table.schema);
        const types = schema.fields.map((f) => f.dataType);
        batches = table.batches.map((rb) => recordBatchToBatch(rb, types));
      }
      cached = { schema, batches };
      localCache.set(p.batches, cached);
    }
    let { schema, batches } = cached;
    if (p.schema) {
      const target = p.schema.type === 'struct' ? p.schema : T.struct([{ name: 'value', dataType: p.schema, nullable: true }]);
      if (schema.fields.length === 0 && batches.length === 0) {
        schema = target;
      } else {
        const ctx = defaultEvalContext();
        batches = batches.map((b) => ({
          length: b.length,
          cols: target.fields.map((f, i) => {
            const c = b.cols[i];
            if (!c) return vecFromValues(f.dataType, new Array(b.length).fill(null));
            if (typeEquals(c.type, f.dataType)) return { ...c, type: f.dataType };
            const vals: unknown[] = [];
            for (let r = 0; r < b.length; r++) vals.push(castValue((c.valid && !c.valid[r]) ? null : getAny(c, r), c.type, f.dataType, 'legacy', ctx));
            return vecFromValues(f.dataType, vals);
          }),
        }));
        schema = target;
      }
    }
    return {
      k: 'scan',
      source: { kind: 'local', batches, description: 'LocalRelation' },
      output: schema.fields.map((f) => ({ id: newId(), name: f.name, type: f.dataType, nullable: f.nullable, qualifier: [] })),
    };
  }

  private async namedTable(parts: string[]): Promise<LPlan> {
    if (parts.length === 1) {
      for (let i = this.ctes.length - 1; i >= 0; i--) {
        const c = this.ctes[i]!.get(parts[0]!.toLowerCase());
        if (c) {
          // A CTE body sees only the CTEs defined before it (not itself: WITH is not recursive).
          const saved = this.ctes.splice(i);
          try {
            const plan = await this.plan({ kind: 'subqueryAlias', input: c.plan, alias: parts[0]!, columnAliases: c.columnAliases });
            return plan;
          } finally {
            this.ctes.push(...saved);
          }
        }
      }
    }
    const rel = this.host.lookupRelation(parts);
    if (!rel) throw tableNotFound(parts);
    if (rel.kind === 'view') {
      const inner = await this.plan(rel.plan);
      const out = outputOf(inner);
      return { k: 'project', input: inner, exprs: out.map((a) => ({ expr: refOf(a), attr: { ...a, qualifier: rel.qualifier } })) };
    }
    const t = rel.entry;
    return {
      k: 'scan',
      source: { kind: 'file', file: { format: t.format, paths: [t.path], options: t.options }, rows: this.host.estimateRows?.(t.format, [t.path]), ndv: this.host.estimateNdv?.(t.format, [t.path]), description: `spark_catalog.${t.database}.${t.name}` },
      output: t.schema.fields.map((f) => ({ id: newId(), name: f.name, type: f.dataType, nullable: f.nullable, qualifier: ['spark_catalog', t.database, t.name] })),
    };
  }

  private async values(p: Extract<Plan, { kind: 'values' }>): Promise<LPlan> {
    const empty: Scope = { attrs: [] };
    const rows = await Promise.all(p.rows.map((r) => Promise.all(r.map((e) => this.exprs.resolve(e, empty)))));
    const n = rows[0]?.length ?? 0;
    if (rows.some((r) => r.length !== n))
      throw analysisError('INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH', '[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline table. Inline table expected 0 columns but found 0 columns in row 0. SQLSTATE: 42000');
    const types: DataType[] = [];
    for (let c = 0; c < n; c++) {
      let t: DataType = T.null;
      for (const r of rows) t = commonType(t, r[c]!.type, true) ?? t;
      types.push(t);
    }
    const names = p.columnAliases ?? Array.from({ length: n }, (_, i) => `col${i + 1}`);
    const { compile } = await import('../expr/compile.js');
    const ctx = { ...defaultEvalContext(), ansi: this.rctx.ansi, timeZone: this.rctx.timeZone };
    const one: Batch = { cols: [], length: 1 };
    const cols = types.map((t, c) => {
      const vals = rows.map((r) => {
        const k = compile(castTo(r[c]!, t, this.rctx), [], { ctx, subqueries: new Map() });
        return getAny(k(one), 0);
      });
      return vecFromValues(t, vals);
    });
    const output = types.map((t, c) => ({ id: newId(), name: names[c]!, type: t, nullable: rows.some((r) => r[c]!.nullable || r[c]!.type.type === 'null'), qualifier: p.alias ? [p.alias] : [] }));
    return { k: 'scan', source: { kind: 'values', batches: [{ cols, length: rows.length }], description: 'LocalRelation' }, output };
  }

  private async tableFunction(p: Extract<Plan, { kind: 'tableFunction' }>): Promise<LPlan> {
    const name = p.name.toLowerCase();
    const args = await Promise.all(p.args.map((a) => this.exprs.resolve(a, { attrs: [] })));
    if (name === 'range') {
      const v = args.map((a) => (a.k === 'lit' ? BigInt(a.value as bigint | number) : 0n));
      const [start, end, step] = v.length === 1 ? [0n, v[0]!, 1n] : [v[0]!, v[1]!, v[2] ?? 1n];
      return this.plan({ kind: 'range', start, end, step });
    }
    if (isGeneratorName(name)) {
      return this.generate({ kind: 'generate', input: { kind: 'oneRow' }, generator: { kind: 'function', name, args: p.args, isDistinct: false }, outer: name.endsWith('_outer'), columnAliases: [] });
    }
    throw analysisError('UNRESOLVABLE_TABLE_VALUED_FUNCTION', `[UNRESOLVABLE_TABLE_VALUED_FUNCTION] Could not resolve \`${p.name}\` to a table-valued function. SQLSTATE: 42883`);
  }

  private async generate(p: Extract<Plan, { kind: 'generate' }>, outer?: Scope): Promise<LPlan> {
    const input = await this.plan(p.input, outer);
    const g = p.generator;
    if (g.kind !== 'function') throw unsupported('generator expression');
    const sc = this.scope(input, outer);
    // Named arguments (`explode(collection => arr)`) are positional for generators: each has one.
    const argExprs = [...g.args, ...(g.namedArgs ?? []).map((a) => a.value)];
    const args: RExpr[] = [];
    for (const a of argExprs) args.push(await this.exprs.resolve(a, sc));
    const q = p.alias ? [p.alias] : [];
    const r = resolveGenerator(g.name, args, p.columnAliases, p.outer, this.rctx);
    const output: Attr[] = r.columns.map((c) => ({ id: newId(), name: c.name, type: c.type, nullable: c.nullable, qualifier: q }));
    const generator: RExpr = r.call;
    const isOuter = r.outer;
    return { k: 'generate', input, generator, outer: isOuter, output };
  }

  /** Expands stars, resolves expressions, pulls out aggregates/windows/generators. */
  private async project(input: LPlan, exprs: Expr[], outer?: Scope, parsedInput?: Plan): Promise<LPlan> {
    const sc = this.scope(input, outer);
    const items: { e: RExpr; name?: string; keepAttr?: Attr }[] = [];
    for (const x of exprs) {
      if (x.kind === 'star') {
        for (const a of this.expandStar(x, sc)) items.push({ e: refOf(a), keepAttr: a });
        continue;
      }
      // Generators in the select list (`SELECT explode(arr)`): turn into a Generate below the project.
      const gen = generatorOf(x);
      if (gen) {
        const g = await this.generate({ kind: 'generate', input: parsedInput ?? { kind: 'oneRow' }, generator: gen.fn, outer: false, columnAliases: gen.names }, outer);
        if (g.k === 'generate' && parsedInput) {
          const others = exprs.filter((y) => y !== x);
          void others;
          const genOut = g.output;
          const rest: NamedExpr[] = [];
          for (const y of exprs) {
            if (y === x) for (const a of genOut) rest.push({ expr: refOf(a), attr: a });
            else if (y.kind === 'star') for (const a of this.expandStar(y, sc)) rest.push({ expr: refOf(a), attr: a });
            else {
              const r = await this.exprs.resolve(y, { attrs: outputOf(g), outer }, {});
              rest.push(this.named(r, aliasName(y), outputOf(g)));
            }
          }
          return { k: 'project', input: g, exprs: rest };
        }
      }
      const e = await this.exprs.resolve(x, sc, { allowAgg: true, allowWindow: true });
      items.push({ e, name: aliasName(x) });
    }
    const inAttrs = outputOf(input);
    if (items.some((i) => containsAgg(i.e))) {
      const b = buildAggregate(input, []);
      const named = items.map((i) => this.named(b.rewrite(i.e), i.name, inAttrs));
      return this.finishProject(b.agg, named);
    }
    const named = items.map((i) => (i.keepAttr ? { expr: i.e, attr: i.keepAttr } : this.named(i.e, i.name, inAttrs)));
    return this.finishProject(input, named);
  }

  /** NamedExpr for an output column: pass-through refs keep their attribute (and qualifier). */
  named(e: RExpr, name: string | undefined, inAttrs: Attr[]): NamedExpr {
    const alias = name ?? hasAlias(e);
    if (e.k === 'ref' && alias === undefined) {
      const a = inAttrs.find((x) => x.id === e.id);
      if (a) return { expr: e, attr: a };
    }
    return { expr: e, attr: { id: newId(), name: alias ?? e.sql, type: e.type, nullable: e.nullable, qualifier: [] } };
  }

  /** Adds a Window node below the project when the select list has window expressions. */
  private finishProject(input: LPlan, items: NamedExpr[]): LPlan {
    const wins: NamedExpr[] = [];
    const extract = (e: RExpr): RExpr => {
      switch (e.k) {
        case 'win': {
          const a: Attr = { id: newId(), name: e.sql, type: e.type, nullable: e.nullable, qualifier: [] };
          wins.push({ expr: e, attr: a });
          return { ...refOf(a), sql: e.sql };
        }
        case 'call':
          return { ...e, args: e.args.map(extract) };
        case 'cast':
          return { ...e, child: extract(e.child) };
        case 'case':
          return { ...e, branches: e.branches.map((b) => ({ when: extract(b.when), then: extract(b.then) })), ...(e.else ? { else: extract(e.else) } : {}) };
        default:
          return e;
      }
    };
    const rewritten = items.map((i) => ({ expr: extract(i.expr), attr: i.attr }));
    if (wins.length === 0) return { k: 'project', input, exprs: items };
    return { k: 'project', input: { k: 'window', input, exprs: wins }, exprs: rewritten };
  }

  private expandStar(x: Extract<Expr, { kind: 'star' }>, sc: Scope): Attr[] {
    if (x.planId !== undefined) {
      const out = this.planIds.get(x.planId);
      if (out) return out.filter((a) => sc.attrs.some((b) => b.id === a.id));
    }
    if (!x.target || x.target.length === 0) return sc.attrs;
    const t = x.target;
    const matched = sc.attrs.filter((a) => {
      const q = a.qualifier;
      if (t.length > q.length) return false;
      return q.slice(q.length - t.length).every((p, i) => p.toLowerCase() === t[i]!.toLowerCase());
    });
    if (matched.length > 0) return matched;
    // `s.*` on a struct column.
    const hit = lookupAttr(sc.attrs, t);
    if (hit && hit.attr.type.type === 'struct') throw unsupported('struct star expansion');
    throw analysisError(
      'CANNOT_RESOLVE_STAR_EXPAND',
      `[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve ${t.map((s) => `\`${s}\``).join('.')}.* given input columns ${sc.attrs.map((a) => `\`${a.name}\``).join(', ')}. Please check that the specified table or struct exists and is accessible in the input columns. SQLSTATE: 42704`,
    );
  }

  private async filter(p: Extract<Plan, { kind: 'filter' }>, outer?: Scope): Promise<LPlan> {
    const inner = stripAlias(p.input);
    if (inner.kind === 'aggregate') {
      // HAVING: the condition may use aggregates and select-list aliases.
      const { plan, extras } = await this.aggregate(inner, [p.condition], outer);
      return this.wrapExtras(plan, (input) => ({ k: 'filter', input, cond: extras[0]! }));
    }
    const input = await this.plan(p.input, outer);
    try {
      const cond = await this.exprs.resolve(p.condition, this.scope(input, outer));
      return { k: 'filter', input, cond: this.boolCond(cond) };
    } catch (err) {
      // Spark resolves filter columns missing from a projection from the projection's input.
      if (input.k !== 'project') throw err;
      const below = this.scope(input.input, outer);
      const cond = await this.exprs.resolve(p.condition, { attrs: [...outputOf(input), ...below.attrs], outer }).catch(() => {
        throw err;
      });
      const needed = missingRefs(cond, outputOf(input), outputOf(input.input));
      const widened: LPlan = { k: 'project', input: input.input, exprs: [...input.exprs, ...needed.map((a) => ({ expr: refOf(a), attr: a }))] };
      return { k: 'project', input: { k: 'filter', input: widened, cond: this.boolCond(cond) }, exprs: outputOf(input).map((a) => ({ expr: refOf(a), attr: a })) };
    }
  }

  private boolCond(c: RExpr): RExpr {
    if (c.type.type === 'boolean') return c;
    if (c.type.type === 'null') return castTo(c, T.boolean, this.rctx);
    throw analysisError(
      'DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN',
      `[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve "${c.sql}" due to data type mismatch: Filter expression "${c.sql}" of type "${c.type.type.toUpperCase()}" is not a boolean. SQLSTATE: 42K09`,
    );
  }

  /** For plans built as project(aggregate): put `f` between them so extra expressions see aggregate outputs. */
  private wrapExtras(plan: LPlan, f: (input: LPlan) => LPlan): LPlan {
    if (plan.k === 'project') {
      // project may sit on a window over the aggregate; apply below the window.
      const below = plan.input.k === 'window' ? plan.input.input : plan.input;
      const applied = f(below);
      const newInput = plan.input.k === 'window' ? { ...plan.input, input: applied } : applied;
      return { ...plan, input: newInput };
    }
    return f(plan);
  }

  private async aggregate(p: Extract<Plan, { kind: 'aggregate' }>, extraExprs: Expr[], outer?: Scope): Promise<{ plan: LPlan; extras: RExpr[] }> {
    const input = await this.plan(p.input, outer);
    const sc = this.scope(input, outer);
    const inAttrs = outputOf(input);
    // Spark allows GROUP BY a select-list alias or ordinal.
    const selectAliases = new Map<string, Expr>();
    for (const a of p.aggregates) if (a.kind === 'alias' && a.names[0]) selectAliases.set(a.names[0].toLowerCase(), a.expr);
    const resolveGroup = async (g: Expr): Promise<RExpr> => {
      if (g.kind === 'literal' && typeof g.value === 'number' && g.dataType.type === 'integer') {
        const sel = p.aggregates[g.value - 1];
        if (!sel)
          throw analysisError('GROUP_BY_POS_OUT_OF_RANGE', `[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position ${g.value} is not in select list (valid range is [1, ${p.aggregates.length}]). SQLSTATE: 42805`);
        return this.exprs.resolve(sel.kind === 'alias' ? sel.expr : sel, sc);
      }
      try {
        return await this.exprs.resolve(g, sc);
      } catch (err) {
        if (g.kind === 'attribute' && g.nameParts.length === 1) {
          const al = selectAliases.get(g.nameParts[0]!.toLowerCase());
          if (al) return this.exprs.resolve(al, sc);
        }
        throw err;
      }
    };
    let groupExprs: RExpr[] = [];
    let sets: number[][] | undefined;
    if (p.groupType === 'groupBy') groupExprs = await Promise.all(p.grouping.map(resolveGroup));
    else if (p.groupType === 'rollup' || p.groupType === 'cube' || p.groupType === 'groupingSets') {
      const keyOf = (e: RExpr) => (e.k === 'ref' ? `#${e.id}` : e.sql);
      const addGroup = (e: RExpr): number => {
        const i = groupExprs.findIndex((x) => keyOf(x) === keyOf(e));
        if (i >= 0) return i;
        groupExprs.push(e);
        return groupExprs.length - 1;
      };
      if (p.groupType === 'groupingSets') {
        for (const g of p.grouping) addGroup(await resolveGroup(g));
        sets = [];
        for (const s of p.groupingSets ?? []) sets.push(await Promise.all(s.map(async (g) => addGroup(await resolveGroup(g)))));
      } else {
        const idx = await Promise.all(p.grouping.map(async (g) => addGroup(await resolveGroup(g))));
        sets = [];
        if (p.groupType === 'rollup') for (let k = idx.length; k >= 0; k--) sets.push(idx.slice(0, k));
        else {
          const n = idx.length;
          for (let mask = (1 << n) - 1; mask >= 0; mask--) sets.push(idx.filter((_, i) => (mask >> (n - 1 - i)) & 1));
        }
      }
    } else if (p.groupType === 'pivot') throw unsupported('pivot');
    const b = buildAggregate(input, groupExprs, sets);
    const named: NamedExpr[] = [];
    for (const a of p.aggregates) {
      if (a.kind === 'star') {
        for (const at of this.expandStar(a, sc)) named.push(this.named(b.rewrite(refOf(at)), undefined, inAttrs));
        continue;
      }
      const e = await this.exprs.resolve(a, sc, { allowAgg: true, allowWindow: true });
      named.push(this.named(b.rewrite(e), aliasName(a), inAttrs));
    }
    // Pass-through group refs keep their attribute; point them at the aggregate's output attribute.
    const aggOut = outputOf(b.agg);
    const fixed = named.map((n) => {
      if (n.expr.k === 'ref') {
        const id = n.expr.id;
        const oa = aggOut.find((x) => x.id === id);
        if (oa && n.attr.id === id) return { expr: refOf(oa), attr: oa };
      }
      return n;
    });
    const extras: RExpr[] = [];
    for (const x of extraExprs) {
      const substituted = substituteAliases(x, p.aggregates, (nm) => !lookupAttr(inAttrs, [nm]));
      const e = await this.exprs.resolve(substituted, sc, { allowAgg: true });
      extras.push(b.rewrite(e));
    }
    return { plan: this.finishProject(b.agg, fixed), extras };
  }

  private async sortKeys(order: Extract<Plan, { kind: 'sort' }>['order'], sc: Scope): Promise<SortKey[]> {
    const keys: SortKey[] = [];
    for (const o of order) keys.push({ expr: await this.exprs.resolve(o.expr, sc), ascending: o.ascending, nullsFirst: o.nullsFirst });
    return keys;
  }

  private async sort(p: Extract<Plan, { kind: 'sort' }>, outer?: Scope): Promise<LPlan> {
    const inner = stripAlias(p.input);
    const agg = inner.kind === 'aggregate' ? inner : inner.kind === 'filter' && stripAlias(inner.input).kind === 'aggregate' ? null : undefined;
    if (inner.kind === 'aggregate') {
      // ORDER BY may use aggregates not in the select list, or ordinals.
      const exprs = p.order.map((o) => ordinal(o.expr, inner.aggregates));
      const { plan, extras } = await this.aggregate(inner, exprs, outer).catch(async () => ({ plan: await this.plan(p.input, outer), extras: [] as RExpr[] }));
      if (extras.length === exprs.length) {
        const order = extras.map((e, i) => ({ expr: e, ascending: p.order[i]!.ascending, nullsFirst: p.order[i]!.nullsFirst }));
        return this.sortAbove(plan, order);
      }
      return { k: 'sort', input: plan, order: await this.sortKeys(p.order, this.scope(plan, outer)) };
    }
    void agg;
    const input = await this.plan(p.input, outer);
    const out = outputOf(input);
    const projected = input.k === 'project' ? input : undefined;
    const order = p.order.map((o) => ({ ...o, expr: projected ? ordinal(o.expr, projected.exprs.map((e) => ({ kind: 'attribute', nameParts: [e.attr.name] }) as Expr)) : o.expr }));
    try {
      return { k: 'sort', input, order: await this.sortKeys(order, this.scope(input, outer)) };
    } catch (err) {
      if (input.k !== 'project' && !(input.k === 'distinct')) throw err;
      if (input.k !== 'project') throw err;
      const keys = await this.sortKeys(order, { attrs: [...out, ...outputOf(input.input)], outer }).catch(() => {
        throw err;
      });
      const needed = keys.flatMap((k) => missingRefs(k.expr, out, outputOf(input.input)));
      const uniq = needed.filter((a, i) => needed.findIndex((b) => b.id === a.id) === i);
      const widened: LPlan = { ...input, exprs: [...input.exprs, ...uniq.map((a) => ({ expr: refOf(a), attr: a }))] };
      return { k: 'project', input: { k: 'sort', input: widened, order: keys }, exprs: out.map((a) => ({ expr: refOf(a), attr: a })) };
    }
  }

  /** Sort over project(aggregate) with keys over aggregate outputs: sort below the final projection. */
  private sortAbove(plan: LPlan, order: SortKey[]): LPlan {
    if (plan.k !== 'project') return { k: 'sort', input: plan, order };
    const out = outputOf(plan);
    // Keys may reference aggregate outputs not projected: widen, sort, then project.
    const below = outputOf(plan.input);
    const needed = order.flatMap((k) => missingRefs(k.expr, out, below));
    const uniq = needed.filter((a, i) => needed.findIndex((b) => b.id === a.id) === i);
    const widened: LPlan = { ...plan, exprs: [...plan.exprs, ...uniq.map((a) => ({ expr: refOf(a), attr: a }))] };
    // Keys that are select-list expressions map to their output attrs.
    const mapped = order.map((k) => {
      const hit = plan.exprs.find((e) => e.expr.sql === k.expr.sql && e.expr.k !== 'ref' && k.expr.k !== 'ref');
      return hit ? { ...k, expr: refOf(hit.attr) } : k;
    });
    if (uniq.length === 0) return { k: 'sort', input: plan, order: mapped };
    return { k: 'project', input: { k: 'sort', input: widened, order: mapped }, exprs: out.map((a) => ({ expr: refOf(a), attr: a })) };
  }

  private async join(p: Extract<Plan, { kind: 'join' }>, outer?: Scope): Promise<LPlan> {
    const left = await this.plan(p.left, outer);
    let right = await this.plan(p.right, outer);
    const lo = outputOf(left);
    let ro = outputOf(right);
    if (ro.some((a) => lo.some((b) => b.id === a.id))) {
      // Self-join: give the right side fresh attribute ids (Spark's DeduplicateRelations).
      const fresh = ro.map((a) => ({ ...a, id: newId() }));
      right = { k: 'project', input: right, exprs: ro.map((a, i) => ({ expr: refOf(a), attr: fresh[i]! })) };
      if (p.right.planId !== undefined) this.planIds.set(p.right.planId, fresh);
      ro = fresh;
    }
    let using = p.usingColumns;
    if (p.natural) using = lo.filter((a) => ro.some((b) => b.name.toLowerCase() === a.name.toLowerCase())).map((a) => a.name);
    const type = p.joinType;
    if (using && using.length > 0) {
      const pairs = using.map((c) => {
        const l = lookupAttr(lo, [c]);
        const r = lookupAttr(ro, [c]);
        if (!l || !r)
          throw analysisError(
            'UNRESOLVED_USING_COLUMN_FOR_JOIN',
            `[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column \`${c}\` cannot be resolved on the ${!l ? 'left' : 'right'} side of the join. The ${!l ? 'left' : 'right'}-side columns: [${(!l ? lo : ro).map((a) => `\`${a.name}\``).join(', ')}]. SQLSTATE: 42703`,
          );
        return [l.attr, r.attr] as const;
      });
      let cond: RExpr | undefined;
      for (const [l, r] of pairs) {
        const eq = this.exprs.call('==', [refOf(l), refOf(r)]);
        cond = cond ? this.exprs.call('and', [cond, eq]) : eq;
      }
      const j: LPlan = { k: 'join', left, right, type, cond };
      const jo = outputOf(j);
      const byId = (id: number) => jo.find((a) => a.id === id)!;
      const keyCols: NamedExpr[] = pairs.map(([l, r]) => {
        if (type === 'full') {
          const e = this.exprs.call('coalesce', [refOf(byId(l.id)), refOf(byId(r.id))]);
          return { expr: e, attr: { id: newId(), name: l.name, type: e.type, nullable: e.nullable, qualifier: [] } };
        }
        const a = type === 'right' ? byId(r.id) : byId(l.id);
        return { expr: refOf(a), attr: a };
      });
      const usedL = new Set(pairs.map(([l]) => l.id));
      const usedR = new Set(pairs.map(([, r]) => r.id));
      const rest: NamedExpr[] =
        type === 'semi' || type === 'anti'
          ? lo.filter((a) => !usedL.has(a.id)).map((a) => ({ expr: refOf(a), attr: a }))
          : [...lo.filter((a) => !usedL.has(a.id)).map((a) => byId(a.id)), ...ro.filter((a) => !usedR.has(a.id)).map((a) => byId(a.id))].map((a) => ({ expr: refOf(a), attr: a }));
      // Hidden key columns stay addressable (`df1.key`) through planIds and qualifiers in Spark; we keep the visible set.
      return { k: 'project', input: j, exprs: [...keyCols, ...rest] };
    }
    let cond: RExpr | undefined;
    if (p.condition) {
      const sc: Scope = { attrs: [...lo, ...ro], outer };
      cond = this.boolCond(await this.exprs.resolve(p.condition, sc));
    }
    return { k: 'join', left, right, type: type === 'cross' ? 'inner' : type, cond };
  }

  private async setOp(p: Extract<Plan, { kind: 'setOp' }>, outer?: Scope): Promise<LPlan> {
    let left = await this.plan(p.left, outer);
    let right = await this.plan(p.right, outer);
    let lo = outputOf(left);
    let ro = outputOf(right);
    if (p.byName) {
      const reordered: NamedExpr[] = [];
      for (const a of lo) {
        const r = ro.find((b) => b.name.toLowerCase() === a.name.toLowerCase());
        if (r) reordered.push({ expr: refOf(r), attr: r });
        else if (p.allowMissingColumns) {
          const e: RExpr = { k: 'lit', value: null, type: a.type, nullable: true, sql: 'NULL' };
          reordered.push({ expr: e, attr: { id: newId(), name: a.name, type: a.type, nullable: true, qualifier: [] } });
        } else throw this.exprs.resolveAttribute([a.name], { attrs: ro }) && new Error('unreachable');
      }
      if (p.allowMissingColumns) {
        const extra = ro.filter((b) => !lo.some((a) => a.name.toLowerCase() === b.name.toLowerCase()));
        for (const b of extra) reordered.push({ expr: refOf(b), attr: b });
        if (extra.length) {
          left = { k: 'project', input: left, exprs: [...lo.map((a) => ({ expr: refOf(a), attr: a })), ...extra.map((b) => ({ expr: { k: 'lit', value: null, type: b.type, nullable: true, sql: 'NULL' } as RExpr, attr: { id: newId(), name: b.name, type: b.type, nullable: true, qualifier: [] } }))] };
          lo = outputOf(left);
        }
      }
      right = { k: 'project', input: right, exprs: reordered };
      ro = outputOf(right);
    }
    if (lo.length !== ro.length) {
      const opName = p.op === 'union' ? 'UNION' : p.op === 'intersect' ? 'INTERSECT' : 'EXCEPT';
      throw analysisError(
        'NUM_COLUMNS_MISMATCH',
        `[NUM_COLUMNS_MISMATCH] ${opName} can only be performed on inputs with the same number of columns, but the first input has ${lo.length} columns and the second input has ${ro.length} columns. SQLSTATE: 42826`,
      );
    }
    const types = lo.map((a, i) => {
      const t = commonType(a.type, ro[i]!.type, true);
      if (!t)
        throw analysisError(
          'INCOMPATIBLE_COLUMN_TYPE',
          `[INCOMPATIBLE_COLUMN_TYPE] ${p.op.toUpperCase()} can only be performed on tables with compatible column types. The ${ordinalWord(i + 1)} column of the second table is "${ro[i]!.type.type.toUpperCase()}" type which is not compatible with "${a.type.type.toUpperCase()}" at the same column of the first table.. SQLSTATE: 42825`,
        );
      return t;
    });
    const castSide = (plan: LPlan, out: Attr[]): LPlan => {
      if (out.every((a, i) => typeEquals(a.type, types[i]!))) return plan;
      return {
        k: 'project',
        input: plan,
        exprs: out.map((a, i) => {
          const e = castTo(refOf(a), types[i]!, this.rctx);
          return e === refOf(a) || typeEquals(a.type, types[i]!) ? { expr: refOf(a), attr: a } : { expr: e, attr: { ...a, id: newId(), type: types[i]! } };
        }),
      };
    };
    left = castSide(left, lo);
    right = castSide(right, ro);
    const output: Attr[] = lo.map((a, i) => ({ id: newId(), name: a.name, type: types[i]!, nullable: a.nullable || ro[i]!.nullable, qualifier: [] }));
    if (p.op === 'union') {
      const u: LPlan = { k: 'union', inputs: [left, right], output };
      return p.isAll ? u : { k: 'distinct', input: u };
    }
    return { k: 'setOp', left, right, op: p.op, all: p.isAll, output: output.map((a, i) => (p.op === 'intersect' ? { ...a, nullable: lo[i]!.nullable && ro[i]!.nullable } : { ...a, nullable: lo[i]!.nullable })) };
  }
}

const getAny = getValue;

function stripAlias(p: Plan): Plan {
  return p.kind === 'hint' || p.kind === 'repartition' ? stripAlias(p.input) : p;
}

function aliasName(e: Expr): string | undefined {
  return e.kind === 'alias' ? e.names[0] : undefined;
}

function generatorOf(e: Expr): { fn: Expr; names: string[] } | undefined {
  const x = e.kind === 'alias' ? e.expr : e;
  if (x.kind === 'function' && isGeneratorName(x.name))
    return { fn: x, names: e.kind === 'alias' ? e.names : [] };
  return undefined;
}

/** `ORDER BY 1` → the first select expression. */
function ordinal(e: Expr, select: Expr[]): Expr {
  if (e.kind === 'literal' && e.dataType.type === 'integer' && typeof e.value === 'number') {
    const s = select[e.value - 1];
    if (!s)
      throw analysisError('ORDER_BY_POS_OUT_OF_RANGE', `[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position ${e.value} is not in select list (valid range is [1, ${select.length}]). SQLSTATE: 42805`);
    return s.kind === 'alias' ? { kind: 'attribute', nameParts: [s.names[0]!] } : s;
  }
  return e;
}

/** Replaces references to select-list aliases (that are not input columns) by the aliased expressions. */
function substituteAliases(e: Expr, select: Expr[], notInput: (name: string) => boolean): Expr {
  const aliases = new Map<string, Expr>();
  for (const s of select) if (s.kind === 'alias' && s.names[0]) aliases.set(s.names[0].toLowerCase(), s.expr);
  const walk = (x: Expr): Expr => {
    if (x.kind === 'attribute' && x.nameParts.length === 1) {
      const a = aliases.get(x.nameParts[0]!.toLowerCase());
      if (a && notInput(x.nameParts[0]!)) return a;
      return x;
    }
    if (x.kind === 'function') return { ...x, args: x.args.map(walk) };
    if (x.kind === 'cast') return { ...x, expr: walk(x.expr) };
    if (x.kind === 'alias') return { ...x, expr: walk(x.expr) };
    if (x.kind === 'case') return { ...x, ...(x.operand ? { operand: walk(x.operand) } : {}), branches: x.branches.map((b) => ({ when: walk(b.when), then: walk(b.then) })), ...(x.else ? { else: walk(x.else) } : {}) };
    if (x.kind === 'in') return { ...x, expr: walk(x.expr), list: x.list.map(walk) };
    if (x.kind === 'sortOrder') return { ...x, expr: walk(x.expr) };
    return x;
  };
  return walk(e);
}

/** Attributes of `below` referenced by e that are not in `visible`. */
function missingRefs(e: RExpr, visible: Attr[], below: Attr[]): Attr[] {
  const out: Attr[] = [];
  const walk = (x: RExpr): void => {
    if (x.k === 'ref') {
      if (!visible.some((a) => a.id === x.id)) {
        const a = below.find((b) => b.id === x.id);
        if (a) out.push(a);
      }
      return;
    }
    if (x.k === 'call') x.args.forEach(walk);
    else if (x.k === 'cast') walk(x.child);
    else if (x.k === 'case') {
      x.branches.forEach((b) => {
        walk(b.when);
        walk(b.then);
      });
      if (x.else) walk(x.else);
    } else if (x.k === 'agg') x.args.forEach(walk);
  };
  walk(e);
  return out;
}

function ordinalWord(n: number): string {
  return ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'][n] ?? `${n}th`;
}
