/** Spark Connect `Expression.Literal` → engine literal expression. */
import { PerennialError, unsupported } from '../../core/errors.js';
import type { DataType, Expr, LiteralValue } from '../../engine/index.js';
import type { Expression_Literal } from '../../protocol/index.js';
import { dataTypeFromProto } from './data-type.js';

type Lit = Extract<Expr, { kind: 'literal' }>;

export function literalFromProto(l: Expression_Literal, parseDdl: (s: string) => DataType): Lit {
  const v = l.literalType;
  const lit = (dataType: DataType, value: LiteralValue): Lit => ({ kind: 'literal', dataType, value });
  switch (v.case) {
    case undefined:
    case 'null':
      return lit(v.case ? dataTypeFromProto(v.value, parseDdl) : { type: 'null' }, null);
    case 'binary':
      return lit({ type: 'binary' }, v.value);
    case 'boolean':
      return lit({ type: 'boolean' }, v.value);
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
    case 'date':
      return lit({ type: v.case }, v.value);
    case 'long':
      return lit({ type: 'long' }, v.value);
    case 'string':
      return lit({ type: 'string' }, v.value);
    case 'timestamp':
      return lit({ type: 'timestamp' }, v.value);
    case 'timestampNtz':
      return lit({ type: 'timestamp_ntz' }, v.value);
    case 'decimal':
      return lit({ type: 'decimal', ...decimalLiteralType(v.value.value, v.value.precision, v.value.scale) }, v.value.value);
    case 'calendarInterval':
      return lit(
        { type: 'calendar_interval' },
        { months: v.value.months, days: v.value.days, micros: v.value.microseconds },
      );
    case 'yearMonthInterval':
      return lit({ type: 'year_month_interval', startField: 0, endField: 1 }, v.value);
    case 'dayTimeInterval':
      return lit({ type: 'day_time_interval', startField: 0, endField: 3 }, v.value);
    case 'array': {
      const elementType = dataTypeFromProto(v.value.elementType, parseDdl);
      return lit(
        { type: 'array', elementType, containsNull: true },
        v.value.elements.map((e) => literalFromProto(e, parseDdl).value),
      );
    }
    case 'map': {
      const keyType = dataTypeFromProto(v.value.keyType, parseDdl);
      const valueType = dataTypeFromProto(v.value.valueType, parseDdl);
      return lit(
        { type: 'map', keyType, valueType, valueContainsNull: true },
        {
          keys: v.value.keys.map((e) => literalFromProto(e, parseDdl).value),
          values: v.value.values.map((e) => literalFromProto(e, parseDdl).value),
        },
      );
    }
    case 'struct': {
      const structType = dataTypeFromProto(v.value.structType, parseDdl);
      return lit(
        structType,
        v.value.elements.map((e) => literalFromProto(e, parseDdl).value),
      );
    }
    case 'specializedArray': {
      const s = v.value.valueType;
      switch (s.case) {
        case 'bools':
          return lit({ type: 'array', elementType: { type: 'boolean' }, containsNull: false }, s.value.values);
        case 'ints':
          return lit({ type: 'array', elementType: { type: 'integer' }, containsNull: false }, s.value.values);
        case 'longs':
          return lit({ type: 'array', elementType: { type: 'long' }, containsNull: false }, s.value.values);
        case 'floats':
          return lit({ type: 'array', elementType: { type: 'float' }, containsNull: false }, s.value.values);
        case 'doubles':
          return lit({ type: 'array', elementType: { type: 'double' }, containsNull: false }, s.value.values);
        case 'strings':
          return lit({ type: 'array', elementType: { type: 'string' }, containsNull: false }, s.value.values);
        case undefined:
          throw unsupported('an empty specialized array literal');
      }
    }
  }
}

/**
 * A decimal literal's type as Spark's server gives it: the value's own precision and scale, each
 * widened to the declared one. pyspark declares `F.lit(Decimal("0.05"))` as decimal(10,0), so the
 * declared scale alone would read 0.05 as 0.
 */
export function decimalLiteralType(value: string, declaredPrecision?: number, declaredScale?: number): { precision: number; scale: number } {
  const m = /^\s*[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(value);
  if (!m || (m[1] === '' && !m[2])) {
    throw new PerennialError('INVALID_PLAN_INPUT', `The decimal literal "${value}" is not a number.`, { kind: 'user', sqlState: '42K0E' });
  }
  const frac = m[2] ?? '';
  let scale = frac.length - Number(m[3] ?? 0);
  let precision = Math.max(((m[1] ?? '') + frac).replace(/^0+/, '').length, 1);
  if (scale < 0) {
    // 1E+3 is 1000: no negative scales.
    precision -= scale;
    scale = 0;
  }
  scale = Math.max(scale, declaredScale ?? 0);
  precision = Math.max(precision, declaredPrecision ?? 0, scale);
  if (precision > 38) {
    throw new PerennialError('INVALID_PLAN_INPUT', `The decimal literal "${value}" needs precision ${precision}, more than 38.`, { kind: 'user', sqlState: '42K0E' });
  }
  return { precision, scale };
}
