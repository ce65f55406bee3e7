/**
 * Helpers over Spark data types: names in their three Spark spellings (catalog string, JSON/tree
 * type name, SQL), equality, and the numeric type lattice used by coercion.
 */
import type { DataType, StructField, StructType } from './data-type.js';

export const T = {
  null: { type: 'null' } as DataType,
  boolean: { type: 'boolean' } as DataType,
  byte: { type: 'byte' } as DataType,
  short: { type: 'short' } as DataType,
  int: { type: 'integer' } as DataType,
  long: { type: 'long' } as DataType,
  float: { type: 'float' } as DataType,
  double: { type: 'double' } as DataType,
  string: { type: 'string' } as DataType,
  binary: { type: 'binary' } as DataType,
  date: { type: 'date' } as DataType,
  timestamp: { type: 'timestamp' } as DataType,
  timestampNtz: { type: 'timestamp_ntz' } as DataType,
  time: (precision = 6): DataType => ({ type: 'time', precision }),
  calendarInterval: { type: 'calendar_interval' } as DataType,
  decimal: (precision: number, scale: number): DataType => ({ type: 'decimal', precision, scale }),
  array: (elementType: DataType, containsNull = true): DataType => ({ type: 'array', elementType, containsNull }),
  map: (keyType: DataType, valueType: DataType, valueContainsNull = true): DataType => ({
    type: 'map',
    keyType,
    valueType,
    valueContainsNull,
  }),
  struct: (fields: StructField[]): StructType => ({ type: 'struct', fields }),
};

const YM = ['year', 'month'];
const DT = ['day', 'hour', 'minute', 'second'];

function intervalName(names: string[], s: number, e: number): string {
  const a = names[s] ?? names[0];
  const b = names[e] ?? names[names.length - 1];
  return s === e ? `interval ${a}` : `interval ${a} to ${b}`;
}

/** Spark's `catalogString` / `simpleString` (`int`, `bigint`, `array<int>`, `struct<a:int>`). */
export function typeString(t: DataType): string {
  switch (t.type) {
    case 'null':
      return 'void';
    case 'byte':
      return 'tinyint';
    case 'short':
      return 'smallint';
    case 'integer':
      return 'int';
    case 'long':
      return 'bigint';
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'calendar_interval':
      return 'interval';
    case 'time':
      return `time(${t.precision})`;
    case 'year_month_interval':
      return intervalName(YM, t.startField, t.endField);
    case 'day_time_interval':
      return intervalName(DT, t.startField, t.endField);
    case 'array':
      return `array<${typeString(t.elementType)}>`;
    case 'map':
      return `map<${typeString(t.keyType)},${typeString(t.valueType)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${typeString(f.dataType)}`).join(',')}>`;
    default:
      return t.type;
  }
}

/** Spark's `typeName` as printSchema shows it (`integer`, `long`, `decimal(10,2)`, `array`). */
export function typeName(t: DataType): string {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'calendar_interval':
      return 'interval';
    case 'year_month_interval':
    case 'day_time_interval':
    case 'time':
      return typeString(t);
    case 'null':
      return 'void';
    default:
      return t.type;
  }
}

/** Spark's `DataType.sql` (`INT`, `DECIMAL(10,2)`, `ARRAY<INT>`, `STRUCT<a: INT>`), used in `CAST(x AS INT)` names. */
export function typeSql(t: DataType): string {
  switch (t.type) {
    case 'array':
      return `ARRAY<${typeSql(t.elementType)}>`;
    case 'map':
      return `MAP<${typeSql(t.keyType)}, ${typeSql(t.valueType)}>`;
    case 'struct':
      return `STRUCT<${t.fields.map((f) => `${f.name}: ${typeSql(f.dataType)}`).join(', ')}>`;
    default:
      return typeString(t).toUpperCase();
  }
}

export function typeEquals(a: DataType, b: DataType): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'decimal':
      return b.type === 'decimal' && a.precision === b.precision && a.scale === b.scale;
    case 'array':
      return b.type === 'array' && typeEquals(a.elementType, b.elementType);
    case 'map':
      return b.type === 'map' && typeEquals(a.keyType, b.keyType) && typeEquals(a.valueType, b.valueType);
    case 'struct':
      return (
        b.type === 'struct' &&
        a.fields.length === b.fields.length &&
        a.fields.every((f, i) => f.name === b.fields[i]?.name && typeEquals(f.dataType, b.fields[i]!.dataType))
      );
    case 'time':
      return b.type === 'time' && a.precision === b.precision;
    case 'year_month_interval':
    case 'day_time_interval':
      return true;
    default:
      return true;
  }
}

export const isIntegral = (t: DataType): boolean =>
  t.type === 'byte' || t.type === 'short' || t.type === 'integer' || t.type === 'long';
export const isFractional = (t: DataType): boolean => t.type === 'float' || t.type === 'double';
export const isNumeric = (t: DataType): boolean => isIntegral(t) || isFractional(t) || t.type === 'decimal';
export const isStringType = (t: DataType): boolean => t.type === 'string';
export const isDatetime = (t: DataType): boolean =>
  t.type === 'date' || t.type === 'timestamp' || t.type === 'timestamp_ntz';
export const isAtomic = (t: DataType): boolean => t.type !== 'array' && t.type !== 'map' && t.type !== 'struct';

const NUMERIC_RANK: Record<string, number> = { byte: 1, short: 2, integer: 3, long: 4, float: 6, double: 7 };

/** Spark's DecimalType.forType: the decimal that holds every value of an integral type. */
export function decimalForIntegral(t: DataType): DataType {
  switch (t.type) {
    case 'byte':
      return T.decimal(3, 0);
    case 'short':
      return T.decimal(5, 0);
    case 'integer':
      return T.decimal(10, 0);
    case 'long':
      return T.decimal(20, 0);
    case 'float':
      return T.decimal(14, 7);
    case 'double':
      return T.decimal(30, 15);
    default:
      return t;
  }
}

export const MAX_PRECISION = 38;

/** DecimalType.bounded. */
export function boundedDecimal(precision: number, scale: number): DataType {
  return T.decimal(Math.min(precision, MAX_PRECISION), Math.min(scale, MAX_PRECISION));
}

/** Spark's widerDecimalType for two decimals. */
export function widerDecimal(a: DataType, b: DataType): DataType {
  const x = a.type === 'decimal' ? a : decimalForIntegral(a);
  const y = b.type === 'decimal' ? b : decimalForIntegral(b);
  if (x.type !== 'decimal' || y.type !== 'decimal') return T.double;
  const scale = Math.max(x.scale, y.scale);
  const range = Math.max(x.precision - x.scale, y.precision - y.scale);
  return boundedDecimal(range + scale, scale);
}

/**
 * findTightestCommonType + numeric widening: the wider of two numeric types, following Spark
 * (integral ⊂ decimal for the integral's precision; decimal with float/double → double).
 */
export function widerNumeric(a: DataType, b: DataType): DataType | undefined {
  if (!isNumeric(a) || !isNumeric(b)) return undefined;
  if (typeEquals(a, b)) return a;
  if (a.type === 'decimal' || b.type === 'decimal') {
    if (isFractional(a) || isFractional(b)) return T.double;
    return widerDecimal(a, b);
  }
  return (NUMERIC_RANK[a.type] ?? 0) >= (NUMERIC_RANK[b.type] ?? 0) ? a : b;
}

/** Common type of two types for UNION/CASE/COALESCE/IN (findWiderTypeForTwo), or undefined. */
export function commonType(a: DataType, b: DataType, allowStringPromotion: boolean): DataType | undefined {
  if (typeEquals(a, b)) return mergeNullability(a, b);
  if (a.type === 'null') return b;
  if (b.type === 'null') return a;
  const n = widerNumeric(a, b);
  if (n) return n;
  if (a.type === 'date' && (b.type === 'timestamp' || b.type === 'timestamp_ntz')) return b;
  if (b.type === 'date' && (a.type === 'timestamp' || a.type === 'timestamp_ntz')) return a;
  if (a.type === 'timestamp_ntz' && b.type === 'timestamp') return b;
  if (b.type === 'timestamp_ntz' && a.type === 'timestamp') return a;
  if (a.type === 'array' && b.type === 'array') {
    const e = commonType(a.elementType, b.elementType, allowStringPromotion);
    return e ? T.array(e, a.containsNull || b.containsNull) : undefined;
  }
  if (a.type === 'map' && b.type === 'map') {
    const k = commonType(a.keyType, b.keyType, allowStringPromotion);
    const v = commonType(a.valueType, b.valueType, allowStringPromotion);
    return k && v ? T.map(k, v, a.valueContainsNull || b.valueContainsNull) : undefined;
  }
  if (a.type === 'struct' && b.type === 'struct' && a.fields.length === b.fields.length) {
    const fields: StructField[] = [];
    for (let i = 0; i < a.fields.length; i++) {
      const fa = a.fields[i]!;
      const fb = b.fields[i]!;
      if (fa.name.toLowerCase() !== fb.name.toLowerCase()) return undefined;
      const t = commonType(fa.dataType, fb.dataType, allowStringPromotion);
      if (!t) return undefined;
      fields.push({ name: fa.name, dataType: t, nullable: fa.nullable || fb.nullable });
    }
    return T.struct(fields);
  }
  if (allowStringPromotion) {
    if (a.type === 'string' && isAtomic(b) && b.type !== 'binary') return T.string;
    if (b.type === 'string' && isAtomic(a) && a.type !== 'binary') return T.string;
  }
  return undefined;
}

function mergeNullability(a: DataType, b: DataType): DataType {
  if (a.type === 'array' && b.type === 'array') return T.array(a.elementType, a.containsNull || b.containsNull);
  return a;
}

export function structOf(names: string[], types: DataType[], nullables: boolean[]): StructType {
  return T.struct(names.map((name, i) => ({ name, dataType: types[i]!, nullable: nullables[i]! })));
}

/** `df.printSchema()` text. */
export function treeString(schema: StructType, level = Number.MAX_SAFE_INTEGER): string {
  const lines = ['root'];
  const walk = (t: DataType, prefix: string, depth: number): void => {
    if (depth > level) return;
    if (t.type === 'struct') {
      for (const f of t.fields) {
        lines.push(`${prefix}-- ${f.name}: ${typeName(f.dataType)} (nullable = ${f.nullable})`);
        walk(f.dataType, `${prefix}    |`, depth + 1);
      }
    } else if (t.type === 'array') {
      lines.push(`${prefix}-- element: ${typeName(t.elementType)} (containsNull = ${t.containsNull})`);
      walk(t.elementType, `${prefix}    |`, depth + 1);
    } else if (t.type === 'map') {
      lines.push(`${prefix}-- key: ${typeName(t.keyType)}`);
      walk(t.keyType, `${prefix}    |`, depth + 1);
      lines.push(`${prefix}-- value: ${typeName(t.valueType)} (valueContainsNull = ${t.valueContainsNull})`);
      walk(t.valueType, `${prefix}    |`, depth + 1);
    }
  };
  walk(schema, ' |', 1);
  return `${lines.join('\n')}\n`;
}
