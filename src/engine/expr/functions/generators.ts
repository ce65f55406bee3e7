/**
 * Type rules of the generator functions (explode, posexplode, inline, stack and their _outer forms):
 * the columns each produces. The rows themselves are made by the Generate operator.
 */
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, typeSql } from '../../plan/type-utils.js';
import { coerceAll } from './coercion.js';
import { callSql } from './helpers.js';
import { jsonTupleGenerator } from './json-fns.js';
import { type ResolveContext, dataTypeMismatch, wrongNumArgs } from './registry.js';

export const GENERATOR_NAMES = ['explode', 'explode_outer', 'posexplode', 'posexplode_outer', 'inline', 'inline_outer', 'stack', 'json_tuple'];

export function isGeneratorName(name: string): boolean {
  return GENERATOR_NAMES.includes(name.toLowerCase());
}

export interface GeneratorColumn {
  name: string;
  type: DataType;
  nullable: boolean;
}

export interface ResolvedGenerator {
  /** The generator call the Generate operator evaluates (`fn` without `_outer`). */
  call: Extract<RExpr, { k: 'call' }>;
  columns: GeneratorColumn[];
  outer: boolean;
}

/** Columns and call of generator `name` over resolved `args`; `aliases` rename the columns. */
export function resolveGenerator(name: string, args: RExpr[], aliases: string[], outerForm: boolean, ctx: ResolveContext): ResolvedGenerator {
  const lower = name.toLowerCase();
  const outer = outerForm || lower.endsWith('_outer');
  const base = lower.replace(/_outer$/, '');
  const sql = callSql(lower, args);
  const col = (i: number, dflt: string, type: DataType, nullable: boolean): GeneratorColumn => ({ name: aliases[i] ?? dflt, type, nullable: nullable || outer });
  let columns: GeneratorColumn[];
  let callArgs = args;
  if (base === 'json_tuple') {
    const jt = jsonTupleGenerator(args, ctx, aliases);
    return { call: jt.call, columns: jt.columns, outer };
  }
  if (base === 'stack') {
    if (args.length < 2) throw wrongNumArgs(lower, '> 1', args.length);
    const n = args[0]!;
    const rows = n.k === 'lit' && typeof n.value === 'number' ? n.value : Number.NaN;
    if (n.type.type !== 'integer' || !(rows > 0))
      throw dataTypeMismatch('NON_FOLDABLE_INPUT', sql, `the input n should be a foldable "INT" expression; however, got "${n.sql}".`);
    const values = args.slice(1);
    const width = Math.ceil(values.length / rows);
    const coerced = [...values];
    columns = [];
    for (let c = 0; c < width; c++) {
      const idx: number[] = [];
      for (let r = 0; r < rows; r++) if (r * width + c < values.length) idx.push(r * width + c);
      const cs = coerceAll(
        idx.map((i) => values[i]!),
        ctx,
        sql,
      );
      idx.forEach((i, k) => {
        coerced[i] = cs[k]!;
      });
      columns.push(col(c, `col${c}`, cs[0]!.type, true));
    }
    callArgs = [n, ...coerced];
  } else {
    if (args.length !== 1) throw wrongNumArgs(lower, '1', args.length);
    const arg = args[0]!;
    const t = arg.type;
    if (base === 'inline') {
      if (t.type !== 'array' || t.elementType.type !== 'struct')
        throw dataTypeMismatch(
          'UNEXPECTED_INPUT_TYPE',
          sql,
          `The first parameter requires the "ARRAY<STRUCT>" type, however "${arg.sql}" has the type "${typeSql(t)}".`,
        );
      const st = t.elementType;
      columns = st.fields.map((f, i) => col(i, f.name, f.dataType, f.nullable || t.containsNull));
    } else if (t.type === 'array') {
      columns = base === 'posexplode' ? [col(0, 'pos', T.int, false), col(1, 'col', t.elementType, t.containsNull)] : [col(0, 'col', t.elementType, t.containsNull)];
    } else if (t.type === 'map') {
      const off = base === 'posexplode' ? 1 : 0;
      const kv = [col(off, 'key', t.keyType, false), col(off + 1, 'value', t.valueType, t.valueContainsNull)];
      columns = base === 'posexplode' ? [col(0, 'pos', T.int, false), ...kv] : kv;
    } else
      throw dataTypeMismatch(
        'UNEXPECTED_INPUT_TYPE',
        sql,
        `The first parameter requires the ("ARRAY" or "MAP") type, however "${arg.sql}" has the type "${typeSql(t)}".`,
      );
  }
  const call: ResolvedGenerator['call'] = { k: 'call', fn: base, args: callArgs, type: args[0]!.type, nullable: true, sql };
  return { call, columns, outer };
}
