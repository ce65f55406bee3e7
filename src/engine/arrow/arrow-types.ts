/** Spark type ↔ Arrow type, as Spark's ArrowUtils maps them (what Spark Connect clients expect). */
import * as A from 'apache-arrow';
import { unsupported } from '../../core/errors.js';
import type { DataType, StructType } from '../plan/data-type.js';
import { T } from '../plan/type-utils.js';

export function toArrowType(t: DataType, timeZone: string): A.DataType {
  switch (t.type) {
    case 'null':
      return new A.Null();
    case 'boolean':
      return new A.Bool();
    case 'byte':
      return new A.Int8();
    case 'short':
      return new A.Int16();
    case 'integer':
      return new A.Int32();
    case 'long':
      return new A.Int64();
    case 'float':
      return new A.Float32();
    case 'double':
      return new A.Float64();
    case 'decimal':
      return new A.Decimal(t.scale, t.precision, 128);
    case 'string':
      return new A.Utf8();
    case 'binary':
      return new A.Binary();
    case 'date':
      return new A.DateDay();
    case 'timestamp':
      return new A.TimestampMicrosecond(timeZone);
    case 'timestamp_ntz':
      return new A.TimestampMicrosecond();
    case 'day_time_interval':
      return new A.DurationMicrosecond();
    case 'time':
      // Spark's ArrowUtils sends TIME as Time64(NANOSECOND); the engine holds µs.
      return new A.TimeNanosecond();
    case 'year_month_interval':
      return new A.IntervalYearMonth();
    case 'calendar_interval':
      return new A.Interval(A.IntervalUnit.MONTH_DAY_NANO);
    case 'array':
      return new A.List(new A.Field('element', toArrowType(t.elementType, timeZone), t.containsNull));
    case 'map':
      return new A.Map_(
        new A.Field(
          'entries',
          new A.Struct([
            new A.Field('key', toArrowType(t.keyType, timeZone), false),
            new A.Field('value', toArrowType(t.valueType, timeZone), t.valueContainsNull),
          ] as never[]),
          false,
        ),
      );
    case 'struct':
      return new A.Struct(t.fields.map((f) => new A.Field(f.name, toArrowType(f.dataType, timeZone), f.nullable)));
  }
}

export function toArrowSchema(s: StructType, timeZone: string): A.Schema {
  return new A.Schema(s.fields.map((f) => new A.Field(f.name, toArrowType(f.dataType, timeZone), f.nullable)));
}

export function fromArrowType(t: A.DataType): DataType {
  switch (t.typeId) {
    case A.Type.Null:
      return T.null;
    case A.Type.Bool:
      return T.boolean;
    case A.Type.Int: {
      const it = t as A.Int;
      if (it.bitWidth === 8) return it.isSigned ? T.byte : T.short;
      if (it.bitWidth === 16) return it.isSigned ? T.short : T.int;
      if (it.bitWidth === 32) return it.isSigned ? T.int : T.long;
      return T.long;
    }
    case A.Type.Float: {
      const ft = t as A.Float;
      return ft.precision === A.Precision.DOUBLE ? T.double : T.float;
    }
    case A.Type.Decimal: {
      const d = t as A.Decimal;
      return T.decimal(d.precision, d.scale);
    }
    case A.Type.Utf8:
    case A.Type.LargeUtf8:
    case A.Type.Utf8View:
      return T.string;
    case A.Type.Binary:
    case A.Type.LargeBinary:
    case A.Type.FixedSizeBinary:
    case A.Type.BinaryView:
      return T.binary;
    case A.Type.Date:
      return T.date;
    case A.Type.Timestamp:
      return (t as A.Timestamp).timezone ? T.timestamp : T.timestampNtz;
    case A.Type.Duration:
      return { type: 'day_time_interval', startField: 0, endField: 3 };
    case A.Type.Time:
      return T.time(6);
    case A.Type.Interval: {
      const it = t as A.Interval;
      if (it.unit === A.IntervalUnit.YEAR_MONTH) return { type: 'year_month_interval', startField: 0, endField: 1 };
      return T.calendarInterval;
    }
    case A.Type.List:
    case A.Type.LargeList:
    case A.Type.FixedSizeList: {
      const c = (t as A.List).children[0]!;
      return T.array(fromArrowType(c.type), c.nullable);
    }
    case A.Type.Map: {
      const entries = (t as A.Map_).children[0]!.type as A.Struct;
      const [k, v] = entries.children;
      return T.map(fromArrowType(k!.type), fromArrowType(v!.type), v!.nullable);
    }
    case A.Type.Struct:
      return T.struct(
        (t as A.Struct).children.map((f) => ({ name: f.name, dataType: fromArrowType(f.type), nullable: f.nullable })),
      );
    case A.Type.Dictionary:
      return fromArrowType((t as A.Dictionary).dictionary);
    default:
      throw unsupported(`Arrow type ${String(t)}`);
  }
}
