/**
 * Higher-order functions: transform, filter, exists, forall, aggregate/reduce, zip_with, array_sort with
 * a comparator, map_filter, transform_keys, transform_values, map_zip_with.
 *
 * A lambda body is compiled once, against the input columns plus one extra column per lambda parameter.
 * To run it, every array element (or map entry) of every row becomes one row of an "element batch": the
 * owning row's columns gathered once per element, next to the parameter vectors. So one evaluation of
 * the body covers all elements of all rows of a batch, and CASE/IF inside the body gathers the lambda
 * variables with the rest of the row.
 */
import { PerennialError, internalError } from '../../../core/errors.js';
import { type Batch, type Vec, getValue, takeVec, vecFromValues } from '../../arrow/vec.js';
import type { DataType } from '../../plan/data-type.js';
import { type Attr, type RExpr, exprChildren, newId } from '../../plan/logical-plan.js';
import { T, commonType, typeEquals, typeSql } from '../../plan/type-utils.js';
import { compareValues } from '../compare.js';
import { type CompileEnv, type Kernel, compile } from '../compile.js';
import { formatValue } from '../format-value.js';
import { valueKey } from '../value-key.js';
import { castTo } from './coercion.js';
import { callSql } from './helpers.js';
import { MapBuilder, type MapV } from './map-data.js';
import { type CallNode, type ResolveContext, type Resolved, type ScalarFunction, dataTypeMismatch, register, unexpectedInputType } from './registry.js';

type LambdaNode = Extract<RExpr, { k: 'lambda' }>;
type ParamType = { type: DataType; nullable: boolean };
/** Evaluates a lambda body for element rows `rows` (indices into the batch) with parameter vectors `vars`. */
type LambdaKernel = (b: Batch, rows: ArrayLike<number>, vars: Vec[]) => Vec;

// ------------------------------------------------------------------ lambda plumbing

function numArgsMismatch(expected: number, actual: number): PerennialError {
  return new PerennialError(
    'INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH',
    `[INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH] Invalid lambda function call. A higher order function expects ${expected} arguments, but got ${actual}. SQLSTATE: 42K0D`,
    { messageParameters: { expectedNumArgs: String(expected), actualNumArgs: String(actual) } },
  );
}

/** The parameter list a lambda is bound with; Spark reports any other parameter count. */
function bindParams(params: ParamType[], count: number): ParamType[] {
  if (count !== params.length) throw numArgsMismatch(params.length, count);
  return params;
}

function arrayElem(a: RExpr | undefined): ParamType {
  const t = a?.type;
  return t?.type === 'array' ? { type: t.elementType, nullable: t.containsNull } : { type: T.null, nullable: true };
}

function mapKV(a: RExpr | undefined): [ParamType, ParamType] {
  const t = a?.type;
  if (t?.type !== 'map') return [{ type: T.null, nullable: false }, { type: T.null, nullable: true }];
  return [
    { type: t.keyType, nullable: false },
    { type: t.valueType, nullable: t.valueContainsNull },
  ];
}

const INDEX: ParamType = { type: T.int, nullable: false };

/** Ids of columns and lambda variables an expression reads. */
function readIds(e: RExpr, out: Set<number>): Set<number> {
  if (e.k === 'ref' || e.k === 'lambdaVar') out.add(e.id);
  for (const c of exprChildren(e)) readIds(c, out);
  return out;
}

function compileLambda(lam: RExpr | undefined, input: Attr[], env: CompileEnv, index: Map<number, number>): LambdaKernel {
  if (lam?.k !== 'lambda') throw internalError('a higher-order function argument is not a lambda');
  // Parameters go after every column the index can address (an enclosing lambda's parameters included).
  let base = input.length;
  for (const pos of index.values()) if (pos + 1 > base) base = pos + 1;
  const bodyIndex = new Map(index);
  const paramAttrs: Attr[] = lam.params.map((p, j) => {
    bodyIndex.set(p.id, base + j);
    return { id: p.id, name: p.name, type: p.type, nullable: true, qualifier: [] };
  });
  const body = compile(lam.body, [...input, ...paramAttrs], env, bodyIndex);
  const used: number[] = [];
  for (const id of readIds(lam.body, new Set())) {
    const pos = index.get(id);
    if (pos !== undefined && !used.includes(pos)) used.push(pos);
  }
  return (b, rows, vars) => {
    const n = rows.length;
    // Columns the body never reads stay as cheap all-NULL stand-ins of the right length.
    const filler: Vec = { type: T.null, length: n, data: [], valid: null };
    const cols: Vec[] = new Array(base + vars.length).fill(filler);
    for (const pos of used) {
      const c = b.cols[pos];
      if (c) cols[pos] = takeVec(c, rows);
    }
    for (let j = 0; j < vars.length; j++) cols[base + j] = vars[j]!;
    return body({ cols, length: n });
  };
}

function lambdaOf(node: CallNode, i: number): LambdaNode {
  const l = node.args[i];
  if (l?.k !== 'lambda') throw internalError(`${node.fn}: argument ${i + 1} is not a lambda`);
  return l;
}

/** Every element of the arrays in `v`, as element rows. */
interface Exploded {
  /** Owning row of each element. */
  rows: number[];
  /** Position of each element in its array. */
  pos: number[];
  elems: unknown[];
  /** Each row's array (null for a NULL array). */
  arrays: (unknown[] | null)[];
}

function explodeArrays(v: Vec): Exploded {
  const out: Exploded = { rows: [], pos: [], elems: [], arrays: new Array(v.length) };
  for (let i = 0; i < v.length; i++) {
    const a = getValue(v, i) as unknown[] | null;
    out.arrays[i] = a;
    if (a === null) continue;
    for (let j = 0; j < a.length; j++) {
      out.rows.push(i);
      out.pos.push(j);
      out.elems.push(a[j] ?? null);
    }
  }
  return out;
}

function valuesOf(v: Vec): unknown[] {
  const out: unknown[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = getValue(v, i);
  return out;
}

function requireLambda(name: string, args: RExpr[], i: number): LambdaNode {
  const l = args[i];
  if (l?.k !== 'lambda')
    throw new PerennialError(
      'INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION',
      `[INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION] Invalid lambda function call. The ${['first', 'second', 'third', 'fourth'][i] ?? `${i + 1}th`} argument of \`${name}\` must be a lambda function. SQLSTATE: 42K0D`,
    );
  return l;
}

/** The array argument, with NULL typed as an array of NULL (Spark's implicit cast for ArrayType inputs). */
function arrayArg(name: string, args: RExpr[], i: number, ctx: ResolveContext): RExpr {
  const a = args[i]!;
  if (a.type.type === 'array') return a;
  if (a.type.type === 'null') return castTo(a, T.array(T.null), ctx);
  throw unexpectedInputType(callSql(name, args), i, '"ARRAY"', a);
}

function mapArg(name: string, args: RExpr[], i: number): RExpr {
  const a = args[i]!;
  if (a.type.type === 'map') return a;
  throw unexpectedInputType(callSql(name, args), i, '"MAP"', a);
}

function requireBooleanBody(name: string, args: RExpr[], l: LambdaNode, i: number): void {
  if (l.type.type !== 'boolean' && l.type.type !== 'null') throw unexpectedInputType(callSql(name, args), i, '"BOOLEAN"', l);
}

function defHigherOrder(
  fn: Omit<ScalarFunction, 'row' | 'lambdaEval' | 'resolve'> & {
    resolve(args: RExpr[], ctx: ResolveContext, name: string): Resolved;
    eval(node: CallNode, input: Attr[], env: CompileEnv, index: Map<number, number>): Kernel;
  },
  ...aliases: string[]
): void {
  const { eval: evalFn, ...rest } = fn;
  register({ ...rest, lambdaEval: evalFn }, ...aliases);
}

// ------------------------------------------------------------------ array functions

/** transform(array, x -> ...) / (x, i) -> ... */
defHigherOrder({
  name: 'transform',
  arity: [2, 2],
  lambdaParams: ([a], _i, count) => bindParams(count === 2 ? [arrayElem(a), INDEX] : [arrayElem(a)], count),
  resolve(args, ctx, name) {
    const a = arrayArg(name, args, 0, ctx);
    const l = requireLambda(name, args, 1);
    return { args: [a, l], type: T.array(l.type, l.nullable), nullable: a.nullable };
  },
  eval(node, input, env, index) {
    const arr = compile(node.args[0]!, input, env, index);
    const lam = lambdaOf(node, 1);
    const body = compileLambda(lam, input, env, index);
    const { type: et } = arrayElem(node.args[0]);
    return (b) => {
      const x = explodeArrays(arr(b));
      const vars = [vecFromValues(et, x.elems), vecFromValues(T.int, x.pos)].slice(0, lam.params.length);
      const res = body(b, x.rows, vars);
      const out: unknown[] = new Array(b.length);
      let k = 0;
      for (let i = 0; i < b.length; i++) {
        const a = x.arrays[i];
        if (a === null || a === undefined) {
          out[i] = null;
          continue;
        }
        const r: unknown[] = new Array(a.length);
        for (let j = 0; j < a.length; j++) r[j] = getValue(res, k++);
        out[i] = r;
      }
      return vecFromValues(node.type, out);
    };
  },
});

/** filter(array, x -> bool) / (x, i) -> bool */
defHigherOrder({
  name: 'filter',
  arity: [2, 2],
  lambdaParams: ([a], _i, count) => bindParams(count === 2 ? [arrayElem(a), INDEX] : [arrayElem(a)], count),
  resolve(args, ctx, name) {
    const a = arrayArg(name, args, 0, ctx);
    const l = requireLambda(name, args, 1);
    requireBooleanBody(name, args, l, 1);
    return { args: [a, l], type: a.type, nullable: a.nullable };
  },
  eval(node, input, env, index) {
    const arr = compile(node.args[0]!, input, env, index);
    const lam = lambdaOf(node, 1);
    const body = compileLambda(lam, input, env, index);
    const { type: et } = arrayElem(node.args[0]);
    return (b) => {
      const x = explodeArrays(arr(b));
      const res = body(b, x.rows, [vecFromValues(et, x.elems), vecFromValues(T.int, x.pos)].slice(0, lam.params.length));
      const out: unknown[] = new Array(b.length);
      let k = 0;
      for (let i = 0; i < b.length; i++) {
        const a = x.arrays[i];
        if (a === null || a === undefined) {
          out[i] = null;
          continue;
        }
        const r: unknown[] = [];
        for (let j = 0; j < a.length; j++) if (getValue(res, k++) === true) r.push(a[j] ?? null);
        out[i] = r;
      }
      return vecFromValues(node.type, out);
    };
  },
});

/** exists / forall: three-valued, like OR / AND over the elements. */
for (const [name, wanted] of [
  ['exists', true],
  ['forall', false],
] as const) {
  defHigherOrder({
    name,
    arity: [2, 2],
    lambdaParams: ([a], _i, count) => bindParams([arrayElem(a)], count),
    resolve(args, ctx, called) {
      const a = arrayArg(called, args, 0, ctx);
      const l = requireLambda(called, args, 1);
      requireBooleanBody(called, args, l, 1);
      return { args: [a, l], type: T.boolean, nullable: a.nullable || l.nullable };
    },
    eval(node, input, env, index) {
      const arr = compile(node.args[0]!, input, env, index);
      const body = compileLambda(lambdaOf(node, 1), input, env, index);
      const { type: et } = arrayElem(node.args[0]);
      return (b) => {
        const x = explodeArrays(arr(b));
        const res = body(b, x.rows, [vecFromValues(et, x.elems)]);
        const out: (boolean | null)[] = new Array(b.length);
        let k = 0;
        for (let i = 0; i < b.length; i++) {
          const a = x.arrays[i];
          if (a === null || a === undefined) {
            out[i] = null;
            continue;
          }
          let hit = false;
          let sawNull = false;
          for (let j = 0; j < a.length; j++) {
            const r = getValue(res, k++);
            if (r === null) sawNull = true;
            else if (r === wanted) hit = true;
          }
          out[i] = hit ? wanted : sawNull ? null : !wanted;
        }
        return vecFromValues(T.boolean, out);
      };
    },
  });
}

/** The finish function `aggregate` gets when none is given: `acc -> acc`. */
function identityLambda(t: DataType): LambdaNode {
  const id = newId();
  const v: RExpr = { k: 'lambdaVar', id, name: 'id', type: t, nullable: true, sql: 'namedlambdavariable()' };
  return { k: 'lambda', params: [{ id, name: 'id', type: t }], body: v, type: t, nullable: true, sql: 'lambdafunction(namedlambdavariable(), namedlambdavariable())' };
}

/** aggregate(array, zero, (acc, x) -> acc', [acc -> result]) */
defHigherOrder(
  {
    name: 'aggregate',
    arity: [3, 4],
    lambdaParams: ([a, zero], i, count) => {
      const acc = { type: zero?.type ?? T.null, nullable: true };
      return bindParams(i === 0 ? [acc, arrayElem(a)] : [acc], count);
    },
    resolve(args, ctx, name) {
      const a = arrayArg(name, args, 0, ctx);
      const zero = args[1]!;
      const merge = requireLambda(name, args, 2);
      const finish = args.length > 3 ? requireLambda(name, args, 3) : identityLambda(zero.type);
      const all = [a, zero, merge, finish];
      if (!sameTypeIgnoringNullability(zero.type, merge.type)) throw unexpectedInputType(callSql(name, all), 2, `"${typeSql(zero.type)}"`, merge);
      return { args: all, type: finish.type, nullable: a.nullable || finish.nullable, sql: callSql(name, all) };
    },
    eval(node, input, env, index) {
      const arr = compile(node.args[0]!, input, env, index);
      const zero = compile(node.args[1]!, input, env, index);
      const merge = compileLambda(node.args[2], input, env, index);
      const finish = compileLambda(node.args[3], input, env, index);
      const accType = node.args[1]!.type;
      const { type: et } = arrayElem(node.args[0]);
      return (b) => {
        const arrays = valuesOf(arr(b)) as (unknown[] | null)[];
        const acc = valuesOf(zero(b));
        const live: number[] = [];
        let longest = 0;
        for (let i = 0; i < b.length; i++) {
          const a = arrays[i];
          if (a === null || a === undefined) continue;
          live.push(i);
          if (a.length > longest) longest = a.length;
        }
        // One merge evaluation per element position, over every row whose array is that long.
        for (let j = 0; j < longest; j++) {
          const rows = live.filter((i) => arrays[i]!.length > j);
          const accVec = vecFromValues(
            accType,
            rows.map((i) => acc[i]),
          );
          const elemVec = vecFromValues(
            et,
            rows.map((i) => arrays[i]![j] ?? null),
          );
          const next = merge(b, rows, [accVec, elemVec]);
          for (let k = 0; k < rows.length; k++) acc[rows[k]!] = getValue(next, k);
        }
        const done = finish(b, live, [vecFromValues(accType, live.map((i) => acc[i]))]);
        const out: unknown[] = new Array(b.length).fill(null);
        for (let k = 0; k < live.length; k++) out[live[k]!] = getValue(done, k);
        return vecFromValues(node.type, out);
      };
    },
  },
  'reduce',
);

function sameTypeIgnoringNullability(a: DataType, b: DataType): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'array' && b.type === 'array') return sameTypeIgnoringNullability(a.elementType, b.elementType);
  if (a.type === 'map' && b.type === 'map') return sameTypeIgnoringNullability(a.keyType, b.keyType) && sameTypeIgnoringNullability(a.valueType, b.valueType);
  if (a.type === 'struct' && b.type === 'struct')
    return a.fields.length === b.fields.length && a.fields.every((f, i) => sameTypeIgnoringNullability(f.dataType, b.fields[i]!.dataType));
  return typeEquals(a, b);
}

/** zip_with(left, right, (x, y) -> ...): the shorter array is padded with NULLs. */
defHigherOrder({
  name: 'zip_with',
  arity: [3, 3],
  lambdaParams: ([l, r], _i, count) =>
    bindParams(
      [
        { type: arrayElem(l).type, nullable: true },
        { type: arrayElem(r).type, nullable: true },
      ],
      count,
    ),
  resolve(args, ctx, name) {
    const l = arrayArg(name, args, 0, ctx);
    const r = arrayArg(name, args, 1, ctx);
    const f = requireLambda(name, args, 2);
    return { args: [l, r, f], type: T.array(f.type, f.nullable), nullable: l.nullable || r.nullable };
  },
  eval(node, input, env, index) {
    const left = compile(node.args[0]!, input, env, index);
    const right = compile(node.args[1]!, input, env, index);
    const body = compileLambda(node.args[2], input, env, index);
    const lt = arrayElem(node.args[0]).type;
    const rt = arrayElem(node.args[1]).type;
    return (b) => {
      const ls = valuesOf(left(b)) as (unknown[] | null)[];
      const rs = valuesOf(right(b)) as (unknown[] | null)[];
      const rows: number[] = [];
      const xs: unknown[] = [];
      const ys: unknown[] = [];
      const lens: number[] = new Array(b.length).fill(-1);
      for (let i = 0; i < b.length; i++) {
        const l = ls[i];
        const r = rs[i];
        if (l === null || l === undefined || r === null || r === undefined) continue;
        const n = Math.max(l.length, r.length);
        lens[i] = n;
        for (let j = 0; j < n; j++) {
          rows.push(i);
          xs.push(l[j] ?? null);
          ys.push(r[j] ?? null);
        }
      }
      const res = body(b, rows, [vecFromValues(lt, xs), vecFromValues(rt, ys)]);
      const out: unknown[] = new Array(b.length);
      let k = 0;
      for (let i = 0; i < b.length; i++) {
        if (lens[i]! < 0) {
          out[i] = null;
          continue;
        }
        const r: unknown[] = new Array(lens[i]!);
        for (let j = 0; j < lens[i]!; j++) r[j] = getValue(res, k++);
        out[i] = r;
      }
      return vecFromValues(node.type, out);
    };
  },
});

/** Spark's name for the comparator `array_sort` uses when none is given. */
const DEFAULT_COMPARATOR_SQL = (() => {
  const v = 'namedlambdavariable()';
  const cond = `((${v} IS NULL) AND (${v} IS NULL))`;
  const inner = `(IF((${v} < ${v}), -1, (IF((${v} > ${v}), 1, 0))))`;
  return `lambdafunction((IF(${cond}, 0, (IF((${v} IS NULL), 1, (IF((${v} IS NULL), -1, ${inner})))))), ${v}, ${v})`;
})();

function comparatorReturnsNull(t: DataType, x: unknown, y: unknown): PerennialError {
  const a = formatValue(t, x, { timeZone: 'UTC' });
  const c = formatValue(t, y, { timeZone: 'UTC' });
  return new PerennialError(
    'COMPARATOR_RETURNS_NULL',
    `[COMPARATOR_RETURNS_NULL] The comparator has returned a NULL for a comparison between ${a} and ${c}. It should return a positive integer for "greater than", 0 for "equal" and a negative integer for "less than". To revert to deprecated behavior where NULL is treated as 0 (equal), you must set "spark.sql.legacy.allowNullComparisonResultInArraySort" to "true". SQLSTATE: 22004`,
    { messageParameters: { firstValue: a, secondValue: c } },
  );
}

/** array_sort(array): ascending, NULLs last. */
function defaultSort(et: DataType, a: unknown[]): unknown[] {
  if (et.type === 'null') return [...a];
  return [...a].sort((x, y) => (x === null || y === null ? (x === y ? 0 : x === null ? 1 : -1) : compareValues(et, x, y)));
}

/** array_sort(array[, (left, right) -> int]) */
defHigherOrder({
  name: 'array_sort',
  arity: [1, 2],
  lambdaParams: ([a], _i, count) => bindParams([arrayElem(a), arrayElem(a)], count),
  resolve(args, ctx, name) {
    const a = arrayArg(name, args, 0, ctx);
    if (args.length === 1) {
      const et = arrayElem(a).type;
      if (et.type === 'map')
        throw dataTypeMismatch('INVALID_ORDERING_TYPE', `array_sort(${a.sql}, ${DEFAULT_COMPARATOR_SQL})`, `The \`array_sort\` does not support ordering on type "${typeSql(et)}".`);
      return { args: [a], type: a.type, nullable: a.nullable, sql: `${name}(${a.sql}, ${DEFAULT_COMPARATOR_SQL})` };
    }
    const f = requireLambda(name, args, 1);
    if (f.type.type !== 'integer')
      throw dataTypeMismatch(
        'UNEXPECTED_RETURN_TYPE',
        callSql(name, [a, f]),
        `The \`lambdafunction\` requires return "INT" type, but the actual is "${typeSql(f.type)}" type.`,
        { functionName: '`lambdafunction`', expectedType: '"INT"', actualType: `"${typeSql(f.type)}"` },
      );
    return { args: [a, f], type: a.type, nullable: a.nullable };
  },
  eval(node, input, env, index) {
    const arr = compile(node.args[0]!, input, env, index);
    const et = arrayElem(node.args[0]).type;
    if (node.args.length === 1) {
      return (b) => {
        const v = arr(b);
        const out: unknown[] = new Array(b.length);
        for (let i = 0; i < b.length; i++) {
          const a = getValue(v, i) as unknown[] | null;
          out[i] = a === null ? null : defaultSort(et, a);
        }
        return vecFromValues(node.type, out);
      };
    }
    const cmp = compileLambda(node.args[1], input, env, index);
    return (b) => {
      const v = arr(b);
      const out: unknown[] = new Array(b.length);
      for (let i = 0; i < b.length; i++) {
        const a = getValue(v, i) as unknown[] | null;
        if (a === null || et.type === 'null') {
          out[i] = a === null ? null : [...a];
          continue;
        }
        const row = [i];
        out[i] = [...a].sort((x, y) => {
          const r = getValue(cmp(b, row, [vecFromValues(et, [x]), vecFromValues(et, [y])]), 0);
          if (r === null) throw comparatorReturnsNull(et, x, y);
          return r as number;
        });
      }
      return vecFromValues(node.type, out);
    };
  },
});

// ------------------------------------------------------------------ map functions

/** Every entry of the maps in `v`, as element rows. */
interface ExplodedMaps {
  rows: number[];
  keys: unknown[];
  values: unknown[];
  maps: (MapV | null)[];
}

function explodeMaps(v: Vec): ExplodedMaps {
  const out: ExplodedMaps = { rows: [], keys: [], values: [], maps: new Array(v.length) };
  for (let i = 0; i < v.length; i++) {
    const m = getValue(v, i) as MapV | null;
    out.maps[i] = m;
    if (m === null) continue;
    for (let j = 0; j < m.keys.length; j++) {
      out.rows.push(i);
      out.keys.push(m.keys[j]);
      out.values.push(m.values[j] ?? null);
    }
  }
  return out;
}

type MapEntryFn = (m: MapV, res: Vec, start: number, node: CallNode) => MapV;

/** A function over (key, value) lambda pairs of one map; `finish` builds each row's result map. */
function defMapLambda(name: string, resultType: (m: RExpr, f: LambdaNode) => DataType, finish: MapEntryFn, boolBody = false): void {
  defHigherOrder({
    name,
    arity: [2, 2],
    lambdaParams: ([m], _i, count) => bindParams(mapKV(m), count),
    resolve(args, _ctx, called) {
      const m = mapArg(called, args, 0);
      const f = requireLambda(called, args, 1);
      if (boolBody) requireBooleanBody(called, args, f, 1);
      return { args: [m, f], type: resultType(m, f), nullable: m.nullable };
    },
    eval(node, input, env, index) {
      const map = compile(node.args[0]!, input, env, index);
      const body = compileLambda(node.args[1], input, env, index);
      const [kt, vt] = mapKV(node.args[0]);
      return (b) => {
        const x = explodeMaps(map(b));
        const res = body(b, x.rows, [vecFromValues(kt.type, x.keys), vecFromValues(vt.type, x.values)]);
        const out: unknown[] = new Array(b.length);
        let k = 0;
        for (let i = 0; i < b.length; i++) {
          const m = x.maps[i];
          if (m === null || m === undefined) {
            out[i] = null;
            continue;
          }
          out[i] = finish(m, res, k, node);
          k += m.keys.length;
        }
        return vecFromValues(node.type, out);
      };
    },
  });
}

defMapLambda(
  'map_filter',
  (m) => m.type,
  (m, res, start) => {
    const keys: unknown[] = [];
    const values: unknown[] = [];
    for (let j = 0; j < m.keys.length; j++)
      if (getValue(res, start + j) === true) {
        keys.push(m.keys[j]);
        values.push(m.values[j] ?? null);
      }
    return { keys, values };
  },
  true,
);

defMapLambda(
  'transform_keys',
  (m, f) => (m.type.type === 'map' ? T.map(f.type, m.type.valueType, m.type.valueContainsNull) : T.null),
  (m, res, start, node) => {
    const b = new MapBuilder(node.type.type === 'map' ? node.type.keyType : T.null);
    for (let j = 0; j < m.keys.length; j++) b.put(getValue(res, start + j), m.values[j] ?? null);
    return b.build();
  },
);

defMapLambda(
  'transform_values',
  (m, f) => (m.type.type === 'map' ? T.map(m.type.keyType, f.type, f.nullable) : T.null),
  (m, res, start) => {
    const values: unknown[] = new Array(m.keys.length);
    for (let j = 0; j < m.keys.length; j++) values[j] = getValue(res, start + j);
    return { keys: [...m.keys], values };
  },
);

/** map_zip_with(m1, m2, (k, v1, v2) -> ...): over the union of keys, NULL for a missing side. */
defHigherOrder({
  name: 'map_zip_with',
  arity: [3, 3],
  lambdaParams: ([l, r], _i, count) => {
    const [lk, lv] = mapKV(l);
    const [rk, rv] = mapKV(r);
    const kt = commonType(lk.type, rk.type, false) ?? lk.type;
    return bindParams(
      [
        { type: kt, nullable: false },
        { type: lv.type, nullable: true },
        { type: rv.type, nullable: true },
      ],
      count,
    );
  },
  resolve(args, ctx, name) {
    let l = mapArg(name, args, 0);
    let r = mapArg(name, args, 1);
    const f = requireLambda(name, args, 2);
    if (l.type.type !== 'map' || r.type.type !== 'map') throw internalError('map_zip_with over non-maps');
    const kt = commonType(l.type.keyType, r.type.keyType, false);
    if (!kt)
      throw dataTypeMismatch(
        'MAP_ZIP_WITH_DIFF_TYPES',
        callSql(name, args),
        `Input to the \`map_zip_with\` should have been two maps with compatible key types, but it's ["${typeSql(l.type.keyType)}", "${typeSql(r.type.keyType)}"].`,
      );
    if (!typeEquals(kt, l.type.keyType)) l = castTo(l, T.map(kt, l.type.valueType, l.type.valueContainsNull), ctx);
    if (!typeEquals(kt, r.type.keyType)) r = castTo(r, T.map(kt, r.type.valueType, r.type.valueContainsNull), ctx);
    return { args: [l, r, f], type: T.map(kt, f.type, f.nullable), nullable: l.nullable || r.nullable };
  },
  eval(node, input, env, index) {
    const left = compile(node.args[0]!, input, env, index);
    const right = compile(node.args[1]!, input, env, index);
    const body = compileLambda(node.args[2], input, env, index);
    const [kt, lv] = mapKV(node.args[0]);
    const [, rv] = mapKV(node.args[1]);
    return (b) => {
      const ls = valuesOf(left(b)) as (MapV | null)[];
      const rs = valuesOf(right(b)) as (MapV | null)[];
      const rows: number[] = [];
      const ks: unknown[] = [];
      const v1: unknown[] = [];
      const v2: unknown[] = [];
      const counts: number[] = new Array(b.length).fill(-1);
      for (let i = 0; i < b.length; i++) {
        const l = ls[i];
        const r = rs[i];
        if (!l || !r) continue;
        // Keys in first-seen order: the left map's, then the right map's new ones.
        const slot = new Map<unknown, number>();
        const keys: unknown[] = [];
        const a: unknown[] = [];
        const c: unknown[] = [];
        l.keys.forEach((k, j) => {
          slot.set(valueKey(kt.type, k), keys.length);
          keys.push(k);
          a.push(l.values[j] ?? null);
          c.push(null);
        });
        r.keys.forEach((k, j) => {
          const key = valueKey(kt.type, k);
          const s = slot.get(key);
          if (s !== undefined) c[s] = r.values[j] ?? null;
          else {
            slot.set(key, keys.length);
            keys.push(k);
            a.push(null);
            c.push(r.values[j] ?? null);
          }
        });
        counts[i] = keys.length;
        for (let j = 0; j < keys.length; j++) {
          rows.push(i);
          ks.push(keys[j]);
          v1.push(a[j]);
          v2.push(c[j]);
        }
      }
      const res = body(b, rows, [vecFromValues(kt.type, ks), vecFromValues(lv.type, v1), vecFromValues(rv.type, v2)]);
      const out: unknown[] = new Array(b.length);
      let k = 0;
      for (let i = 0; i < b.length; i++) {
        const n = counts[i]!;
        if (n < 0) {
          out[i] = null;
          continue;
        }
        const keys = ks.slice(k, k + n);
        const values: unknown[] = new Array(n);
        for (let j = 0; j < n; j++) values[j] = getValue(res, k + j);
        out[i] = { keys, values };
        k += n;
      }
      return vecFromValues(node.type, out);
    };
  },
});
