/**
 * The scalar function registry: each entry owns its type rule (argument checks, implicit casts, result
 * type) and its kernel, so a function is defined in exactly one place. Names are lower-case; operators
 * are registered under their Spark Connect spelling (`+`, `==`, `and`...) and SQL aliases.
 */
import { PerennialError } from '../../../core/errors.js';
import type { Vec } from '../../arrow/vec.js';
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { typeSql } from '../../plan/type-utils.js';
import type { EvalContext } from '../eval-context.js';

export interface ResolveContext {
  ansi: boolean;
  strictStringNumber: boolean;
  timeZone: string;
  legacySizeOfNull: boolean;
}

export interface Resolved {
  args: RExpr[];
  type: DataType;
  nullable: boolean;
  opts?: Record<string, unknown>;
  /** Override of the pretty SQL name. */
  sql?: string;
}

export type CallNode = Extract<RExpr, { k: 'call' }>;

export interface ScalarFunction {
  name: string;
  /** [min, max] argument counts; max -1 = variadic. */
  arity: [number, number];
  resolve(args: RExpr[], ctx: ResolveContext, name: string): Resolved;
  /** Vectorized kernel over argument vectors. */
  vector?: (args: Vec[], n: number, ctx: EvalContext, node: CallNode) => Vec;
  /** Row kernel: gets non-null argument values unless `nullSafe`. */
  row?: (vals: unknown[], ctx: EvalContext, node: CallNode) => unknown;
  nullSafe?: boolean;
  /**
   * True when `vector` reads this call's literal operands after the first from the node and ignores
   * their vectors (IN over a literal list): the compiler then builds no constant column for them.
   */
  literalsFromNode?: (node: CallNode) => boolean;
  /** Lazily-evaluated args (coalesce, if): kernel gets thunks. */
  lazy?: boolean;
  /** Non-deterministic (rand, uuid): never constant-folded. */
  nondeterministic?: boolean;
  /**
   * Higher-order functions: the types of lambda number `lambdaIndex`'s `count` parameters, given the
   * function's plain arguments (throws when the lambda takes a wrong number of parameters).
   */
  lambdaParams?: (plainArgs: RExpr[], lambdaIndex: number, count: number) => { type: DataType; nullable: boolean }[];
  /** Higher-order functions compile their lambda themselves. */
  lambdaEval?: (node: CallNode, input: import('../../plan/logical-plan.js').Attr[], env: import('../compile.js').CompileEnv, index: Map<number, number>) => import('../compile.js').Kernel;
}

const registry = new Map<string, ScalarFunction>();

export function register(fn: ScalarFunction, ...aliases: string[]): void {
  registry.set(fn.name, fn);
  for (const a of aliases) registry.set(a, fn);
}

export function lookupFunction(name: string): ScalarFunction | undefined {
  return registry.get(name.toLowerCase());
}

export function functionNames(): string[] {
  return [...registry.keys()].sort();
}

export function dataTypeMismatch(sub: string, exprSql: string, detail: string, params: Record<string, string> = {}): PerennialError {
  return new PerennialError(
    `DATATYPE_MISMATCH.${sub}`,
    `[DATATYPE_MISMATCH.${sub}] Cannot resolve "${exprSql}" due to data type mismatch: ${detail} SQLSTATE: 42K09`,
    { messageParameters: { sqlExpr: `"${exprSql}"`, ...params } },
  );
}

export function wrongNumArgs(name: string, expected: string, actual: number): PerennialError {
  return new PerennialError(
    'WRONG_NUM_ARGS.WITHOUT_SUGGESTION',
    `[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The \`${name}\` requires ${expected} parameters but the actual number is ${actual}. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix. SQLSTATE: 42605`,
    { messageParameters: { functionName: `\`${name}\``, expectedNum: expected, actualNum: String(actual) } },
  );
}

export function unexpectedInputType(fnSql: string, paramIndex: number, required: string, arg: RExpr): PerennialError {
  const ord = ['first', 'second', 'third', 'fourth', 'fifth'][paramIndex] ?? `${paramIndex + 1}th`;
  return dataTypeMismatch(
    'UNEXPECTED_INPUT_TYPE',
    fnSql,
    `The ${ord} parameter requires the ${required} type, however "${arg.sql}" has the type "${typeSql(arg.type)}".`,
    { paramIndex: ord, requiredType: required, inputSql: `"${arg.sql}"`, inputType: `"${typeSql(arg.type)}"` },
  );
}
