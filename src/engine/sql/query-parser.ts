/**
 * Queries: WITH, set operations (INTERSECT binds tighter than UNION/EXCEPT/MINUS), SELECT blocks,
 * FROM items and joins, LATERAL VIEW, GROUP BY analytics, and the ORDER BY/LIMIT tail. Plans are
 * built the way Spark's AstBuilder builds them, so the analyzer sees the same shapes:
 *
 *   FROM → LATERAL VIEW → WHERE → (GROUP BY → aggregate [→ HAVING filter] | project) → DISTINCT
 *   → ORDER BY / SORT BY → OFFSET → LIMIT, wrapped in `with` when there are CTEs.
 */
import { userError } from '../../core/errors.js';
import type { Expr, Plan, SortOrderExpr } from '../plan/parsed-plan.js';
import { ExpressionParser } from './expression-parser.js';

type JoinType = Extract<Plan, { kind: 'join' }>['joinType'];
type AggregatePlan = Extract<Plan, { kind: 'aggregate' }>;

/** Spark's name for an unaliased FROM subquery. */
const AUTO_SUBQUERY_NAME = '__auto_generated_subquery_name';

/** One GROUP BY item: a plain expression or a grouping-analytics construct. */
type GroupItem =
  | { kind: 'expr'; expr: Expr }
  | { kind: 'rollup' | 'cube'; sets: Expr[][] }
  | { kind: 'groupingSets'; sets: Expr[][] };

export abstract class QueryParser extends ExpressionParser {
  parseQuery(): Plan {
    this.openWindowScope();
    const ctes = this.isKw('WITH') ? this.cteList() : undefined;
    let plan = this.queryTerm();
    plan = this.queryOrganization(plan);
    this.closeWindowScope();
    return ctes === undefined ? plan : { kind: 'with', root: plan, ctes };
  }

  protected cteList(): { name: string; plan: Plan; columnAliases?: string[] }[] {
    this.expectKw('WITH');
    this.acceptKw('RECURSIVE');
    const ctes: { name: string; plan: Plan; columnAliases?: string[] }[] = [];
    do {
      const name = this.identifier();
      const columnAliases = this.isOp('(') ? this.identifierList() : undefined;
      this.acceptKw('AS');
      this.expectOp('(');
      const plan = this.parseQuery();
      this.expectOp(')');
      ctes.push(columnAliases === undefined ? { name, plan } : { name, plan, columnAliases });
    } while (this.acceptOp(','));
    return ctes;
  }

  // ------------------------------------------------------------------ set operations

  private queryTerm(): Plan {
    let left = this.intersectTerm();
    while (this.isAnyKw(['UNION', 'EXCEPT', 'MINUS', 'SETMINUS'])) {
      const opWord = this.advance().upper;
      const op = opWord === 'UNION' ? 'union' : 'except';
      left = this.setOp(left, op, () => this.intersectTerm());
    }
    return left;
  }

  private intersectTerm(): Plan {
    let left = this.queryPrimary();
    while (this.acceptKw('INTERSECT')) left = this.setOp(left, 'intersect', () => this.queryPrimary());
    return left;
  }

  private setOp(left: Plan, op: 'union' | 'intersect' | 'except', right: () => Plan): Plan {
    let isAll = false;
    if (this.acceptKw('ALL')) isAll = true;
    else this.acceptKw('DISTINCT');
    let byName = false;
    if (op === 'union' && this.acceptKw('BY', 'NAME')) byName = true;
    return { kind: 'setOp', left, right: right(), op, isAll, byName, allowMissingColumns: false };
  }

  private queryPrimary(): Plan {
    if (this.isKw('SELECT')) return this.querySpecification(undefined);
    if (this.isKw('FROM')) {
      // `FROM t SELECT ...` (Hive-style FROM first).
      this.advance();
      const from = this.fromItems();
      if (!this.isKw('SELECT')) this.fail();
      return this.querySpecification(from);
    }
    if (this.isKw('VALUES')) return this.inlineTable();
    if (this.isKw('TABLE')) {
      this.advance();
      return { kind: 'namedTable', nameParts: this.multipartIdentifier() };
    }
    if (this.isOp('(')) {
      this.advance();
      const q = this.parseQuery();
      this.expectOp(')');
      return q;
    }
    return this.fail();
  }

  // ------------------------------------------------------------------ SELECT block

  private querySpecification(fromFirst: Plan | undefined): Plan {
    this.expectKw('SELECT');
    let distinct = false;
    if (this.acceptKw('DISTINCT')) distinct = true;
    else if (this.isKw('ALL') && !this.isOp(',', 1) && !this.isKw('FROM', 1) && !this.atEndOfSelectItem(1))
      this.advance();
    const selectList = this.selectList();
    let input: Plan | undefined = fromFirst;
    if (fromFirst === undefined && this.acceptKw('FROM')) input = this.fromItems();
    let plan: Plan = input ?? { kind: 'oneRow' };
    if (this.acceptKw('WHERE')) plan = { kind: 'filter', input: plan, condition: this.parseExpr() };
    let aggregate: AggregatePlan | undefined;
    if (this.acceptKw('GROUP', 'BY')) aggregate = this.groupBy(plan, selectList);
    const having = this.acceptKw('HAVING') ? this.parseExpr() : undefined;
    if (this.acceptKw('WINDOW')) this.windowClause();
    if (aggregate !== undefined) {
      plan = having === undefined ? aggregate : { kind: 'filter', input: aggregate, condition: having };
    } else if (having !== undefined) {
      // HAVING without GROUP BY is a global aggregate (SQL standard; Spark's default).
      plan = {
        kind: 'filter',
        input: { kind: 'aggregate', input: plan, groupType: 'groupBy', grouping: [], aggregates: selectList },
        condition: having,
      };
    } else {
      plan = { kind: 'project', input: plan, exprs: selectList };
    }
    return distinct ? { kind: 'deduplicate', input: plan } : plan;
  }

  private atEndOfSelectItem(k: number): boolean {
    const t = this.peek(k);
    return t.kind === 'eof' || (t.kind === 'op' && (t.text === ')' || t.text === ';'));
  }

  private selectList(): Expr[] {
    const out = [this.namedExpression()];
    while (this.acceptOp(',')) out.push(this.namedExpression());
    return out;
  }

  // ------------------------------------------------------------------ FROM

  /** `relation (, relation)* lateralView*` */
  protected fromItems(): Plan {
    let plan = this.relation();
    while (this.acceptOp(',')) plan = { kind: 'join', left: plan, right: this.relation(), joinType: 'inner' };
    while (this.isKw('LATERAL') && this.isKw('VIEW', 1)) plan = this.lateralView(plan);
    return plan;
  }

  private lateralView(input: Plan): Plan {
    this.pos += 2;
    const outer = this.acceptKw('OUTER');
    const generator = this.parseValue(0);
    if (generator.kind !== 'function') this.fail(this.toks[this.pos - 1]);
    let alias: string | undefined;
    if (!this.isKw('AS') && this.canBeImplicitAlias()) alias = this.identifier();
    const columnAliases: string[] = [];
    if (this.acceptKw('AS') || (this.canBeImplicitAlias() && !this.isKw('LATERAL'))) {
      columnAliases.push(this.identifier());
      while (this.acceptOp(',')) columnAliases.push(this.identifier());
    }
    return alias === undefined
      ? { kind: 'generate', input, generator, outer, columnAliases }
      : { kind: 'generate', input, generator, outer, alias, columnAliases };
  }

  private relation(): Plan {
    this.acceptKw('LATERAL');
    let left = this.relationPrimary();
    for (;;) {
      const natural = this.acceptKw('NATURAL');
      const joinType = this.joinType();
      if (joinType === undefined) {
        if (natural) this.fail();
        return left;
      }
      this.acceptKw('LATERAL');
      const right = this.relationPrimary();
      if (natural) {
        left = { kind: 'join', left, right, joinType, natural: true };
      } else if (this.acceptKw('ON')) {
        left = { kind: 'join', left, right, joinType, condition: this.parseExpr() };
      } else if (this.acceptKw('USING')) {
        left = { kind: 'join', left, right, joinType, usingColumns: this.identifierList() };
      } else {
        left = { kind: 'join', left, right, joinType };
      }
    }
  }

  /** Consumes `[INNER|CROSS|LEFT [OUTER|SEMI|ANTI]|RIGHT [OUTER]|FULL [OUTER]|SEMI|ANTI] JOIN`. */
  private joinType(): JoinType | undefined {
    const seqs: [string[], JoinType][] = [
      [['JOIN'], 'inner'],
      [['INNER', 'JOIN'], 'inner'],
      [['CROSS', 'JOIN'], 'cross'],
      [['LEFT', 'OUTER', 'JOIN'], 'left'],
      [['LEFT', 'SEMI', 'JOIN'], 'semi'],
      [['LEFT', 'ANTI', 'JOIN'], 'anti'],
      [['LEFT', 'JOIN'], 'left'],
      [['SEMI', 'JOIN'], 'semi'],
      [['ANTI', 'JOIN'], 'anti'],
      [['RIGHT', 'OUTER', 'JOIN'], 'right'],
      [['RIGHT', 'JOIN'], 'right'],
      [['FULL', 'OUTER', 'JOIN'], 'full'],
      [['FULL', 'JOIN'], 'full'],
    ];
    for (const [seq, type] of seqs) if (this.acceptKw(...seq)) return type;
    return undefined;
  }

  private relationPrimary(): Plan {
    if (this.isOp('(')) {
      if (this.looksLikeQuery(1)) {
        this.advance();
        const q = this.parseQuery();
        this.expectOp(')');
        return this.withAlias(this.sample(q), true);
      }
      this.advance();
      const inner = this.relation();
      this.expectOp(')');
      return this.withAlias(this.sample(inner), false);
    }
    if (this.isKw('VALUES')) return this.inlineTable();
    if (this.isIdentifier() && this.isOp('(', 1)) {
      const name = this.identifier();
      this.expectOp('(');
      const args = this.isOp(')') ? [] : this.tableFunctionArgs();
      this.expectOp(')');
      return this.withAlias({ kind: 'tableFunction', name, args }, false);
    }
    const nameParts = this.multipartIdentifier();
    return this.withAlias(this.sample({ kind: 'namedTable', nameParts }), false);
  }

  private tableFunctionArgs(): Expr[] {
    const out: Expr[] = [];
    do {
      if (this.isKw('TABLE') && this.isIdentifier(1)) {
        // `TABLE t` argument: passed as a scalar subquery over the table.
        this.advance();
        out.push({ kind: 'scalarSubquery', plan: { kind: 'namedTable', nameParts: this.multipartIdentifier() } });
      } else {
        out.push(this.parseExpr());
      }
    } while (this.acceptOp(','));
    return out;
  }

  /** `TABLESAMPLE (x PERCENT)` / `(n ROWS)` / `(BUCKET x OUT OF y)`. */
  private sample(input: Plan): Plan {
    if (!this.acceptKw('TABLESAMPLE')) return input;
    this.expectOp('(');
    let plan: Plan;
    if (this.acceptKw('BUCKET')) {
      const x = this.foldInteger(this.parseValue(0));
      this.expectKw('OUT', 'OF');
      const y = this.foldInteger(this.parseValue(0));
      if (x === undefined || y === undefined || y === 0) return this.fail();
      plan = { kind: 'sample', input, lowerBound: (x - 1) / y, upperBound: x / y, withReplacement: false };
    } else {
      const e = this.parseValue(0);
      if (this.acceptKw('ROWS')) {
        const n = this.foldInteger(e);
        if (n === undefined) return this.fail();
        plan = { kind: 'limit', input, limit: n };
      } else {
        this.expectKw('PERCENT');
        const v = e.kind === 'literal' ? Number(e.value) : Number.NaN;
        if (!Number.isFinite(v)) return this.fail();
        plan = { kind: 'sample', input, lowerBound: 0, upperBound: v / 100, withReplacement: false };
      }
    }
    this.expectOp(')');
    if (this.acceptKw('REPEATABLE')) {
      this.expectOp('(');
      const seed = this.foldInteger(this.parseValue(0));
      this.expectOp(')');
      if (plan.kind === 'sample' && seed !== undefined) plan.seed = BigInt(seed);
    }
    return plan;
  }

  /** `[AS] name [(c1, c2)]`; subqueries without a name get Spark's generated one. */
  private withAlias(plan: Plan, isSubquery: boolean): Plan {
    let alias: string | undefined;
    if (this.acceptKw('AS')) alias = this.identifier();
    else if (this.canBeImplicitAlias() && !(this.isKw('LATERAL') && this.isKw('VIEW', 1))) alias = this.identifier();
    const columnAliases = alias !== undefined && this.isOp('(') ? this.identifierList() : undefined;
    if (alias === undefined) {
      return isSubquery ? { kind: 'subqueryAlias', input: plan, alias: AUTO_SUBQUERY_NAME } : plan;
    }
    if (plan.kind === 'values' && plan.alias === undefined) {
      return columnAliases === undefined ? { ...plan, alias } : { ...plan, alias, columnAliases };
    }
    return columnAliases === undefined
      ? { kind: 'subqueryAlias', input: plan, alias }
      : { kind: 'subqueryAlias', input: plan, alias, columnAliases };
  }

  /** `VALUES (1, 'a'), (2, 'b') [AS t(x, y)]` or `VALUES 1, 2`. */
  protected inlineTable(): Plan {
    this.expectKw('VALUES');
    const rows: Expr[][] = [];
    do {
      if (this.isOp('(') && !this.looksLikeQuery(1)) {
        this.advance();
        const row = this.expressionList();
        this.expectOp(')');
        rows.push(row);
      } else {
        rows.push([this.parseExpr()]);
      }
    } while (this.acceptOp(','));
    return this.withAlias({ kind: 'values', rows }, false);
  }

  // ------------------------------------------------------------------ GROUP BY

  private groupBy(input: Plan, aggregates: Expr[]): AggregatePlan {
    const items: GroupItem[] = [];
    do items.push(this.groupItem());
    while (this.acceptOp(','));
    const plainExprs = (): Expr[] => items.map((i) => (i.kind === 'expr' ? i.expr : this.fail()));
    // Legacy suffix forms: `GROUP BY a, b WITH ROLLUP|CUBE`, `GROUP BY a, b GROUPING SETS (...)`.
    if (this.isKw('WITH') && this.isAnyKw(['ROLLUP', 'CUBE'], 1)) {
      this.advance();
      const kind = this.advance().upper === 'ROLLUP' ? 'rollup' : 'cube';
      return { kind: 'aggregate', input, groupType: kind, grouping: plainExprs(), aggregates };
    }
    if (this.acceptKw('GROUPING', 'SETS')) {
      const grouping = plainExprs();
      const sets = this.groupingSetList();
      return { kind: 'aggregate', input, groupType: 'groupingSets', grouping, aggregates, groupingSets: sets };
    }
    if (items.every((i) => i.kind === 'expr')) {
      return { kind: 'aggregate', input, groupType: 'groupBy', grouping: plainExprs(), aggregates };
    }
    const only = items.length === 1 ? items[0] : undefined;
    if (
      only !== undefined &&
      (only.kind === 'rollup' || only.kind === 'cube') &&
      only.sets.every((s) => s.length === 1)
    ) {
      return {
        kind: 'aggregate',
        input,
        groupType: only.kind,
        grouping: only.sets.map((s) => s[0] as Expr),
        aggregates,
      };
    }
    // Mixed items: the cross product of each item's grouping sets (Spark 3.2+ semantics).
    let sets: Expr[][] = [[]];
    for (const item of items) {
      const itemSets = item.kind === 'expr' ? [[item.expr]] : expandAnalytics(item);
      sets = sets.flatMap((prefix) => itemSets.map((s) => [...prefix, ...s]));
    }
    return {
      kind: 'aggregate',
      input,
      groupType: 'groupingSets',
      grouping: distinctExprs(sets.flat()),
      aggregates,
      groupingSets: sets,
    };
  }

  private groupItem(): GroupItem {
    if (this.isAnyKw(['ROLLUP', 'CUBE']) && this.isOp('(', 1)) {
      const kind = this.advance().upper === 'ROLLUP' ? 'rollup' : 'cube';
      this.expectOp('(');
      const sets: Expr[][] = [];
      do sets.push(this.groupingSet());
      while (this.acceptOp(','));
      this.expectOp(')');
      return { kind, sets };
    }
    if (this.isKw('GROUPING') && this.isKw('SETS', 1)) {
      this.pos += 2;
      return { kind: 'groupingSets', sets: this.groupingSetList() };
    }
    return { kind: 'expr', expr: this.parseExpr() };
  }

  private groupingSetList(): Expr[][] {
    this.expectOp('(');
    const sets: Expr[][] = [];
    do sets.push(this.groupingSet());
    while (this.acceptOp(','));
    this.expectOp(')');
    return sets;
  }

  /** `(a, b)`, `()`, or a single expression. */
  private groupingSet(): Expr[] {
    if (this.isOp('(')) {
      if (this.isOp(')', 1)) {
        this.pos += 2;
        return [];
      }
      const save = this.pos;
      this.advance();
      const list = this.expressionList();
      if (this.acceptOp(')') && (this.isOp(',') || this.isOp(')'))) return list;
      this.pos = save;
    }
    return [this.parseExpr()];
  }

  // ------------------------------------------------------------------ ORDER BY / LIMIT tail

  private queryOrganization(input: Plan): Plan {
    let plan = input;
    if (this.acceptKw('ORDER', 'BY')) plan = { kind: 'sort', input: plan, order: this.sortItems(), isGlobal: true };
    if (this.acceptKw('CLUSTER', 'BY')) {
      const exprs = this.expressionList();
      const order: SortOrderExpr[] = exprs.map((expr) => ({
        kind: 'sortOrder',
        expr,
        ascending: true,
        nullsFirst: true,
      }));
      plan = { kind: 'sort', input: { kind: 'repartition', input: plan }, order, isGlobal: false };
    }
    if (this.acceptKw('DISTRIBUTE', 'BY')) {
      this.expressionList();
      plan = { kind: 'repartition', input: plan };
    }
    if (this.acceptKw('SORT', 'BY')) plan = { kind: 'sort', input: plan, order: this.sortItems(), isGlobal: false };
    if (this.acceptKw('WINDOW')) this.windowClause();
    let limit: number | undefined;
    if (this.acceptKw('LIMIT')) {
      if (!this.acceptKw('ALL')) limit = this.constantInteger('LIMIT');
    }
    if (this.acceptKw('OFFSET')) plan = { kind: 'offset', input: plan, offset: this.constantInteger('OFFSET') };
    if (limit !== undefined) plan = { kind: 'limit', input: plan, limit };
    return plan;
  }

  private constantInteger(clause: string): number {
    const e = this.parseExpr();
    const v = this.foldInteger(e);
    if (v === undefined) {
      throw userError(
        'INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE',
        `[INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE] The ${clause.toLowerCase()} like expression is invalid. The ${clause.toLowerCase()} expression must evaluate to a constant value. SQLSTATE: 42K0E`,
        { name: clause.toLowerCase() },
      );
    }
    return v;
  }
}

function expandAnalytics(item: Exclude<GroupItem, { kind: 'expr' }>): Expr[][] {
  switch (item.kind) {
    case 'groupingSets':
      return item.sets;
    case 'rollup': {
      const out: Expr[][] = [];
      for (let i = item.sets.length; i >= 0; i--) out.push(item.sets.slice(0, i).flat());
      return out;
    }
    case 'cube': {
      // Spark's order: subsets by bitmask from "all" down to "none".
      const n = item.sets.length;
      const out: Expr[][] = [];
      for (let mask = (1 << n) - 1; mask >= 0; mask--) {
        const set: Expr[] = [];
        for (let i = 0; i < n; i++) if (mask & (1 << (n - 1 - i))) set.push(...(item.sets[i] as Expr[]));
        out.push(set);
      }
      return out;
    }
  }
}

function distinctExprs(exprs: Expr[]): Expr[] {
  const seen = new Set<string>();
  const out: Expr[] = [];
  for (const e of exprs) {
    const key = JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    if (!seen.has(key)) {
      seen.add(key);
      out.push(e);
    }
  }
  return out;
}
