/** Parsed literals → engine values and Spark's pretty SQL for literals (used in generated column names). */
import type { DataType } from '../plan/data-type.js';
import type { LiteralValue } from '../plan/parsed-plan.js';
import { typeSql } from '../plan/type-utils.js';
import { parseDecimal, rescale } from '../expr/decimal.js';
import { formatValue, javaDouble, javaFloat } from '../expr/format-value.js';

/** Converts a parsed literal value to the engine's row value representation. */
export function literalToValue(t: DataType, v: LiteralValue): unknown {
  if (v === null) return null;
  switch (t.type) {
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'day_time_interval':
    case 'time':
      return typeof v === 'bigint' ? v : BigInt(v as number);
    case 'decimal': {
      if (typeof v === 'bigint') return v * 10n ** BigInt(t.scale);
      const p = parseDecimal(String(v));
      return p ? rescale(p[0], p[1], t.scale) : null;
    }
    case 'date':
    case 'year_month_interval':
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
      return typeof v === 'bigint' ? Number(v) : v;
    case 'array':
      return (v as LiteralValue[]).map((x) => literalToValue(t.elementType, x));
    case 'map': {
      const m = v as { keys: LiteralValue[]; values: LiteralValue[] };
      return { keys: m.keys.map((x) => literalToValue(t.keyType, x)), values: m.values.map((x) => literalToValue(t.valueType, x)) };
    }
    case 'struct':
      return (v as LiteralValue[]).map((x, i) => literalToValue(t.fields[i]!.dataType, x));
    case 'calendar_interval': {
      const c = v as { months: number; days: number; micros: bigint };
      return { months: c.months, days: c.days, micros: BigInt(c.micros) };
    }
    default:
      return v;
  }
}

/** The name Spark gives a literal column (`1`, `abc`, `NULL`, `true`, `DATE '2020-01-01'`). */
export function literalSql(t: DataType, v: unknown, timeZone: string): string {
  if (v === null) return 'NULL';
  switch (t.type) {
    case 'string':
      return String(v);
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'decimal':
      return formatValue(t, v, { timeZone });
    case 'double':
      return javaDouble(v as number);
    case 'float':
      return javaFloat(v as number);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'date':
      return `DATE '${formatValue(t, v, { timeZone })}'`;
    case 'timestamp':
      return `TIMESTAMP '${formatValue(t, v, { timeZone })}'`;
    case 'timestamp_ntz':
      return `TIMESTAMP_NTZ '${formatValue(t, v, { timeZone })}'`;
    case 'time':
      return `TIME '${formatValue(t, v, { timeZone })}'`;
    case 'binary':
      return `X'${Array.from(v as Uint8Array, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('')}'`;
    case 'year_month_interval':
    case 'day_time_interval':
      return formatValue(t, v, { timeZone });
    case 'calendar_interval':
      return `INTERVAL '${formatValue(t, v, { timeZone })}'`;
    case 'array':
      return `ARRAY(${(v as unknown[]).map((x) => (x === null ? 'NULL' : literalSql(t.elementType, x, timeZone))).join(', ')})`;
    case 'map': {
      const m = v as { keys: unknown[]; values: unknown[] };
      return `MAP(${m.keys.map((k, i) => `${literalSql(t.keyType, k, timeZone)}, ${literalSql(t.valueType, m.values[i], timeZone)}`).join(', ')})`;
    }
    case 'struct':
      return `NAMED_STRUCT(${t.fields.map((f, i) => `'${f.name}', ${literalSql(f.dataType, (v as unknown[])[i], timeZone)}`).join(', ')})`;
    default:
      return `CAST(NULL AS ${typeSql(t)})`;
  }
}
