/**
 * Spark SQL data types, as the engine and its two fronts (SQL text, Spark Connect) name them.
 * Arrow mapping (what clients expect) is Spark's ArrowUtils: see engine/arrow.
 */
export type DataType =
  | { type: 'null' }
  | { type: 'boolean' }
  | { type: 'byte' }
  | { type: 'short' }
  | { type: 'integer' }
  | { type: 'long' }
  | { type: 'float' }
  | { type: 'double' }
  | { type: 'decimal'; precision: number; scale: number }
  | { type: 'string' }
  | { type: 'binary' }
  | { type: 'date' }
  | { type: 'timestamp' }
  | { type: 'timestamp_ntz' }
  /** Spark 4.1 TIME(p): time of day, µs since midnight; p (0-6) is the fractional-second precision. */
  | { type: 'time'; precision: number }
  | { type: 'calendar_interval' }
  | { type: 'year_month_interval'; startField: number; endField: number }
  | { type: 'day_time_interval'; startField: number; endField: number }
  | { type: 'array'; elementType: DataType; containsNull: boolean }
  | { type: 'map'; keyType: DataType; valueType: DataType; valueContainsNull: boolean }
  | { type: 'struct'; fields: StructField[] };

export interface StructField {
  name: string;
  dataType: DataType;
  nullable: boolean;
  /** JSON metadata string, passed through untouched. */
  metadata?: string;
}

export type StructType = Extract<DataType, { type: 'struct' }>;
