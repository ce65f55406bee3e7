/**
 * Spark SQL expressions. The layering follows Spark's grammar, not the usual textbook one:
 *
 *   booleanExpression: NOT b | EXISTS (query) | valueExpression predicate? | b AND b | b OR b
 *   valueExpression:   unary > * / % DIV > + - || > << >> >>> > & > ^ > | > comparison
 *   predicate:         [NOT] BETWEEN | [NOT] IN | [NOT] LIKE/ILIKE/RLIKE | IS [NOT] ...
 *
 * so a predicate applies to a whole comparison (`a = b IS NULL` is `(a = b) IS NULL`) and at most one
 * predicate follows a value. Operators become `function` exprs under Spark's names (`==`, `and`,
 * `negative`, `concat`, ...), which is also what the Spark Connect front sends.
 */
import { unsupported } from '../../core/errors.js';
import type { Expr, FrameBound, Plan, SortOrderExpr, WindowFrame } from '../plan/parsed-plan.js';
import { DataTypeParser } from './data-type-parser.js';
import { parseDateText, parseTimestampText, wallToInstantMicros } from './datetime-literal.js';
import { rewriteExpr } from './expr-rewrite.js';
import { intervalUnit, multiUnitInterval, parseCalendarIntervalText, unitToUnitInterval } from './interval-literal.js';
import { DATETIME_UNITS, NOT_EXPRESSION_START, NOT_IMPLICIT_ALIAS, QUERY_START } from './keywords.js';
import { numericLiteral } from './numeric-literal.js';
import { parseError } from './parse-error.js';
import { parseTime } from '../expr/time-of-day.js';

type WindowExpr = Extract<Expr, { kind: 'window' }>;
type FunctionExpr = Extract<Expr, { kind: 'function' }>;

/** The internal function a parenthesised row `(a, b)` becomes. */
export const ROW_CONSTRUCTOR = '__row_struct';

export function fn(name: string, ...args: Expr[]): FunctionExpr {
  return { kind: 'function', name, args, isDistinct: false };
}

export function lit(value: string): Expr {
  return { kind: 'literal', dataType: { type: 'string' }, value };
}

const BINARY_OPS: Record<string, { prec: number; name: string; negate?: boolean }> = {
  '=': { prec: 1, name: '==' },
  '==': { prec: 1, name: '==' },
  '<=>': { prec: 1, name: '<=>' },
  '<>': { prec: 1, name: '==', negate: true },
  '!=': { prec: 1, name: '==', negate: true },
  '<': { prec: 1, name: '<' },
  '<=': { prec: 1, name: '<=' },
  '>': { prec: 1, name: '>' },
  '>=': { prec: 1, name: '>=' },
  '|': { prec: 2, name: '|' },
  '^': { prec: 3, name: '^' },
  '&': { prec: 4, name: '&' },
  '<<': { prec: 5, name: '<<' },
  '>>': { prec: 5, name: '>>' },
  '>>>': { prec: 5, name: '>>>' },
  '+': { prec: 6, name: '+' },
  '-': { prec: 6, name: '-' },
  '||': { prec: 6, name: 'concat' },
  '*': { prec: 7, name: '*' },
  '/': { prec: 7, name: '/' },
  '%': { prec: 7, name: '%' },
};

/** Named-window references (`OVER w`) waiting for the WINDOW clause of their query. */
interface WindowScope {
  refs: { placeholder: WindowExpr; name: string }[];
  defs: Map<string, WindowExpr | string>;
}

export abstract class ExpressionParser extends DataTypeParser {
  protected abstract parseQuery(): Plan;

  /** Positional `?` markers seen so far in this statement. */
  protected paramCount = 0;
  /** `(a, b)` row constructors, which become multi-column IN subqueries. */
  private readonly rowConstructors = new WeakSet<Expr>();
  protected readonly windowScopes: WindowScope[] = [];

  // ------------------------------------------------------------------ lookahead helpers

  /** Does a query start at offset k (after any number of `(`)? */
  protected looksLikeQuery(k = 0): boolean {
    let j = k;
    while (this.isOp('(', j)) j++;
    const t = this.peek(j);
    if (t.kind !== 'word' || !QUERY_START.has(t.upper)) return false;
    // `VALUES`/`TABLE`/`FROM` are also plain column names; require what a query would follow them with.
    if (t.upper === 'TABLE') return this.isIdentifier(j + 1);
    if (t.upper === 'MAP' || t.upper === 'REDUCE') return false;
    return true;
  }

  // ------------------------------------------------------------------ boolean level

  parseExpr(): Expr {
    return this.parseOr();
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.acceptKw('OR')) left = fn('or', left, this.parseAnd());
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.acceptKw('AND')) left = fn('and', left, this.parseNot());
    return left;
  }

  private parseNot(): Expr {
    if (this.isKw('NOT') || this.isOp('!')) {
      this.advance();
      const inner = this.parseNot();
      if (inner.kind === 'exists') return { ...inner, negated: !inner.negated };
      return fn('not', inner);
    }
    return this.parsePredicated();
  }

  private parsePredicated(): Expr {
    const v = this.parseValue(0);
    let negated = false;
    if (this.isKw('NOT') && this.isAnyKw(['BETWEEN', 'IN', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP'], 1)) {
      this.advance();
      negated = true;
    }
    const not = (e: Expr): Expr => (negated ? fn('not', e) : e);
    const t = this.tok;
    if (t.kind !== 'word') return v;
    switch (t.upper) {
      case 'BETWEEN': {
        this.advance();
        const lower = this.parseValue(0);
        this.expectKw('AND');
        const upper = this.parseValue(0);
        return not(fn('between', v, lower, upper));
      }
      case 'IN': {
        this.advance();
        this.expectOp('(');
        if (this.looksLikeQuery()) {
          const plan = this.parseQuery();
          this.expectOp(')');
          const exprs = this.rowConstructors.has(v) && v.kind === 'function' ? v.args : [v];
          return { kind: 'inSubquery', exprs, plan, negated };
        }
        const list = this.expressionList();
        this.expectOp(')');
        return { kind: 'in', expr: v, list, negated };
      }
      case 'LIKE':
      case 'ILIKE': {
        this.advance();
        const name = t.upper.toLowerCase();
        if (this.isAnyKw(['ANY', 'SOME', 'ALL']) && this.isOp('(', 1)) {
          const quant = this.advance().upper === 'ALL' ? 'all' : 'any';
          this.expectOp('(');
          const patterns = this.expressionList();
          this.expectOp(')');
          // Spark's LikeAny/LikeAll/NotLikeAny/NotLikeAll; ILIKE variants lower-case both sides.
          return fn(`${negated ? 'not_' : ''}${name}_${quant}`, v, ...patterns);
        }
        const pattern = this.parseValue(0);
        if (this.acceptKw('ESCAPE')) {
          const esc = this.stringLiteral();
          return not(fn(name, v, pattern, lit(esc)));
        }
        return not(fn(name, v, pattern));
      }
      case 'RLIKE':
      case 'REGEXP': {
        this.advance();
        return not(fn('rlike', v, this.parseValue(0)));
      }
      case 'IS': {
        if (negated) this.fail();
        this.advance();
        const isNot = this.acceptKw('NOT');
        const u = this.tok.upper;
        if (this.tok.kind === 'word' && (u === 'NULL' || u === 'UNKNOWN')) {
          this.advance();
          return fn(isNot ? 'isnotnull' : 'isnull', v);
        }
        if (this.tok.kind === 'word' && (u === 'TRUE' || u === 'FALSE')) {
          this.advance();
          const e = fn('<=>', v, { kind: 'literal', dataType: { type: 'boolean' }, value: u === 'TRUE' });
          return isNot ? fn('not', e) : e;
        }
        if (this.acceptKw('DISTINCT', 'FROM')) {
          const e = fn('<=>', v, this.parseValue(0));
          return isNot ? e : fn('not', e);
        }
        return this.fail();
      }
      default:
        if (negated) this.fail();
        return v;
    }
  }

  // ------------------------------------------------------------------ value level (Pratt)

  protected parseValue(minPrec: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.tok;
      let op: { prec: number; name: string; negate?: boolean } | undefined;
      if (t.kind === 'op') op = BINARY_OPS[t.text];
      else if (t.kind === 'word' && t.upper === 'DIV') op = { prec: 7, name: 'div' };
      if (op === undefined || op.prec < minPrec) return left;
      this.advance();
      const right = this.parseValue(op.prec + 1);
      const e = fn(op.name, left, right);
      left = op.negate === true ? fn('not', e) : e;
    }
  }

  private parseUnary(): Expr {
    const t = this.tok;
    if (t.kind === 'op') {
      if (t.text === '-') {
        this.advance();
        // `-1` is one literal in Spark's grammar (named `-1`, and `-2147483648` is still an int).
        if (this.tok.kind === 'number') return this.parsePostfix(numericLiteral(this.advance().text, true));
        return fn('negative', this.parseUnary());
      }
      if (t.text === '+') {
        this.advance();
        return fn('positive', this.parseUnary());
      }
      if (t.text === '~') {
        this.advance();
        return fn('~', this.parseUnary());
      }
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      if (this.acceptOp('[')) {
        const idx = this.parseExpr();
        this.expectOp(']');
        e = { kind: 'extractValue', child: e, extraction: idx };
      } else if (this.isOp('.') && this.isOp('*', 1) && e.kind === 'attribute') {
        this.pos += 2;
        e = { kind: 'star', target: e.nameParts };
      } else if (this.isOp('.') && this.isIdentifier(1)) {
        this.advance();
        const name = this.identifier();
        e =
          e.kind === 'attribute' && e.planId === undefined
            ? { kind: 'attribute', nameParts: [...e.nameParts, name] }
            : { kind: 'extractValue', child: e, extraction: lit(name) };
      } else if (this.acceptOp('::')) {
        e = { kind: 'cast', expr: e, to: this.parseDataTypeInner(), mode: 'default' };
      } else {
        return e;
      }
    }
  }

  // ------------------------------------------------------------------ primary

  private parsePrimary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'number':
        this.advance();
        return numericLiteral(t.text, false);
      case 'string':
        return lit(this.stringLiteral());
      case 'quotedIdent':
        if (this.isOp('->', 1)) return this.lambda([this.identifier()]);
        if (this.isOp('(', 1)) return this.functionCall([this.identifier()]);
        return { kind: 'attribute', nameParts: [this.identifier()] };
      case 'op':
        return this.parseOpPrimary();
      case 'word':
        return this.parseWordPrimary();
      default:
        return this.fail();
    }
  }

  private parseOpPrimary(): Expr {
    const t = this.tok;
    switch (t.text) {
      case '(':
        return this.parseParenthesized();
      case '*':
        this.advance();
        return { kind: 'star' };
      case '?':
        this.advance();
        return { kind: 'parameter', position: this.paramCount++ };
      case ':': {
        const next = this.peek();
        if ((next.kind === 'word' || next.kind === 'quotedIdent') && !next.spaceBefore) {
          this.pos += 2;
          return { kind: 'parameter', name: next.value };
        }
        return this.fail();
      }
      default:
        return this.fail();
    }
  }

  private parseParenthesized(): Expr {
    // `(x, y) -> body`
    if (this.isIdentifier(1)) {
      let j = 2;
      while (this.isOp(',', j) && this.isIdentifier(j + 1)) j += 2;
      if (this.isOp(')', j) && this.isOp('->', j + 1)) {
        this.advance();
        const params = [this.identifier()];
        while (this.acceptOp(',')) params.push(this.identifier());
        this.expectOp(')');
        return this.lambda(params);
      }
    }
    this.expectOp('(');
    if (this.looksLikeQuery()) {
      const plan = this.parseQuery();
      this.expectOp(')');
      return { kind: 'scalarSubquery', plan };
    }
    const first = this.namedExpression();
    if (!this.isOp(',')) {
      this.expectOp(')');
      return first;
    }
    // `(a, b)`: Spark's row constructor, a struct (and the left side of multi-column IN).
    const items = [first];
    while (this.acceptOp(',')) items.push(this.namedExpression());
    this.expectOp(')');
    // Spark builds a named struct here (named `named_struct(col1, ...)`), not the `struct` function.
    const row = fn(ROW_CONSTRUCTOR, ...items);
    this.rowConstructors.add(row);
    return row;
  }

  private lambda(params: string[]): Expr {
    this.expectOp('->');
    const body = this.parseExpr();
    const bound = new Set(params.map((p) => p.toLowerCase()));
    const rewritten = rewriteExpr(body, (e) => {
      if (e.kind !== 'attribute' || e.planId !== undefined) return undefined;
      const [head, ...rest] = e.nameParts;
      if (head === undefined || !bound.has(head.toLowerCase())) return undefined;
      let out: Expr = { kind: 'lambdaVar', name: head };
      for (const field of rest) out = { kind: 'extractValue', child: out, extraction: lit(field) };
      return out;
    });
    return { kind: 'lambda', params, body: rewritten };
  }

  private parseWordPrimary(): Expr {
    const t = this.tok;
    const u = t.upper;
    const next = this.peek();
    if (next.kind === 'op' && next.text === '->') return this.lambda([this.identifier()]);
    const call = next.kind === 'op' && next.text === '(';
    // `like(a, b)` / `ilike(a, b)` are also ordinary functions.
    if (NOT_EXPRESSION_START.has(u) && !(call && (u === 'LIKE' || u === 'ILIKE'))) this.fail();
    switch (u) {
      case 'NULL':
        this.advance();
        return { kind: 'literal', dataType: { type: 'null' }, value: null };
      case 'TRUE':
      case 'FALSE':
        this.advance();
        return { kind: 'literal', dataType: { type: 'boolean' }, value: u === 'TRUE' };
      case 'CASE':
        return this.parseCase();
      case 'CAST':
      case 'TRY_CAST':
        if (call) return this.parseCast(u === 'TRY_CAST' ? 'try' : 'default');
        break;
      case 'EXISTS':
        if (call && this.looksLikeQuery(2)) {
          this.pos += 2;
          const plan = this.parseQuery();
          this.expectOp(')');
          return { kind: 'exists', plan, negated: false };
        }
        break;
      case 'INTERVAL':
        if (
          next.kind === 'string' ||
          next.kind === 'number' ||
          (next.kind === 'op' && (next.text === '-' || next.text === '+'))
        ) {
          return this.parseInterval();
        }
        break;
      case 'DATE':
      case 'TIMESTAMP':
      case 'TIMESTAMP_NTZ':
      case 'TIMESTAMP_LTZ':
      case 'X':
      case 'TIME':
        if (next.kind === 'string') return this.parseTypedLiteral();
        break;
      case 'CURRENT_DATE':
      case 'CURRENT_TIMESTAMP':
      case 'CURRENT_USER':
      case 'SESSION_USER':
        if (!call) {
          this.advance();
          return fn(u.toLowerCase());
        }
        break;
      case 'EXTRACT':
        if (call && this.isIdentifier(2) && this.isKw('FROM', 3)) {
          this.pos += 2;
          const field = this.identifier();
          this.expectKw('FROM');
          const source = this.parseValue(0);
          this.expectOp(')');
          return fn('extract', lit(field), source);
        }
        break;
      default:
        break;
    }
    if (call) {
      const special = this.trySpecialCall(u);
      if (special !== undefined) return special;
      return this.functionCall([this.identifier()]);
    }
    const parts = [this.identifier()];
    // Qualified function name `db.fn(...)`.
    while (this.isOp('.') && this.isIdentifier(1) && !this.isOp('*', 1)) {
      if (this.isOp('(', 2)) {
        this.advance();
        parts.push(this.identifier());
        return this.functionCall(parts);
      }
      this.advance();
      parts.push(this.identifier());
    }
    return { kind: 'attribute', nameParts: parts };
  }

  /** TRIM/POSITION/SUBSTRING/OVERLAY with their keyword-separated argument forms; undefined to fall back. */
  private trySpecialCall(u: string): Expr | undefined {
    const start = this.pos;
    const params = this.paramCount;
    const restore = (): undefined => {
      this.pos = start;
      this.paramCount = params;
      return undefined;
    };
    switch (u) {
      case 'TRIM': {
        this.pos += 2;
        let name = 'trim';
        let hasOption = false;
        if (this.isAnyKw(['BOTH', 'LEADING', 'TRAILING']) && !this.isOp(')', 1) && !this.isOp(',', 1)) {
          const opt = this.advance().upper;
          name = opt === 'LEADING' ? 'ltrim' : opt === 'TRAILING' ? 'rtrim' : 'trim';
          hasOption = true;
        }
        if (this.acceptKw('FROM')) {
          const src = this.parseValue(0);
          this.expectOp(')');
          return fn(name, src);
        }
        if (!hasOption) {
          const save = this.pos;
          const trimStr = this.parseValue(0);
          if (!this.acceptKw('FROM')) {
            this.pos = save;
            return restore();
          }
          const src = this.parseValue(0);
          this.expectOp(')');
          // Registry argument order: trim(trimStr, srcStr).
          return fn(name, trimStr, src);
        }
        const trimStr = this.parseValue(0);
        this.expectKw('FROM');
        const src = this.parseValue(0);
        this.expectOp(')');
        return fn(name, trimStr, src);
      }
      case 'POSITION': {
        this.pos += 2;
        const substr = this.parseValue(0);
        if (!this.acceptKw('IN')) return restore();
        const str = this.parseValue(0);
        this.expectOp(')');
        return fn('locate', substr, str);
      }
      case 'SUBSTRING':
      case 'SUBSTR': {
        this.pos += 2;
        const str = this.parseValue(0);
        if (!this.acceptKw('FROM')) return restore();
        const p = this.parseValue(0);
        const args = [str, p];
        if (this.acceptKw('FOR')) args.push(this.parseValue(0));
        this.expectOp(')');
        return fn('substring', ...args);
      }
      case 'OVERLAY': {
        this.pos += 2;
        const input = this.parseValue(0);
        if (!this.acceptKw('PLACING')) return restore();
        const replace = this.parseValue(0);
        this.expectKw('FROM');
        const p = this.parseValue(0);
        const args = [input, replace, p];
        if (this.acceptKw('FOR')) args.push(this.parseValue(0));
        this.expectOp(')');
        return fn('overlay', ...args);
      }
      default:
        return undefined;
    }
  }

  /** `name(...)` with DISTINCT, `*`, named args, then WITHIN GROUP / FILTER / IGNORE NULLS / OVER. */
  private functionCall(nameParts: string[]): Expr {
    const name = nameParts.join('.');
    this.expectOp('(');
    let isDistinct = false;
    if (this.acceptKw('DISTINCT')) isDistinct = true;
    else if (this.isKw('ALL') && !this.isOp(')', 1) && !this.isOp(',', 1)) this.advance();
    const args: Expr[] = [];
    const namedArgs: { name: string; value: Expr }[] = [];
    if (this.isOp('*') && this.isOp(')', 1)) {
      this.advance();
      args.push({ kind: 'star' });
    } else if (!this.isOp(')')) {
      do {
        if (this.isIdentifier() && this.isOp('=>', 1)) {
          const argName = this.identifier();
          this.advance();
          namedArgs.push({ name: argName, value: this.parseExpr() });
        } else {
          if (namedArgs.length > 0) this.fail();
          args.push(this.parseExpr());
        }
      } while (this.acceptOp(','));
    }
    this.expectOp(')');
    const f: FunctionExpr = { kind: 'function', name, args, isDistinct };
    if (namedArgs.length > 0) f.namedArgs = namedArgs;
    this.unitArgument(f);
    if (this.isKw('WITHIN') && this.isKw('GROUP', 1)) {
      this.pos += 2;
      this.expectOp('(');
      this.expectKw('ORDER', 'BY');
      f.withinGroup = this.sortItems();
      this.expectOp(')');
    }
    if (this.isKw('FILTER') && this.isOp('(', 1)) {
      this.pos += 2;
      this.expectKw('WHERE');
      f.filter = this.parseExpr();
      this.expectOp(')');
    }
    if (this.isAnyKw(['IGNORE', 'RESPECT']) && this.isKw('NULLS', 1)) {
      f.ignoreNulls = this.advance().upper === 'IGNORE';
      this.advance();
    }
    if (this.acceptKw('OVER')) return this.windowSpec(f);
    return f;
  }

  /** `timestampadd(HOUR, 1, ts)`: the unit is a keyword, passed on as an upper-case string literal. */
  private unitArgument(f: FunctionExpr): void {
    const n = f.name.toLowerCase();
    const unitFns = ['timestampadd', 'dateadd', 'date_add', 'timestampdiff', 'datediff', 'date_diff'];
    if (!unitFns.includes(n) || f.args.length !== 3) return;
    const a = f.args[0];
    if (
      a?.kind === 'attribute' &&
      a.nameParts.length === 1 &&
      DATETIME_UNITS.has((a.nameParts[0] as string).toUpperCase())
    ) {
      f.args[0] = lit((a.nameParts[0] as string).toUpperCase());
    }
  }

  // ------------------------------------------------------------------ windows

  private windowSpec(f: Expr): Expr {
    const scope = this.windowScopes[this.windowScopes.length - 1];
    const named = (name: string): Expr => {
      const placeholder: WindowExpr = { kind: 'window', fn: f, partitionBy: [], orderBy: [] };
      if (scope === undefined) this.fail(this.toks[this.pos - 1]);
      scope.refs.push({ placeholder, name });
      return placeholder;
    };
    if (this.isIdentifier() && !this.isOp('(')) return named(this.identifier());
    this.expectOp('(');
    if (this.isIdentifier() && this.isOp(')', 1) && !this.isAnyKw(['PARTITION', 'ORDER'])) {
      const name = this.identifier();
      this.expectOp(')');
      return named(name);
    }
    const spec = this.windowSpecBody();
    this.expectOp(')');
    return { ...spec, fn: f };
  }

  /** The inside of `( [PARTITION BY ...] [ORDER BY ...] [frame] )`. */
  protected windowSpecBody(): WindowExpr {
    const w: WindowExpr = { kind: 'window', fn: { kind: 'star' }, partitionBy: [], orderBy: [] };
    if (this.acceptKw('CLUSTER', 'BY') || this.acceptKw('PARTITION', 'BY') || this.acceptKw('DISTRIBUTE', 'BY')) {
      w.partitionBy = this.expressionList();
    }
    if (this.acceptKw('ORDER', 'BY') || this.acceptKw('SORT', 'BY')) w.orderBy = this.sortItems();
    if (this.isAnyKw(['ROWS', 'RANGE'])) w.frame = this.windowFrame();
    return w;
  }

  private windowFrame(): WindowFrame {
    const type = this.advance().upper === 'ROWS' ? 'rows' : 'range';
    if (this.acceptKw('BETWEEN')) {
      const lower = this.frameBound();
      this.expectKw('AND');
      const upper = this.frameBound();
      return { type, lower, upper };
    }
    return { type, lower: this.frameBound(), upper: { kind: 'currentRow' } };
  }

  private frameBound(): FrameBound {
    if (this.acceptKw('UNBOUNDED', 'PRECEDING')) return { kind: 'unboundedPreceding' };
    if (this.acceptKw('UNBOUNDED', 'FOLLOWING')) return { kind: 'unboundedFollowing' };
    if (this.acceptKw('CURRENT', 'ROW')) return { kind: 'currentRow' };
    const value = this.parseValue(0);
    if (this.acceptKw('PRECEDING')) return { kind: 'offset', value: negateConstant(value) };
    this.expectKw('FOLLOWING');
    return { kind: 'offset', value };
  }

  /** Opens a scope for `OVER w` references; closed by resolveWindowScope once WINDOW is known. */
  protected openWindowScope(): void {
    this.windowScopes.push({ refs: [], defs: new Map() });
  }

  /** `WINDOW w AS (...), w2 AS w` — recorded in the current scope. */
  protected windowClause(): void {
    const scope = this.windowScopes[this.windowScopes.length - 1];
    if (scope === undefined) this.fail();
    do {
      const name = this.identifier();
      this.expectKw('AS');
      if (this.isIdentifier() && !this.isOp('(')) {
        scope.defs.set(name.toLowerCase(), this.identifier().toLowerCase());
        continue;
      }
      this.expectOp('(');
      const body = this.isIdentifier() && this.isOp(')', 1) ? this.identifier().toLowerCase() : this.windowSpecBody();
      this.expectOp(')');
      scope.defs.set(name.toLowerCase(), body);
    } while (this.acceptOp(','));
  }

  /** Fills each `OVER w` placeholder in place with its definition (the placeholders are already in the tree). */
  protected closeWindowScope(): void {
    const scope = this.windowScopes.pop();
    if (scope === undefined) return;
    for (const { placeholder, name } of scope.refs) {
      let def = scope.defs.get(name.toLowerCase());
      const seen = new Set<string>();
      while (typeof def === 'string' && !seen.has(def)) {
        seen.add(def);
        def = scope.defs.get(def);
      }
      if (def === undefined || typeof def === 'string') {
        throw parseError(
          'MISSING_WINDOW_SPECIFICATION',
          `Window specification ${name} is not defined in the WINDOW clause.`,
          '42P20',
          {
            windowName: name,
          },
        );
      }
      placeholder.partitionBy = def.partitionBy;
      placeholder.orderBy = def.orderBy;
      if (def.frame !== undefined) placeholder.frame = def.frame;
    }
  }

  // ------------------------------------------------------------------ pieces

  protected expressionList(): Expr[] {
    const out = [this.parseExpr()];
    while (this.acceptOp(',')) out.push(this.parseExpr());
    return out;
  }

  protected sortItems(): SortOrderExpr[] {
    const out: SortOrderExpr[] = [];
    do {
      const expr = this.parseExpr();
      let ascending = true;
      if (this.acceptKw('DESC')) ascending = false;
      else this.acceptKw('ASC');
      let nullsFirst = ascending;
      if (this.acceptKw('NULLS', 'FIRST')) nullsFirst = true;
      else if (this.acceptKw('NULLS', 'LAST')) nullsFirst = false;
      out.push({ kind: 'sortOrder', expr, ascending, nullsFirst });
    } while (this.acceptOp(','));
    return out;
  }

  /** `expr [AS] alias` or `expr AS (a, b)` as in a select list. */
  protected namedExpression(): Expr {
    const expr = this.parseExpr();
    if (this.acceptKw('AS')) {
      if (this.isOp('(')) return { kind: 'alias', expr, names: this.identifierList() };
      return { kind: 'alias', expr, names: [this.identifier()] };
    }
    if (this.canBeImplicitAlias()) return { kind: 'alias', expr, names: [this.identifier()] };
    return expr;
  }

  protected canBeImplicitAlias(k = 0): boolean {
    const t = this.peek(k);
    if (t.kind === 'quotedIdent') return true;
    return t.kind === 'word' && !NOT_IMPLICIT_ALIAS.has(t.upper);
  }

  private parseCase(): Expr {
    this.expectKw('CASE');
    const operand = this.isKw('WHEN') ? undefined : this.parseExpr();
    const branches: { when: Expr; then: Expr }[] = [];
    while (this.acceptKw('WHEN')) {
      const when = this.parseExpr();
      this.expectKw('THEN');
      branches.push({ when, then: this.parseExpr() });
    }
    if (branches.length === 0) this.fail();
    const elseExpr = this.acceptKw('ELSE') ? this.parseExpr() : undefined;
    this.expectKw('END');
    return {
      kind: 'case',
      ...(operand === undefined ? {} : { operand }),
      branches,
      ...(elseExpr === undefined ? {} : { else: elseExpr }),
    };
  }

  private parseCast(mode: 'default' | 'try'): Expr {
    this.pos += 2;
    const expr = this.parseExpr();
    this.expectKw('AS');
    const to = this.parseDataTypeInner();
    this.expectOp(')');
    return { kind: 'cast', expr, to, mode };
  }

  private parseTypedLiteral(): Expr {
    const kw = this.advance();
    const text = this.stringLiteral();
    const invalid = (): never => {
      throw parseError(
        'INVALID_TYPED_LITERAL',
        `The value of the typed literal "${kw.upper}" is invalid: '${text}'.`,
        '42604',
        {
          valueType: `"${kw.upper}"`,
          value: `'${text}'`,
        },
      );
    };
    switch (kw.upper) {
      case 'DATE': {
        const days = parseDateText(text);
        if (days === undefined) return invalid();
        return { kind: 'literal', dataType: { type: 'date' }, value: days };
      }
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ': {
        const ts = parseTimestampText(text);
        if (ts === undefined) return invalid();
        if (ts.zone !== undefined) {
          return {
            kind: 'literal',
            dataType: { type: 'timestamp' },
            value: wallToInstantMicros(ts.wallMicros, ts.zone),
          };
        }
        return { kind: 'literal', dataType: { type: 'timestamp' }, value: ts.wallMicros, atSessionZone: true };
      }
      case 'TIMESTAMP_NTZ': {
        const ts = parseTimestampText(text);
        if (ts === undefined || ts.zone !== undefined) return invalid();
        return { kind: 'literal', dataType: { type: 'timestamp_ntz' }, value: ts.wallMicros };
      }
      case 'TIME': {
        const us = parseTime(text);
        if (us === null) return invalid();
        return { kind: 'literal', dataType: { type: 'time', precision: 6 }, value: BigInt(us) };
      }
      case 'X': {
        if (!/^([0-9a-fA-F]{2})*[0-9a-fA-F]?$/.test(text)) return invalid();
        // An odd digit count gets a leading zero, as in Spark.
        const hex = text.length % 2 === 1 ? `0${text}` : text;
        const bytes = new Uint8Array(hex.length / 2);
        for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
        return { kind: 'literal', dataType: { type: 'binary' }, value: bytes };
      }
      default:
        throw unsupported(`the ${kw.upper} type`);
    }
  }

  private parseInterval(): Expr {
    const startTok = this.tok;
    this.expectKw('INTERVAL');
    // INTERVAL '<text>' with no unit: a calendar interval.
    if (this.tok.kind === 'string' && !this.isIntervalUnitAt(1)) {
      const text = this.stringLiteral();
      const v = parseCalendarIntervalText(text);
      return { kind: 'literal', dataType: { type: 'calendar_interval' }, value: v };
    }
    const pairs: { value: string; unit: string }[] = [];
    let unitToUnit: Expr | undefined;
    while (this.tok.kind === 'string' || this.tok.kind === 'number' || this.isOp('-') || this.isOp('+')) {
      let sign = '';
      if (this.isOp('-') || this.isOp('+')) sign = this.advance().text === '-' ? '-' : '';
      const vt = this.advance();
      if (vt.kind !== 'string' && vt.kind !== 'number') this.fail(vt);
      const unit = this.intervalUnitHere();
      if (this.isKw('TO')) {
        this.advance();
        const to = this.intervalUnitHere();
        if (vt.kind !== 'string' || pairs.length > 0) this.fail(vt);
        unitToUnit = unitToUnitInterval(vt.value, unit, to, sign === '-');
        break;
      }
      let value = vt.kind === 'string' ? vt.value.trim() : vt.text;
      if (sign === '-') value = value.startsWith('-') ? value.slice(1) : `-${value.replace(/^\+/, '')}`;
      pairs.push({ value, unit });
    }
    if (unitToUnit !== undefined) return unitToUnit;
    if (pairs.length === 0) this.fail();
    const source = this.sql.slice(startTok.start, this.toks[this.pos - 1]?.end ?? startTok.end);
    return multiUnitInterval(pairs, source);
  }

  private isIntervalUnitAt(k: number): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && intervalUnit(t.text) !== undefined;
  }

  private intervalUnitHere(): string {
    const t = this.tok;
    const unit = t.kind === 'word' ? intervalUnit(t.text) : undefined;
    if (unit === undefined) this.fail();
    this.advance();
    return unit;
  }

  /** Constant-folds an integer expression (LIMIT/OFFSET/TABLESAMPLE); undefined when not constant. */
  protected foldInteger(e: Expr): number | undefined {
    if (e.kind === 'literal') {
      if (typeof e.value === 'number' && Number.isInteger(e.value)) return e.value;
      if (typeof e.value === 'bigint') return Number(e.value);
      return undefined;
    }
    if (e.kind === 'cast') return this.foldInteger(e.expr);
    if (e.kind !== 'function') return undefined;
    const args = e.args.map((a) => this.foldInteger(a));
    if (args.some((a) => a === undefined)) return undefined;
    const [a, b] = args as number[];
    switch (e.name) {
      case 'negative':
        return -(a as number);
      case '+':
        return (a as number) + (b as number);
      case '-':
        return (a as number) - (b as number);
      case '*':
        return (a as number) * (b as number);
      default:
        return undefined;
    }
  }
}

/** PRECEDING offsets are stored negated (contract: negative = preceding). */
function negateConstant(e: Expr): Expr {
  if (e.kind === 'literal') {
    const v = e.value;
    if (typeof v === 'number') return { ...e, value: -v };
    if (typeof v === 'bigint') return { ...e, value: -v };
    if (typeof v === 'string' && e.dataType.type === 'decimal')
      return { ...e, value: v.startsWith('-') ? v.slice(1) : `-${v}` };
    if (v !== null && typeof v === 'object' && 'months' in v)
      return { ...e, value: { months: -v.months, days: -v.days, micros: -v.micros } };
  }
  return fn('negative', e);
}
