/** Spark Connect `DataType` proto ⇄ engine DataType. */
import { create } from '@bufbuild/protobuf';
import { unsupported } from '../../core/errors.js';
import type { DataType, StructType } from '../../engine/index.js';
import { type DataType as DataTypeProto, DataTypeSchema } from '../../protocol/index.js';

export function dataTypeFromProto(t: DataTypeProto | undefined, parseDdl: (s: string) => DataType): DataType {
  const k = t?.kind;
  switch (k?.case) {
    case undefined:
    case 'null':
      return { type: 'null' };
    case 'binary':
    case 'boolean':
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'date':
    case 'timestamp':
      return { type: k.case };
    case 'string':
    case 'char':
    case 'varChar':
      return { type: 'string' };
    case 'timestampNtz':
      return { type: 'timestamp_ntz' };
    case 'calendarInterval':
      return { type: 'calendar_interval' };
    case 'decimal':
      return { type: 'decimal', precision: k.value.precision ?? 10, scale: k.value.scale ?? 0 };
    case 'yearMonthInterval':
      return { type: 'year_month_interval', startField: k.value.startField ?? 0, endField: k.value.endField ?? 1 };
    case 'dayTimeInterval':
      return { type: 'day_time_interval', startField: k.value.startField ?? 0, endField: k.value.endField ?? 3 };
    case 'array':
      return {
        type: 'array',
        elementType: dataTypeFromProto(k.value.elementType, parseDdl),
        containsNull: k.value.containsNull,
      };
    case 'map':
      return {
        type: 'map',
        keyType: dataTypeFromProto(k.value.keyType, parseDdl),
        valueType: dataTypeFromProto(k.value.valueType, parseDdl),
        valueContainsNull: k.value.valueContainsNull,
      };
    case 'struct':
      return {
        type: 'struct',
        fields: k.value.fields.map((f) => ({
          name: f.name,
          dataType: dataTypeFromProto(f.dataType, parseDdl),
          nullable: f.nullable,
          ...(f.metadata !== undefined ? { metadata: f.metadata } : {}),
        })),
      };
    case 'unparsed':
      return parseDdl(k.value.dataTypeString);
    case 'udt':
      if (k.value.sqlType) return dataTypeFromProto(k.value.sqlType, parseDdl);
      throw unsupported(`user-defined type ${k.value.type}`);
    case 'variant':
      throw unsupported('the VARIANT type');
  }
}

export function dataTypeToProto(t: DataType): DataTypeProto {
  return create(DataTypeSchema, { kind: kindOf(t) });
}

function kindOf(t: DataType): DataTypeProto['kind'] {
  switch (t.type) {
    case 'null':
      return { case: 'null', value: {} } as DataTypeProto['kind'];
    case 'binary':
    case 'boolean':
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'date':
    case 'timestamp':
      return { case: t.type, value: {} } as DataTypeProto['kind'];
    case 'string':
      return { case: 'string', value: { collation: '' } } as DataTypeProto['kind'];
    case 'timestamp_ntz':
      return { case: 'timestampNtz', value: {} } as DataTypeProto['kind'];
    case 'calendar_interval':
      return { case: 'calendarInterval', value: {} } as DataTypeProto['kind'];
    case 'decimal':
      return { case: 'decimal', value: { precision: t.precision, scale: t.scale } } as DataTypeProto['kind'];
    case 'year_month_interval':
      return { case: 'yearMonthInterval', value: { startField: t.startField, endField: t.endField } } as DataTypeProto['kind'];
    case 'day_time_interval':
      return { case: 'dayTimeInterval', value: { startField: t.startField, endField: t.endField } } as DataTypeProto['kind'];
    case 'array':
      return {
        case: 'array',
        value: { elementType: dataTypeToProto(t.elementType), containsNull: t.containsNull },
      } as DataTypeProto['kind'];
    case 'map':
      return {
        case: 'map',
        value: {
          keyType: dataTypeToProto(t.keyType),
          valueType: dataTypeToProto(t.valueType),
          valueContainsNull: t.valueContainsNull,
        },
      } as DataTypeProto['kind'];
    case 'struct':
      return { case: 'struct', value: { fields: structFieldsToProto(t) } } as DataTypeProto['kind'];
  }
  return { case: undefined };
}

function structFieldsToProto(t: StructType) {
  return t.fields.map((f: StructType['fields'][number]) => ({
    name: f.name,
    dataType: dataTypeToProto(f.dataType),
    nullable: f.nullable,
    ...(f.metadata !== undefined ? { metadata: f.metadata } : {}),
  }));
}
