/**
 * Spark's JSON form of a DataType (what `StructType.json()` prints, and what pyspark sends as a
 * LocalRelation schema): `{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,...}]}`.
 * Atomic types are strings in DDL spelling, parsed by the engine's DDL parser.
 */
import type { DataType } from '../../engine/index.js';
import { invalidPlan } from './expression.js';

export function parseSchemaString(s: string, parseDdl: (ddl: string) => DataType): DataType {
  const t = s.trim();
  if (!t.startsWith('{')) return parseDdl(t);
  let json: unknown;
  try {
    json = JSON.parse(t);
  } catch {
    throw invalidPlan(`The schema is neither a DDL string nor valid JSON: ${t.slice(0, 200)}`);
  }
  return fromJson(json, parseDdl);
}

function fromJson(j: unknown, parseDdl: (ddl: string) => DataType): DataType {
  if (typeof j === 'string') return parseDdl(j);
  if (typeof j !== 'object' || j === null) throw invalidPlan('A JSON schema type must be a string or an object.');
  const o = j as Record<string, unknown>;
  switch (o.type) {
    case 'struct':
      return {
        type: 'struct',
        fields: ((o.fields as Record<string, unknown>[] | undefined) ?? []).map((f) => ({
          name: String(f.name),
          dataType: fromJson(f.type, parseDdl),
          nullable: f.nullable !== false,
          ...(f.metadata && Object.keys(f.metadata as object).length ? { metadata: JSON.stringify(f.metadata) } : {}),
        })),
      };
    case 'array':
      return { type: 'array', elementType: fromJson(o.elementType, parseDdl), containsNull: o.containsNull !== false };
    case 'map':
      return {
        type: 'map',
        keyType: fromJson(o.keyType, parseDdl),
        valueType: fromJson(o.valueType, parseDdl),
        valueContainsNull: o.valueContainsNull !== false,
      };
    case 'udt':
      if (o.sqlType !== undefined) return fromJson(o.sqlType, parseDdl);
      throw invalidPlan('A user-defined type without sqlType cannot be used here.');
    default:
      throw invalidPlan(`Unknown JSON schema type ${JSON.stringify(o.type)}.`);
  }
}
