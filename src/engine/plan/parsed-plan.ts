/**
 * The parsed (unresolved) logical plan: the one input language of the engine.
 *
 * Both fronts produce it — the SQL parser (engine/sql) from Spark SQL text, and the driver's
 * translator from Spark Connect `Relation`/`Expression` protos. The analyzer resolves names, types
 * and functions against the catalog and the runtime profile; nothing here is resolved yet.
 *
 * `planId` mirrors Spark Connect's `RelationCommon.plan_id`: an attribute that carries a planId means
 * "that column as produced by the relation with this planId" (needed for `df1.join(df2, df1.id == df2.id)`).
 */
import type { DataType } from './data-type.js';

// ---------------------------------------------------------------- expressions

export type Expr =
  | {
      kind: 'literal';
      dataType: DataType;
      value: LiteralValue;
      /**
       * SQL `TIMESTAMP '...'` written without a zone: `value` holds the wall-clock µs as if it were UTC,
       * and the analyzer converts it from the session time zone (which the parser does not know).
       */
      atSessionZone?: boolean;
    }
  /** `nameParts` already split (`a.b` → ['a','b'], backticks removed). */
  | { kind: 'attribute'; nameParts: string[]; planId?: number }
  /** `*`, `t.*` (target = ['t']), or `df["*"]` (planId). */
  | { kind: 'star'; target?: string[]; planId?: number }
  /** Function call or operator; names as Spark sends them (`+`, `==`, `and`, `when`, `count`...), case-insensitive. */
  | {
      kind: 'function';
      name: string;
      args: Expr[];
      isDistinct: boolean;
      filter?: Expr;
      /** `first(x) IGNORE NULLS` (true) / `RESPECT NULLS` (false); absent when not written. */
      ignoreNulls?: boolean;
      /** `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`, `listagg(x) WITHIN GROUP (...)`. */
      withinGroup?: SortOrderExpr[];
      /** Named arguments (`explode(collection => arr)`), which follow the positional `args`. */
      namedArgs?: { name: string; value: Expr }[];
    }
  /** Multi-part names only for generators (`posexplode(...) AS (pos, col)`). */
  | { kind: 'alias'; expr: Expr; names: string[] }
  | { kind: 'cast'; expr: Expr; to: DataType; mode: 'default' | 'ansi' | 'legacy' | 'try' }
  | { kind: 'sortOrder'; expr: Expr; ascending: boolean; nullsFirst: boolean }
  | { kind: 'window'; fn: Expr; partitionBy: Expr[]; orderBy: SortOrderExpr[]; frame?: WindowFrame }
  /** Refers to a named window in `WINDOW w AS (...)`; the parser may inline instead. */
  | { kind: 'case'; operand?: Expr; branches: { when: Expr; then: Expr }[]; else?: Expr }
  | { kind: 'in'; expr: Expr; list: Expr[]; negated: boolean }
  | { kind: 'inSubquery'; exprs: Expr[]; plan: Plan; negated: boolean }
  | { kind: 'exists'; plan: Plan; negated: boolean }
  | { kind: 'scalarSubquery'; plan: Plan }
  /** `col["k"]`, `col.field`, `arr[0]`. */
  | { kind: 'extractValue'; child: Expr; extraction: Expr }
  | { kind: 'lambda'; params: string[]; body: Expr }
  | { kind: 'lambdaVar'; name: string }
  /** SQL text of one expression (Spark Connect `expression_string`, `selectExpr`); the analyzer parses it. */
  | { kind: 'exprString'; sql: string }
  /** `?` or `:name` parameter markers in parameterized SQL. */
  | { kind: 'parameter'; name?: string; position?: number }
  | { kind: 'interval'; months: number; days: number; micros: bigint };

export type SortOrderExpr = Extract<Expr, { kind: 'sortOrder' }>;

export interface WindowFrame {
  type: 'rows' | 'range';
  lower: FrameBound;
  upper: FrameBound;
}
export type FrameBound =
  | { kind: 'unboundedPreceding' }
  | { kind: 'unboundedFollowing' }
  | { kind: 'currentRow' }
  /** Negative = preceding, positive = following (row count or range offset). */
  | { kind: 'offset'; value: Expr };

/**
 * Literal values by DataType: null → null; boolean; byte/short/integer/float/double → number;
 * long → bigint; decimal → string (exact digits, e.g. "12.30"); string → string; binary → Uint8Array;
 * date → number (days since epoch); timestamp/timestamp_ntz → bigint (µs since epoch);
 * day_time_interval → bigint (µs); year_month_interval → number (months);
 * calendar_interval → {months, days, micros}; array → LiteralValue[]; map → {keys, values};
 * struct → LiteralValue[] in field order.
 */
export type LiteralValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | LiteralValue[]
  | { months: number; days: number; micros: bigint }
  | { keys: LiteralValue[]; values: LiteralValue[] };

// ---------------------------------------------------------------- relations

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti' | 'cross';
export type SetOpType = 'union' | 'intersect' | 'except';

interface PlanBase {
  /** Spark Connect plan id of the DataFrame this node is, when it came from a client. */
  planId?: number;
}

export type Plan = PlanBase &
  (
    | { kind: 'range'; start: bigint; end: bigint; step: bigint; numPartitions?: number }
    /** Rows from the client (createDataFrame); `schema` overrides names/types when given. */
    | { kind: 'localRelation'; batches: LocalData; schema?: DataType }
    /** A one-row, zero-column relation (`SELECT 1` with no FROM). */
    | { kind: 'oneRow' }
    | { kind: 'namedTable'; nameParts: string[]; options?: Record<string, string> }
    | {
        kind: 'dataSource';
        format: string;
        paths: string[];
        options: Record<string, string>;
        /** DDL or JSON schema string given by the user. */
        schema?: string;
      }
    /** SQL text of a query (Spark Connect `sql` relation); parsed by the engine. */
    | {
        kind: 'sql';
        query: string;
        namedArgs?: Record<string, Expr>;
        positionalArgs?: Expr[];
      }
    | { kind: 'project'; input: Plan; exprs: Expr[] }
    | { kind: 'filter'; input: Plan; condition: Expr }
    /**
     * From SQL, `GROUP BY ALL` arrives as Spark parses it: `grouping` = [attribute ['ALL']], which the
     * analyzer expands to the non-aggregate select items unless a column named `all` exists.
     */
    | {
        kind: 'aggregate';
        input: Plan;
        groupType: 'groupBy' | 'rollup' | 'cube' | 'groupingSets' | 'pivot';
        grouping: Expr[];
        aggregates: Expr[];
        groupingSets?: Expr[][];
        pivot?: { column: Expr; values: Expr[] };
      }
    | { kind: 'sort'; input: Plan; order: SortOrderExpr[]; isGlobal: boolean }
    | { kind: 'limit'; input: Plan; limit: number }
    | { kind: 'offset'; input: Plan; offset: number }
    | { kind: 'tail'; input: Plan; limit: number }
    | {
        kind: 'join';
        left: Plan;
        right: Plan;
        joinType: JoinType;
        condition?: Expr;
        usingColumns?: string[];
        natural?: boolean;
      }
    | {
        kind: 'setOp';
        left: Plan;
        right: Plan;
        op: SetOpType;
        isAll: boolean;
        byName: boolean;
        allowMissingColumns: boolean;
      }
    /** `distinct()` when columns is undefined, else `dropDuplicates(columns)`. */
    | { kind: 'deduplicate'; input: Plan; columns?: string[] }
    | { kind: 'subqueryAlias'; input: Plan; alias: string; columnAliases?: string[] }
    | { kind: 'toDF'; input: Plan; columnNames: string[] }
    /** `withColumns`: replace by name if present, else append. */
    | { kind: 'withColumns'; input: Plan; columns: { name: string; expr: Expr }[] }
    | { kind: 'withColumnsRenamed'; input: Plan; renames: { from: string; to: string }[] }
    | { kind: 'drop'; input: Plan; columns: Expr[]; columnNames: string[] }
    /** `df.show()`: one row, one string column named `show_string`, rendered exactly like Spark. */
    | { kind: 'showString'; input: Plan; numRows: number; truncate: number; vertical: boolean }
    | { kind: 'htmlString'; input: Plan; numRows: number; truncate: number }
    | { kind: 'sample'; input: Plan; lowerBound: number; upperBound: number; withReplacement: boolean; seed?: bigint }
    /** Hints and repartitioning have no meaning on one node; kept so EXPLAIN shows them. */
    | { kind: 'hint'; input: Plan; name: string }
    | { kind: 'repartition'; input: Plan }
    /** `WITH` CTEs and Spark Connect `with_relations`: named subplans visible inside `root`. */
    | { kind: 'with'; root: Plan; ctes: { name: string; plan: Plan; columnAliases?: string[] }[] }
    /** `SELECT ... FROM t LATERAL VIEW explode(...)` and generators in general. */
    | { kind: 'generate'; input: Plan; generator: Expr; outer: boolean; alias?: string; columnAliases: string[] }
    | { kind: 'values'; rows: Expr[][]; alias?: string; columnAliases?: string[] }
    | {
        kind: 'unpivot';
        input: Plan;
        ids: Expr[];
        values?: Expr[];
        variableColumnName: string;
        valueColumnName: string;
      }
    /** A table-valued function in FROM: `range(10)`, `explode(array(1,2))`. */
    | { kind: 'tableFunction'; name: string; args: Expr[] }
  );

/** Arrow IPC stream bytes from the client, decoded by the engine. */
export interface LocalData {
  ipc?: Uint8Array;
}

// ---------------------------------------------------------------- statements (SQL text only)

export type WriteMode = 'append' | 'overwrite' | 'errorIfExists' | 'ignore';

/** A parsed SQL statement. Queries are lazy; everything else runs when the statement is executed. */
export type Statement =
  | { kind: 'query'; plan: Plan }
  | {
      kind: 'createView';
      name: string[];
      plan: Plan;
      temp: boolean;
      replace: boolean;
      ifNotExists: boolean;
      columnAliases?: string[];
      /** `CREATE GLOBAL TEMPORARY VIEW`: lives in the `global_temp` database. */
      global?: boolean;
    }
  | {
      kind: 'createTable';
      name: string[];
      ifNotExists: boolean;
      replace: boolean;
      format: string;
      options: Record<string, string>;
      /** Column definitions for `CREATE TABLE t (a INT, ...)`. */
      columns?: { name: string; dataType: DataType; nullable: boolean }[];
      partitionBy?: string[];
      location?: string;
      asSelect?: Plan;
    }
  | { kind: 'insert'; table: string[]; overwrite: boolean; columns?: string[]; query: Plan }
  | { kind: 'dropTable'; name: string[]; ifExists: boolean; isView: boolean }
  | { kind: 'showTables'; database?: string; pattern?: string }
  | { kind: 'showColumns'; table: string[] }
  | { kind: 'showFunctions'; pattern?: string }
  | { kind: 'showDatabases' }
  | { kind: 'describe'; target: { kind: 'table'; name: string[] } | { kind: 'query'; plan: Plan }; extended: boolean }
  | { kind: 'describeFunction'; name: string; extended: boolean }
  | { kind: 'explain'; statement: Statement; mode: 'simple' | 'extended' | 'formatted' | 'codegen' | 'cost' }
  /** `SET k=v`; `SET k` (value undefined) shows it; `SET` alone (key undefined) lists all. */
  | { kind: 'setConf'; key?: string; value?: string }
  | { kind: 'resetConf'; key?: string }
  | { kind: 'createDatabase'; name: string; ifNotExists: boolean }
  | { kind: 'useDatabase'; name: string }
  | { kind: 'cacheTable'; name: string[]; lazy: boolean; plan?: Plan }
  | { kind: 'uncacheTable'; name: string[]; ifExists: boolean }
  | { kind: 'truncateTable'; name: string[] };
