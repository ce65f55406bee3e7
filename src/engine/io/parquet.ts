/** Parquet reading through hyparquet: column chunks per row group, converted to engine vectors. */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { stat } from 'node:fs/promises';
import { SPARK_SCHEMA_KEY, decodeNested } from './file-writer.js';
import { type Batch, vecFromValues } from '../arrow/vec.js';
import type { DataType, StructType } from '../plan/data-type.js';
import type { Attr } from '../plan/logical-plan.js';
import { T } from '../plan/type-utils.js';
import { parseDecimal, rescale } from '../expr/decimal.js';

interface SchemaNode {
  element: { name: string; type?: string; converted_type?: string; logical_type?: { type: string; precision?: number; scale?: number; unit?: string; isAdjustedToUTC?: boolean }; precision?: number; scale?: number; repetition_type?: string };
  children: SchemaNode[];
}

function typeOf(n: SchemaNode): DataType {
  const e = n.element;
  const lt = e.logical_type;
  if (lt?.type === 'DECIMAL' || e.converted_type === 'DECIMAL') return T.decimal(lt?.precision ?? e.precision ?? 10, lt?.scale ?? e.scale ?? 0);
  if (lt?.type === 'DATE' || e.converted_type === 'DATE') return T.date;
  if (lt?.type === 'TIMESTAMP') return lt.isAdjustedToUTC === false ? T.timestampNtz : T.timestamp;
  if (e.converted_type === 'TIMESTAMP_MICROS' || e.converted_type === 'TIMESTAMP_MILLIS') return T.timestamp;
  if (lt?.type === 'STRING' || e.converted_type === 'UTF8') return T.string;
  if (n.children.length > 0) {
    if (e.converted_type === 'LIST' || lt?.type === 'LIST') return T.array(typeOf(n.children[0]!.children[0] ?? n.children[0]!));
    return T.struct(n.children.map((c) => ({ name: c.element.name, dataType: typeOf(c), nullable: c.element.repetition_type !== 'REQUIRED' })));
  }
  switch (e.type) {
    case 'BOOLEAN':
      return T.boolean;
    case 'INT32':
      return e.converted_type === 'INT_8' ? T.byte : e.converted_type === 'INT_16' ? T.short : T.int;
    case 'INT64':
      return T.long;
    case 'FLOAT':
      return T.float;
    case 'DOUBLE':
      return T.double;
    case 'INT96':
      return T.timestamp;
    default:
      return T.binary;
  }
}

function sparkSchemaOf(md: { key_value_metadata?: { key: string; value?: string }[] }): StructType | undefined {
  const kv = md.key_value_metadata?.find((x) => x.key === SPARK_SCHEMA_KEY);
  if (!kv?.value) return undefined;
  try {
    const t = JSON.parse(kv.value) as DataType;
    return t.type === 'struct' ? t : undefined;
  } catch {
    return undefined;
  }
}

export async function readParquetSchema(file: string): Promise<StructType> {
  const buf = await asyncBufferFromFile(file);
  const md = await parquetMetadataAsync(buf);
  const spark = sparkSchemaOf(md as never);
  if (spark) return spark;
  const root = parquetSchema(md) as unknown as SchemaNode;
  return T.struct(root.children.map((c) => ({ name: c.element.name, dataType: typeOf(c), nullable: c.element.repetition_type !== 'REQUIRED' })));
}

const footerRows = new Map<string, { mtimeMs: number; rows: number }>();

/** Row count from the file's footer (cached per file and modification time). */
export async function parquetRowCount(file: string): Promise<number> {
  const { mtimeMs } = await stat(file);
  const hit = footerRows.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.rows;
  const md = await parquetMetadataAsync(await asyncBufferFromFile(file));
  const rows = Number(md.num_rows);
  footerRows.set(file, { mtimeMs, rows });
  return rows;
}

/** Keep raw values: µs as bigint, days as number (Date objects would lose microseconds). */
const PARSERS = {
  timestampFromMilliseconds: (v: bigint) => BigInt(v) * 1000n,
  timestampFromMicroseconds: (v: bigint) => BigInt(v),
  timestampFromNanoseconds: (v: bigint) => BigInt(v) / 1000n,
  dateFromDays: (v: number) => v,
};

function convert(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.type) {
    case 'decimal': {
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return t.precision <= 15 ? BigInt(Math.round(v * 10 ** t.scale)) : rescaleText(String(v), t.scale);
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      return rescaleText(String(v), t.scale);
    }
    case 'date':
      return v instanceof Date ? Math.floor(v.getTime() / 86400000) : Number(v);
    case 'timestamp':
    case 'timestamp_ntz':
      return v instanceof Date ? BigInt(v.getTime()) * 1000n : BigInt(v as bigint);
    case 'long':
    case 'day_time_interval':
      return BigInt(v as bigint);
    case 'string':
      return typeof v === 'string' ? v : new TextDecoder().decode(v as Uint8Array);
    case 'array':
    case 'map':
    case 'struct':
      if (typeof v === 'string') return decodeNested(t, JSON.parse(v));
      if (t.type === 'array') return (v as unknown[]).map((x) => convert(t.elementType, x));
      return v;
    case 'binary':
      return typeof v === 'string' ? new TextEncoder().encode(v) : v;
    default:
      return typeof v === 'bigint' ? Number(v) : v;
  }
}

function rescaleText(s: string, scale: number): bigint | null {
  const p = parseDecimal(s);
  return p ? rescale(p[0], p[1], scale) : null;
}

/** Streams a Parquet file one row group at a time, reading only the requested columns. */
export async function* readParquet(file: string, output: Attr[]): AsyncIterable<Batch> {
  const buf = await asyncBufferFromFile(file);
  const md = await parquetMetadataAsync(buf);
  const present = new Set((parquetSchema(md) as unknown as SchemaNode).children.map((c) => c.element.name));
  const wanted = output.filter((a) => present.has(a.name)).map((a) => a.name);
  let rowStart = 0;
  for (const rg of md.row_groups) {
    const n = Number(rg.num_rows);
    const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
    if (wanted.length > 0) {
      await parquetRead({
        file: buf,
        metadata: md,
        columns: wanted,
        rowStart,
        rowEnd: rowStart + n,
        parsers: PARSERS as never,
        onChunk: (c: { columnName: string; columnData: ArrayLike<unknown>; rowStart: number }) => {
          const l = chunks.get(c.columnName) ?? [];
          l.push({ rowStart: c.rowStart, data: c.columnData });
          chunks.set(c.columnName, l);
        },
      });
    }
    const cols = output.map((a) => {
      const parts = (chunks.get(a.name) ?? []).sort((x, y) => x.rowStart - y.rowStart);
      const vals = new Array<unknown>(n).fill(null);
      for (const p of parts) {
        const off = p.rowStart - rowStart;
        const d = p.data;
        for (let i = 0; i < d.length && off + i < n; i++) vals[off + i] = convert(a.type, d[i]);
      }
      return vecFromValues(a.type, vals);
    });
    rowStart += n;
    yield { cols, length: n };
  }
}
