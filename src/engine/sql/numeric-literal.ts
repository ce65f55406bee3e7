/**
 * Spark's numeric literal typing: suffixes pick the type (`1L`, `1S`, `1Y`, `1.5D`, `1.5F`, `1.5BD`);
 * unsuffixed integers are int, then long, then decimal; `1.5` is an exact decimal; `1e3` is a double.
 */
import type { DataType } from '../plan/data-type.js';
import type { Expr } from '../plan/parsed-plan.js';
import { parseError } from './parse-error.js';

type Literal = Extract<Expr, { kind: 'literal' }>;

const RANGES = {
  tinyint: [-128n, 127n],
  smallint: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
} as const;

export function numericLiteral(raw: string, negative: boolean): Literal {
  const upper = raw.toUpperCase();
  const sign = negative ? '-' : '';
  if (upper.endsWith('BD')) return decimalLiteral(sign + raw.slice(0, -2));
  const last = upper[upper.length - 1];
  if (last === 'D' || last === 'F') {
    const v = Number(sign + raw.slice(0, -1));
    const type = last === 'D' ? 'double' : 'float';
    if (!Number.isFinite(v)) throw rangeError(sign + raw.slice(0, -1), type === 'double' ? 'double' : 'float', '', '');
    return { kind: 'literal', dataType: { type }, value: type === 'float' ? Math.fround(v) : v };
  }
  if (last === 'L' || last === 'S' || last === 'Y') {
    const digits = sign + raw.slice(0, -1);
    const v = BigInt(digits);
    const [name, dataType] =
      last === 'L'
        ? (['bigint', { type: 'long' }] as const)
        : last === 'S'
          ? (['smallint', { type: 'short' }] as const)
          : (['tinyint', { type: 'byte' }] as const);
    const [lo, hi] = RANGES[name];
    if (v < lo || v > hi) throw rangeError(digits, name, String(lo), String(hi));
    return { kind: 'literal', dataType, value: dataType.type === 'long' ? v : Number(v) };
  }
  if (upper.includes('E')) {
    const v = Number(sign + raw);
    if (!Number.isFinite(v)) throw rangeError(sign + raw, 'double', '', '');
    return { kind: 'literal', dataType: { type: 'double' }, value: v };
  }
  if (raw.includes('.')) return decimalLiteral(sign + raw);
  const v = BigInt(sign + raw);
  if (v >= RANGES.int[0] && v <= RANGES.int[1])
    return { kind: 'literal', dataType: { type: 'integer' }, value: Number(v) };
  if (v >= RANGES.bigint[0] && v <= RANGES.bigint[1]) return { kind: 'literal', dataType: { type: 'long' }, value: v };
  return decimalLiteral(sign + raw);
}

/** Exact decimal from `[-]digits[.digits][e[+-]digits]`, typed like Java's BigDecimal → DecimalType. */
function decimalLiteral(text: string): Literal {
  let s = text;
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  let exp = 0;
  const e = s.search(/[eE]/);
  if (e >= 0) {
    exp = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  const dot = s.indexOf('.');
  let intPart = dot < 0 ? s : s.slice(0, dot);
  let frac = dot < 0 ? '' : s.slice(dot + 1);
  // Shift the point by the exponent; negative scales are not allowed, so pad with zeros instead.
  if (exp > 0) {
    const moved = frac.slice(0, exp).padEnd(exp, '0');
    intPart += moved;
    frac = frac.slice(exp);
  } else if (exp < 0) {
    const k = -exp;
    const padded = intPart.padStart(k + 1, '0');
    frac = padded.slice(padded.length - k) + frac;
    intPart = padded.slice(0, padded.length - k);
  }
  intPart = intPart.replace(/^0+(?=\d)/, '');
  if (intPart === '') intPart = '0';
  const scale = frac.length;
  const unscaled = (intPart + frac).replace(/^0+/, '');
  const precision = Math.max(unscaled.length === 0 ? 1 : unscaled.length, scale);
  if (precision > 38) {
    throw parseError(
      'DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION',
      `Decimal precision ${precision} exceeds max precision 38.`,
      '22003',
      { precision: String(precision), maxPrecision: '38' },
    );
  }
  const value = `${negative && /[1-9]/.test(intPart + frac) ? '-' : ''}${intPart}${scale > 0 ? `.${frac}` : ''}`;
  const dataType: DataType = { type: 'decimal', precision, scale };
  return { kind: 'literal', dataType, value };
}

function rangeError(value: string, type: string, min: string, max: string) {
  return parseError(
    'INVALID_NUMERIC_LITERAL_RANGE',
    `Numeric literal ${value} is outside the valid range for ${type} with minimum value of ${min} and maximum value of ${max}. Please adjust the value accordingly.`,
    '22003',
    { rawStrippedQualifier: value, typeName: type, minValue: min, maxValue: max },
  );
}
