/** Parquet reading through hyparquet: column chunks per row group, converted to engine vectors. */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { stat } from 'node:fs/promises';
import { SPARK_SCHEMA_KEY, decodeNested } from './file-writer.js';
import { type Batch, type Vec, storageOf, vecFromValues } from '../arrow/vec.js';
import type { DataType, StructType } from '../plan/data-type.js';
import type { Attr } from '../plan/logical-plan.js';
import { T } from '../plan/type-utils.js';
import { parseDecimal, rescale } from '../expr/decimal.js';
import { decodeFlatChunk } from './parquet-pages.js';
import { CODECS } from './parquet-codecs.js';
import { decodePool } from './parquet-decode-pool.js';

/** Files smaller than this decode on the calling thread (a worker round trip would cost more). */
const WORKER_MIN_ROWS = 50_000;
/** Row groups decoding ahead of the consumer when workers are used. */
const PREFETCH_GROUPS = 3;

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

const footerRows = new Map<string, { mtimeMs: number; rows: number; ndv: Record<string, number> }>();

/** Distinct-value bound per integer column: min(rows, max - min + 1) over the footer's statistics. */
function integerRanges(md: { row_groups: { columns: { meta_data?: { type?: string; path_in_schema: string[]; statistics?: { min_value?: unknown; max_value?: unknown; min?: unknown; max?: unknown } } }[] }[] }, rows: number): Record<string, number> {
  const lo = new Map<string, number>();
  const hi = new Map<string, number>();
  const bad = new Set<string>();
  for (const rg of md.row_groups)
    for (const c of rg.columns) {
      const m = c.meta_data;
      if (m === undefined) continue;
      if (m.path_in_schema.length !== 1) continue;
      const name = m.path_in_schema[0]!;
      if (m.type !== 'INT32' && m.type !== 'INT64') {
        bad.add(name);
        continue;
      }
      const mn = m.statistics?.min_value ?? m.statistics?.min;
      const mx = m.statistics?.max_value ?? m.statistics?.max;
      if ((typeof mn !== 'number' && typeof mn !== 'bigint') || (typeof mx !== 'number' && typeof mx !== 'bigint')) {
        bad.add(name);
        continue;
      }
      lo.set(name, Math.min(lo.get(name) ?? Number.POSITIVE_INFINITY, Number(mn)));
      hi.set(name, Math.max(hi.get(name) ?? Number.NEGATIVE_INFINITY, Number(mx)));
    }
  const out: Record<string, number> = {};
  for (const [name, l] of lo) if (!bad.has(name)) out[name] = Math.max(1, Math.min(rows, hi.get(name)! - l + 1));
  return out;
}

/** Row count from the file's footer (cached per file and modification time). */
export async function parquetRowCount(file: string): Promise<number> {
  const { mtimeMs } = await stat(file);
  const hit = footerRows.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.rows;
  const md = await parquetMetadataAsync(await asyncBufferFromFile(file));
  const rows = Number(md.num_rows);
  footerRows.set(file, { mtimeMs, rows, ndv: integerRanges(md as never, rows) });
  return rows;
}

/** Cached distinct-value bounds of a file whose row count was read (see parquetRowCount). */
export function parquetNdv(file: string): Record<string, number> | undefined {
  return footerRows.get(file)?.ndv;
}

/** Keep raw values: µs as bigint, days as number (Date objects would lose microseconds). */
const PARSERS = {
  timestampFromMilliseconds: (v: bigint) => BigInt(v) * 1000n,
  timestampFromMicroseconds: (v: bigint) => BigInt(v),
  timestampFromNanoseconds: (v: bigint) => BigInt(v) / 1000n,
  // Also receives raw INT64 values (see rawMetadata): numbers while safe, else the exact bigint.
  dateFromDays: (v: number | bigint) => (typeof v === 'bigint' ? (v <= 9007199254740991n && v >= -9007199254740991n ? Number(v) : v) : v),
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

/** Little-endian hosts can read int64 values as two int32 halves (no BigInt per value). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

type Part = { rowStart: number; data: ArrayLike<unknown> };

/**
 * Decodes one column of a row group straight into typed storage (no per-row objects), or returns
 * undefined when a value needs the general converter (wide int64, unusual source representation).
 * `raw`: decimal/date columns were read without hyparquet's conversion (unscaled integers / days).
 */
function fastColumn(t: DataType, parts: Part[], n: number, rowStart: number, raw: boolean): Vec | undefined {
  const s = storageOf(t);
  if (t.type === 'decimal' && !raw) return undefined;
  if (s !== 'i32' && s !== 'f64' && s !== 'i64' && s !== 'dec' && s !== 'bool' && t.type !== 'string') return undefined;
  let valid: Uint8Array | null = null;
  const setNull = (i: number): void => {
    if (valid === null) valid = new Uint8Array(n).fill(1);
    valid[i] = 0;
  };
  let covered = 0;
  for (const p of parts) covered += p.data.length;
  if (covered < n) {
    // Rows no chunk covered are NULL (same as the general path).
    valid = new Uint8Array(n);
    for (const p of parts) valid.fill(1, p.rowStart - rowStart, Math.min(n, p.rowStart - rowStart + p.data.length));
  }
  if (t.type === 'string') {
    const d: unknown[] = new Array(n).fill(null);
    for (const p of parts) {
      const off = p.rowStart - rowStart;
      const src = p.data;
      const m = Math.min(src.length, n - off);
      for (let i = 0; i < m; i++) {
        const x = src[i];
        if (typeof x === 'string') d[off + i] = x;
        else if (x === null || x === undefined) setNull(off + i);
        else d[off + i] = x instanceof Uint8Array ? new TextDecoder().decode(x) : String(x);
      }
    }
    return { type: t, length: n, data: d, valid };
  }
  const d = s === 'i32' ? new Int32Array(n) : s === 'bool' ? new Uint8Array(n) : new Float64Array(n);
  const fround = t.type === 'float';
  for (const p of parts) {
    const off = p.rowStart - rowStart;
    const src = p.data;
    const m = Math.min(src.length, n - off);
    if (src instanceof BigInt64Array) {
      if (s !== 'i64' && s !== 'dec') return undefined;
      if (!LITTLE_ENDIAN) return undefined;
      const halves = new Int32Array(src.buffer, src.byteOffset, src.length * 2);
      for (let i = 0; i < m; i++) {
        const hi = halves[2 * i + 1]!;
        // |v| < 2^53 exactly when the high word is within ±2^21 (keep the compact representation).
        if (hi >= 2097152 || hi < -2097151) return undefined;
        d[off + i] = hi * 4294967296 + (halves[2 * i]! >>> 0);
      }
    } else if (src instanceof Int32Array || src instanceof Float64Array || src instanceof Float32Array) {
      if (s === 'bool') return undefined;
      if (fround && !(src instanceof Float32Array)) for (let i = 0; i < m; i++) d[off + i] = Math.fround(src[i]!);
      else for (let i = 0; i < m; i++) d[off + i] = src[i]!;
    } else {
      for (let i = 0; i < m; i++) {
        const x = src[i];
        if (x === null || x === undefined) setNull(off + i);
        else if (typeof x === 'number') {
          if (s === 'bool' || ((s === 'i64' || s === 'dec') && !Number.isSafeInteger(x))) return undefined;
          d[off + i] = fround ? Math.fround(x) : x;
        } else if (typeof x === 'bigint') {
          if ((s !== 'i64' && s !== 'dec') || x > 9007199254740991n || x < -9007199254740991n) return undefined;
          d[off + i] = Number(x);
        } else if (typeof x === 'boolean' && s === 'bool') d[off + i] = x ? 1 : 0;
        else return undefined;
      }
    }
  }
  return { type: t, length: n, data: d, valid };
}

/**
 * Metadata whose INT32/INT64 DECIMAL (same scale as wanted) and DATE columns carry no annotation, so
 * hyparquet hands back the raw typed arrays instead of converting each value through a float / Array.
 */
function rawMetadata<M extends { schema: SchemaNode['element'][] }>(md: M, output: Attr[]): { md: M; raw: Set<string> } {
  const raw = new Set<string>();
  const byName = new Map(output.map((a) => [a.name, a.type]));
  const schema = md.schema.map((e) => {
    const t = byName.get(e.name);
    if (!t || (e.type !== 'INT32' && e.type !== 'INT64')) return e;
    const isDec = e.logical_type?.type === 'DECIMAL' || e.converted_type === 'DECIMAL';
    const isDate = e.logical_type?.type === 'DATE' || e.converted_type === 'DATE';
    const plainLong = e.type === 'INT64' && !e.converted_type && !e.logical_type && t.type === 'long';
    if (isDec && t.type === 'decimal' && (e.logical_type?.scale ?? e.scale ?? 0) === t.scale) raw.add(e.name);
    else if (isDate && t.type === 'date' && e.type === 'INT32') raw.add(e.name);
    else if (!plainLong) return e;
    const { converted_type: _c, logical_type: _l, ...rest } = e;
    // Profile lesson: dictionary-encoded INT64 pages boxed one BigInt per row (GC); tagging the column
    // DATE makes hyparquet map the (small) dictionary through `dateFromDays`, which yields numbers.
    return e.type === 'INT64' ? { ...rest, converted_type: 'DATE' } : rest;
  });
  return { md: { ...md, schema }, raw };
}

/** How our page decoder can read a column for an engine type, or undefined (hyparquet reads it). */
function flatPlan(e: SchemaNode['element'] | undefined, t: DataType): { physical: string; maxDef: number; scaleUp: number } | undefined {
  if (!e || !e.type || e.repetition_type === 'REPEATED') return undefined;
  const maxDef = e.repetition_type === 'REQUIRED' ? 0 : 1;
  const lt = e.logical_type;
  const ct = e.converted_type;
  const plain = { physical: e.type, maxDef, scaleUp: 1 };
  const signedInt = lt?.type === 'INTEGER' ? (lt as { isSigned?: boolean }).isSigned !== false : ct === undefined || ct === 'INT_8' || ct === 'INT_16' || ct === 'INT_32' || ct === 'INT_64';
  switch (t.type) {
    case 'decimal': {
      const isDec = lt?.type === 'DECIMAL' || ct === 'DECIMAL';
      const scale = lt?.scale ?? e.scale ?? 0;
      return isDec && scale === t.scale && (e.type === 'INT32' || e.type === 'INT64') ? plain : undefined;
    }
    case 'date':
      return (lt?.type === 'DATE' || ct === 'DATE') && e.type === 'INT32' ? plain : undefined;
    case 'timestamp':
    case 'timestamp_ntz': {
      if (e.type !== 'INT64') return undefined;
      const unit = lt?.type === 'TIMESTAMP' ? lt.unit : ct === 'TIMESTAMP_MICROS' ? 'MICROS' : ct === 'TIMESTAMP_MILLIS' ? 'MILLIS' : undefined;
      return unit === 'MICROS' ? plain : unit === 'MILLIS' ? { ...plain, scaleUp: 1000 } : undefined;
    }
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      if (lt !== undefined && lt.type !== 'INTEGER') return undefined;
      return (e.type === 'INT64' && t.type === 'long') || e.type === 'INT32' ? (signedInt ? plain : undefined) : undefined;
    case 'double':
    case 'float':
      return (e.type === 'DOUBLE' && t.type === 'double') || e.type === 'FLOAT' ? plain : undefined;
    case 'boolean':
      return e.type === 'BOOLEAN' ? plain : undefined;
    case 'string':
      return e.type === 'BYTE_ARRAY' && (ct === undefined || ct === 'UTF8' || lt?.type === 'STRING') ? plain : undefined;
    case 'binary':
      return e.type === 'BYTE_ARRAY' && ct === undefined && lt === undefined ? plain : undefined;
    default:
      return undefined;
  }
}

interface ChunkMeta {
  meta_data?: { path_in_schema: string[]; codec: string; total_compressed_size: bigint | number; data_page_offset: bigint | number; dictionary_page_offset?: bigint | number };
}

/** Streams a Parquet file one row group at a time, reading only the requested columns. */
export async function* readParquet(file: string, output: Attr[], opts: { pageDecoder?: boolean; onColumn?: (name: string, via: 'pages' | 'worker' | 'hyparquet') => void } = {}): AsyncIterable<Batch> {
  const buf = await asyncBufferFromFile(file);
  const md0 = await parquetMetadataAsync(buf);
  const root = parquetSchema(md0) as unknown as SchemaNode;
  const present = new Set(root.children.map((c) => c.element.name));
  const topLevel = new Map(root.children.filter((c) => c.children.length === 0).map((c) => [c.element.name, c.element]));
  const wanted = output.filter((a) => present.has(a.name)).map((a) => a.name);
  // Profile lesson (q01/q06): per-value convert() + BigInt boxing + vecFromValues dominated scans; decode columnar.
  const { md, raw } = rawMetadata(md0 as unknown as { schema: SchemaNode['element'][] }, output) as unknown as { md: typeof md0; raw: Set<string> };
  const plans = new Map(output.map((a) => [a.name, flatPlan(topLevel.get(a.name), a.type)]));
  const pool = decodePool();
  const useWorkers = pool !== null && Number(md.num_rows) >= WORKER_MIN_ROWS && opts.pageDecoder !== false;
  // Flat columns of one row group through our page decoder (on a worker when the file is large enough).
  const byWorker = new WeakSet<Vec>();
  const decodeGroup = async (rg: (typeof md.row_groups)[number]): Promise<Map<string, Vec>> => {
    const n = Number(rg.num_rows);
    const decoded = new Map<string, Vec>();
    await Promise.all(
      (rg.columns as ChunkMeta[]).map(async (c) => {
        const m = c.meta_data;
        if (!m || m.path_in_schema.length !== 1) return;
        const name = m.path_in_schema[0]!;
        const plan = plans.get(name);
        if (!plan || !wanted.includes(name) || opts.pageDecoder === false) return;
        const start = Number(m.dictionary_page_offset || m.data_page_offset);
        const length = Number(m.total_compressed_size);
        const t = output.find((a) => a.name === name)!.type;
        const chunk = { ...plan, codec: m.codec, rows: n };
        const inline = async (): Promise<Vec | undefined> => decodeFlatChunk(new Uint8Array(await buf.slice(start, start + length)), chunk, t);
        let viaWorker = useWorkers;
        const v = useWorkers
          ? await pool.decode({ file, start, length, chunk, type: t }).catch(() => {
              viaWorker = false;
              return inline();
            })
          : await inline();
        if (v) decoded.set(name, v);
        if (v && viaWorker) byWorker.add(v);
      }),
    );
    return decoded;
  };
  // Keep the next row groups decoding while the caller works on this one.
  const ahead: Promise<Map<string, Vec>>[] = [];
  const schedule = (i: number): void => {
    if (i >= md.row_groups.length) return;
    const p = decodeGroup(md.row_groups[i]!);
    p.catch(() => {}); // awaited below; this only stops an abandoned scan from an unhandled rejection
    ahead.push(p);
  };
  for (let i = 0; i < (useWorkers ? PREFETCH_GROUPS : 1); i++) schedule(i);
  let rowStart = 0;
  for (let g = 0; g < md.row_groups.length; g++) {
    const rg = md.row_groups[g]!;
    const n = Number(rg.num_rows);
    const decoded = await ahead.shift()!;
    schedule(g + (useWorkers ? PREFETCH_GROUPS : 1));
    const rest = wanted.filter((w) => !decoded.has(w));
    const chunks = new Map<string, Part[]>();
    if (rest.length > 0) {
      await parquetRead({
        file: buf,
        metadata: md,
        columns: rest,
        rowStart,
        rowEnd: rowStart + n,
        parsers: PARSERS as never,
        compressors: CODECS as never,
        onChunk: (c: { columnName: string; columnData: ArrayLike<unknown>; rowStart: number }) => {
          const l = chunks.get(c.columnName) ?? [];
          l.push({ rowStart: c.rowStart, data: c.columnData });
          chunks.set(c.columnName, l);
        },
      });
    }
    const cols = output.map((a) => {
      const done = decoded.get(a.name);
      opts.onColumn?.(a.name, done ? (byWorker.has(done) ? 'worker' : 'pages') : 'hyparquet');
      if (done) return done;
      const parts = (chunks.get(a.name) ?? []).sort((x, y) => x.rowStart - y.rowStart);
      const isRaw = raw.has(a.name);
      const fast = fastColumn(a.type, parts, n, rowStart, isRaw);
      if (fast) return fast;
      const vals = new Array<unknown>(n).fill(null);
      for (const p of parts) {
        const off = p.rowStart - rowStart;
        const d = p.data;
        for (let i = 0; i < d.length && off + i < n; i++) vals[off + i] = isRaw ? convertRaw(a.type, d[i]) : convert(a.type, d[i]);
      }
      return vecFromValues(a.type, vals);
    });
    rowStart += n;
    yield { cols, length: n };
  }
}

/** Values of an unannotated (raw) decimal/date column: unscaled integers / days. */
function convertRaw(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (t.type === 'decimal') return typeof v === 'bigint' ? v : BigInt(v as number);
  return Number(v);
}
