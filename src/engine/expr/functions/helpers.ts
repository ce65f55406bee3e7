/** Small builders for registering functions whose kernels are row-wise. */
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, isNumeric, typeSql } from '../../plan/type-utils.js';
import type { EvalContext } from '../eval-context.js';
import { castTo } from './coercion.js';
import { type CallNode, type ResolveContext, type ScalarFunction, register, unexpectedInputType } from './registry.js';

export type ArgSpec = DataType | 'any' | 'numeric' | 'integral' | 'string' | 'array' | 'map' | 'double' | 'date' | 'timestamp';

export function callSql(name: string, args: RExpr[]): string {
  return `${name}(${args.map((a) => a.sql).join(', ')})`;
}

/** Casts args to the declared input types (Spark's ImplicitTypeCasts for ExpectsInputTypes). */
export function coerceArgs(name: string, args: RExpr[], specs: ArgSpec[], ctx: ResolveContext): RExpr[] {
  return args.map((a, i) => {
    const spec = specs[Math.min(i, specs.length - 1)] ?? 'any';
    if (spec === 'any') return a;
    const t = a.type;
    const fail = (req: string) => unexpectedInputType(callSql(name, args), i, req, a);
    switch (spec) {
      case 'numeric':
        if (isNumeric(t)) return a;
        if (t.type === 'null') return castTo(a, T.double, ctx);
        if (t.type === 'string' && !ctx.strictStringNumber) return castTo(a, T.double, ctx);
        throw fail('"NUMERIC"');
      case 'double':
        if (isNumeric(t) || t.type === 'null' || (t.type === 'string' && !ctx.strictStringNumber)) return castTo(a, T.double, ctx);
        throw fail('"DOUBLE"');
      case 'integral':
        if (t.type === 'byte' || t.type === 'short' || t.type === 'integer' || t.type === 'long') return a;
        if (t.type === 'null') return castTo(a, T.int, ctx);
        if (t.type === 'string' && !ctx.strictStringNumber) return castTo(a, T.long, ctx);
        throw fail('"INTEGRAL"');
      case 'string':
        if (t.type === 'string') return a;
        if (t.type === 'array' || t.type === 'map' || t.type === 'struct') throw fail('"STRING"');
        return castTo(a, T.string, ctx);
      case 'array':
        if (t.type === 'array') return a;
        if (t.type === 'null') return castTo(a, T.array(T.null), ctx);
        throw fail('"ARRAY"');
      case 'map':
        if (t.type === 'map' || t.type === 'null') return a;
        throw fail('"MAP"');
      case 'date':
        if (t.type === 'date') return a;
        if (t.type === 'string' || t.type === 'timestamp' || t.type === 'timestamp_ntz' || t.type === 'null') return castTo(a, T.date, ctx);
        throw fail('"DATE"');
      case 'timestamp':
        if (t.type === 'timestamp') return a;
        if (t.type === 'string' || t.type === 'date' || t.type === 'timestamp_ntz' || t.type === 'null') return castTo(a, T.timestamp, ctx);
        throw fail('"TIMESTAMP"');
      default: {
        if (t.type === spec.type) return castTo(a, spec, ctx);
        if (t.type === 'null') return castTo(a, spec, ctx);
        if (t.type === 'string' && spec.type !== 'binary' && ctx.strictStringNumber && isNumeric(spec)) throw fail(`"${typeSql(spec)}"`);
        if (spec.type === 'boolean' && t.type !== 'string') throw fail('"BOOLEAN"');
        return castTo(a, spec, ctx);
      }
    }
  });
}

export interface RowFnSpec {
  args: ArgSpec[];
  arity?: [number, number];
  ret: DataType | ((args: RExpr[], ctx: ResolveContext) => DataType);
  row: (vals: unknown[], ctx: EvalContext, node: CallNode) => unknown;
  nullable?: boolean | ((args: RExpr[]) => boolean);
  nullSafe?: boolean;
  nondeterministic?: boolean;
  sql?: (args: RExpr[], name: string) => string;
}

/** Registers a row-wise function with declared argument types. */
export function defRow(name: string, spec: RowFnSpec, ...aliases: string[]): void {
  const fn: ScalarFunction = {
    name,
    arity: spec.arity ?? [spec.args.length, spec.args.length],
    resolve(args, ctx, called) {
      const coerced = coerceArgs(called, args, spec.args, ctx);
      const type = typeof spec.ret === 'function' ? spec.ret(coerced, ctx) : spec.ret;
      const nullable =
        spec.nullable === undefined ? coerced.some((a) => a.nullable) : typeof spec.nullable === 'function' ? spec.nullable(coerced) : spec.nullable;
      return { args: coerced, type, nullable, sql: spec.sql ? spec.sql(args, called) : undefined };
    },
    row: spec.row,
    nullSafe: spec.nullSafe,
    nondeterministic: spec.nondeterministic,
  };
  register(fn, ...aliases);
}

export const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
