/**
 * Spark's CAST semantics. `ansi` raises CAST_INVALID_INPUT / CAST_OVERFLOW; `legacy` and `try` return NULL
 * (legacy also wraps integral overflow the way the JVM does, as Spark without ANSI).
 */
import { unsupported } from '../../core/errors.js';
import type { DataType } from '../plan/data-type.js';
import { isIntegral, typeEquals, typeSql } from '../plan/type-utils.js';
import { type Vec, getValue, storageOf, vecFromValues } from '../arrow/vec.js';
import { MICROS_PER_DAY, localDateOf, localToUtc, parseDate, parseTimestamp, utcToLocal } from './datetime.js';
import { POW10, digitCount, doubleToUnscaled, fitsPrecision, formatDecimal, parseDecimal, rescale, unscaledToDouble } from './decimal.js';
import { castInvalidInput, castOverflow, decimalOutOfRange } from './errors.js';
import type { EvalContext } from './eval-context.js';
import { formatValue, javaDouble, javaFloat } from './format-value.js';
import { parseTime, truncateTimeToPrecision } from './time-of-day.js';

export type CastMode = 'ansi' | 'legacy' | 'try';

const RANGES: Record<string, [bigint, bigint]> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
};
const BITS: Record<string, number> = { byte: 8, short: 16, integer: 32, long: 64 };

function literalText(t: DataType, v: unknown, ctx: EvalContext): string {
  const s = formatValue(t, v, { timeZone: ctx.timeZone });
  switch (t.type) {
    case 'long':
      return `${s}L`;
    case 'short':
      return `${s}S`;
    case 'byte':
      return `${s}Y`;
    case 'double':
      return `${s}D`;
    case 'float':
      return `${s}F`;
    case 'decimal':
      return `${s}BD`;
    default:
      return s;
  }
}

function toIntegral(x: bigint, from: DataType, fromValue: unknown, to: DataType, mode: CastMode, ctx: EvalContext): unknown {
  const [lo, hi] = RANGES[to.type]!;
  if (x < lo || x > hi) {
    if (mode === 'ansi') throw castOverflow(literalText(from, fromValue, ctx), from, to);
    if (mode === 'try') return null;
    const w = BigInt.asIntN(BITS[to.type]!, x);
    return to.type === 'long' ? w : Number(w);
  }
  return to.type === 'long' ? x : Number(x);
}

/** Java's (long) of a double: truncation, saturating at the long range, NaN → 0. */
function doubleToBigInt(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9.223372036854776e18) return 9223372036854775807n;
  if (d <= -9.223372036854776e18) return -9223372036854775808n;
  return BigInt(Math.trunc(d));
}

function stringToIntegral(s: string, to: DataType, mode: CastMode, ctx: EvalContext): unknown {
  const t = s.trim();
  let m = /^[+-]?\d+$/.exec(t);
  let x: bigint | null = null;
  if (m) x = BigInt(t);
  else if (mode !== 'ansi') {
    // Without ANSI, Spark accepts a fractional part and truncates it (`'1.9'` → 1).
    m = /^([+-]?\d*)\.\d*$/.exec(t);
    if (m && m[1] !== '' && m[1] !== '+' && m[1] !== '-') x = BigInt(m[1]!);
  }
  if (x === null) {
    if (mode === 'ansi') throw castInvalidInput(s, { type: 'string' }, to);
    return null;
  }
  const [lo, hi] = RANGES[to.type]!;
  if (x < lo || x > hi) {
    if (mode === 'ansi') throw castInvalidInput(s, { type: 'string' }, to);
    return null;
  }
  void ctx;
  return to.type === 'long' ? x : Number(x);
}

function stringToDouble(s: string, to: DataType, mode: CastMode): number | null {
  const t = s.trim();
  let d: number;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(t)) d = Number(t.replace(/[dDfF]$/, ''));
  else if (/^[+-]?(infinity|inf)$/i.test(t)) d = t.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  else if (/^nan$/i.test(t)) d = Number.NaN;
  else {
    if (mode === 'ansi') throw castInvalidInput(s, { type: 'string' }, to);
    return null;
  }
  return to.type === 'float' ? Math.fround(d) : d;
}

function toDecimal(unscaled: bigint, scale: number, to: Extract<DataType, { type: 'decimal' }>, mode: CastMode, text: () => string): bigint | null {
  const r = rescale(unscaled, scale, to.scale);
  if (!fitsPrecision(r, to.precision)) {
    if (mode === 'ansi') throw decimalOutOfRange(text(), to.precision, to.scale);
    return null;
  }
  return r;
}

/** Casts one non-null value. */
export function castValue(v: unknown, from: DataType, to: DataType, mode: CastMode, ctx: EvalContext): unknown {
  if (v === null || v === undefined) return null;
  if (typeEquals(from, to) && to.type !== 'decimal') return v;
  switch (to.type) {
    case 'string':
      return formatValue(from, v, { timeZone: ctx.timeZone });
    case 'boolean':
      switch (from.type) {
        case 'string': {
          const t = (v as string).trim().toLowerCase();
          if (['t', 'true', 'y', 'yes', '1'].includes(t)) return true;
          if (['f', 'false', 'n', 'no', '0'].includes(t)) return false;
          if (mode === 'ansi') throw castInvalidInput(v as string, from, to);
          return null;
        }
        case 'decimal':
          return BigInt(v as bigint) !== 0n;
        case 'timestamp':
        case 'timestamp_ntz':
        case 'long':
          return BigInt(v as bigint) !== 0n;
        default:
          if (typeof v === 'number') return v !== 0;
          break;
      }
      break;
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      switch (from.type) {
        case 'string':
          return stringToIntegral(v as string, to, mode, ctx);
        case 'boolean':
          return to.type === 'long' ? (v ? 1n : 0n) : v ? 1 : 0;
        case 'byte':
        case 'short':
        case 'integer':
        case 'long':
          return toIntegral(BigInt(v as number | bigint), from, v, to, mode, ctx);
        case 'float':
        case 'double': {
          const d = v as number;
          if (mode !== 'legacy' && (!Number.isFinite(d) || Math.trunc(d) < Number(RANGES[to.type]![0]) - 1 || Math.trunc(d) > Number(RANGES[to.type]![1]) + 1)) {
            if (mode === 'ansi') throw castOverflow(literalText(from, v, ctx), from, to);
            return null;
          }
          if (mode === 'legacy' && to.type !== 'long') {
            // JVM: double → int saturates, then narrowing to byte/short wraps.
            const i = Number.isNaN(d) ? 0 : Math.max(-2147483648, Math.min(2147483647, Math.trunc(d)));
            return to.type === 'integer' ? i : Number(BigInt.asIntN(BITS[to.type]!, BigInt(i)));
          }
          return toIntegral(doubleToBigInt(d), from, v, to, mode, ctx);
        }
        case 'decimal': {
          const x = BigInt(v as bigint) / POW10[from.scale]!;
          const [lo, hi] = RANGES[to.type]!;
          if (x < lo || x > hi) {
            if (mode === 'ansi') throw castOverflow(literalText(from, v, ctx), from, to);
            if (mode === 'try') return null;
            return null;
          }
          return to.type === 'long' ? x : Number(x);
        }
        case 'timestamp':
        case 'timestamp_ntz': {
          const us = BigInt(v as bigint);
          const secs = us >= 0n ? us / 1000000n : -((-us + 999999n) / 1000000n);
          return toIntegral(secs, T_LONG, secs, to, mode, ctx);
        }
        case 'date':
          if (mode === 'legacy') return null;
          break;
        case 'year_month_interval':
        case 'day_time_interval':
          return toIntegral(BigInt(v as number | bigint), from, v, to, mode, ctx);
        default:
          break;
      }
      break;
    case 'float':
    case 'double': {
      let d: number | null;
      switch (from.type) {
        case 'string':
          return stringToDouble(v as string, to, mode);
        case 'boolean':
          d = v ? 1 : 0;
          break;
        case 'decimal':
          d = unscaledToDouble(v as bigint, from.scale);
          break;
        case 'timestamp':
        case 'timestamp_ntz':
          d = Number(v) / 1e6;
          break;
        case 'date':
          if (mode === 'legacy') return null;
          throw castUnsupported(from, to);
        default:
          d = Number(v);
      }
      return to.type === 'float' ? Math.fround(d) : d;
    }
    case 'decimal': {
      const text = (): string => formatValue(from, v, { timeZone: ctx.timeZone });
      switch (from.type) {
        case 'decimal':
          return toDecimal(BigInt(v as bigint), from.scale, to, mode, () => formatDecimal(BigInt(v as bigint), from.scale));
        case 'byte':
        case 'short':
        case 'integer':
        case 'long':
          return toDecimal(BigInt(v as number | bigint), 0, to, mode, text);
        case 'boolean':
          return toDecimal(v ? 1n : 0n, 0, to, mode, text);
        case 'float':
        case 'double': {
          const d = v as number;
          if (!Number.isFinite(d)) {
            if (mode === 'ansi') throw castInvalidInput(text(), from, to);
            return null;
          }
          const u = doubleToUnscaled(from.type === 'float' ? Number(javaFloat(d)) : d, to.scale);
          if (u === null) return null;
          return toDecimal(u, to.scale, to, mode, () => (from.type === 'float' ? javaFloat(d) : javaDouble(d)));
        }
        case 'string': {
          const p = parseDecimal(v as string);
          if (!p) {
            if (mode === 'ansi') throw castInvalidInput(v as string, from, to);
            return null;
          }
          return toDecimal(p[0], p[1], to, mode, () => (v as string).trim());
        }
        case 'timestamp':
          return toDecimal(BigInt(v as bigint), 6, to, mode, text);
        default:
          break;
      }
      break;
    }
    case 'date':
      switch (from.type) {
        case 'string': {
          const d = parseDate(v as string);
          if (d === null && mode === 'ansi') throw castInvalidInput(v as string, from, to);
          return d;
        }
        case 'timestamp':
          return localDateOf(Number(v), ctx.timeZone);
        case 'timestamp_ntz':
          return Math.floor(Number(v) / MICROS_PER_DAY);
        default:
          break;
      }
      break;
    case 'timestamp':
    case 'timestamp_ntz': {
      const tz = to.type === 'timestamp' ? ctx.timeZone : null;
      switch (from.type) {
        case 'string': {
          const x = parseTimestamp(v as string, tz);
          if (x === null) {
            if (mode === 'ansi') throw castInvalidInput(v as string, from, to);
            return null;
          }
          return BigInt(Math.round(x));
        }
        case 'date': {
          const local = Number(v) * MICROS_PER_DAY;
          return BigInt(tz === null ? local : localToUtc(local, tz));
        }
        case 'timestamp':
          return BigInt(utcToLocal(Number(v), ctx.timeZone));
        case 'timestamp_ntz':
          return BigInt(localToUtc(Number(v), ctx.timeZone));
        case 'byte':
        case 'short':
        case 'integer':
        case 'long':
          if (to.type === 'timestamp') return BigInt(v as number | bigint) * 1000000n;
          break;
        case 'float':
        case 'double':
          if (to.type === 'timestamp') {
            const d = v as number;
            if (!Number.isFinite(d)) return null;
            return BigInt(Math.trunc(d * 1e6));
          }
          break;
        case 'decimal':
          if (to.type === 'timestamp') return rescale(BigInt(v as bigint), from.scale, 6);
          break;
        default:
          break;
      }
      break;
    }
    case 'time':
      if (from.type === 'string') {
        const t = parseTime(v as string);
        if (t === null) {
          if (mode === 'ansi') throw castInvalidInput(v as string, from, to);
          return null;
        }
        return BigInt(truncateTimeToPrecision(t, to.precision));
      }
      if (from.type === 'time') return BigInt(truncateTimeToPrecision(Number(v), to.precision));
      break;
    case 'binary':
      if (from.type === 'string') return new TextEncoder().encode(v as string);
      if (isIntegral(from)) {
        const bytes = BITS[from.type]! / 8;
        const out = new Uint8Array(bytes);
        let x = BigInt.asUintN(bytes * 8, BigInt(v as number | bigint));
        for (let i = bytes - 1; i >= 0; i--) {
          out[i] = Number(x & 0xffn);
          x >>= 8n;
        }
        return out;
      }
      break;
    case 'array':
      if (from.type === 'array')
        return (v as unknown[]).map((e) => (e === null ? null : castValue(e, from.elementType, to.elementType, mode, ctx)));
      break;
    case 'map':
      if (from.type === 'map') {
        const m = v as { keys: unknown[]; values: unknown[] };
        return {
          keys: m.keys.map((k) => castValue(k, from.keyType, to.keyType, mode, ctx)),
          values: m.values.map((x) => (x === null ? null : castValue(x, from.valueType, to.valueType, mode, ctx))),
        };
      }
      break;
    case 'struct':
      if (from.type === 'struct' && from.fields.length === to.fields.length) {
        const s = v as unknown[];
        return to.fields.map((f, i) => (s[i] === null ? null : castValue(s[i], from.fields[i]!.dataType, f.dataType, mode, ctx)));
      }
      break;
    case 'null':
      return null;
    case 'day_time_interval':
    case 'year_month_interval':
      if (isIntegral(from)) return to.type === 'day_time_interval' ? BigInt(v as number) : Number(v);
      if (from.type === to.type) return v;
      break;
    default:
      break;
  }
  if (from.type === 'null') return null;
  throw castUnsupported(from, to);
}

const T_LONG: DataType = { type: 'long' };

export function castUnsupported(from: DataType, to: DataType): Error {
  return unsupported(`cast from ${typeSql(from)} to ${typeSql(to)}`);
}

/** Whether Spark allows CAST(from AS to) at all (Cast.canCast, simplified). */
export function canCast(from: DataType, to: DataType): boolean {
  if (typeEquals(from, to) || from.type === 'null') return true;
  if (to.type === 'string') return true;
  if (from.type === 'string') return to.type !== 'array' && to.type !== 'map' && to.type !== 'struct' && to.type !== 'calendar_interval';
  const num = (t: DataType) => isIntegral(t) || t.type === 'float' || t.type === 'double' || t.type === 'decimal' || t.type === 'boolean';
  if (num(from) && num(to)) return true;
  if ((from.type === 'timestamp' || from.type === 'timestamp_ntz' || from.type === 'date') && (to.type === 'timestamp' || to.type === 'timestamp_ntz' || to.type === 'date')) return true;
  if (from.type === 'timestamp' && num(to)) return true;
  if (num(from) && to.type === 'timestamp') return true;
  if (from.type === 'array' && to.type === 'array') return canCast(from.elementType, to.elementType);
  if (from.type === 'map' && to.type === 'map') return canCast(from.keyType, to.keyType) && canCast(from.valueType, to.valueType);
  if (from.type === 'struct' && to.type === 'struct')
    return from.fields.length === to.fields.length && from.fields.every((f, i) => canCast(f.dataType, to.fields[i]!.dataType));
  if (isIntegral(from) && to.type === 'binary') return true;
  if (isIntegral(from) && (to.type === 'day_time_interval' || to.type === 'year_month_interval')) return true;
  if ((from.type === 'day_time_interval' || from.type === 'year_month_interval') && isIntegral(to)) return true;
  return false;
}

/** Vectorized cast with fast paths for widening numeric casts. */
export function castVec(v: Vec, to: DataType, mode: CastMode, ctx: EvalContext): Vec {
  const from = v.type;
  if (typeEquals(from, to)) return { ...v, type: to };
  const n = v.length;
  const fs = storageOf(from);
  const ts = storageOf(to);
  // Widening integral → wider integral / double: same values, new storage.
  if (fs === 'i32' && isIntegral(from) && (to.type === 'integer' || to.type === 'long' || to.type === 'double') && rankOf(from) <= rankOf(to)) {
    const src = v.data as Int32Array;
    if (ts === 'i32') return { type: to, length: n, data: src, valid: v.valid };
    return { type: to, length: n, data: Float64Array.from(src), valid: v.valid };
  }
  if (from.type === 'long' && to.type === 'double') {
    if (v.data instanceof Float64Array) return { type: to, length: n, data: v.data, valid: v.valid };
    const d = new Float64Array(n);
    const src = v.data as BigInt64Array;
    for (let i = 0; i < n; i++) d[i] = Number(src[i]!);
    return { type: to, length: n, data: d, valid: v.valid };
  }
  if (from.type === 'float' && to.type === 'double') {
    // Spark widens float → double exactly (0.1f becomes 0.10000000149011612).
    return { type: to, length: n, data: v.data, valid: v.valid };
  }
  if (from.type === 'decimal' && to.type === 'double' && v.data instanceof Float64Array) {
    const d = new Float64Array(n);
    const src = v.data;
    const sc = from.scale;
    for (let i = 0; i < n; i++) d[i] = unscaledToDouble(src[i]!, sc);
    return { type: to, length: n, data: d, valid: v.valid };
  }
  if (isIntegral(from) && to.type === 'decimal' && v.data instanceof Float64Array === false && fs === 'i32' && to.precision - to.scale >= 10 && to.scale <= 5) {
    const src = v.data as Int32Array;
    const d = new Float64Array(n);
    const mul = 10 ** to.scale;
    for (let i = 0; i < n; i++) d[i] = src[i]! * mul;
    return { type: to, length: n, data: d, valid: v.valid };
  }
  if (from.type === 'decimal' && to.type === 'decimal' && v.data instanceof Float64Array && to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale && to.scale - from.scale <= 6) {
    const src = v.data;
    const mul = 10 ** (to.scale - from.scale);
    const d = new Float64Array(n);
    let ok = true;
    for (let i = 0; i < n; i++) {
      const x = src[i]! * mul;
      if (!Number.isSafeInteger(x)) {
        ok = false;
        break;
      }
      d[i] = x;
    }
    if (ok) return { type: to, length: n, data: d, valid: v.valid };
  }
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = castValue(getValue(v, i), from, to, mode, ctx);
  return vecFromValues(to, out);
}

const RANK: Record<string, number> = { byte: 1, short: 2, integer: 3, long: 4, double: 5 };
function rankOf(t: DataType): number {
  return RANK[t.type] ?? 99;
}

export { digitCount };
