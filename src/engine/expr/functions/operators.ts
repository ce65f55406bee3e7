/** Operators: arithmetic, comparison, boolean logic, null tests, IN, LIKE, bitwise. */
import { PerennialError } from '../../../core/errors.js';
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, isIntegral, isNumeric, typeSql } from '../../plan/type-utils.js';
import { type Vec, andValid, byDictCode, constVec, getValue, storageOf, usefulDict, vecFromValues } from '../../arrow/vec.js';
import { type ArithOp, arith, negate } from '../arithmetic.js';
import { type CmpOp, compareVecs, valuesEqual } from '../compare.js';
import { addMonths, MICROS_PER_DAY } from '../datetime.js';
import { castTo, coerceAll, coerceArithmetic, coerceComparison } from './coercion.js';
import { callSql, coerceArgs } from './helpers.js';
import { intervalArith, intervalKernel } from './interval-arith.js';
import { type CallNode, type ResolveContext, type Resolved, dataTypeMismatch, register } from './registry.js';

const DAY_INTERVAL: DataType = { type: 'day_time_interval', startField: 0, endField: 0 };
const DAY_SECOND: DataType = { type: 'day_time_interval', startField: 0, endField: 3 };

/** Date/timestamp ± int/interval forms of + and -; undefined when the operands are plain numbers. */
function datetimeArith(op: '+' | '-', l: RExpr, r: RExpr, ctx: ResolveContext, sql: string): Resolved | undefined {
  const lt = l.type.type;
  const rt = r.type.type;
  if (lt === 'date' && (isIntegral(r.type) || (rt === 'string' && !ctx.strictStringNumber))) {
    const rr = isIntegral(r.type) ? castTo(r, T.int, ctx) : castTo(r, T.int, ctx);
    return { args: [l, rr], type: T.date, nullable: l.nullable || r.nullable, opts: { dt: op === '+' ? 'date_add' : 'date_sub' }, sql };
  }
  if (op === '+' && rt === 'date' && isIntegral(l.type))
    return { args: [r, castTo(l, T.int, ctx)], type: T.date, nullable: l.nullable || r.nullable, opts: { dt: 'date_add' }, sql };
  if (op === '-' && lt === 'date' && rt === 'date') return { args: [l, r], type: DAY_INTERVAL, nullable: l.nullable || r.nullable, opts: { dt: 'date_diff' }, sql };
  if (op === '-' && (lt === 'timestamp' || lt === 'timestamp_ntz') && (rt === 'timestamp' || rt === 'timestamp_ntz' || rt === 'date'))
    return { args: [l, castTo(r, l.type, ctx)], type: DAY_SECOND, nullable: l.nullable || r.nullable, opts: { dt: 'ts_diff' }, sql };
  if ((lt === 'timestamp' || lt === 'timestamp_ntz' || lt === 'date') && (rt === 'day_time_interval' || rt === 'calendar_interval' || rt === 'year_month_interval')) {
    if (lt === 'date' && rt === 'year_month_interval') return { args: [l, r], type: T.date, nullable: true, opts: { dt: op === '+' ? 'date_ym' : 'date_ym_sub' }, sql };
    // Spark keeps a date a date when the interval is whole days (DAY-only intervals, calendar intervals).
    if (lt === 'date' && rt === 'day_time_interval' && r.type.type === 'day_time_interval' && r.type.startField === 0 && r.type.endField === 0)
      return { args: [l, r], type: T.date, nullable: l.nullable || r.nullable, opts: { dt: op === '+' ? 'date_days' : 'date_days_sub' }, sql };
    if (lt === 'date' && rt === 'calendar_interval') return { args: [l, r], type: T.date, nullable: true, opts: { dt: op === '+' ? 'date_cal' : 'date_cal_sub' }, sql };
    const ll = lt === 'date' ? castTo(l, T.timestamp, ctx) : l;
    return { args: [ll, r], type: ll.type, nullable: true, opts: { dt: op === '+' ? 'ts_add' : 'ts_sub' }, sql };
  }
  if (op === '+' && (rt === 'timestamp' || rt === 'timestamp_ntz' || rt === 'date') && (lt === 'day_time_interval' || lt === 'calendar_interval' || lt === 'year_month_interval'))
    return datetimeArith('+', r, l, ctx, sql);
  if ((lt === 'day_time_interval' && rt === 'day_time_interval') || (lt === 'year_month_interval' && rt === 'year_month_interval'))
    return { args: [l, r], type: l.type, nullable: l.nullable || r.nullable, opts: { dt: op === '+' ? 'iv_add' : 'iv_sub' }, sql };
  return undefined;
}

function addInterval(tsMicros: bigint, t: DataType, iv: unknown, sign: number, tz: string, isNtz: boolean): bigint {
  if (t.type === 'day_time_interval') return tsMicros + BigInt(sign) * BigInt(iv as bigint);
  let months = 0;
  let days = 0;
  let micros = 0n;
  if (t.type === 'year_month_interval') months = Number(iv);
  else {
    const c = iv as { months: number; days: number; micros: bigint };
    months = c.months;
    days = c.days;
    micros = BigInt(c.micros);
  }
  let ts = Number(tsMicros);
  if (months !== 0 || days !== 0) {
    void tz;
    void isNtz;
    const day = Math.floor(ts / MICROS_PER_DAY);
    const rem = ts - day * MICROS_PER_DAY;
    const nd = addMonths(day, sign * months) + sign * days;
    ts = nd * MICROS_PER_DAY + rem;
  }
  return BigInt(ts) + BigInt(sign) * micros;
}

function datetimeKernel(kind: string, a: Vec, b: Vec, type: DataType): Vec {
  const n = a.length;
  if ((kind === 'date_add' || kind === 'date_sub') && a.data instanceof Int32Array && b.data instanceof Int32Array) {
    // Profile lesson (TPC-H filters on date ± n): the per-row path below boxed every value.
    const x = a.data;
    const y = b.data;
    const d = new Int32Array(n);
    if (kind === 'date_add') for (let i = 0; i < n; i++) d[i] = x[i]! + y[i]!;
    else for (let i = 0; i < n; i++) d[i] = x[i]! - y[i]!;
    return { type, length: n, data: d, valid: andValid(a.valid, b.valid, n) };
  }
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = getValue(a, i);
    const y = getValue(b, i);
    if (x === null || y === null) {
      out[i] = null;
      continue;
    }
    switch (kind) {
      case 'date_add':
        out[i] = (x as number) + (y as number);
        break;
      case 'date_sub':
        out[i] = (x as number) - (y as number);
        break;
      case 'date_diff':
        out[i] = BigInt((x as number) - (y as number)) * BigInt(MICROS_PER_DAY);
        break;
      case 'ts_diff':
        out[i] = (x as bigint) - (y as bigint);
        break;
      case 'date_ym':
        out[i] = addMonths(x as number, y as number);
        break;
      case 'date_ym_sub':
        out[i] = addMonths(x as number, -(y as number));
        break;
      case 'date_days':
      case 'date_days_sub': {
        const days = Math.floor(Number(y as bigint) / MICROS_PER_DAY);
        out[i] = (x as number) + (kind === 'date_days' ? days : -days);
        break;
      }
      case 'date_cal':
      case 'date_cal_sub': {
        const c = y as { months: number; days: number; micros: bigint };
        const sign = kind === 'date_cal' ? 1 : -1;
        out[i] = addMonths(x as number, sign * c.months) + sign * c.days + Math.floor((sign * Number(c.micros)) / MICROS_PER_DAY);
        break;
      }
      case 'ts_add':
      case 'ts_sub':
        out[i] = addInterval(x as bigint, b.type, y, kind === 'ts_add' ? 1 : -1, 'UTC', false);
        break;
      case 'iv_add':
        out[i] = typeof x === 'bigint' ? x + (y as bigint) : (x as number) + (y as number);
        break;
      case 'iv_sub':
        out[i] = typeof x === 'bigint' ? x - (y as bigint) : (x as number) - (y as number);
        break;
    }
  }
  return vecFromValues(type, out);
}

function defArith(op: ArithOp, names: string[], sqlOp: string): void {
  register(
    {
      name: names[0]!,
      arity: [2, 2],
      resolve(args, ctx) {
        const sql = `(${args[0]!.sql} ${sqlOp} ${args[1]!.sql})`;
        if (op === '+' || op === '-') {
          const dt = datetimeArith(op, args[0]!, args[1]!, ctx, sql);
          if (dt) return dt;
        }
        const iv = intervalArith(op, args[0]!, args[1]!, sql);
        if (iv) return iv;
        const [l, r, t] = coerceArithmetic(args[0]!, args[1]!, op, ctx, sql);
        const resultType = op === 'div' ? T.long : t;
        const nullable = l.nullable || r.nullable || op === '/' || op === '%' || op === 'div' || op === 'pmod' || t.type === 'decimal';
        return { args: [l, r], type: resultType, nullable, opts: { op, opType: t }, sql };
      },
      vector(args, _n, ctx, node) {
        const dt = node.opts?.dt as string | undefined;
        if (dt) return datetimeKernel(dt, args[0]!, args[1]!, node.type);
        if (node.opts?.iv) return intervalKernel(node.opts.iv as string, args[0]!, args[1]!, node.type, false);
        const mode = node.opts?.try ? 'try' : 'default';
        const r = arith(op, args[0]!, args[1]!, node.opts?.opType as DataType, ctx, mode);
        return { ...r, type: node.type };
      },
    },
    ...names.slice(1),
  );
}
defArith('+', ['+', 'add'], '+');
defArith('-', ['-', 'subtract'], '-');
defArith('*', ['*', 'multiply'], '*');
defArith('/', ['/', 'divide'], '/');
defArith('%', ['%', 'mod'], '%');
defArith('div', ['div'], 'div');

for (const [name, op] of [
  ['try_add', '+'],
  ['try_subtract', '-'],
  ['try_multiply', '*'],
  ['try_divide', '/'],
  ['try_mod', '%'],
] as const) {
  register({
    name,
    arity: [2, 2],
    resolve(args, ctx) {
      const sql = callSql(name, args);
      // Date/timestamp/interval forms, as the plain operators (try_ only changes error handling).
      const special = op === '+' || op === '-' ? datetimeArith(op, args[0]!, args[1]!, ctx, sql) : intervalArith(op, args[0]!, args[1]!, sql);
      if (special) return { ...special, nullable: true };
      const [l, r, t] = coerceArithmetic(args[0]!, args[1]!, op, ctx, sql);
      return { args: [l, r], type: t, nullable: true, opts: { op, opType: t, try: true }, sql };
    },
    vector(args, _n, ctx, node) {
      if (node.opts?.dt) return datetimeKernel(node.opts.dt as string, args[0]!, args[1]!, node.type);
      if (node.opts?.iv) return intervalKernel(node.opts.iv as string, args[0]!, args[1]!, node.type, true);
      return { ...arith(op, args[0]!, args[1]!, node.opts?.opType as DataType, ctx, 'try'), type: node.type };
    },
  });
}

register({
  name: 'pmod',
  arity: [2, 2],
  resolve(args, ctx) {
    const sql = callSql('pmod', args);
    const [l, r, t] = coerceArithmetic(args[0]!, args[1]!, '%', ctx, sql);
    return { args: [l, r], type: t, nullable: true, opts: { opType: t } };
  },
  vector(args, _n, ctx, node) {
    return { ...arith('pmod', args[0]!, args[1]!, node.opts?.opType as DataType, ctx), type: node.type };
  },
});

register(
  {
    name: 'negative',
    arity: [1, 1],
    resolve(args, ctx) {
      let a = args[0]!;
      if (a.type.type === 'string' && !ctx.strictStringNumber) a = castTo(a, T.double, ctx);
      if (!isNumeric(a.type) && a.type.type !== 'day_time_interval' && a.type.type !== 'year_month_interval' && a.type.type !== 'null')
        throw dataTypeMismatch('UNEXPECTED_INPUT_TYPE', `(- ${args[0]!.sql})`, `The first parameter requires the ("NUMERIC" or "INTERVAL DAY TO SECOND" or "INTERVAL YEAR TO MONTH" or "INTERVAL") type, however "${args[0]!.sql}" has the type "${typeSql(a.type)}".`);
      if (a.type.type === 'null') a = castTo(a, T.double, ctx);
      return { args: [a], type: a.type, nullable: a.nullable, sql: `(- ${args[0]!.sql})` };
    },
    vector(args, _n, ctx) {
      return negate(args[0]!, ctx);
    },
  },
  'u-',
);
register({
  name: 'positive',
  arity: [1, 1],
  resolve(args) {
    return { args, type: args[0]!.type, nullable: args[0]!.nullable, sql: `(+ ${args[0]!.sql})` };
  },
  vector(args) {
    return args[0]!;
  },
});

function defCmp(op: CmpOp, names: string[], sqlOp: string, negated = false): void {
  register(
    {
      name: names[0]!,
      arity: [2, 2],
      resolve(args, ctx) {
        const inner = `(${args[0]!.sql} ${sqlOp} ${args[1]!.sql})`;
        // Spark 4's function examples name `equal_null(1, '11')` as a call, while its SQLQueryTestSuite
        // files name `equal_null(b, c)` as `(b <=> c)`; the operator form is kept until that is settled.
        const sql = negated ? `(NOT ${inner})` : inner;
        const [l, r] = coerceComparison(args[0]!, args[1]!, ctx, inner);
        if (l.type.type === 'map') throw dataTypeMismatch('INVALID_ORDERING_TYPE', sql, `The \`${sqlOp}\` does not support ordering on type "${typeSql(l.type)}".`);
        return { args: [l, r], type: T.boolean, nullable: op === '<=>' ? false : l.nullable || r.nullable, sql };
      },
      vector(args) {
        return compareVecs(op, args[0]!, args[1]!);
      },
    },
    ...names.slice(1),
  );
}
defCmp('=', ['==', '=', 'equalto'], '=');
defCmp('<=>', ['<=>', 'equal_null', 'eqnullsafe'], '<=>');
defCmp('!=', ['!=', '<>', 'notequal'], '=', true);
defCmp('<', ['<', 'lessthan'], '<');
defCmp('<=', ['<=', 'lessthanorequal'], '<=');
defCmp('>', ['>', 'greaterthan'], '>');
defCmp('>=', ['>=', 'greaterthanorequal'], '>=');

function boolArg(a: RExpr, sql: string, idx: number, ctx: ResolveContext): RExpr {
  if (a.type.type === 'boolean') return a;
  if (a.type.type === 'null') return castTo(a, T.boolean, ctx);
  if (a.type.type === 'string' && !ctx.strictStringNumber) return castTo(a, T.boolean, ctx);
  throw dataTypeMismatch(
    'BINARY_OP_DIFF_TYPES',
    sql,
    `the left and right operands of the binary operator have incompatible types ("${typeSql(idx === 0 ? a.type : T.boolean)}" and "${typeSql(idx === 0 ? T.boolean : a.type)}").`,
  );
}

function logic(isAnd: boolean): (args: Vec[], n: number) => Vec {
  return (args, n) => {
    const [a, b] = args as [Vec, Vec];
    const x = a.data as Uint8Array;
    const y = b.data as Uint8Array;
    const out = new Uint8Array(n);
    if (a.valid === null && b.valid === null) {
      if (isAnd) for (let i = 0; i < n; i++) out[i] = x[i]! & y[i]!;
      else for (let i = 0; i < n; i++) out[i] = x[i]! | y[i]!;
      return { type: T.boolean, length: n, data: out, valid: null };
    }
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const an = a.valid !== null && a.valid[i] === 0;
      const bn = b.valid !== null && b.valid[i] === 0;
      const av = x[i]!;
      const bv = y[i]!;
      if (isAnd) {
        if ((!an && av === 0) || (!bn && bv === 0)) {
          out[i] = 0;
          valid[i] = 1;
        } else if (an || bn) valid[i] = 0;
        else {
          out[i] = 1;
          valid[i] = 1;
        }
      } else if ((!an && av === 1) || (!bn && bv === 1)) {
        out[i] = 1;
        valid[i] = 1;
      } else if (an || bn) valid[i] = 0;
      else valid[i] = 1;
    }
    return { type: T.boolean, length: n, data: out, valid };
  };
}

for (const isAnd of [true, false]) {
  const kw = isAnd ? 'AND' : 'OR';
  register(
    {
      name: isAnd ? 'and' : 'or',
      arity: [2, 2],
      resolve(args, ctx) {
        const sql = `(${args[0]!.sql} ${kw} ${args[1]!.sql})`;
        return { args: [boolArg(args[0]!, sql, 0, ctx), boolArg(args[1]!, sql, 1, ctx)], type: T.boolean, nullable: args.some((a) => a.nullable), sql };
      },
      vector: logic(isAnd),
    },
    isAnd ? '&&' : '||',
  );
}

register(
  {
    name: 'not',
    arity: [1, 1],
    resolve(args, ctx) {
      const sql = `(NOT ${args[0]!.sql})`;
      return { args: [boolArg(args[0]!, sql, 0, ctx)], type: T.boolean, nullable: args[0]!.nullable, sql };
    },
    vector(args, n) {
      const a = args[0]!;
      const x = a.data as Uint8Array;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = x[i]! ^ 1;
      return { type: T.boolean, length: n, data: out, valid: a.valid };
    },
  },
  '!',
);

register({
  name: 'isnull',
  arity: [1, 1],
  resolve(args) {
    return { args, type: T.boolean, nullable: false, sql: `(${args[0]!.sql} IS NULL)` };
  },
  vector(args, n) {
    const a = args[0]!;
    const out = new Uint8Array(n);
    if (a.valid !== null) for (let i = 0; i < n; i++) out[i] = a.valid[i]! ^ 1;
    return { type: T.boolean, length: n, data: out, valid: null };
  },
});
register({
  name: 'isnotnull',
  arity: [1, 1],
  resolve(args) {
    return { args, type: T.boolean, nullable: false, sql: `(${args[0]!.sql} IS NOT NULL)` };
  },
  vector(args, n) {
    const a = args[0]!;
    const out = a.valid === null ? new Uint8Array(n).fill(1) : a.valid.slice();
    return { type: T.boolean, length: n, data: out, valid: null };
  },
});

register({
  name: 'isnan',
  arity: [1, 1],
  resolve(args, ctx) {
    const [a] = coerceArgs('isnan', args, ['double'], ctx);
    return { args: [a!], type: T.boolean, nullable: false };
  },
  vector(args, n) {
    const a = args[0]!;
    const x = a.data as Float64Array;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (a.valid === null || a.valid[i]) && Number.isNaN(x[i]) ? 1 : 0;
    return { type: T.boolean, length: n, data: out, valid: null };
  },
});

/** `x IN (a, b, ...)`: args[0] is the value. NULL when no match and a NULL is involved. */
register({
  name: 'in',
  arity: [1, -1],
  resolve(args, ctx) {
    const sql = `(${args[0]!.sql} IN (${args
      .slice(1)
      .map((a) => a.sql)
      .join(', ')}))`;
    let all: RExpr[];
    const v = args[0]!;
    if (ctx.strictStringNumber) {
      const isStr = (t: DataType) => t.type === 'string';
      if (args.slice(1).some((a) => isStr(a.type) !== isStr(v.type) && a.type.type !== 'null' && v.type.type !== 'null' && (isNumeric(a.type) || isNumeric(v.type))))
        throw dataTypeMismatch('DATA_DIFF_TYPES', sql, `Input to \`in\` should all be the same type, but it's [${args.map((a) => `"${typeSql(a.type)}"`).join(', ')}].`);
    }
    // Spark compares strings with numbers after casting the string side, like `=`.
    if (args.slice(1).every((a) => a.k === 'lit') && v.type.type !== 'string' && isNumeric(v.type) && args.slice(1).some((a) => a.type.type === 'string')) {
      all = [v, ...args.slice(1).map((a) => (a.type.type === 'string' ? castTo(a, v.type, ctx) : a))];
      all = coerceAll(all, ctx, sql);
    } else all = coerceAll(args, ctx, sql);
    return { args: all, type: T.boolean, nullable: all.some((a) => a.nullable), sql };
  },
  literalsFromNode: (node) => literalSet(node) !== null,
  vector(args, n, _ctx, node) {
    const [v, ...list] = args as [Vec, ...Vec[]];
    const out = new Uint8Array(n);
    const valid = new Uint8Array(n);
    const t = v.type;
    const lits = literalSet(node);
    const d = lits ? usefulDict(v) : undefined;
    if (lits && d) {
      const hit = new Uint8Array(d.values.length);
      for (let j = 0; j < hit.length; j++) hit[j] = lits.set.has(d.values[j]) ? 1 : 0;
      const data = byDictCode(d, hit, v.valid, n);
      if (!lits.hasNull) return { type: T.boolean, length: n, data, valid: v.valid };
      // A NULL in the list: no match is unknown, not false.
      return { type: T.boolean, length: n, data, valid: data.slice() };
    }
    if (lits) {
      // A literal list of primitives: one Set lookup per row (q22's country codes), not a compare per item.
      const strings = t.type === 'string' ? (v.data as unknown[]) : null;
      for (let i = 0; i < n; i++) {
        const x = strings !== null ? (v.valid === null || v.valid[i] === 1 ? strings[i] : null) : getValue(v, i);
        if (x === null || x === undefined) continue;
        if (lits.set.has(x)) {
          out[i] = 1;
          valid[i] = 1;
        } else if (!lits.hasNull) valid[i] = 1;
      }
      return { type: T.boolean, length: n, data: out, valid };
    }
    for (let i = 0; i < n; i++) {
      const x = getValue(v, i);
      if (x === null) continue;
      let sawNull = false;
      let hit = false;
      for (const l of list) {
        const y = getValue(l, i);
        if (y === null) sawNull = true;
        else if (valuesEqual(t, x, y)) {
          hit = true;
          break;
        }
      }
      if (hit) {
        out[i] = 1;
        valid[i] = 1;
      } else if (!sawNull) valid[i] = 1;
    }
    return { type: T.boolean, length: n, data: out, valid };
  },
});

/**
 * The IN list as a Set when every item is a literal of a type whose values compare by SameValueZero
 * exactly as Spark's `=` does (NaN = NaN, 0.0 = -0.0; i64 values arrive as BigInt from getValue).
 */
const literalSets = new WeakMap<CallNode, { set: Set<unknown>; hasNull: boolean } | null>();
function literalSet(node: CallNode): { set: Set<unknown>; hasNull: boolean } | null {
  let r = literalSets.get(node);
  if (r !== undefined) return r;
  r = null;
  const items = node.args.slice(1);
  const s = storageOf(node.args[0]!.type);
  const primitive = s === 'i32' || s === 'f64' || s === 'i64' || (s === 'obj' && node.args[0]!.type.type === 'string');
  if (primitive && items.every((a) => a.k === 'lit')) {
    const set = new Set<unknown>();
    let hasNull = false;
    for (const a of items) {
      const x = (a as Extract<RExpr, { k: 'lit' }>).value;
      if (x === null || x === undefined) hasNull = true;
      else set.add(s === 'i64' ? BigInt(x as number | bigint) : s === 'i32' || s === 'f64' ? Number(x) : x);
    }
    r = { set, hasNull };
  }
  literalSets.set(node, r);
  return r;
}

register({
  name: 'between',
  arity: [3, 3],
  resolve(args, ctx) {
    // Spark 4 rewrites BETWEEN at analysis but keeps the call form as its name.
    const sql = callSql('between', args);
    const [a, lo] = coerceComparison(args[0]!, args[1]!, ctx, sql);
    const [a2, hi] = coerceComparison(args[0]!, args[2]!, ctx, sql);
    return { args: [a!, lo!, a2!, hi!], type: T.boolean, nullable: args.some((x) => x.nullable), sql };
  },
  vector(args, n) {
    const ge = compareVecs('>=', args[0]!, args[1]!);
    const le = compareVecs('<=', args[2]!, args[3]!);
    return logic(true)([ge, le], n);
  },
});

/**
 * A LIKE pattern as a test. Without `_`, the `%`-separated literal parts are found left to right with
 * startsWith / indexOf / endsWith (leftmost matches are enough for `%`); with `_`, a regular expression
 * over code points.
 * Profile lesson (q13 at SF1): the regex for '%special%requests%' backtracked through 1.5M comments
 * and cost more than the join around it.
 */
export function likeMatcher(pattern: string, escapeChar: string): (s: string) => boolean {
  const parts: string[] = [''];
  let wildcardOne = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === escapeChar && i + 1 < pattern.length) parts[parts.length - 1] += pattern[++i]!;
    else if (c === '%') parts.push('');
    else if (c === '_') {
      wildcardOne = true;
      break;
    } else parts[parts.length - 1] += c;
  }
  if (wildcardOne) {
    const re = likeToRegex(pattern, escapeChar);
    return (s) => re.test(s);
  }
  if (parts.length === 1) {
    const whole = parts[0]!;
    return (s) => s === whole;
  }
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  return (s) => {
    if (!s.startsWith(head)) return false;
    let pos = head.length;
    for (const m of middle) {
      const at = s.indexOf(m, pos);
      if (at < 0) return false;
      pos = at + m.length;
    }
    return s.length - tail.length >= pos && s.endsWith(tail);
  };
}

function likeToRegex(pattern: string, escapeChar: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === escapeChar && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  // `u`: `_` is one character (code point), as in Spark, not one UTF-16 unit.
  return new RegExp(`^${re}$`, 'su');
}

for (const [name, kw, ci] of [
  ['like', 'LIKE', false],
  ['ilike', 'ILIKE', true],
] as const) {
  register({
    name,
    arity: [2, 3],
    resolve(args, ctx) {
      // ILIKE is rewritten to a LIKE over lower-cased sides, so its name is always the call form.
      const sql = ci
        ? callSql(name, args.slice(0, 2))
        : args.length === 3
          ? `${args[0]!.sql} ${kw} ${args[1]!.sql} ESCAPE '${args[2]!.sql}'`
          : `${args[0]!.sql} ${kw} ${args[1]!.sql}`;
      const a = coerceArgs(name, args.slice(0, 2), ['string', 'string'], ctx);
      const esc = args[2]?.k === 'lit' ? String(args[2].value) : '\\';
      return { args: a, type: T.boolean, nullable: a.some((x) => x.nullable), sql, opts: { escape: esc } };
    },
    vector(args, n, _ctx, node) {
      const [s, p] = args as [Vec, Vec];
      const esc = (node.opts?.escape as string) ?? '\\';
      const out = new Uint8Array(n);
      const pat = node.args[1]!;
      const pattern = pat.k === 'lit' && typeof pat.value === 'string' ? pat.value : undefined;
      const d = pattern !== undefined ? usefulDict(s) : undefined;
      if (d && pattern !== undefined) {
        const test = likeMatcher(ci ? pattern.toLowerCase() : pattern, esc);
        const per = new Uint8Array(d.values.length);
        for (let j = 0; j < per.length; j++) per[j] = test(ci ? d.values[j]!.toLowerCase() : d.values[j]!) ? 1 : 0;
        return { type: T.boolean, length: n, data: byDictCode(d, per, s.valid, n), valid: s.valid };
      }
      const cache = new Map<string, (s: string) => boolean>();
      const sd = s.data as string[];
      const pd = p.data as string[];
      for (let i = 0; i < n; i++) {
        const x = sd[i];
        const y = pd[i];
        if (x === null || y === null || x === undefined || y === undefined) continue;
        let test = cache.get(y);
        if (!test) {
          test = likeMatcher(ci ? y.toLowerCase() : y, esc);
          cache.set(y, test);
        }
        out[i] = test(ci ? x.toLowerCase() : x) ? 1 : 0;
      }
      return { type: T.boolean, length: n, data: out, valid: andValid(s.valid, p.valid, n) };
    },
  });
}

register(
  {
    name: 'rlike',
    arity: [2, 2],
    resolve(args, ctx, called) {
      const a = coerceArgs('rlike', args, ['string', 'string'], ctx);
      return { args: a, type: T.boolean, nullable: a.some((x) => x.nullable), sql: `${called.toUpperCase()}(${args[0]!.sql}, ${args[1]!.sql})`, opts: { called } };
    },
    vector(args, n, _ctx, node) {
      const [s, p] = args as [Vec, Vec];
      const out = new Uint8Array(n);
      const cache = new Map<string, RegExp>();
      for (let i = 0; i < n; i++) {
        const x = (s.data as string[])[i];
        const y = (p.data as string[])[i];
        if (x == null || y == null) continue;
        let re = cache.get(y);
        if (!re) {
          re = compileRegex(y, String(node.opts?.called ?? 'rlike'));
          cache.set(y, re);
        }
        out[i] = re.test(x) ? 1 : 0;
      }
      return { type: T.boolean, length: n, data: out, valid: andValid(s.valid, p.valid, n) };
    },
  },
  'regexp',
  'regexp_like',
);

/** A user's regular expression, or Spark's error for an invalid one. */
function compileRegex(pattern: string, fnName: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new PerennialError(
      'INVALID_PARAMETER_VALUE.PATTERN',
      `[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) \`regexp\` in \`${fnName}\` is invalid: ${detail}. SQLSTATE: 22023`,
      { messageParameters: { parameter: '`regexp`', functionName: `\`${fnName}\`` } },
    );
  }
}

function defBitwise(name: string, sym: string, f: (a: bigint, b: bigint) => bigint): void {
  register({
    name,
    arity: [2, 2],
    resolve(args, ctx) {
      const sql = `(${args[0]!.sql} ${sym} ${args[1]!.sql})`;
      const [l, r, t] = coerceArithmetic(args[0]!, args[1]!, '+', ctx, sql);
      if (!isIntegral(t)) throw dataTypeMismatch('BINARY_OP_WRONG_TYPE', sql, `the binary operator requires the input type "INTEGRAL", not "${typeSql(t)}".`);
      return { args: [l, r], type: t, nullable: l.nullable || r.nullable, sql };
    },
    row([a, b], _ctx, node) {
      const r = f(BigInt(a as number | bigint), BigInt(b as number | bigint));
      return node.type.type === 'long' ? BigInt.asIntN(64, r) : Number(BigInt.asIntN(32, r));
    },
  });
}
defBitwise('&', '&', (a, b) => a & b);
defBitwise('|', '|', (a, b) => a | b);
defBitwise('^', '^', (a, b) => a ^ b);
register({
  name: '~',
  arity: [1, 1],
  resolve(args) {
    return { args, type: args[0]!.type, nullable: args[0]!.nullable, sql: `~${args[0]!.sql}` };
  },
  row([a], _ctx, node) {
    return node.type.type === 'long' ? ~(a as bigint) : ~(a as number);
  },
});

export { constVec };
