/** Implicit casts and the type rules shared by operators and functions (Spark's TypeCoercion / AnsiTypeCoercion). */
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import {
  T,
  boundedDecimal,
  commonType,
  decimalForIntegral,
  isIntegral,
  isNumeric,
  typeEquals,
  typeSql,
  widerNumeric,
} from '../../plan/type-utils.js';
import { type ResolveContext, dataTypeMismatch } from './registry.js';

/** An implicit cast: keeps the child's SQL so generated column names do not show it. */
export function implicitCast(e: RExpr, to: DataType, ctx?: { ansi: boolean }): RExpr {
  if (typeEquals(e.type, to) && !(to.type === 'decimal' && e.type.type === 'decimal' && (e.type.precision !== to.precision || e.type.scale !== to.scale)))
    return e;
  if (e.k === 'lit' && e.value === null) return { ...e, type: to };
  return { k: 'cast', child: e, mode: ctx?.ansi ? 'ansi' : 'legacy', type: to, nullable: e.nullable, sql: e.sql };
}

export function castTo(e: RExpr, to: DataType, ctx: { ansi: boolean }): RExpr {
  return implicitCast(e, to, ctx);
}

/** Spark's DecimalPrecision.adjustPrecisionScale (allowPrecisionLoss = true). */
export function adjustDecimal(p: number, s: number): DataType {
  if (p <= 38) return T.decimal(p, s);
  const intDigits = p - s;
  const minScale = Math.min(s, 6);
  return T.decimal(38, Math.max(38 - intDigits, minScale));
}

export function asDecimal(t: DataType): Extract<DataType, { type: 'decimal' }> {
  const d = t.type === 'decimal' ? t : decimalForIntegral(t);
  return d as Extract<DataType, { type: 'decimal' }>;
}

export function decimalResultType(op: string, a: DataType, b: DataType): DataType {
  const x = asDecimal(a);
  const y = asDecimal(b);
  const [p1, s1, p2, s2] = [x.precision, x.scale, y.precision, y.scale];
  switch (op) {
    case '+':
    case '-': {
      const s = Math.max(s1, s2);
      return adjustDecimal(Math.max(p1 - s1, p2 - s2) + s + 1, s);
    }
    case '*':
      return adjustDecimal(p1 + p2 + 1, s1 + s2);
    case '/': {
      const s = Math.max(6, s1 + p2 + 1);
      return adjustDecimal(p1 - s1 + s2 + s, s);
    }
    case '%':
    case 'pmod': {
      const s = Math.max(s1, s2);
      return adjustDecimal(Math.min(p1 - s1, p2 - s2) + s, s);
    }
    default:
      return boundedDecimal(Math.max(p1, p2), Math.max(s1, s2));
  }
}

function isStringLike(t: DataType): boolean {
  return t.type === 'string';
}

function diffTypes(opSql: string, l: DataType, r: DataType) {
  return dataTypeMismatch(
    'BINARY_OP_DIFF_TYPES',
    opSql,
    `the left and right operands of the binary operator have incompatible types ("${typeSql(l)}" and "${typeSql(r)}").`,
    { left: `"${typeSql(l)}"`, right: `"${typeSql(r)}"` },
  );
}

/**
 * Operand type for arithmetic (`+ - * / %`) after string promotion. Strict profiles reject implicit
 * string↔number; lenient ones cast the string (to double without ANSI, to bigint/double with ANSI).
 */
export function promoteStringForArithmetic(l: RExpr, r: RExpr, ctx: ResolveContext, opSql: string): [RExpr, RExpr] {
  const ls = isStringLike(l.type);
  const rs = isStringLike(r.type);
  if (ls === rs) return [l, r];
  const other = ls ? r.type : l.type;
  if (!isNumeric(other) && other.type !== 'null') return [l, r];
  if (ctx.strictStringNumber && other.type !== 'null') throw diffTypes(opSql, l.type, r.type);
  const target = ctx.ansi ? (isIntegral(other) ? T.long : other.type === 'decimal' ? T.double : T.double) : T.double;
  return ls ? [castTo(l, target, ctx), r] : [l, castTo(r, target, ctx)];
}

/** Coerces both sides of an arithmetic operator to the operation type; returns [l, r, operationType]. */
export function coerceArithmetic(l: RExpr, r: RExpr, op: string, ctx: ResolveContext, opSql: string): [RExpr, RExpr, DataType] {
  [l, r] = promoteStringForArithmetic(l, r, ctx, opSql);
  let lt = l.type;
  let rt = r.type;
  if (lt.type === 'null' && rt.type === 'null') {
    lt = rt = op === '/' ? T.double : T.int;
  } else if (lt.type === 'null') lt = rt;
  else if (rt.type === 'null') rt = lt;
  if (!isNumeric(lt) || !isNumeric(rt)) {
    if (!typeEquals(lt, rt)) throw diffTypes(opSql, l.type, r.type);
    throw dataTypeMismatch(
      'BINARY_OP_WRONG_TYPE',
      opSql,
      `the binary operator requires the input type ${op === '/' ? '("DOUBLE" or "DECIMAL")' : '"NUMERIC"'}, not "${typeSql(lt)}".`,
    );
  }
  if (op === '/') {
    // Divide works on double or decimal only.
    if (lt.type === 'decimal' || rt.type === 'decimal') {
      if (lt.type === 'float' || lt.type === 'double' || rt.type === 'float' || rt.type === 'double') {
        return [castTo(l, T.double, ctx), castTo(r, T.double, ctx), T.double];
      }
      const a = asDecimal(lt);
      const b = asDecimal(rt);
      return [castTo(l, a, ctx), castTo(r, b, ctx), decimalResultType('/', a, b)];
    }
    return [castTo(l, T.double, ctx), castTo(r, T.double, ctx), T.double];
  }
  if (op === 'div') {
    if (lt.type === 'decimal' || rt.type === 'decimal') {
      const a = asDecimal(lt.type === 'float' || lt.type === 'double' ? T.long : lt);
      const b = asDecimal(rt.type === 'float' || rt.type === 'double' ? T.long : rt);
      return [castTo(l, a, ctx), castTo(r, b, ctx), T.long];
    }
    return [castTo(l, T.long, ctx), castTo(r, T.long, ctx), T.long];
  }
  if (lt.type === 'decimal' || rt.type === 'decimal') {
    if (lt.type === 'float' || lt.type === 'double' || rt.type === 'float' || rt.type === 'double')
      return [castTo(l, T.double, ctx), castTo(r, T.double, ctx), T.double];
    const a = asDecimal(lt);
    const b = asDecimal(rt);
    return [castTo(l, a, ctx), castTo(r, b, ctx), decimalResultType(op, a, b)];
  }
  const w = widerNumeric(lt, rt)!;
  return [castTo(l, w, ctx), castTo(r, w, ctx), w];
}

/** Coerces the two sides of a comparison to one type (findCommonTypeForBinaryComparison). */
export function coerceComparison(l: RExpr, r: RExpr, ctx: ResolveContext, opSql: string): [RExpr, RExpr] {
  const lt = l.type;
  const rt = r.type;
  if (typeEquals(lt, rt)) {
    if (lt.type === 'decimal' && rt.type === 'decimal' && (lt.precision !== rt.precision || lt.scale !== rt.scale)) {
      const w = widerNumeric(lt, rt)!;
      return [castTo(l, w, ctx), castTo(r, w, ctx)];
    }
    return [l, r];
  }
  if (lt.type === 'null') return [castTo(l, rt, ctx), r];
  if (rt.type === 'null') return [l, castTo(r, lt, ctx)];
  const ls = isStringLike(lt);
  const rs = isStringLike(rt);
  if (ls !== rs) {
    const other = ls ? rt : lt;
    if (isNumeric(other)) {
      if (ctx.strictStringNumber) throw diffTypes(opSql, lt, rt);
      // Spark casts the string to the other side's type (ANSI: to the wider of it and bigint/double).
      const target = ctx.ansi && isIntegral(other) ? widerNumeric(other, T.long)! : other.type === 'decimal' ? T.double : other;
      return ls ? [castTo(l, target, ctx), castTo(r, target, ctx)] : [castTo(l, target, ctx), castTo(r, target, ctx)];
    }
    if (other.type === 'date' || other.type === 'timestamp' || other.type === 'timestamp_ntz' || other.type === 'boolean' || other.type === 'binary') {
      return ls ? [castTo(l, other, ctx), r] : [l, castTo(r, other, ctx)];
    }
  }
  const w = commonType(lt, rt, false);
  if (!w) throw diffTypes(opSql, lt, rt);
  return [castTo(l, w, ctx), castTo(r, w, ctx)];
}

/** Common type of several expressions (CASE/COALESCE/IN/array()), casting each to it. */
export function coerceAll(es: RExpr[], ctx: ResolveContext, fnSql: string, what = 'DATA_DIFF_TYPES'): RExpr[] {
  let t: DataType = T.null;
  for (const e of es) {
    const c = commonType(t, e.type, true);
    if (!c) {
      throw dataTypeMismatch(
        what,
        fnSql,
        `Input to \`${fnSql.replace(/\(.*$/s, '')}\` should all be the same type, but it's [${es.map((x) => `"${typeSql(x.type)}"`).join(', ')}].`,
        { functionName: `\`${fnSql.replace(/\(.*$/s, '')}\``, dataType: `[${es.map((x) => `"${typeSql(x.type)}"`).join(', ')}]` },
      );
    }
    t = c;
  }
  return es.map((e) => castTo(e, t, ctx));
}

export function commonTypeOf(es: RExpr[]): DataType {
  let t: DataType = T.null;
  for (const e of es) t = commonType(t, e.type, true) ?? t;
  return t;
}
