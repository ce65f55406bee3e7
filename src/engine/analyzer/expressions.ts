/**
 * Resolves parsed expressions against a scope: names → column references, functions → registry
 * entries with implicit casts, and Spark's generated column names (`(a + 1)`, `sum(x)`).
 */
import type { DataType } from '../plan/data-type.js';
import { type Attr, type LPlan, type RExpr, type SortKey, childrenOf, exprChildren, newId, nodeExprs, outputOf } from '../plan/logical-plan.js';
import type { Expr } from '../plan/parsed-plan.js';
import { T, typeSql } from '../plan/type-utils.js';
import { WINDOW_ONLY_FUNCTIONS, fixedFrame, lookupAggregate, windowFunctionSql, withinGroupUnsupported } from '../expr/aggregates/index.js';
import { canCast } from '../expr/cast.js';
import { localToUtc } from '../expr/datetime.js';
import { castTo, coerceAll } from '../expr/functions/coercion.js';
import { type ResolveContext, dataTypeMismatch, lookupFunction, wrongNumArgs } from '../expr/functions/index.js';
import { analysisError, unresolvedColumn, unresolvedRoutine } from './errors.js';
import { literalSql, literalToValue } from './literal.js';
import { type Scope, lookupAttr } from './scope.js';
import '../expr/functions/index.js';
import '../expr/aggregates/index.js';

export interface ExprEnv {
  rctx: ResolveContext;
  timeZone: string;
  /** Output attrs of relations by Spark Connect planId. */
  planIds: Map<number, Attr[]>;
  /** Resolves a subquery plan with an outer scope. */
  resolveSubquery(plan: import('../plan/parsed-plan.js').Plan, outer: Scope): Promise<LPlan>;
  parseExpression(sql: string): Promise<Expr>;
  params?: { named?: Record<string, unknown>; positional?: unknown[] };
}

export interface ResolveOptions {
  allowAgg?: boolean;
  allowWindow?: boolean;
}

export function refOf(a: Attr): RExpr {
  return { k: 'ref', id: a.id, name: a.name, type: a.type, nullable: a.nullable, sql: a.name };
}

export function lit(type: DataType, value: unknown, tz = 'UTC'): RExpr {
  return { k: 'lit', value, type, nullable: value === null, sql: literalSql(type, value, tz) };
}

function candidates(scope: Scope): string[][] {
  return scope.attrs.map((a) => [...(a.qualifier.length ? [a.qualifier[a.qualifier.length - 1]!] : []), a.name]);
}

export class ExprResolver {
  constructor(private readonly env: ExprEnv) {}

  get ctx(): ResolveContext {
    return this.env.rctx;
  }

  async resolve(e: Expr, scope: Scope, o: ResolveOptions = {}): Promise<RExpr> {
    switch (e.kind) {
      case 'literal': {
        const v = literalToValue(e.dataType, e.value);
        if (e.atSessionZone && e.dataType.type === 'timestamp' && typeof v === 'bigint') {
          // `TIMESTAMP '...'` without a zone is wall-clock time in the session time zone.
          const wall = Number(v);
          const sub = Number(v - BigInt(Math.floor(wall / 1e6) * 1e6));
          const utc = BigInt(localToUtc(wall - sub, this.env.timeZone)) + BigInt(sub);
          return lit(e.dataType, utc, this.env.timeZone);
        }
        return lit(e.dataType, v, this.env.timeZone);
      }
      case 'attribute':
        return this.resolveAttribute(e.nameParts, scope, e.planId);
      case 'alias': {
        const c = await this.resolve(e.expr, scope, o);
        return { ...c, sql: e.names[0] ?? c.sql, alias: e.names[0] } as unknown as RExpr;
      }
      case 'cast': {
        const c = await this.resolve(e.expr, scope, o);
        const sql = e.mode === 'try' ? `TRY_CAST(${c.sql} AS ${typeSql(e.to)})` : `CAST(${c.sql} AS ${typeSql(e.to)})`;
        if (!canCast(c.type, e.to)) {
          throw dataTypeMismatch(
            'CAST_WITHOUT_SUGGESTION',
            sql,
            `cannot cast "${typeSql(c.type)}" to "${typeSql(e.to)}".`,
            { srcType: `"${typeSql(c.type)}"`, targetType: `"${typeSql(e.to)}"` },
          );
        }
        const mode = e.mode === 'try' ? 'try' : e.mode === 'ansi' ? 'ansi' : e.mode === 'legacy' ? 'legacy' : this.ctx.ansi ? 'ansi' : 'legacy';
        const nullable = c.nullable || mode !== 'ansi' || castCanFail(c.type, e.to);
        return { k: 'cast', child: c, mode, type: e.to, nullable, sql };
      }
      case 'case':
        return this.resolveCase(e, scope, o);
      case 'in': {
        const args = [e.expr, ...e.list];
        const r = await this.call('in', await Promise.all(args.map((a) => this.resolve(a, scope, o))));
        return e.negated ? this.call('not', [r]) : r;
      }
      case 'extractValue': {
        const c = await this.resolve(e.child, scope, o);
        const k = await this.resolve(e.extraction, scope, o);
        return this.call('extract_value', [c, k]);
      }
      case 'function':
        return this.resolveFunction(e, scope, o);
      case 'exprString': {
        const parsed = await this.env.parseExpression(e.sql);
        return this.resolve(parsed, scope, o);
      }
      case 'interval':
        return lit(T.calendarInterval, { months: e.months, days: e.days, micros: e.micros }, this.env.timeZone);
      case 'scalarSubquery': {
        const plan = await this.env.resolveSubquery(e.plan, scope);
        const out = outputOf(plan);
        if (out.length !== 1)
          throw analysisError(
            'INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN',
            `[INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN] Invalid subquery: Scalar subquery must return only one column, but got ${out.length}. SQLSTATE: 42823`,
          );
        return { k: 'scalarSubquery', plan, type: out[0]!.type, nullable: true, sql: `scalarsubquery(${outerNames(plan)})` };
      }
      case 'exists': {
        const plan = await this.env.resolveSubquery(e.plan, scope);
        const r: RExpr = { k: 'exists', plan, type: T.boolean, nullable: false, sql: `exists(${outerNames(plan)})` };
        return e.negated ? this.call('not', [r]) : r;
      }
      case 'inSubquery': {
        const values = await Promise.all(e.exprs.map((x) => this.resolve(x, scope, o)));
        const plan = await this.env.resolveSubquery(e.plan, scope);
        const r: RExpr = { k: 'inSubquery', values, plan, type: T.boolean, nullable: true, sql: `(${values.map((v) => v.sql).join(', ')} IN (listquery(${outerNames(plan)})))` };
        return e.negated ? this.call('not', [r]) : r;
      }
      case 'window':
        return this.resolveWindow(e, scope, o);
      case 'lambdaVar': {
        const v = scope.lambdas?.get(e.name.toLowerCase());
        if (!v) throw unresolvedColumn([e.name], candidates(scope));
        return { k: 'lambdaVar', id: v.id, name: e.name, type: v.type, nullable: v.nullable ?? true, sql: 'namedlambdavariable()' };
      }
      case 'parameter': {
        const p = this.env.params;
        const v = e.name !== undefined ? p?.named?.[e.name] : p?.positional?.[e.position ?? 0];
        if (v === undefined)
          throw analysisError('UNBOUND_SQL_PARAMETER', `[UNBOUND_SQL_PARAMETER] Found the unbound parameter: ${e.name ?? e.position}. Please, fix \`args\` and provide a mapping of the parameter to either a SQL literal or collection constructor functions such as \`map()\`, \`array()\`, \`struct()\`. SQLSTATE: 42P02`);
        if (typeof v === 'object' && v !== null && 'kind' in (v as object)) return this.resolve(v as Expr, scope, o);
        return this.resolve(jsToLiteral(v), scope, o);
      }
      case 'star':
        throw analysisError('INVALID_USAGE_OF_STAR_OR_REGEX', `[INVALID_USAGE_OF_STAR_OR_REGEX] Invalid usage of '*' in expression. SQLSTATE: 42000`);
      case 'sortOrder':
        return this.resolve(e.expr, scope, o);
      case 'lambda':
        throw analysisError(
          'INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION',
          '[INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION] Invalid lambda function call. A lambda function should only be used in a higher order function. SQLSTATE: 42K0D',
        );
    }
  }

  resolveAttribute(parts: string[], scope: Scope, planId?: number): RExpr {
    if (planId !== undefined) {
      const out = this.env.planIds.get(planId);
      const hit = out ? lookupAttr(out, parts) : undefined;
      if (hit) {
        const inScope = scope.attrs.find((a) => a.id === hit.attr.id);
        if (inScope) return this.extractFields(refOf(inScope), hit.rest);
      }
    }
    const lam = parts.length >= 1 ? scope.lambdas?.get(parts[0]!.toLowerCase()) : undefined;
    if (lam) {
      const base: RExpr = { k: 'lambdaVar', id: lam.id, name: parts[0]!, type: lam.type, nullable: lam.nullable ?? true, sql: 'namedlambdavariable()' };
      return this.extractFields(base, parts.slice(1));
    }
    const hit = lookupAttr(scope.attrs, parts);
    if (hit) return this.extractFields(refOf(hit.attr), hit.rest);
    for (let s = scope.outer; s; s = s.outer) {
      const o = lookupAttr(s.attrs, parts);
      if (o) {
        const a = o.attr;
        return this.extractFields({ k: 'outer', id: a.id, name: a.name, type: a.type, nullable: a.nullable, sql: `outer(${a.name})` }, o.rest);
      }
    }
    throw unresolvedColumn(parts, candidates(scope));
  }

  private extractFields(base: RExpr, rest: string[]): RExpr {
    let cur = base;
    for (const f of rest) cur = this.call('extract_value', [cur, lit(T.string, f)]);
    return cur;
  }

  /** Resolves a registered scalar function by name over resolved args. */
  call(name: string, args: RExpr[], called = name): RExpr {
    const fn = lookupFunction(name);
    if (!fn) throw unresolvedRoutine(called);
    const [lo, hi] = fn.arity;
    if (args.length < lo || (hi >= 0 && args.length > hi)) {
      const expected = hi < 0 ? `at least ${lo}` : lo === hi ? `${lo}` : `[${Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).join(', ')}]`;
      throw wrongNumArgs(called, expected, args.length);
    }
    const r = fn.resolve(args, this.ctx, called);
    const sql = r.sql ?? `${called}(${args.map((a) => a.sql).join(', ')})`;
    return { k: 'call', fn: fn.name, args: r.args, type: r.type, nullable: r.nullable, sql, ...(r.opts ? { opts: r.opts } : {}) };
  }

  private async resolveFunction(e: Extract<Expr, { kind: 'function' }>, scope: Scope, o: ResolveOptions): Promise<RExpr> {
    const name = e.name.toLowerCase();
    if (name === 'when' || name === 'case_when') {
      const args = e.args;
      const branches: { when: Expr; then: Expr }[] = [];
      let i = 0;
      for (; i + 1 < args.length; i += 2) branches.push({ when: args[i]!, then: args[i + 1]! });
      return this.resolveCase({ kind: 'case', branches, else: i < args.length ? args[i] : undefined }, scope, o);
    }
    const agg = lookupAggregate(name);
    if (agg && !lookupFunction(name)) {
      if (!o.allowAgg) {
        throw analysisError(
          'UNSUPPORTED_EXPR_FOR_OPERATOR',
          `[UNSUPPORTED_EXPR_FOR_OPERATOR] A query operator contains one or more unsupported expressions. Consider to rewrite it to avoid window functions, aggregate functions, and generator functions in the WHERE clause.\nInvalid expressions: [${name}(...)] SQLSTATE: 42K0E`,
        );
      }
      const inner: ResolveOptions = { ...o, allowAgg: false };
      let args: RExpr[];
      if (name === 'count' && (e.args.length === 0 || (e.args.length === 1 && e.args[0]!.kind === 'star'))) args = [];
      else if (name === 'count' && e.args.length === 1 && e.args[0]!.kind === 'literal' && e.args[0]!.value !== null && !e.isDistinct) args = [];
      else args = await Promise.all(e.args.map((a) => this.resolve(a, scope, inner)));
      const [lo, hi] = agg.arity;
      if (args.length < lo && !(name === 'count')) throw wrongNumArgs(name, `${lo}`, args.length);
      if (hi >= 0 && args.length > hi) throw wrongNumArgs(name, lo === hi ? `${lo}` : `[${lo}, ${hi}]`, args.length);
      const within = e.withinGroup
        ? await Promise.all(e.withinGroup.map(async (s) => ({ expr: await this.resolve(s.expr, scope, inner), ascending: s.ascending, nullsFirst: s.nullsFirst })))
        : undefined;
      if (within && !agg.withinGroup) throw withinGroupUnsupported(name);
      const r = agg.resolve(args, this.ctx, e.isDistinct, within, name);
      const filter = e.filter ? await this.resolve(e.filter, scope, inner) : undefined;
      let sql = r.sql ?? `${name}(${e.isDistinct ? 'DISTINCT ' : ''}${args.map((a) => a.sql).join(', ')})`;
      if (name === 'count' && args.length === 0 && e.args.length === 1 && e.args[0]!.kind === 'literal') sql = `count(${(await this.resolve(e.args[0]!, scope)).sql})`;
      if (filter) sql += ` FILTER (WHERE ${filter.sql})`;
      return { k: 'agg', fn: agg.name, args: r.args, distinct: e.isDistinct, filter, type: r.type, nullable: r.nullable, sql, ...(r.opts ? { opts: r.opts } : {}) };
    }
    const fn = lookupFunction(name);
    if (!fn) throw unresolvedRoutine(e.name);
    if (fn.lambdaEval) return this.resolveHigherOrder(e, scope, o);
    const args: RExpr[] = [];
    for (const a of e.args) {
      if (a.kind === 'star') {
        // struct(*), concat(*), hash(*): expand the star.
        for (const at of scope.attrs) args.push(refOf(at));
      } else args.push(await this.resolve(a, scope, o));
    }
    return this.call(name, args, name);
  }

  private async resolveHigherOrder(e: Extract<Expr, { kind: 'function' }>, scope: Scope, o: ResolveOptions): Promise<RExpr> {
    const name = e.name.toLowerCase();
    const fn = lookupFunction(name)!;
    // Plain arguments resolve first: they decide the lambda parameters' types.
    const plain: (RExpr | undefined)[] = [];
    for (const a of e.args) plain.push(a.kind === 'lambda' ? undefined : await this.resolve(a, scope, o));
    const args: RExpr[] = [];
    let lambdaIndex = 0;
    for (let i = 0; i < e.args.length; i++) {
      const l = e.args[i]!;
      if (l.kind !== 'lambda') {
        args.push(plain[i]!);
        continue;
      }
      const names = l.params.map((p) => p.toLowerCase());
      if (new Set(names).size !== names.length)
        throw analysisError(
          'INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES',
          `[INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES] Invalid lambda function call. The lambda function has duplicate arguments ${l.params.map((p) => `\`${p}\``).join(', ')}. Please, consider to rename the argument names or set "spark.sql.caseSensitive" to "true". SQLSTATE: 42K0D`,
        );
      const types = fn.lambdaParams!(
        plain.filter((x): x is RExpr => x !== undefined),
        lambdaIndex++,
        l.params.length,
      );
      const vars = new Map(scope.lambdas ?? []);
      const params = l.params.map((p, j) => {
        const v = { id: newId(), name: p, type: types[j]!.type, nullable: types[j]!.nullable };
        vars.set(p.toLowerCase(), v);
        return { id: v.id, name: p, type: v.type };
      });
      const body = await this.resolve(l.body, { ...scope, lambdas: vars }, o);
      args.push({
        k: 'lambda',
        params,
        body,
        type: body.type,
        nullable: body.nullable,
        sql: `lambdafunction(${body.sql}, ${params.map(() => 'namedlambdavariable()').join(', ')})`,
      });
    }
    return this.call(name, args, name);
  }

  private async resolveCase(e: Extract<Expr, { kind: 'case' }>, scope: Scope, o: ResolveOptions): Promise<RExpr> {
    const operand = e.operand ? await this.resolve(e.operand, scope, o) : undefined;
    const conds: RExpr[] = [];
    const vals: RExpr[] = [];
    for (const b of e.branches) {
      const w = await this.resolve(b.when, scope, o);
      conds.push(operand ? this.call('==', [operand, w]) : w);
      vals.push(await this.resolve(b.then, scope, o));
    }
    const els = e.else ? await this.resolve(e.else, scope, o) : undefined;
    // Spark rewrites `CASE x WHEN v ...` to `CASE WHEN (x = v) ...`, which is also its generated name.
    const sqlParts = e.branches.map((_, i) => `WHEN ${conds[i]!.sql} THEN ${vals[i]!.sql}`);
    const sql = `CASE ${sqlParts.join(' ')}${els ? ` ELSE ${els.sql}` : ''} END`;
    const coerced = coerceAll(els ? [...vals, els] : vals, this.ctx, sql);
    const boolConds = conds.map((c) => {
      if (c.type.type === 'boolean') return c;
      if (c.type.type === 'null') return castTo(c, T.boolean, this.ctx);
      throw dataTypeMismatch('UNEXPECTED_INPUT_TYPE', sql, `The first parameter requires the "BOOLEAN" type, however "${c.sql}" has the type "${typeSql(c.type)}".`);
    });
    const thenVals = coerced.slice(0, vals.length);
    const elseVal = els ? coerced[vals.length] : undefined;
    const type = coerced[0]!.type;
    return {
      k: 'case',
      branches: boolConds.map((w, i) => ({ when: w, then: thenVals[i]! })),
      ...(elseVal ? { else: elseVal } : {}),
      type,
      nullable: !elseVal || coerced.some((x) => x.nullable),
      sql,
    };
  }

  private async resolveWindow(e: Extract<Expr, { kind: 'window' }>, scope: Scope, o: ResolveOptions): Promise<RExpr> {
    if (!o.allowWindow) throw analysisError('UNSUPPORTED_EXPR_FOR_OPERATOR', '[UNSUPPORTED_EXPR_FOR_OPERATOR] Window functions are not allowed here. SQLSTATE: 42K0E');
    const fn = await this.resolveWindowFunction(e.fn, scope, o);
    const partitionBy = await Promise.all(e.partitionBy.map((p) => this.resolve(p, scope, { ...o, allowWindow: false })));
    const orderBy: SortKey[] = [];
    for (const s of e.orderBy) orderBy.push({ expr: await this.resolve(s.expr, scope, { ...o, allowWindow: false }), ascending: s.ascending, nullsFirst: s.nullsFirst });
    const bound = async (b: import('../plan/parsed-plan.js').FrameBound): Promise<number | null> => {
      if (b.kind === 'unboundedPreceding' || b.kind === 'unboundedFollowing') return null;
      if (b.kind === 'currentRow') return 0;
      const v = await this.resolve(b.value, scope);
      return v.k === 'lit' ? Number(v.value) : 0;
    };
    const fixed = fn.k === 'agg' && !e.frame ? fixedFrame(fn.fn, fn.args) : undefined;
    let frame: { type: 'rows' | 'range'; lower: number | null; upper: number | null };
    if (e.frame) frame = { type: e.frame.type, lower: await bound(e.frame.lower), upper: e.frame.upper.kind === 'unboundedPreceding' ? null : await bound(e.frame.upper) };
    else if (fixed) frame = fixed.frame;
    else if (orderBy.length === 0 || fn.k === 'call') frame = { type: 'rows', lower: null, upper: null };
    else frame = { type: 'range', lower: null, upper: 0 };
    const part = partitionBy.length ? `PARTITION BY ${partitionBy.map((p) => p.sql).join(', ')} ` : '';
    const ord = orderBy.length
      ? `ORDER BY ${orderBy.map((s) => `${s.expr.sql} ${s.ascending ? 'ASC' : 'DESC'} NULLS ${s.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')} `
      : '';
    const fb = (x: number | null, lower: boolean) => (x === null ? (lower ? 'UNBOUNDED PRECEDING' : 'UNBOUNDED FOLLOWING') : x === 0 ? 'CURRENT ROW' : x < 0 ? `${-x} PRECEDING` : `${x} FOLLOWING`);
    const frameSql = fixed?.sql ?? `${frame.type === 'rows' ? 'ROWS' : 'RANGE'} BETWEEN ${fb(frame.lower, true)} AND ${fb(frame.upper, false)}`;
    const sql = `${fn.sql} OVER (${part}${ord}${frameSql})`;
    return { k: 'win', fn, partitionBy, orderBy, frame, type: fn.type, nullable: fn.nullable, sql };
  }

  private async resolveWindowFunction(f: Expr, scope: Scope, o: ResolveOptions): Promise<RExpr> {
    if (f.kind === 'function' && WINDOW_ONLY_FUNCTIONS.includes(f.name.toLowerCase())) {
      const name = f.name.toLowerCase();
      const args = await Promise.all(f.args.map((a) => this.resolve(a, scope, { ...o, allowWindow: false })));
      const mk = (type: DataType, nullable: boolean, a: RExpr[] = args): RExpr => ({
        k: 'agg',
        fn: name,
        args: a,
        distinct: false,
        type,
        nullable,
        sql: windowFunctionSql(name, a),
      });
      switch (name) {
        case 'row_number':
        case 'rank':
        case 'dense_rank':
          return mk(T.int, false);
        case 'percent_rank':
        case 'cume_dist':
          return mk(T.double, false);
        case 'ntile':
          return mk(T.int, true);
        case 'lag':
        case 'lead': {
          const v = args[0]!;
          const off = args[1] ?? lit(T.int, 1);
          const def = args[2] ? castTo(args[2], v.type, this.ctx) : lit(v.type, null);
          return { ...mk(v.type, true, [v, off, def]), sql: `${name}(${v.sql}, ${off.sql}, ${args[2]?.sql ?? 'NULL'})` };
        }
        case 'nth_value':
          return mk(args[0]!.type, true);
        default:
          break;
      }
    }
    return this.resolve(f, scope, { ...o, allowAgg: true, allowWindow: false });
  }
}

/**
 * The enclosing query's columns a subquery refers to, as Spark lists them in the subquery's generated
 * name (`scalarsubquery(a)`, `exists(a)`); nested subqueries' references count too.
 */
function outerNames(plan: LPlan): string {
  const seen = new Map<number, string>();
  const defined = new Set<number>();
  const visitExpr = (e: RExpr): void => {
    if (e.k === 'outer') {
      if (!seen.has(e.id)) seen.set(e.id, e.name);
      return;
    }
    if (e.k === 'scalarSubquery' || e.k === 'exists' || e.k === 'inSubquery') visitPlan(e.plan);
    for (const c of exprChildren(e)) visitExpr(c);
  };
  const visitPlan = (p: LPlan): void => {
    for (const a of outputOf(p)) defined.add(a.id);
    for (const e of nodeExprs(p)) visitExpr(e);
    for (const c of childrenOf(p)) visitPlan(c);
  };
  visitPlan(plan);
  return [...seen].filter(([id]) => !defined.has(id)).map(([, name]) => name).join(', ');
}

function castCanFail(from: DataType, to: DataType): boolean {
  if (from.type === 'string') return to.type !== 'string' && to.type !== 'binary';
  if (to.type === 'decimal') return true;
  const rank: Record<string, number> = { byte: 1, short: 2, integer: 3, long: 4, float: 5, double: 6 };
  if (rank[from.type] && rank[to.type]) return rank[from.type]! > rank[to.type]!;
  return false;
}

/** A JS value (SQL parameter) → literal expression. */
export function jsToLiteral(v: unknown): Expr {
  if (v === null || v === undefined) return { kind: 'literal', dataType: T.null, value: null };
  if (typeof v === 'boolean') return { kind: 'literal', dataType: T.boolean, value: v };
  if (typeof v === 'bigint') return { kind: 'literal', dataType: T.long, value: v };
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? { kind: 'literal', dataType: T.int, value: v } : { kind: 'literal', dataType: T.double, value: v };
  return { kind: 'literal', dataType: T.string, value: String(v) };
}

export function exprKey(e: RExpr): string {
  return keyOf(e, undefined);
}

function keyOf(e: RExpr, lambdaVars: Map<number, number> | undefined): string {
  const key = (x: RExpr): string => keyOf(x, lambdaVars);
  switch (e.k) {
    case 'lit':
      return `lit:${typeSql(e.type)}:${String(e.value)}`;
    case 'ref':
    case 'outer':
      return `#${e.id}`;
    case 'call':
      return `${e.fn}(${e.args.map(key).join(',')})`;
    case 'cast':
      return `cast(${key(e.child)}:${typeSql(e.type)})`;
    case 'agg':
      return `agg:${e.fn}${e.distinct ? ':d' : ''}(${e.args.map(key).join(',')})${e.filter ? `f:${key(e.filter)}` : ''}`;
    case 'case':
      return `case(${e.branches.map((b) => `${key(b.when)}=>${key(b.then)}`).join(',')};${e.else ? key(e.else) : ''})`;
    case 'lambda': {
      // Lambda variables get fresh ids on every resolution: number them by binding order instead.
      const vars = new Map(lambdaVars);
      for (const p of e.params) vars.set(p.id, vars.size);
      return `lambda(${e.params.map((p) => typeSql(p.type)).join(',')}:${keyOf(e.body, vars)})`;
    }
    case 'lambdaVar':
      return `lv:${lambdaVars?.get(e.id) ?? `#${e.id}`}`;
    default:
      return `${e.k}:${e.sql}:${Math.random()}`;
  }
}
