/**
 * Encodes engine batches as data files: Parquet (hyparquet-writer), CSV and JSON lines. One call writes
 * one file; the caller (io/commit.ts) decides where, and makes the result visible atomically.
 *
 * Parquet files carry the Spark schema as key-value metadata (`SPARK_SCHEMA_KEY`), so a table reads
 * back with exactly the types it was written with; nested values (array/map/struct) are stored as
 * JSON text in a BYTE_ARRAY column and decoded by type on read (`decodeNested`).
 */
import { promises as fs } from 'node:fs';
import { type Batch, getValue } from '../arrow/vec.js';
import { castValue } from '../expr/cast.js';
import type { EvalContext } from '../expr/eval-context.js';
import type { DataType, StructType } from '../plan/data-type.js';
import { T } from '../plan/type-utils.js';

export const SPARK_SCHEMA_KEY = 'perennial.spark.schema';

/** Row values of a nested value → JSON-safe form (bigint as string, binary as base64). */
export function encodeNested(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.type) {
    case 'array':
      return (v as unknown[]).map((x) => encodeNested(t.elementType, x));
    case 'map': {
      const m = v as { keys: unknown[]; values: unknown[] };
      return { k: m.keys.map((x) => encodeNested(t.keyType, x)), v: m.values.map((x) => encodeNested(t.valueType, x)) };
    }
    case 'struct':
      return t.fields.map((f, i) => encodeNested(f.dataType, (v as unknown[])[i]));
    case 'binary':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'calendar_interval': {
      const c = v as { months: number; days: number; micros: bigint };
      return [c.months, c.days, String(c.micros)];
    }
    default:
      return typeof v === 'bigint' ? String(v) : v;
  }
}

/** Inverse of `encodeNested`. */
export function decodeNested(t: DataType, j: unknown): unknown {
  if (j === null || j === undefined) return null;
  switch (t.type) {
    case 'array':
      return (j as unknown[]).map((x) => decodeNested(t.elementType, x));
    case 'map': {
      const m = j as { k: unknown[]; v: unknown[] };
      return { keys: m.k.map((x) => decodeNested(t.keyType, x)), values: m.v.map((x) => decodeNested(t.valueType, x)) };
    }
    case 'struct':
      return t.fields.map((f, i) => decodeNested(f.dataType, (j as unknown[])[i]));
    case 'binary':
      return new Uint8Array(Buffer.from(j as string, 'base64'));
    case 'calendar_interval': {
      const c = j as [number, number, string];
      return { months: c[0], days: c[1], micros: BigInt(c[2]) };
    }
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'day_time_interval':
    case 'decimal':
      return BigInt(j as string);
    default:
      return j;
  }
}

interface ParquetLeaf {
  element: Record<string, unknown>;
  convert: (v: unknown) => unknown;
}

function parquetLeaf(name: string, t: DataType, nullable: boolean): ParquetLeaf {
  const repetition_type = nullable ? 'OPTIONAL' : 'REQUIRED';
  const el = (type: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, type, repetition_type, ...extra });
  const id = (v: unknown): unknown => v;
  switch (t.type) {
    case 'boolean':
      return { element: el('BOOLEAN'), convert: id };
    case 'byte':
      return { element: el('INT32', { converted_type: 'INT_8' }), convert: id };
    case 'short':
      return { element: el('INT32', { converted_type: 'INT_16' }), convert: id };
    case 'integer':
    case 'year_month_interval':
      return { element: el('INT32'), convert: id };
    case 'date':
      return { element: el('INT32', { converted_type: 'DATE' }), convert: id };
    case 'long':
    case 'day_time_interval':
      return { element: el('INT64'), convert: (v) => (v === null ? null : BigInt(v as bigint)) };
    case 'float':
      return { element: el('FLOAT'), convert: id };
    case 'double':
      return { element: el('DOUBLE'), convert: id };
    case 'timestamp':
    case 'timestamp_ntz':
      return {
        element: el('INT64', { logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: t.type === 'timestamp', unit: 'MICROS' } }),
        convert: (v) => (v === null ? null : BigInt(v as bigint)),
      };
    case 'decimal':
      return t.precision <= 18
        ? { element: el('INT64', { converted_type: 'DECIMAL', precision: t.precision, scale: t.scale }), convert: (v) => (v === null ? null : BigInt(v as bigint)) }
        : // Wider decimals keep their exact unscaled digits as text; the Spark schema metadata restores the type.
          { element: el('BYTE_ARRAY', { converted_type: 'UTF8' }), convert: (v) => (v === null ? null : String(v)) };
    case 'string':
      return { element: el('BYTE_ARRAY', { converted_type: 'UTF8' }), convert: id };
    case 'binary':
      return { element: el('BYTE_ARRAY'), convert: id };
    case 'null':
      return { element: { name, type: 'INT32', repetition_type: 'OPTIONAL' }, convert: () => null };
    default:
      return {
        element: el('BYTE_ARRAY', { converted_type: 'UTF8' }),
        convert: (v) => (v === null ? null : JSON.stringify(encodeNested(t, v))),
      };
  }
}

function columnValues(b: Batch, c: number, convert: (v: unknown) => unknown): unknown[] {
  const out = new Array<unknown>(b.length);
  const v = b.cols[c]!;
  for (let i = 0; i < b.length; i++) out[i] = convert(getValue(v, i));
  return out;
}

export async function writeParquetFile(file: string, schema: StructType, b: Batch): Promise<void> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const leaves = schema.fields.map((f) => parquetLeaf(f.name, f.dataType, f.nullable || f.dataType.type === 'null'));
  const root = { name: 'spark_schema', num_children: leaves.length };
  const buf = parquetWriteBuffer({
    columnData: leaves.map((l, c) => ({ name: l.element.name as string, data: columnValues(b, c, l.convert) as never })),
    schema: [root, ...leaves.map((l) => l.element)] as never,
    kvMetadata: [{ key: SPARK_SCHEMA_KEY, value: JSON.stringify(schema) }],
  });
  await fs.writeFile(file, new Uint8Array(buf));
}

function textOf(t: DataType, v: unknown, ctx: EvalContext): string {
  return String(castValue(v, t, T.string, 'legacy', ctx));
}

function csvField(s: string, sep: string): string {
  return /["\n\r]/.test(s) || s.includes(sep) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function writeCsvFile(file: string, schema: StructType, b: Batch, options: Record<string, string>, ctx: EvalContext): Promise<void> {
  const sep = options.sep ?? options.delimiter ?? ',';
  const header = (options.header ?? 'false').toLowerCase() === 'true';
  const nullValue = options.nullValue ?? '';
  const lines: string[] = [];
  if (header) lines.push(schema.fields.map((f) => csvField(f.name, sep)).join(sep));
  for (let i = 0; i < b.length; i++) {
    lines.push(
      schema.fields
        .map((f, c) => {
          const v = getValue(b.cols[c]!, i);
          if (v === null) return nullValue;
          const s = textOf(f.dataType, v, ctx);
          return s === '' ? '""' : csvField(s, sep);
        })
        .join(sep),
    );
  }
  await fs.writeFile(file, lines.length ? `${lines.join('\n')}\n` : '');
}

function jsonValue(t: DataType, v: unknown, ctx: EvalContext): unknown {
  if (v === null || v === undefined) return null;
  switch (t.type) {
    case 'boolean':
    case 'byte':
    case 'short':
    case 'integer':
      return v;
    case 'float':
    case 'double':
      return Number.isFinite(v as number) ? v : textOf(t, v, ctx);
    case 'long':
      return Number(v);
    case 'decimal':
      return Number(textOf(t, v, ctx));
    case 'array':
      return (v as unknown[]).map((x) => jsonValue(t.elementType, x, ctx));
    case 'map': {
      const m = v as { keys: unknown[]; values: unknown[] };
      const o: Record<string, unknown> = {};
      m.keys.forEach((k, i) => {
        o[textOf(t.keyType, k, ctx)] = jsonValue(t.valueType, m.values[i], ctx);
      });
      return o;
    }
    case 'struct': {
      const o: Record<string, unknown> = {};
      t.fields.forEach((f, i) => {
        const x = (v as unknown[])[i];
        if (x !== null && x !== undefined) o[f.name] = jsonValue(f.dataType, x, ctx);
      });
      return o;
    }
    default:
      return textOf(t, v, ctx);
  }
}

export async function writeJsonFile(file: string, schema: StructType, b: Batch, ctx: EvalContext): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i++) {
    const row = schema.fields.map((_f, c) => getValue(b.cols[c]!, i));
    lines.push(JSON.stringify(jsonValue(schema, row, ctx)));
  }
  await fs.writeFile(file, lines.length ? `${lines.join('\n')}\n` : '');
}

/** File extension Spark uses for a format's part files. */
export function extensionOf(format: string): string {
  switch (format.toLowerCase()) {
    case 'parquet':
      return '.snappy.parquet';
    case 'csv':
      return '.csv';
    case 'json':
      return '.json';
    default:
      return `.${format.toLowerCase()}`;
  }
}

export function isWritableFormat(format: string): boolean {
  return ['parquet', 'csv', 'json'].includes(format.toLowerCase());
}

export async function writeDataFile(format: string, file: string, schema: StructType, b: Batch, options: Record<string, string>, ctx: EvalContext): Promise<void> {
  switch (format.toLowerCase()) {
    case 'parquet':
      return writeParquetFile(file, schema, b);
    case 'csv':
      return writeCsvFile(file, schema, b, options, ctx);
    default:
      return writeJsonFile(file, schema, b, ctx);
  }
}
