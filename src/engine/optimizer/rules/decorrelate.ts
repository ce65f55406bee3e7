/**
 * Rewrites correlated subqueries into joins (Spark's RewritePredicateSubquery,
 * RewriteCorrelatedScalarSubquery and DecorrelateInnerQuery, reduced):
 *
 * - a top-level `EXISTS (q)` / `NOT EXISTS (q)` filter conjunct → left semi / anti join on q's
 *   correlation predicates; `x IN (q)` / `NOT IN` → semi / null-aware anti join;
 * - a correlated scalar subquery (in a filter or a select list) → left outer join with the subquery,
 *   whose aggregate is grouped by the inner side of its correlation predicates. For outer rows without
 *   a match the subquery's value on empty input is substituted (the "count bug": `count(*)` gives 0,
 *   not NULL);
 * - EXISTS / IN anywhere else (select list, under OR/NOT) → a left outer join with an aggregate over
 *   the distinct outer values (the "domain") joined to the subquery, giving a three-valued match flag.
 *
 * Correlation predicates are pulled up through filters, projections (which then pass the needed
 * columns through) and aggregates. Below an aggregate, equality predicates become group keys; any
 * other predicate is evaluated against the domain of outer values, whose columns become group keys.
 */
import { unsupported } from '../../../core/errors.js';
import { getValue } from '../../arrow/vec.js';
import { lit, refOf } from '../../analyzer/expressions.js';
import { lookupAggregate } from '../../expr/aggregates/index.js';
import { defaultEvalContext } from '../../expr/eval-context.js';
import { type Attr, type LPlan, type NamedExpr, type RExpr, childrenOf, newId, outputOf, withChildren } from '../../plan/logical-plan.js';
import { T } from '../../plan/type-utils.js';
import { and, anyExpr, conjuncts, hasOuterRef, isSubquery, mapExpr, nodeExprs, outerToRef, refIds, substitute } from '../expr-utils.js';
import type { OptimizerRule } from '../rule.js';

/** Ids of every attribute produced inside a plan (nested subquery plans included). */
function definedIds(p: LPlan, out = new Set<number>()): Set<number> {
  for (const a of outputOf(p)) out.add(a.id);
  for (const e of nodeExprs(p)) anyExpr(e, (x) => (isSubquery(x) ? (definedIds(x.plan, out), false) : false));
  for (const c of childrenOf(p)) definedIds(c, out);
  return out;
}

function outerIdsOf(p: LPlan, out = new Set<number>()): Set<number> {
  for (const e of nodeExprs(p))
    anyExpr(e, (x) => {
      if (x.k === 'outer') out.add(x.id);
      else if (isSubquery(x)) outerIdsOf(x.plan, out);
      return false;
    });
  for (const c of childrenOf(p)) outerIdsOf(c, out);
  return out;
}

/** True when the plan refers to columns that it does not produce itself (an enclosing query's). */
export function isCorrelated(p: LPlan): boolean {
  const outer = outerIdsOf(p);
  if (outer.size === 0) return false;
  const defined = definedIds(p);
  for (const id of outer) if (!defined.has(id)) return true;
  return false;
}

const BOOL = T.boolean;

function call(fn: string, args: RExpr[], sql: string, nullable = args.some((a) => a.nullable)): RExpr {
  return { k: 'call', fn, args, type: BOOL, nullable, sql };
}
const eq = (a: RExpr, b: RExpr): RExpr => call('==', [a, b], `(${a.sql} = ${b.sql})`);
const eqNullSafe = (a: RExpr, b: RExpr): RExpr => call('<=>', [a, b], `(${a.sql} <=> ${b.sql})`, false);
const isNull = (a: RExpr): RExpr => call('isnull', [a], `(${a.sql} IS NULL)`, false);
const or = (a: RExpr, b: RExpr): RExpr => call('or', [a, b], `(${a.sql} OR ${b.sql})`);

const notSupported = (what: string): Error => unsupported(`correlated subqueries ${what}`);

/** Outer attribute ids an expression refers to, in order of first appearance. */
function outerIdsIn(e: RExpr, out: number[] = []): number[] {
  anyExpr(e, (x) => {
    if (x.k === 'outer' && !out.includes(x.id)) out.push(x.id);
    return false;
  });
  return out;
}

/** `inner = outer` where the inner side has no outer reference and the outer side only outer ones. */
function isEqualityCorrelation(pr: RExpr): boolean {
  return pr.k === 'call' && pr.fn === '==' && pr.args.some((a) => !hasOuterRef(a)) && pr.args.some((a) => hasOuterRef(a) && refIds(a).size === 0);
}

/**
 * The distinct values of some outer columns, under fresh attributes: correlation predicates that
 * cannot become join keys are evaluated against it below the subquery's aggregate.
 */
export type Domain = (outerIds: number[]) => { plan: LPlan; pairs: { outer: Attr; inner: Attr }[] };

function domainOver(input: LPlan): Domain {
  return (ids) => {
    const out = outputOf(input);
    const pairs = ids.map((id) => {
      const a = out.find((x) => x.id === id);
      if (!a) throw notSupported('that refer to a query further out');
      return { outer: a, inner: { ...a, id: newId(), qualifier: [] } };
    });
    const exprs: NamedExpr[] = pairs.map((p) => ({ expr: refOf(p.outer), attr: p.inner }));
    return { plan: { k: 'distinct', input: { k: 'project', input, exprs } }, pairs };
  };
}

/** Replaces outer references (and, for IN values, the outer columns themselves) by the domain's columns. */
function toDomain(e: RExpr, pairs: { outer: Attr; inner: Attr }[]): RExpr {
  return mapExpr(e, (x) => {
    if (x.k !== 'outer' && x.k !== 'ref') return x;
    const p = pairs.find((q) => q.outer.id === x.id);
    return p ? { ...refOf(p.inner), sql: x.sql } : x;
  });
}

/** Removes correlation predicates from `p`, returning them (they refer to p's output and outer columns). */
export function pullCorrelated(p: LPlan, domain?: Domain): { plan: LPlan; preds: RExpr[] } {
  if (!isCorrelated(p)) return { plan: p, preds: [] };
  switch (p.k) {
    case 'filter': {
      const inner = pullCorrelated(p.input, domain);
      const keep: RExpr[] = [];
      const corr: RExpr[] = [];
      for (const c of conjuncts(p.cond)) {
        if (hasOuterRef(c)) corr.push(c);
        else if (anyExpr(c, (x) => isSubquery(x) && isCorrelated(x.plan))) throw notSupported('nested inside another subquery condition');
        else keep.push(c);
      }
      const cond = and(keep);
      return { plan: cond ? { k: 'filter', input: inner.plan, cond } : inner.plan, preds: [...inner.preds, ...corr] };
    }
    case 'project': {
      if (p.exprs.some((e) => anyExpr(e.expr, (x) => x.k === 'outer' || (isSubquery(x) && isCorrelated(x.plan))))) throw notSupported('in a select list');
      const inner = pullCorrelated(p.input, domain);
      const have = new Set(p.exprs.map((e) => e.attr.id));
      const below = outputOf(inner.plan);
      const extra: NamedExpr[] = [];
      for (const pr of inner.preds)
        for (const id of refIds(pr)) {
          if (have.has(id)) continue;
          const a = below.find((x) => x.id === id);
          if (!a) continue;
          have.add(id);
          extra.push({ expr: refOf(a), attr: a });
        }
      return { plan: { ...p, input: inner.plan, exprs: [...p.exprs, ...extra] }, preds: inner.preds };
    }
    case 'sort':
      return pullCorrelated(p.input, domain);
    case 'aggregate': {
      if (p.groupingSets) throw notSupported('over grouping sets');
      if ([...p.groups, ...p.aggs].some((e) => hasOuterRef(e.expr))) throw notSupported('in aggregate expressions');
      const inner = pullCorrelated(p.input, domain);
      const below = outputOf(inner.plan);
      const groups = [...p.groups];
      if (inner.preds.every(isEqualityCorrelation)) {
        for (const pr of inner.preds)
          for (const id of refIds(pr)) {
            if (groups.some((g) => g.attr.id === id)) continue;
            const a: Attr | undefined = below.find((x) => x.id === id);
            if (a) groups.push({ expr: refOf(a), attr: a });
          }
        return { plan: { ...p, input: inner.plan, groups }, preds: inner.preds };
      }
      if (!domain) throw notSupported('with a non-equality correlation below an aggregate');
      // Evaluate the predicates per distinct outer value below the aggregate, then group by that value.
      const ids: number[] = [];
      for (const pr of inner.preds) outerIdsIn(pr, ids);
      const d = domain(ids);
      const joined: LPlan = { k: 'join', left: d.plan, right: inner.plan, type: 'inner', cond: and(inner.preds.map((pr) => toDomain(pr, d.pairs))) };
      for (const { inner: a } of d.pairs) groups.push({ expr: refOf(a), attr: a });
      const preds = d.pairs.map(({ outer, inner: a }) => eqNullSafe({ k: 'outer', id: outer.id, name: outer.name, type: outer.type, nullable: outer.nullable, sql: outer.name }, refOf(a)));
      return { plan: { ...p, input: joined, groups }, preds };
    }
    default:
      throw notSupported(`below a ${p.k} operator`);
  }
}

/** An aggregate's result over no rows (count → 0, collect_list → [], most others → NULL). */
function emptyAggValue(e: RExpr): RExpr {
  if (e.k !== 'agg') return lit(e.type, null);
  try {
    const f = lookupAggregate(e.fn);
    if (!f) return lit(e.type, null);
    const v = getValue(f.create(e, defaultEvalContext()).result(1), 0);
    return lit(e.type, v);
  } catch {
    return lit(e.type, null);
  }
}

/**
 * What a scalar subquery returns when its correlated filter matches nothing, if that is not NULL:
 * the select expressions over a global aggregate, evaluated with every aggregate on empty input (a
 * HAVING condition that is not true then gives NULL). Undefined when the answer is NULL anyway.
 */
function emptyResult(plan: LPlan, valueId: number): RExpr | undefined {
  let value: RExpr = refOf(outputOf(plan).find((a) => a.id === valueId)!);
  let guards: RExpr[] = [];
  let p = plan;
  for (;;) {
    if (p.k === 'project') {
      const m = new Map(p.exprs.map((e) => [e.attr.id, e.expr] as const));
      value = substitute(value, m);
      guards = guards.map((g) => substitute(g, m));
      p = p.input;
    } else if (p.k === 'filter') {
      if (hasOuterRef(p.cond)) return undefined;
      guards.push(p.cond);
      p = p.input;
    } else if (p.k === 'sort') {
      p = p.input;
    } else break;
  }
  if (p.k !== 'aggregate' || p.groups.length > 0 || p.groupingSets) return undefined;
  const m = new Map(p.aggs.map((a) => [a.attr.id, emptyAggValue(a.expr)] as const));
  value = substitute(value, m);
  guards = guards.map((g) => substitute(g, m));
  const free = (e: RExpr): boolean => refIds(e).size === 0 && !anyExpr(e, (x) => x.k === 'outer' || isSubquery(x));
  if (!free(value) || !guards.every(free)) return undefined;
  if (value.k === 'lit' && value.value === null && guards.length === 0) return undefined;
  const guard = and(guards);
  return guard ? { k: 'case', branches: [{ when: guard, then: value }], type: value.type, nullable: true, sql: value.sql } : value;
}

/**
 * `SELECT e FROM ... GROUP BY () HAVING c` → `SELECT CASE WHEN c THEN e END FROM ...`: once joined to
 * the outer query, the HAVING condition must null the value, not remove the aggregate's row (whose
 * absence would read as "no match" and give the empty-input value instead).
 */
function havingIntoValue(p: LPlan): LPlan {
  if (p.k !== 'project') return p;
  const input = havingIntoValue(p.input);
  if (input.k !== 'filter' || input.input.k !== 'aggregate' || input.input.groups.length > 0 || hasOuterRef(input.cond)) return input === p.input ? p : { ...p, input };
  const m = new Map(outputOf(input.input).map((a) => [a.id, refOf(a)] as const));
  const cond = substitute(input.cond, m);
  return {
    ...p,
    input: input.input,
    exprs: p.exprs.map((e) => ({ ...e, expr: { k: 'case', branches: [{ when: cond, then: e.expr }], type: e.expr.type, nullable: true, sql: e.expr.sql } })),
  };
}

type Subquery = Extract<RExpr, { k: 'scalarSubquery' | 'exists' | 'inSubquery' }>;

/** Joins correlated subqueries of one operator's expressions into its input. */
class Decorrelator {
  input: LPlan;
  readonly domain: Domain;

  constructor(original: LPlan) {
    this.input = original;
    this.domain = domainOver(original);
  }

  /** `e` with every correlated subquery replaced by a column of the (widened) input. */
  value(e: RExpr): RExpr {
    return mapExpr(e, (x) => {
      if (!needsJoin(x)) return x;
      return x.k === 'scalarSubquery' ? this.scalar(x) : this.existence(x);
    });
  }

  private scalar(x: Extract<RExpr, { k: 'scalarSubquery' }>): RExpr {
    const sub = havingIntoValue(x.plan);
    const valueId = outputOf(sub)[0]!.id;
    const empty = emptyResult(sub, valueId);
    const { plan, preds } = pullCorrelated(sub, this.domain);
    const v = outputOf(plan).find((a) => a.id === valueId)!;
    let right = plan;
    let matched: Attr | undefined;
    if (empty) {
      matched = { id: newId(), name: 'alwaysTrue', type: BOOL, nullable: false, qualifier: [] };
      right = { k: 'project', input: plan, exprs: [...outputOf(plan).map((a) => ({ expr: refOf(a), attr: a })), { expr: lit(BOOL, true), attr: matched }] };
    }
    this.input = { k: 'join', left: this.input, right, type: 'left', ...(preds.length ? { cond: and(preds.map(outerToRef))! } : {}) };
    const ref: RExpr = { ...refOf(v), nullable: true, sql: x.sql };
    if (!empty || !matched) return ref;
    return { k: 'case', branches: [{ when: isNull(refOf(matched)), then: empty }], else: ref, type: x.type, nullable: true, sql: x.sql };
  }

  /** EXISTS / IN as a value: a match flag per distinct outer value (2 = true, 1 = unknown, 0 = false). */
  private existence(x: Exclude<Subquery, { k: 'scalarSubquery' }>): RExpr {
    const { plan, preds } = pullCorrelated(x.plan, this.domain);
    const ids: number[] = [];
    for (const pr of preds) outerIdsIn(pr, ids);
    if (x.k === 'inSubquery') for (const v of x.values) for (const id of refIds(v)) if (!ids.includes(id)) ids.push(id);
    if (ids.length === 0) throw notSupported('without correlation predicates');
    const d = this.domain(ids);
    const int = (n: number): RExpr => lit(T.int, n);
    let flag: RExpr = int(2);
    if (x.k === 'inSubquery') {
      const out = outputOf(plan);
      const m = and(x.values.map((v, i) => eq(toDomain(v, d.pairs), refOf(out[i]!))))!;
      flag = { k: 'case', branches: [{ when: m, then: int(2) }, { when: isNull(m), then: int(1) }], else: int(0), type: T.int, nullable: false, sql: 'flag' };
    }
    const joined: LPlan = { k: 'join', left: d.plan, right: plan, type: 'inner', ...(preds.length ? { cond: and(preds.map((pr) => toDomain(pr, d.pairs)))! } : {}) };
    const flagAttr: Attr = { id: newId(), name: 'exists', type: T.int, nullable: true, qualifier: [] };
    const agg: LPlan = {
      k: 'aggregate',
      input: joined,
      groups: d.pairs.map(({ inner }) => ({ expr: refOf(inner), attr: inner })),
      aggs: [{ expr: { k: 'agg', fn: 'max', args: [flag], distinct: false, type: T.int, nullable: true, sql: `max(${flag.sql})` }, attr: flagAttr }],
    };
    this.input = { k: 'join', left: this.input, right: agg, type: 'left', cond: and(d.pairs.map((p) => eqNullSafe(refOf(p.outer), refOf(p.inner))))! };
    const f = { ...refOf(flagAttr), nullable: true };
    return {
      k: 'case',
      branches: [
        { when: eq(f, int(2)), then: lit(BOOL, true) },
        { when: eq(f, int(1)), then: lit(BOOL, null) },
      ],
      else: lit(BOOL, false),
      type: BOOL,
      nullable: x.k === 'inSubquery',
      sql: x.sql,
    };
  }
}

/**
 * Subqueries that become joins: correlated ones, and multi-column IN (the executor evaluates
 * uncorrelated subqueries once, as a value or a one-column set).
 */
const needsJoin = (x: RExpr): x is Subquery => isSubquery(x) && (isCorrelated(x.plan) || (x.k === 'inSubquery' && x.values.length > 1));

function rewriteFilter(f: Extract<LPlan, { k: 'filter' }>): LPlan | undefined {
  if (!anyExpr(f.cond, needsJoin)) return undefined;
  const original = outputOf(f.input);
  const d = new Decorrelator(f.input);
  const rest: RExpr[] = [];
  for (const c of conjuncts(f.cond)) {
    const neg = c.k === 'call' && c.fn === 'not' ? c.args[0]! : undefined;
    const target = neg ?? c;
    if ((target.k === 'exists' || target.k === 'inSubquery') && needsJoin(target)) {
      const { plan, preds } = pullCorrelated(target.plan, d.domain);
      let conds = preds.map(outerToRef);
      if (target.k === 'inSubquery') {
        const out = outputOf(plan);
        const m = and(target.values.map((v, i) => eq(v, refOf(out[i]!))))!;
        // NOT IN is null-aware: a comparison that is unknown also disqualifies the outer row.
        conds = [neg ? or(m, isNull(m)) : m, ...conds];
      }
      d.input = { k: 'join', left: d.input, right: plan, type: neg ? 'anti' : 'semi', ...(conds.length ? { cond: and(conds)! } : {}) };
      continue;
    }
    rest.push(d.value(c));
  }
  const cond = and(rest);
  const out: LPlan = cond ? { k: 'filter', input: d.input, cond } : d.input;
  if (outputOf(out).length === original.length) return out;
  return { k: 'project', input: out, exprs: original.map((a) => ({ expr: refOf(a), attr: a })) };
}

function rewriteProject(p: Extract<LPlan, { k: 'project' }>): LPlan | undefined {
  if (!p.exprs.some((e) => anyExpr(e.expr, needsJoin))) return undefined;
  const d = new Decorrelator(p.input);
  const exprs = p.exprs.map((e) => ({ ...e, expr: d.value(e.expr) }));
  return { k: 'project', input: d.input, exprs };
}

export const decorrelateSubqueries: OptimizerRule = {
  name: 'RewriteCorrelatedSubqueries',
  rewrite(plan) {
    let changed = false;
    const walk = (p: LPlan): LPlan => {
      const kids = childrenOf(p).map(walk);
      const q = kids.length ? withChildren(p, kids) : p;
      const r = q.k === 'filter' ? rewriteFilter(q) : q.k === 'project' ? rewriteProject(q) : undefined;
      if (!r) return q;
      changed = true;
      return r;
    };
    return { plan: walk(plan), changed };
  },
};
