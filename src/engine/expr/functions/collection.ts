/** Array, map and struct functions. */
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, typeSql } from '../../plan/type-utils.js';
import { compareValues } from '../compare.js';
import { invalidArrayIndex } from '../errors.js';
import { castTo, coerceAll, commonTypeOf } from './coercion.js';
import { callSql, coerceArgs, defRow } from './helpers.js';
import { dataTypeMismatch, register } from './registry.js';

type MapV = { keys: unknown[]; values: unknown[] };
const elemType = (a: RExpr): DataType => (a.type.type === 'array' ? a.type.elementType : T.null);

register({
  name: 'array',
  arity: [0, -1],
  resolve(args, ctx) {
    const a = coerceAll(args, ctx, callSql('array', args));
    const et = a.length ? commonTypeOf(a) : T.null;
    return { args: a, type: T.array(et.type === 'null' && a.length === 0 ? T.null : et, a.some((x) => x.nullable)), nullable: false };
  },
  row: (vals) => [...vals],
  nullSafe: true,
});

register({
  name: 'size',
  arity: [1, 1],
  resolve(args, ctx) {
    const a = args[0]!;
    if (a.type.type !== 'array' && a.type.type !== 'map' && a.type.type !== 'null')
      throw dataTypeMismatch('UNEXPECTED_INPUT_TYPE', callSql('size', args), `The first parameter requires the ("ARRAY" or "MAP") type, however "${a.sql}" has the type "${typeSql(a.type)}".`);
    return { args, type: T.int, nullable: !ctx.legacySizeOfNull && a.nullable, opts: { legacy: ctx.legacySizeOfNull } };
  },
  row([v], ctx, node) {
    if (v === null) return node.opts?.legacy ? -1 : null;
    void ctx;
    return Array.isArray(v) ? v.length : (v as MapV).keys.length;
  },
  nullSafe: true,
}, 'cardinality');

register({
  name: 'array_contains',
  arity: [2, 2],
  resolve(args, ctx) {
    const [a] = coerceArgs('array_contains', args, ['array', 'any'], ctx);
    const v = castTo(args[1]!, elemType(a!), ctx);
    return { args: [a!, v], type: T.boolean, nullable: true };
  },
  row([arr, v], _ctx, node) {
    const et = elemType(node.args[0]!);
    let sawNull = false;
    for (const e of arr as unknown[]) {
      if (e === null) sawNull = true;
      else if (compareValues(et, e, v) === 0) return true;
    }
    return sawNull ? null : false;
  },
});

register({
  name: 'element_at',
  arity: [2, 2],
  resolve(args, ctx) {
    const a = args[0]!;
    if (a.type.type === 'map') return { args: [a, castTo(args[1]!, a.type.keyType, ctx)], type: a.type.valueType, nullable: true };
    const [arr, idx] = coerceArgs('element_at', args, ['array', T.int], ctx);
    return { args: [arr!, idx!], type: elemType(arr!), nullable: true };
  },
  row([c, k], ctx, node) {
    const t = node.args[0]!.type;
    if (t.type === 'map') {
      const m = c as MapV;
      const i = m.keys.findIndex((x) => compareValues(t.keyType, x, k) === 0);
      return i < 0 ? null : m.values[i];
    }
    const arr = c as unknown[];
    const i = k as number;
    if (i === 0) throw dataTypeMismatch('INVALID_INDEX_OF_ZERO', 'element_at', 'The index 0 is invalid.');
    const j = i > 0 ? i - 1 : arr.length + i;
    if (j < 0 || j >= arr.length) {
      if (ctx.ansi) throw invalidArrayIndex(i, arr.length);
      return null;
    }
    return arr[j];
  },
}, 'try_element_at');

defRow('array_distinct', {
  args: ['array'],
  ret: (a) => a[0]!.type,
  row: ([arr], _c, node) => {
    const et = elemType(node.args[0]!);
    const out: unknown[] = [];
    for (const e of arr as unknown[]) if (!out.some((x) => (x === null ? e === null : e !== null && compareValues(et, x, e) === 0))) out.push(e);
    return out;
  },
});
for (const [name, sign] of [
  ['array_max', 1],
  ['array_min', -1],
] as const) {
  defRow(name, {
    args: ['array'],
    ret: (a) => elemType(a[0]!),
    nullable: true,
    row: ([arr], _c, node) => {
      const et = elemType(node.args[0]!);
      let best: unknown = null;
      for (const e of arr as unknown[]) if (e !== null && (best === null || sign * compareValues(et, e, best) > 0)) best = e;
      return best;
    },
  });
}
defRow('sort_array', {
  args: ['array', T.boolean],
  arity: [1, 2],
  ret: (a) => a[0]!.type,
  row: ([arr, asc], _c, node) => {
    const et = elemType(node.args[0]!);
    const up = asc !== false;
    return [...(arr as unknown[])].sort((x, y) => {
      if (x === null || y === null) return x === y ? 0 : (x === null ? -1 : 1) * (up ? 1 : -1);
      return (up ? 1 : -1) * compareValues(et, x, y);
    });
  },
});
defRow('array_join', {
  args: ['array', 'string', 'string'],
  arity: [2, 3],
  ret: T.string,
  row: ([arr, d, nr]) =>
    (arr as unknown[])
      .filter((e) => e !== null || nr !== undefined)
      .map((e) => (e === null ? nr : String(e)))
      .join(d as string),
});
defRow('array_position', {
  args: ['array', 'any'],
  ret: T.long,
  row: ([arr, v], _c, node) => BigInt((arr as unknown[]).findIndex((e) => e !== null && compareValues(elemType(node.args[0]!), e, v) === 0) + 1),
});
defRow('array_remove', {
  args: ['array', 'any'],
  ret: (a) => a[0]!.type,
  row: ([arr, v], _c, node) => (arr as unknown[]).filter((e) => e === null || compareValues(elemType(node.args[0]!), e, v) !== 0),
});
defRow('array_repeat', { args: ['any', T.int], ret: (a) => T.array(a[0]!.type), nullSafe: true, nullable: true, row: ([v, n]) => (n === null ? null : new Array(Math.max(0, n as number)).fill(v)) });
defRow('slice', {
  args: ['array', T.int, T.int],
  ret: (a) => a[0]!.type,
  row: ([arr, s, l]) => {
    const a = arr as unknown[];
    const start = (s as number) > 0 ? (s as number) - 1 : a.length + (s as number);
    return a.slice(Math.max(0, start), Math.max(0, start) + (l as number));
  },
});
defRow('flatten', {
  args: ['array'],
  ret: (a) => elemType(a[0]!),
  nullable: true,
  row: ([arr]) => ((arr as unknown[]).some((x) => x === null) ? null : (arr as unknown[][]).flat()),
});
defRow('arrays_overlap', {
  args: ['array', 'array'],
  ret: T.boolean,
  nullable: true,
  row: ([a, b], _c, node) => {
    const et = elemType(node.args[0]!);
    let sawNull = false;
    for (const x of a as unknown[]) {
      if (x === null) {
        sawNull = true;
        continue;
      }
      for (const y of b as unknown[]) {
        if (y === null) sawNull = true;
        else if (compareValues(et, x, y) === 0) return true;
      }
    }
    return sawNull && (a as unknown[]).length && (b as unknown[]).length ? null : false;
  },
});
for (const name of ['array_union', 'array_intersect', 'array_except']) {
  defRow(name, {
    args: ['array', 'array'],
    ret: (a) => a[0]!.type,
    row: ([a, b], _c, node) => {
      const et = elemType(node.args[0]!);
      const eq = (x: unknown, y: unknown) => (x === null || y === null ? x === y : compareValues(et, x, y) === 0);
      const A = a as unknown[];
      const B = b as unknown[];
      const out: unknown[] = [];
      const add = (x: unknown) => {
        if (!out.some((y) => eq(x, y))) out.push(x);
      };
      if (name === 'array_union') [...A, ...B].forEach(add);
      else if (name === 'array_intersect') A.filter((x) => B.some((y) => eq(x, y))).forEach(add);
      else A.filter((x) => !B.some((y) => eq(x, y))).forEach(add);
      return out;
    },
  });
}
defRow('map_keys', { args: ['map'], ret: (a) => (a[0]!.type.type === 'map' ? T.array(a[0]!.type.keyType) : T.null), row: ([m]) => (m as MapV).keys });
defRow('map_values', {
  args: ['map'],
  ret: (a) => (a[0]!.type.type === 'map' ? T.array(a[0]!.type.valueType, a[0]!.type.valueContainsNull) : T.null),
  row: ([m]) => (m as MapV).values,
});
defRow('map_contains_key', {
  args: ['map', 'any'],
  ret: T.boolean,
  row: ([m, k], _c, node) => {
    const t = node.args[0]!.type;
    return (m as MapV).keys.some((x) => t.type === 'map' && compareValues(t.keyType, x, k) === 0);
  },
});

register({
  name: 'struct',
  arity: [0, -1],
  resolve(args) {
    const fields = args.map((a, i) => ({ name: a.k === 'ref' || a.k === 'lambdaVar' ? a.name : structFieldName(a, i), dataType: a.type, nullable: a.nullable }));
    return { args, type: T.struct(fields), nullable: false };
  },
  row: (vals) => [...vals],
  nullSafe: true,
});
/** A parenthesised row `(a, b)`: a struct whose generated name lists its field names. */
register({
  name: '__row_struct',
  arity: [1, -1],
  resolve(args) {
    const fields = args.map((a, i) => ({ name: a.k === 'ref' || a.k === 'lambdaVar' ? a.name : structFieldName(a, i), dataType: a.type, nullable: a.nullable }));
    const sql = `named_struct(${fields.map((f, i) => `${f.name}, ${args[i]!.sql}`).join(', ')})`;
    return { args, type: T.struct(fields), nullable: false, sql };
  },
  row: (vals) => [...vals],
  nullSafe: true,
});
function structFieldName(a: RExpr, i: number): string {
  return (a as { alias?: string }).alias ?? `col${i + 1}`;
}
register({
  name: 'named_struct',
  arity: [0, -1],
  resolve(args) {
    const fields = [];
    const vals: RExpr[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const n = args[i]!;
      if (n.k !== 'lit') throw dataTypeMismatch('NON_FOLDABLE_INPUT', callSql('named_struct', args), 'the input names should be a foldable string expression.');
      fields.push({ name: String(n.value), dataType: args[i + 1]!.type, nullable: args[i + 1]!.nullable });
      vals.push(args[i + 1]!);
    }
    return { args: vals, type: T.struct(fields), nullable: false, sql: callSql('named_struct', args) };
  },
  row: (vals) => [...vals],
  nullSafe: true,
});

/** `col[k]`, `col.field`, `arr[i]` (0-based for arrays). */
register({
  name: 'extract_value',
  arity: [2, 2],
  resolve(args, ctx) {
    const [c, k] = args as [RExpr, RExpr];
    if (c.type.type === 'struct') {
      const name = String((k as { value?: unknown }).value);
      const idx = c.type.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
      if (idx < 0) throw dataTypeMismatch('FIELD_NOT_FOUND', c.sql, `No such struct field \`${name}\` in ${c.type.fields.map((f) => `\`${f.name}\``).join(', ')}.`);
      const f = c.type.fields[idx]!;
      return { args: [c], type: f.dataType, nullable: c.nullable || f.nullable, opts: { field: idx }, sql: `${c.sql}.${f.name}` };
    }
    if (c.type.type === 'map') return { args: [c, castTo(k, c.type.keyType, ctx)], type: c.type.valueType, nullable: true, sql: `${c.sql}[${k.sql}]` };
    if (c.type.type === 'array') {
      if (k.k === 'lit' && typeof k.value === 'string') {
        // array of structs: field of each element.
        const et = c.type.elementType;
        if (et.type === 'struct') {
          const idx = et.fields.findIndex((f) => f.name.toLowerCase() === String(k.value).toLowerCase());
          const f = et.fields[idx]!;
          return { args: [c], type: T.array(f.dataType, f.nullable), nullable: c.nullable, opts: { arrField: idx }, sql: `${c.sql}.${f.name}` };
        }
      }
      return { args: [c, castTo(k, T.int, ctx)], type: c.type.elementType, nullable: true, sql: `${c.sql}[${k.sql}]` };
    }
    throw dataTypeMismatch('INVALID_EXTRACT_BASE_FIELD_TYPE', c.sql, `Can't extract a value from "${c.sql}". Need a complex type [STRUCT, ARRAY, MAP] but got "${typeSql(c.type)}".`);
  },
  row(vals, ctx, node) {
    const t = node.args[0]!.type;
    const c = vals[0];
    if (node.opts?.field !== undefined) return (c as unknown[])[node.opts.field as number] ?? null;
    if (node.opts?.arrField !== undefined) return (c as unknown[][]).map((e) => (e === null ? null : (e[node.opts!.arrField as number] ?? null)));
    if (t.type === 'map') {
      const m = c as MapV;
      const i = m.keys.findIndex((x) => compareValues(t.keyType, x, vals[1]) === 0);
      return i < 0 ? null : m.values[i];
    }
    const arr = c as unknown[];
    const i = vals[1] as number;
    if (i < 0 || i >= arr.length) {
      if (ctx.ansi) throw invalidArrayIndex(i, arr.length);
      return null;
    }
    return arr[i];
  },
});
