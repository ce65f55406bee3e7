/** Functions that build maps: map, map_from_arrays, map_from_entries, map_concat, str_to_map; and map_entries. */
import { userError } from '../../../core/errors.js';
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, typeSql } from '../../plan/type-utils.js';
import { coerceAll } from './coercion.js';
import { callSql, coerceArgs, defRow } from './helpers.js';
import { MapBuilder, type MapV, buildMap } from './map-data.js';
import { dataTypeMismatch, register, unexpectedInputType, wrongNumArgs } from './registry.js';

const keyTypeOf = (t: DataType): DataType => (t.type === 'map' ? t.keyType : T.null);

register({
  name: 'map',
  arity: [0, -1],
  resolve(args, ctx) {
    if (args.length % 2 !== 0) throw wrongNumArgs('map', '2n (n > 0)', args.length);
    const sql = callSql('map', args);
    const ks = coerceAll(
      args.filter((_, i) => i % 2 === 0),
      ctx,
      sql,
    );
    const vs = coerceAll(
      args.filter((_, i) => i % 2 === 1),
      ctx,
      sql,
    );
    const kt = ks[0]?.type ?? T.null;
    if (kt.type === 'map') throw dataTypeMismatch('INVALID_MAP_KEY_TYPE', sql, `The key of map cannot be/contain "${typeSql(kt)}".`);
    const all: RExpr[] = [];
    for (let i = 0; i < ks.length; i++) all.push(ks[i]!, vs[i]!);
    return { args: all, type: T.map(kt, vs[0]?.type ?? T.null, vs.some((v) => v.nullable)), nullable: false };
  },
  row(vals, _ctx, node) {
    const b = new MapBuilder(keyTypeOf(node.type));
    for (let i = 0; i < vals.length; i += 2) b.put(vals[i], vals[i + 1] ?? null);
    return b.build();
  },
  nullSafe: true,
});

defRow('map_from_arrays', {
  args: ['array', 'array'],
  ret: (a) => {
    const [k, v] = a as [RExpr, RExpr];
    const kt = k.type.type === 'array' ? k.type.elementType : T.null;
    return v.type.type === 'array' ? T.map(kt, v.type.elementType, v.type.containsNull) : T.map(kt, T.null);
  },
  row: ([k, v], _c, node) => {
    const ks = k as unknown[];
    const vs = v as unknown[];
    if (ks.length !== vs.length)
      throw userError('MAP_FROM_ARRAYS_LENGTH_MISMATCH', 'The key array and value array of MapData must have the same length.');
    return buildMap(keyTypeOf(node.type), ks, vs);
  },
});

/** map_from_entries(array<struct<k, v>>): NULL when an entry is NULL. */
register({
  name: 'map_from_entries',
  arity: [1, 1],
  resolve(args) {
    const a = args[0]!;
    const t = a.type;
    if (t.type !== 'array' || t.elementType.type !== 'struct' || t.elementType.fields.length !== 2)
      throw unexpectedInputType(callSql('map_from_entries', args), 0, '"ARRAY" of pair "STRUCT"', a);
    const k = t.elementType.fields[0]!;
    const v = t.elementType.fields[1]!;
    return { args, type: T.map(k.dataType, v.dataType, v.nullable), nullable: a.nullable || t.containsNull };
  },
  row([arr], _c, node) {
    const b = new MapBuilder(keyTypeOf(node.type));
    for (const e of arr as (unknown[] | null)[]) {
      if (e === null) return null;
      b.put(e[0], e[1] ?? null);
    }
    return b.build();
  },
});

/** map_concat(m1, m2, ...): entries in argument order; a key seen twice is an error. */
register({
  name: 'map_concat',
  arity: [0, -1],
  resolve(args, ctx) {
    const sql = callSql('map_concat', args);
    args.forEach((a, i) => {
      if (a.type.type !== 'map' && a.type.type !== 'null') throw unexpectedInputType(sql, i, '"MAP"', a);
    });
    if (args.length === 0) return { args, type: T.map(T.string, T.string, false), nullable: false };
    const coerced = coerceAll(args, ctx, sql);
    return { args: coerced, type: coerced[0]!.type, nullable: coerced.some((a) => a.nullable) };
  },
  row(vals, _c, node) {
    const b = new MapBuilder(keyTypeOf(node.type));
    for (const m of vals as MapV[]) for (let i = 0; i < m.keys.length; i++) b.put(m.keys[i], m.values[i] ?? null);
    return b.build();
  },
});

defRow('map_entries', {
  args: ['map'],
  ret: (a) => {
    const t = a[0]!.type;
    if (t.type !== 'map') return T.null;
    return T.array(
      T.struct([
        { name: 'key', dataType: t.keyType, nullable: false },
        { name: 'value', dataType: t.valueType, nullable: t.valueContainsNull },
      ]),
      false,
    );
  },
  row: ([m]) => {
    const x = m as MapV;
    return x.keys.map((k, i) => [k, x.values[i] ?? null]);
  },
});

/** str_to_map(text[, pairDelim[, keyValueDelim]]): both delimiters are regular expressions. */
register({
  name: 'str_to_map',
  arity: [1, 3],
  resolve(args, ctx) {
    const lit = (v: string): RExpr => ({ k: 'lit', value: v, type: T.string, nullable: false, sql: v });
    const full = [args[0]!, args[1] ?? lit(','), args[2] ?? lit(':')];
    const coerced = coerceArgs('str_to_map', full, ['string', 'string', 'string'], ctx);
    return { args: coerced, type: T.map(T.string, T.string, true), nullable: coerced.some((a) => a.nullable), sql: callSql('str_to_map', full) };
  },
  row([text, pairDelim, kvDelim]) {
    const b = new MapBuilder(T.string);
    const pair = new RegExp(pairDelim as string, 'u');
    const kv = new RegExp(kvDelim as string, 'u');
    for (const entry of (text as string).split(pair)) {
      const m = kv.exec(entry);
      if (!m || m[0].length === 0) b.put(entry, null);
      else b.put(entry.slice(0, m.index), entry.slice(m.index + m[0].length));
    }
    return b.build();
  },
});
