/** Conditional functions: coalesce, if, nvl, nvl2, nullif, greatest, least, assert_true. */
import type { RExpr } from '../../plan/logical-plan.js';
import { T, isNumeric, typeSql } from '../../plan/type-utils.js';
import { compareValues } from '../compare.js';
import { castTo, coerceAll } from './coercion.js';
import { callSql } from './helpers.js';
import { dataTypeMismatch, register, unexpectedInputType } from './registry.js';

register(
  {
    name: 'coalesce',
    arity: [1, -1],
    resolve(args, ctx, name) {
      const a = coerceAll(args, ctx, callSql(name, args));
      return { args: a, type: a[0]!.type, nullable: a.every((x) => x.nullable) };
    },
  },
);
for (const name of ['nvl', 'ifnull']) {
  register({
    name,
    arity: [2, 2],
    resolve(args, ctx) {
      const a = coerceAll(args, ctx, callSql(name, args));
      return { args: a, type: a[0]!.type, nullable: a.every((x) => x.nullable) };
    },
  });
}
register({
  name: 'nvl2',
  arity: [3, 3],
  resolve(args, ctx) {
    const [b, c] = coerceAll(args.slice(1), ctx, callSql('nvl2', args));
    return { args: [args[0]!, b!, c!], type: b!.type, nullable: b!.nullable || c!.nullable };
  },
});
register({
  name: 'if',
  arity: [3, 3],
  resolve(args, ctx) {
    const sql = `(IF(${args.map((a) => a.sql).join(', ')}))`;
    let cond = args[0]!;
    if (cond.type.type === 'null') cond = castTo(cond, T.boolean, ctx);
    if (cond.type.type !== 'boolean')
      throw dataTypeMismatch('UNEXPECTED_INPUT_TYPE', sql, `The first parameter requires the "BOOLEAN" type, however "${cond.sql}" has the type "${typeSql(cond.type)}".`);
    const [b, c] = coerceAll(args.slice(1), ctx, sql);
    return { args: [cond, b!, c!], type: b!.type, nullable: b!.nullable || c!.nullable, sql };
  },
}, 'iff');
register({
  name: 'nullif',
  arity: [2, 2],
  resolve(args, ctx) {
    const a = coerceAll(args, ctx, callSql('nullif', args));
    return { args: a, type: a[0]!.type, nullable: true };
  },
  row([a, b], _ctx, node) {
    if (b === null) return a;
    return compareValues(node.args[0]!.type, a, b) === 0 ? null : a;
  },
  nullSafe: true,
});
/** nullifzero(x) = nullif(x, 0); zeroifnull(x) = coalesce(x, 0). */
for (const name of ['nullifzero', 'zeroifnull']) {
  register({
    name,
    arity: [1, 1],
    resolve(args, ctx) {
      const a = args[0]!;
      const zero: RExpr = { k: 'lit', value: 0, type: T.int, nullable: false, sql: '0' };
      const [x] = coerceAll([a, zero], ctx, callSql(name, args));
      if (!isNumeric(x!.type)) throw unexpectedInputType(callSql(name, args), 0, '"NUMERIC"', a);
      // nullifzero keeps its input's type (the zero is only compared); zeroifnull widens like coalesce.
      if (name === 'nullifzero') {
        const keep = a.type.type === 'null' ? x! : a;
        return { args: [keep], type: keep.type, nullable: true };
      }
      return { args: [x!], type: x!.type, nullable: false };
    },
    row([v], _ctx, node) {
      const isZero = v !== null && compareValues(node.type, v, node.type.type === 'long' || node.type.type === 'decimal' ? 0n : 0) === 0;
      if (name === 'nullifzero') return isZero ? null : v;
      return v === null ? (node.type.type === 'long' || node.type.type === 'decimal' ? 0n : 0) : v;
    },
    nullSafe: true,
  });
}
for (const [name, sign] of [
  ['greatest', 1],
  ['least', -1],
] as const) {
  register({
    name,
    arity: [2, -1],
    resolve(args, ctx) {
      const a = coerceAll(args, ctx, callSql(name, args));
      return { args: a, type: a[0]!.type, nullable: a.every((x) => x.nullable) };
    },
    row(vals, _ctx, node) {
      let best: unknown = null;
      for (const v of vals) {
        if (v === null) continue;
        if (best === null || sign * compareValues(node.type, v, best) > 0) best = v;
      }
      return best;
    },
    nullSafe: true,
  });
}
