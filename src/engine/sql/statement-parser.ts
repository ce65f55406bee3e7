/**
 * Statements: queries plus the DDL/DML/utility commands in the `Statement` union. Statements Spark
 * has but we cannot represent (ALTER, ANALYZE, ...) fail as UNSUPPORTED_FEATURE, not as syntax errors,
 * so users learn it is a gap and not a typo.
 */
import { unsupported } from '../../core/errors.js';
import type { DataType, StructType } from '../plan/data-type.js';
import type { Expr, Plan, Statement } from '../plan/parsed-plan.js';
import { QueryParser } from './query-parser.js';

type CreateTable = Extract<Statement, { kind: 'createTable' }>;
type ExplainMode = Extract<Statement, { kind: 'explain' }>['mode'];

/** Statement heads Spark accepts that have no `Statement` form here. */
const UNSUPPORTED_HEADS = new Set([
  'ALTER',
  'ANALYZE',
  'MSCK',
  'REFRESH',
  'ADD',
  'LIST',
  'LOAD',
  'MERGE',
  'UPDATE',
  'DELETE',
  'REPAIR',
  'CLEAR',
  'COMMENT',
  'REPLACE',
  'DECLARE',
  'CALL',
]);

export class StatementParser extends QueryParser {
  parseStatementInner(): Statement {
    const stmt = this.statementBody();
    this.expectEnd();
    return stmt;
  }

  /** `selectExpr`-style text: one expression, optionally aliased. */
  parseSingleExpression(): Expr {
    const e = this.namedExpression();
    this.expectEnd();
    return e;
  }

  parseSingleDataType(): DataType {
    const t = this.parseDataTypeInner();
    this.expectEnd();
    return t;
  }

  parseSingleTableSchema(): StructType {
    const t = this.parseTableSchemaInner();
    this.expectEnd();
    return t;
  }

  parseSingleMultipartIdentifier(): string[] {
    const parts = this.multipartIdentifier();
    this.expectEnd();
    return parts;
  }

  private statementBody(): Statement {
    const t = this.tok;
    if (t.kind !== 'word' && !this.isOp('(')) return this.fail();
    let stmt: Statement;
    switch (t.upper) {
      case 'SELECT':
      case 'VALUES':
      case 'TABLE':
      case 'FROM':
      case '(':
        stmt = { kind: 'query', plan: this.parseQuery() };
        break;
      case 'WITH':
        stmt = this.withStatement();
        break;
      case 'CREATE':
        stmt = this.create();
        break;
      case 'INSERT':
        stmt = this.insert();
        break;
      case 'DROP':
        stmt = this.drop();
        break;
      case 'SHOW':
        stmt = this.show();
        break;
      case 'DESC':
      case 'DESCRIBE':
        stmt = this.describe();
        break;
      case 'EXPLAIN':
        stmt = this.explain();
        break;
      case 'USE': {
        this.advance();
        if (this.isAnyKw(['DATABASE', 'SCHEMA', 'NAMESPACE']) && this.isIdentifier(1)) this.advance();
        stmt = { kind: 'useDatabase', name: this.multipartIdentifier().join('.') };
        break;
      }
      case 'CACHE':
        stmt = this.cache();
        break;
      case 'UNCACHE': {
        this.advance();
        this.expectKw('TABLE');
        const ifExists = this.acceptKw('IF', 'EXISTS');
        stmt = { kind: 'uncacheTable', name: this.multipartIdentifier(), ifExists };
        break;
      }
      case 'TRUNCATE': {
        this.advance();
        this.expectKw('TABLE');
        const name = this.multipartIdentifier();
        if (this.isKw('PARTITION')) throw unsupported('TRUNCATE TABLE ... PARTITION');
        stmt = { kind: 'truncateTable', name };
        break;
      }
      default:
        if (t.kind === 'word' && UNSUPPORTED_HEADS.has(t.upper)) throw unsupported(`the ${t.upper} statement`);
        return this.fail();
    }
    return stmt;
  }

  /** `WITH ... SELECT` or `WITH ... INSERT INTO ...` (the CTEs then wrap the inserted query). */
  private withStatement(): Statement {
    const save = this.pos;
    this.openWindowScope();
    const ctes = this.cteList();
    this.closeWindowScope();
    if (this.isKw('INSERT')) {
      const ins = this.insert();
      if (ins.kind !== 'insert') return ins;
      return { ...ins, query: { kind: 'with', root: ins.query, ctes } };
    }
    this.pos = save;
    return { kind: 'query', plan: this.parseQuery() };
  }

  // ------------------------------------------------------------------ CREATE

  private create(): Statement {
    this.expectKw('CREATE');
    const replace = this.acceptKw('OR', 'REPLACE');
    const global = this.acceptKw('GLOBAL');
    const temp = this.acceptKw('TEMPORARY') || this.acceptKw('TEMP');
    if (this.acceptKw('VIEW')) return this.createView(replace, global, temp);
    if (global || temp) {
      if (this.isKw('TABLE')) throw unsupported('CREATE TEMPORARY TABLE');
      return this.fail();
    }
    this.acceptKw('EXTERNAL');
    if (this.acceptKw('TABLE')) return this.createTable(replace);
    if (this.isAnyKw(['DATABASE', 'SCHEMA', 'NAMESPACE'])) {
      this.advance();
      const ifNotExists = this.acceptKw('IF', 'NOT', 'EXISTS');
      const name = this.multipartIdentifier().join('.');
      for (;;) {
        if (this.acceptKw('COMMENT') || this.acceptKw('LOCATION')) this.stringLiteral();
        else if (this.acceptKw('WITH', 'DBPROPERTIES') || this.acceptKw('WITH', 'PROPERTIES')) this.propertyList();
        else break;
      }
      return { kind: 'createDatabase', name, ifNotExists };
    }
    if (this.isKw('FUNCTION')) throw unsupported('CREATE FUNCTION');
    return this.fail();
  }

  private createView(replace: boolean, global: boolean, temp: boolean): Statement {
    const ifNotExists = this.acceptKw('IF', 'NOT', 'EXISTS');
    const name = this.multipartIdentifier();
    let columnAliases: string[] | undefined;
    if (this.isOp('(')) {
      // Either view column names (`(a COMMENT 'x', b)`) or a schema for `USING`.
      const save = this.pos;
      this.advance();
      columnAliases = [];
      let isSchema = false;
      do {
        columnAliases.push(this.identifier());
        if (this.acceptKw('COMMENT')) this.stringLiteral();
        else if (!this.isOp(',') && !this.isOp(')')) {
          isSchema = true;
          break;
        }
      } while (this.acceptOp(','));
      if (isSchema) {
        this.pos = save;
        columnAliases = undefined;
      } else {
        this.expectOp(')');
      }
    }
    if (this.isKw('USING') || this.isOp('(')) return this.createTempViewUsing(name, replace, global, temp);
    for (;;) {
      if (this.acceptKw('COMMENT')) this.stringLiteral();
      else if (this.acceptKw('TBLPROPERTIES')) this.propertyList();
      else if (this.acceptKw('WITH', 'SCHEMA')) {
        while (this.isAnyKw(['BINDING', 'COMPENSATION', 'EVOLUTION', 'TYPE'])) this.advance();
      } else break;
    }
    this.expectKw('AS');
    const plan = this.parseQuery();
    return {
      kind: 'createView',
      name,
      plan,
      temp,
      replace,
      ifNotExists,
      ...(columnAliases === undefined ? {} : { columnAliases }),
      ...(global ? { global } : {}),
    };
  }

  /** `CREATE TEMPORARY VIEW v [(schema)] USING fmt OPTIONS (path '...')`: a view over a data source. */
  private createTempViewUsing(name: string[], replace: boolean, global: boolean, temp: boolean): Statement {
    let schema: string | undefined;
    if (this.isOp('(')) {
      const start = this.tok.end;
      this.skipBalanced();
      schema = this.sql.slice(start, this.toks[this.pos - 1]?.start ?? start).trim();
    }
    this.expectKw('USING');
    const format = this.multipartIdentifier().join('.');
    const options = this.acceptKw('OPTIONS') ? this.propertyList() : {};
    const paths = options.path === undefined ? [] : [options.path];
    const plan: Plan = { kind: 'dataSource', format, paths, options, ...(schema === undefined ? {} : { schema }) };
    return { kind: 'createView', name, plan, temp, replace, ifNotExists: false, ...(global ? { global } : {}) };
  }

  private createTable(replace: boolean): Statement {
    const ifNotExists = this.acceptKw('IF', 'NOT', 'EXISTS');
    const name = this.multipartIdentifier();
    const stmt: CreateTable = { kind: 'createTable', name, ifNotExists, replace, format: 'parquet', options: {} };
    if (this.isOp('(') && !this.looksLikeQuery(1)) {
      this.advance();
      stmt.columns = [];
      do {
        const colName = this.identifier();
        const dataType: DataType = this.parseDataTypeInner();
        let nullable = true;
        for (;;) {
          if (this.acceptKw('NOT', 'NULL')) nullable = false;
          else if (this.acceptKw('COMMENT')) this.stringLiteral();
          else if (this.acceptKw('DEFAULT')) this.parseExpr();
          else break;
        }
        stmt.columns.push({ name: colName, dataType, nullable });
      } while (this.acceptOp(','));
      this.expectOp(')');
    }
    for (;;) {
      if (this.acceptKw('USING') || this.acceptKw('STORED', 'AS')) stmt.format = this.identifier().toLowerCase();
      else if (this.acceptKw('OPTIONS')) stmt.options = { ...stmt.options, ...this.propertyList() };
      else if (this.acceptKw('PARTITIONED', 'BY')) stmt.partitionBy = this.partitionColumns();
      else if (this.acceptKw('LOCATION')) stmt.location = this.stringLiteral();
      else if (this.acceptKw('COMMENT')) this.stringLiteral();
      else if (this.acceptKw('TBLPROPERTIES')) this.propertyList();
      else if (this.isKw('CLUSTERED') || this.isKw('ROW')) throw unsupported(`CREATE TABLE ... ${this.tok.upper}`);
      else break;
    }
    if (this.acceptKw('AS') || this.looksLikeQuery()) stmt.asSelect = this.parseQuery();
    return stmt;
  }

  /** `PARTITIONED BY (a, b)` or `(a INT, b STRING)`: column names only. */
  private partitionColumns(): string[] {
    this.expectOp('(');
    const out: string[] = [];
    do {
      out.push(this.identifier());
      if (!this.isOp(',') && !this.isOp(')')) this.parseDataTypeInner();
    } while (this.acceptOp(','));
    this.expectOp(')');
    return out;
  }

  /** `(key [=] value, ...)`; keys may be dotted or quoted, values strings/numbers/booleans. */
  private propertyList(): Record<string, string> {
    this.expectOp('(');
    const out: Record<string, string> = {};
    if (this.acceptOp(')')) return out;
    do {
      let key: string;
      // One string token only: `'sep' ';'` is a key and a value, not one concatenated literal.
      if (this.tok.kind === 'string') key = this.advance().value;
      else key = this.multipartIdentifier().join('.');
      this.acceptOp('=');
      const t = this.tok;
      let value: string;
      if (t.kind === 'string') value = this.stringLiteral();
      else if (t.kind === 'number' || (t.kind === 'word' && (t.upper === 'TRUE' || t.upper === 'FALSE'))) {
        this.advance();
        value = t.kind === 'word' ? t.text.toLowerCase() : t.text;
      } else if (this.isOp('-') && this.peek().kind === 'number') {
        this.advance();
        value = `-${this.advance().text}`;
      } else return this.fail();
      out[key] = value;
    } while (this.acceptOp(','));
    this.expectOp(')');
    return out;
  }

  private skipBalanced(): void {
    this.expectOp('(');
    let depth = 1;
    while (depth > 0) {
      if (this.atEnd()) this.fail();
      const t = this.advance();
      if (t.kind === 'op' && t.text === '(') depth++;
      else if (t.kind === 'op' && t.text === ')') depth--;
    }
  }

  // ------------------------------------------------------------------ INSERT / DROP / CACHE

  private insert(): Statement {
    this.expectKw('INSERT');
    let overwrite = false;
    if (this.acceptKw('OVERWRITE')) overwrite = true;
    else this.expectKw('INTO');
    if (overwrite && this.isKw('DIRECTORY')) throw unsupported('INSERT OVERWRITE DIRECTORY');
    this.acceptKw('TABLE');
    const table = this.multipartIdentifier();
    if (this.isKw('PARTITION')) throw unsupported('INSERT ... PARTITION');
    let columns: string[] | undefined;
    if (this.isOp('(') && !this.looksLikeQuery(1)) columns = this.identifierList();
    this.acceptKw('IF', 'NOT', 'EXISTS');
    if (this.isKw('BY') && this.isKw('NAME', 1)) throw unsupported('INSERT ... BY NAME');
    const query = this.parseQuery();
    return columns === undefined
      ? { kind: 'insert', table, overwrite, query }
      : { kind: 'insert', table, overwrite, columns, query };
  }

  private drop(): Statement {
    this.expectKw('DROP');
    const isView = this.acceptKw('VIEW');
    if (!isView && !this.acceptKw('TABLE')) {
      if (this.isAnyKw(['DATABASE', 'SCHEMA', 'NAMESPACE', 'FUNCTION', 'TEMPORARY']))
        throw unsupported(`DROP ${this.tok.upper}`);
      return this.fail();
    }
    const ifExists = this.acceptKw('IF', 'EXISTS');
    const name = this.multipartIdentifier();
    this.acceptKw('PURGE');
    return { kind: 'dropTable', name, ifExists, isView };
  }

  private cache(): Statement {
    this.expectKw('CACHE');
    const lazy = this.acceptKw('LAZY');
    this.expectKw('TABLE');
    const name = this.multipartIdentifier();
    if (this.acceptKw('OPTIONS')) this.propertyList();
    if (this.acceptKw('AS') || this.looksLikeQuery())
      return { kind: 'cacheTable', name, lazy, plan: this.parseQuery() };
    return { kind: 'cacheTable', name, lazy };
  }

  // ------------------------------------------------------------------ SHOW / DESCRIBE / EXPLAIN

  private show(): Statement {
    this.expectKw('SHOW');
    if (this.acceptKw('TABLES')) {
      let database: string | undefined;
      if (this.acceptKw('FROM') || this.acceptKw('IN')) database = this.multipartIdentifier().join('.');
      const pattern = this.optionalPattern();
      return {
        kind: 'showTables',
        ...(database === undefined ? {} : { database }),
        ...(pattern === undefined ? {} : { pattern }),
      };
    }
    if (this.acceptKw('COLUMNS')) {
      if (!this.acceptKw('FROM')) this.expectKw('IN');
      let table = this.multipartIdentifier();
      if (this.acceptKw('FROM') || this.acceptKw('IN')) table = [...this.multipartIdentifier(), ...table];
      return { kind: 'showColumns', table };
    }
    if (this.isAnyKw(['USER', 'SYSTEM', 'ALL']) && this.isKw('FUNCTIONS', 1)) this.advance();
    if (this.acceptKw('FUNCTIONS')) {
      if (this.acceptKw('FROM') || this.acceptKw('IN')) this.multipartIdentifier();
      let pattern = this.optionalPattern();
      if (pattern === undefined && this.isIdentifier()) pattern = this.multipartIdentifier().join('.');
      return { kind: 'showFunctions', ...(pattern === undefined ? {} : { pattern }) };
    }
    if (this.acceptKw('DATABASES') || this.acceptKw('SCHEMAS') || this.acceptKw('NAMESPACES')) {
      this.optionalPattern();
      return { kind: 'showDatabases' };
    }
    if (this.tok.kind === 'word') throw unsupported(`SHOW ${this.tok.upper}`);
    return this.fail();
  }

  private optionalPattern(): string | undefined {
    if (this.acceptKw('LIKE')) return this.stringLiteral();
    if (this.tok.kind === 'string') return this.stringLiteral();
    return undefined;
  }

  private describe(): Statement {
    this.advance();
    if (this.acceptKw('FUNCTION')) {
      const extended = this.acceptKw('EXTENDED');
      let name: string;
      if (this.tok.kind === 'string') name = this.stringLiteral();
      else if (this.tok.kind === 'op' && this.tok.text !== ';') name = this.advance().text;
      else name = this.multipartIdentifier().join('.');
      return { kind: 'describeFunction', name, extended };
    }
    if (this.isAnyKw(['DATABASE', 'SCHEMA', 'NAMESPACE', 'CATALOG'])) throw unsupported(`DESCRIBE ${this.tok.upper}`);
    // `DESCRIBE TABLE t` is the table form even though `TABLE t` is also a query.
    if (this.acceptKw('QUERY') || (!this.isKw('TABLE') && this.looksLikeQuery())) {
      return { kind: 'describe', target: { kind: 'query', plan: this.parseQuery() }, extended: false };
    }
    this.acceptKw('TABLE');
    const extended = this.acceptKw('EXTENDED') || this.acceptKw('FORMATTED');
    const name = this.multipartIdentifier();
    if (this.isKw('PARTITION')) throw unsupported('DESCRIBE ... PARTITION');
    if (this.isIdentifier()) throw unsupported('DESCRIBE TABLE ... column');
    return { kind: 'describe', target: { kind: 'table', name }, extended };
  }

  private explain(): Statement {
    this.expectKw('EXPLAIN');
    let mode: ExplainMode = 'simple';
    const t = this.tok;
    if (t.kind === 'word') {
      const modes: Record<string, ExplainMode> = {
        EXTENDED: 'extended',
        LOGICAL: 'extended',
        FORMATTED: 'formatted',
        CODEGEN: 'codegen',
        COST: 'cost',
      };
      const m = modes[t.upper];
      if (m !== undefined) {
        this.advance();
        mode = m;
      }
    }
    const statement = this.statementBody();
    return { kind: 'explain', statement, mode };
  }
}

/**
 * `SET` / `RESET` take the rest of the statement as raw text (`SET spark.sql.x = a b c`), so they are
 * recognised before tokenizing. Returns undefined for any other statement.
 */
export function parseSetLike(sql: string): Statement | undefined {
  const m = /^\s*(SET|RESET)\b([\s\S]*)$/i.exec(sql);
  if (m === null) return undefined;
  const rest = (m[2] as string).replace(/;[\s;]*$/, '').trim();
  const unquote = (s: string): string => (/^`.*`$/.test(s) ? s.slice(1, -1).replace(/``/g, '`') : s);
  if ((m[1] as string).toUpperCase() === 'RESET') {
    return rest === '' ? { kind: 'resetConf' } : { kind: 'resetConf', key: unquote(rest) };
  }
  if (rest === '' || rest === '-v') return { kind: 'setConf' };
  const tz = /^TIME\s+ZONE\s+(.*)$/i.exec(rest);
  if (tz !== null) {
    const v = (tz[1] as string).trim();
    const str = /^(['"])(.*)\1$/.exec(v);
    if (str !== null) return { kind: 'setConf', key: 'spark.sql.session.timeZone', value: str[2] as string };
    if (/^LOCAL$/i.test(v))
      return {
        kind: 'setConf',
        key: 'spark.sql.session.timeZone',
        value: Intl.DateTimeFormat().resolvedOptions().timeZone,
      };
    throw unsupported('SET TIME ZONE with an interval');
  }
  if (/^VAR(IABLE)?\s/i.test(rest)) throw unsupported('SET VARIABLE');
  const eq = rest.indexOf('=');
  if (eq < 0) return { kind: 'setConf', key: unquote(rest) };
  return { kind: 'setConf', key: unquote(rest.slice(0, eq).trim()), value: unquote(rest.slice(eq + 1).trim()) };
}
