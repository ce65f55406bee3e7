/**
 * Array functions beyond the basics in collection.ts: array_append/prepend/insert/compact, array_size,
 * arrays_zip, get, sequence, and the array (and binary) forms of concat and reverse.
 */
import { PerennialError, userError } from '../../../core/errors.js';
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, isIntegral, typeSql } from '../../plan/type-utils.js';
import { MICROS_PER_DAY, addMonths, localToUtc, utcToLocal } from '../datetime.js';
import { castTo, coerceAll, commonTypeOf } from './coercion.js';
import { callSql, coerceArgs, defRow } from './helpers.js';
import { getValue, vecFromValues } from '../../arrow/vec.js';
import { type CallNode, type ScalarFunction, dataTypeMismatch, lookupFunction, register, unexpectedInputType } from './registry.js';
import './string.js';

const elemOf = (t: DataType): DataType => (t.type === 'array' ? t.elementType : T.null);

/** The array argument and the element, both brought to a common element type. */
function arrayAndElement(name: string, args: RExpr[], ctx: Parameters<ScalarFunction['resolve']>[1]): [RExpr, RExpr, DataType] {
  let [a, e] = args as [RExpr, RExpr];
  if (a.type.type === 'null') a = castTo(a, T.array(e.type.type === 'null' ? T.null : e.type), ctx);
  if (a.type.type !== 'array') throw unexpectedInputType(callSql(name, args), 0, '"ARRAY"', a);
  const et = a.type.elementType;
  const [ea, ee] = coerceAll([{ ...a, type: et }, e], ctx, callSql(name, args));
  const ct = ea!.type;
  if (ct.type !== et.type || JSON.stringify(ct) !== JSON.stringify(et)) a = castTo(a, T.array(ct, a.type.containsNull), ctx);
  return [a, ee!, ct];
}

for (const [name, atEnd] of [
  ['array_append', true],
  ['array_prepend', false],
] as const) {
  register({
    name,
    arity: [2, 2],
    resolve(args, ctx) {
      const [a, e, ct] = arrayAndElement(name, args, ctx);
      return { args: [a, e], type: T.array(ct, true), nullable: a.nullable };
    },
    row([arr, e]) {
      if (arr === null) return null;
      return atEnd ? [...(arr as unknown[]), e] : [e, ...(arr as unknown[])];
    },
    nullSafe: true,
  });
}

defRow('array_compact', {
  args: ['array'],
  ret: (a) => T.array(elemOf(a[0]!.type), false),
  row: ([arr]) => (arr as unknown[]).filter((x) => x !== null),
});

function invalidIndexOfZero(): PerennialError {
  return new PerennialError(
    'INVALID_INDEX_OF_ZERO',
    '[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1). SQLSTATE: 22003',
  );
}

/** array_insert(array, pos, item): 1-based; negative counts from the end (-1 = after the last). */
register({
  name: 'array_insert',
  arity: [3, 3],
  resolve(args, ctx) {
    const [a, e, ct] = arrayAndElement('array_insert', [args[0]!, args[2]!], ctx);
    const [pos] = coerceArgs('array_insert', [args[1]!], [T.int], ctx);
    return { args: [a, pos!, e], type: T.array(ct, true), nullable: a.nullable || pos!.nullable, sql: callSql('array_insert', args) };
  },
  row([arr, p, item]) {
    if (arr === null || p === null) return null;
    const a = arr as unknown[];
    const pos = p as number;
    if (pos === 0) throw invalidIndexOfZero();
    if (pos > 0) {
      const i = pos - 1;
      if (i <= a.length) return [...a.slice(0, i), item, ...a.slice(i)];
      return [...a, ...new Array(i - a.length).fill(null), item];
    }
    // From the end: -1 appends; the new element ends up |pos| places from the end.
    const i = a.length + pos + 1;
    if (i >= 0) return [...a.slice(0, i), item, ...a.slice(i)];
    return [item, ...new Array(-i).fill(null), ...a];
  },
  nullSafe: true,
});

defRow('array_size', {
  args: ['array'],
  ret: T.int,
  row: ([arr]) => (arr as unknown[]).length,
});

/** get(array, index): 0-based, NULL when out of range (never an error). */
defRow('get', {
  args: ['array', T.int],
  ret: (a) => elemOf(a[0]!.type),
  nullable: true,
  row: ([arr, i]) => {
    const a = arr as unknown[];
    const k = i as number;
    return k < 0 || k >= a.length ? null : (a[k] ?? null);
  },
});

/** arrays_zip(a1, a2, ...): structs of the N-th elements, named after the inputs when they are columns. */
register({
  name: 'arrays_zip',
  arity: [0, -1],
  resolve(args, ctx) {
    const as = args.map((a, i) => {
      if (a.type.type === 'null') return castTo(a, T.array(T.null), ctx);
      if (a.type.type !== 'array') throw unexpectedInputType(callSql('arrays_zip', args), i, '"ARRAY"', a);
      return a;
    });
    const fields = as.map((a, i) => ({ name: a.k === 'ref' || a.k === 'lambdaVar' ? a.name : String(i), dataType: elemOf(a.type), nullable: true }));
    return { args: as, type: T.array(T.struct(fields), false), nullable: as.some((a) => a.nullable) };
  },
  row(vals) {
    const arrays = vals as unknown[][];
    const n = arrays.reduce((m, a) => Math.max(m, a.length), 0);
    const out: unknown[][] = [];
    for (let i = 0; i < n; i++) out.push(arrays.map((a) => a[i] ?? null));
    return out;
  },
});

// ------------------------------------------------------------------ sequence

function illegalBoundaries(start: unknown, stop: unknown, step: unknown): PerennialError {
  return userError('ILLEGAL_SEQUENCE_BOUNDARIES', `requirement failed: Illegal sequence boundaries: ${start} to ${stop} by ${step}`);
}

const MAX_ARRAY_LENGTH = 2147483632;

function tooLong(n: number | bigint): PerennialError {
  return new PerennialError(
    'COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER',
    `[COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER] Can't create array with ${n} elements which exceeding the array size limit ${MAX_ARRAY_LENGTH}, the value of parameter(s) \`count\` is invalid. SQLSTATE: 54000`,
  );
}

function isInterval(t: DataType): boolean {
  return t.type === 'year_month_interval' || t.type === 'day_time_interval' || t.type === 'calendar_interval';
}

/** An interval step as (months, days, micros). */
function stepParts(t: DataType, v: unknown): [number, number, number] {
  if (t.type === 'year_month_interval') return [Number(v), 0, 0];
  if (t.type === 'day_time_interval') return [0, 0, Number(v as bigint)];
  const c = v as { months: number; days: number; micros: bigint | number };
  return [c.months, c.days, Number(c.micros)];
}

register({
  name: 'sequence',
  arity: [2, 3],
  resolve(args, ctx) {
    const sql = callSql('sequence', args);
    const [start, stop, step] = args as [RExpr, RExpr, RExpr | undefined];
    const ends = coerceAll([start, stop], ctx, sql);
    const t = commonTypeOf(ends);
    if (isIntegral(t)) {
      let st = step;
      if (st) {
        if (!isIntegral(st.type) && st.type.type !== 'null') throw unexpectedInputType(sql, 2, '"INTEGRAL"', st);
        st = castTo(st, t, ctx);
      }
      return { args: st ? [...ends, st] : ends, type: T.array(t, false), nullable: args.some((a) => a.nullable), sql };
    }
    if (t.type === 'date' || t.type === 'timestamp' || t.type === 'timestamp_ntz') {
      if (step && !isInterval(step.type)) throw unexpectedInputType(sql, 2, '"INTERVAL"', step);
      if (t.type === 'date' && step?.type.type === 'day_time_interval' && step.type.endField !== undefined && step.type.endField > 0)
        throw dataTypeMismatch('SEQUENCE_WRONG_INPUT_TYPES', sql, `\`sequence\` uses the wrong parameter type. The parameter type must conform to: 1. The start and stop expressions must resolve to the same type. 2. If start and stop expressions resolve to the "DATE" type, then the step expression must resolve to the "INTERVAL" or "INTERVAL YEAR TO MONTH" or "INTERVAL DAY" type.`);
      return { args: step ? [...ends, step] : ends, type: T.array(t, false), nullable: args.some((a) => a.nullable), sql };
    }
    throw dataTypeMismatch(
      'SEQUENCE_WRONG_INPUT_TYPES',
      sql,
      `\`sequence\` uses the wrong parameter type. The parameter type must conform to: 1. The start and stop expressions must resolve to the same type. 2. Otherwise, if start and stop expressions resolve to the "${typeSql(t)}" type, then the step expression must resolve to the same type.`,
    );
  },
  row([a, b, s], ctx, node) {
    const t = elemOf(node.type);
    if (isIntegral(t)) {
      const start = BigInt(a as number | bigint);
      const stop = BigInt(b as number | bigint);
      const step = s === undefined ? (stop >= start ? 1n : -1n) : BigInt(s as number | bigint);
      if (!((step > 0n && start <= stop) || (step < 0n && start >= stop) || (step === 0n && start === stop))) throw illegalBoundaries(start, stop, step);
      const len = step === 0n ? 1n : (stop - start) / step + 1n;
      if (len > BigInt(MAX_ARRAY_LENGTH)) throw tooLong(len);
      const out: unknown[] = [];
      const wide = t.type === 'long';
      for (let i = 0n, x = start; i < len; i++, x += step) out.push(wide ? x : Number(x));
      return out;
    }
    // Dates and timestamps: the i-th element is start + i × step (months and days in local time).
    const isDate = t.type === 'date';
    const stepType = node.args[2]?.type;
    const [months, days, micros] = stepType ? stepParts(stepType, s) : [0, 1, 0];
    const tz = t.type === 'timestamp' ? ctx.timeZone : 'UTC';
    const toLocal = (v: unknown): number => (isDate ? (v as number) * MICROS_PER_DAY : utcToLocal(Number(v as bigint), tz));
    const start = toLocal(a);
    const stop = toLocal(b);
    const at = (i: number): number => {
      const day = Math.floor(start / MICROS_PER_DAY);
      const rem = start - day * MICROS_PER_DAY;
      const local = (addMonths(day, i * months) + i * days) * MICROS_PER_DAY + rem;
      return isDate ? local + i * micros : localToUtc(local, tz) + i * micros;
    };
    const stopCmp = isDate ? stop : Number(b as bigint);
    const first = isDate ? start : Number(a as bigint);
    const second = at(1);
    const up = second > first;
    if (second === first) {
      if (first !== stopCmp) throw illegalBoundaries(first, stopCmp, 0);
      return [a];
    }
    if (up ? first > stopCmp : first < stopCmp) throw illegalBoundaries(first, stopCmp, stepType ? `${months} months ${days} days ${micros} microseconds` : 1);
    const out: unknown[] = [];
    for (let i = 0; ; i++) {
      const v = i === 0 ? first : at(i);
      if (up ? v > stopCmp : v < stopCmp) break;
      if (out.length >= MAX_ARRAY_LENGTH) throw tooLong(out.length + 1);
      out.push(isDate ? Math.floor(v / MICROS_PER_DAY) : BigInt(v));
    }
    return out;
  },
});

// ------------------------------------------------------------------ concat / reverse over arrays and binary

/** The string forms keep their own definition (string.ts); arrays and binary are handled here. */
const stringConcat = lookupFunction('concat');
const stringReverse = lookupFunction('reverse');

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A kernel that hands string calls (opts.kind 'string') to the string definition's own kernel and
 * computes the other kinds row by row, NULL in → NULL out.
 */
function delegating(str: ScalarFunction, other: (vals: unknown[], node: CallNode) => unknown): NonNullable<ScalarFunction['vector']> {
  return (args, n, ctx, node) => {
    if (node.opts?.kind === 'string' && str.vector) return str.vector(args, n, ctx, node);
    const out: unknown[] = new Array(n);
    const vals: unknown[] = new Array(args.length);
    const viaString = node.opts?.kind === 'string';
    for (let i = 0; i < n; i++) {
      let isNull = false;
      for (let k = 0; k < args.length; k++) {
        vals[k] = getValue(args[k]!, i);
        if (vals[k] === null) isNull = true;
      }
      if (viaString) out[i] = isNull && !str.nullSafe ? null : (str.row!(vals, ctx, node) ?? null);
      else out[i] = isNull ? null : other(vals, node);
    }
    return vecFromValues(node.type, out);
  };
}

if (stringConcat) {
  register({
    name: 'concat',
    arity: [0, -1],
    resolve(args, ctx, name) {
      const kind = args.some((a) => a.type.type === 'array') ? 'array' : args.length > 0 && args.every((a) => a.type.type === 'binary') ? 'binary' : 'string';
      if (kind === 'string') return { ...stringConcat.resolve(args, ctx, name), opts: { kind } };
      const sql = callSql(name, args);
      if (kind === 'binary') return { args, type: T.binary, nullable: args.some((a) => a.nullable), opts: { kind }, sql };
      args.forEach((a, i) => {
        if (a.type.type !== 'array' && a.type.type !== 'null') throw unexpectedInputType(sql, i, '"ARRAY"', a);
      });
      const coerced = coerceAll(args, ctx, sql);
      return { args: coerced, type: commonTypeOf(coerced), nullable: coerced.some((a) => a.nullable), opts: { kind }, sql };
    },
    vector: delegating(stringConcat, (vals, node) => (node.opts?.kind === 'array' ? (vals as unknown[][]).flat(1) : concatBytes(vals as Uint8Array[]))),
  });
}

if (stringReverse) {
  register({
    name: 'reverse',
    arity: [1, 1],
    resolve(args, ctx, name) {
      const t = args[0]!.type.type;
      if (t === 'array' || t === 'binary') return { args, type: args[0]!.type, nullable: args[0]!.nullable, opts: { kind: t } };
      return { ...stringReverse.resolve(args, ctx, name), opts: { kind: 'string' } };
    },
    vector: delegating(stringReverse, (vals, node) =>
      node.opts?.kind === 'array' ? [...(vals[0] as unknown[])].reverse() : Uint8Array.from(vals[0] as Uint8Array).reverse(),
    ),
  });
}
