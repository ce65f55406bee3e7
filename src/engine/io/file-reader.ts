/** Reads parquet (hyparquet), csv, json lines and Arrow IPC files into engine batches. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { PerennialError, unsupported } from '../../core/errors.js';
import { arrowSchemaToStruct, recordBatchToBatch } from '../arrow/from-arrow.js';
import { type Batch, constVec, vecFromValues } from '../arrow/vec.js';
import { castValue } from '../expr/cast.js';
import { defaultEvalContext } from '../expr/eval-context.js';
import type { FileReader } from '../operators/exec-context.js';
import type { DataType, StructType } from '../plan/data-type.js';
import type { Attr } from '../plan/logical-plan.js';
import { T } from '../plan/type-utils.js';
import { checkPath } from './paths.js';

async function listFiles(p: string, format: string): Promise<string[]> {
  let st: Awaited<ReturnType<typeof fs.stat>>;
  try {
    st = await fs.stat(p);
  } catch {
    throw new PerennialError('PATH_NOT_FOUND', `[PATH_NOT_FOUND] Path does not exist: file:${p}. SQLSTATE: 42K03`, { messageParameters: { path: `file:${p}` } });
  }
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  for (const e of (await fs.readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('_') || e.name.startsWith('.')) continue;
    const full = path.join(p, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full, format)));
    else out.push(full);
  }
  return out;
}

function splitCsvLine(line: string, sep: string, quote = '"'): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === quote && line[i + 1] === quote) {
        cur += quote;
        i++;
      } else if (c === quote) q = false;
      else cur += c;
    } else if (c === quote) q = true;
    else if (line.startsWith(sep, i)) {
      out.push(cur);
      cur = '';
      i += sep.length - 1;
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function inferType(values: string[]): DataType {
  const nonNull = values.filter((v) => v !== '');
  if (nonNull.length === 0) return T.string;
  if (nonNull.every((v) => /^[+-]?\d+$/.test(v))) return nonNull.every((v) => Math.abs(Number(v)) < 2 ** 31) ? T.int : T.long;
  if (nonNull.every((v) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v))) return T.double;
  if (nonNull.every((v) => /^(true|false)$/i.test(v))) return T.boolean;
  return T.string;
}

/** `k=v` folder segments between a read root and a file (Hive-style partitions), unescaped. */
export function partitionValues(root: string, file: string): Map<string, string | null> {
  const m = new Map<string, string | null>();
  const rel = path.relative(root, path.dirname(file));
  if (!rel || rel.startsWith('..')) return m;
  for (const seg of rel.split(path.sep)) {
    const eq = seg.indexOf('=');
    if (eq <= 0) continue;
    const v = decodeURIComponent(seg.slice(eq + 1).replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
    m.set(seg.slice(0, eq), v === '__HIVE_DEFAULT_PARTITION__' ? null : v);
  }
  return m;
}

function partitionType(values: (string | null)[]): DataType {
  const vs = values.filter((v): v is string => v !== null);
  if (vs.length === 0) return T.string;
  if (vs.every((v) => /^-?\d+$/.test(v))) return vs.every((v) => Math.abs(Number(v)) < 2 ** 31) ? T.int : T.long;
  if (vs.every((v) => /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v))) return T.double;
  return T.string;
}

async function listWithRoots(paths: string[], roots: string[], format: string): Promise<{ root: string; file: string }[]> {
  const out: { root: string; file: string }[] = [];
  for (const p of paths) {
    const root = checkPath(p, roots);
    for (const file of await listFiles(root, format)) out.push({ root, file });
  }
  return out;
}

export class Files implements FileReader {
  /** Parquet row counts by the path list they were read for (footers are read by inferSchema). */
  private readonly rowCounts = new Map<string, number>();
  /** Distinct-value bounds of integer columns (single Parquet file; footer statistics). */
  private readonly ndvs = new Map<string, Record<string, number>>();

  constructor(private readonly allowedRoots: string[]) {}

  estimateRows(format: string, paths: string[]): number | undefined {
    return this.rowCounts.get(`${format.toLowerCase()}\0${paths.join('\0')}`);
  }

  estimateNdv(format: string, paths: string[]): Record<string, number> | undefined {
    return this.ndvs.get(`${format.toLowerCase()}\0${paths.join('\0')}`);
  }

  async inferSchema(format: string, paths: string[], options: Record<string, string>): Promise<StructType> {
    const listed = await listWithRoots(paths, this.allowedRoots, format);
    if (format.toLowerCase() === 'parquet') {
      const { parquetRowCount, parquetNdv } = await import('./parquet.js');
      let rows = 0;
      for (const l of listed) rows += await parquetRowCount(l.file);
      this.rowCounts.set(`parquet\0${paths.join('\0')}`, rows);
      const ndv = listed.length === 1 ? parquetNdv(listed[0]!.file) : undefined;
      if (ndv) this.ndvs.set(`parquet\0${paths.join('\0')}`, ndv);
    }
    const data = await this.inferDataSchema(format, listed.map((l) => l.file), options);
    const parts = new Map<string, (string | null)[]>();
    for (const l of listed) for (const [k, v] of partitionValues(l.root, l.file)) parts.set(k, [...(parts.get(k) ?? []), v]);
    const extra = [...parts.entries()]
      .filter(([k]) => !data.fields.some((f) => f.name.toLowerCase() === k.toLowerCase()))
      .map(([name, vs]) => ({ name, dataType: partitionType(vs), nullable: true }));
    return extra.length ? T.struct([...data.fields, ...extra]) : data;
  }

  private async inferDataSchema(format: string, files: string[], options: Record<string, string>): Promise<StructType> {
    if (files.length === 0) throw new PerennialError('UNABLE_TO_INFER_SCHEMA', `[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for ${format.toUpperCase()}. It must be specified manually. SQLSTATE: 42KD9`);
    const f = files[0]!;
    switch (format.toLowerCase()) {
      case 'arrow':
      case 'ipc':
        return arrowSchemaToStruct(tableFromIPC(await fs.readFile(f)).schema);
      case 'parquet': {
        const { readParquetSchema } = await import('./parquet.js');
        return readParquetSchema(f);
      }
      case 'csv': {
        const text = await fs.readFile(f, 'utf8');
        const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
        const sep = options.sep ?? options.delimiter ?? ',';
        const header = (options.header ?? 'false').toLowerCase() === 'true';
        const first = splitCsvLine(lines[0] ?? '', sep);
        const names = header ? first : first.map((_, i) => `_c${i}`);
        const body = (header ? lines.slice(1) : lines).map((l) => splitCsvLine(l, sep));
        const infer = (options.inferSchema ?? 'false').toLowerCase() === 'true';
        return T.struct(names.map((n, i) => ({ name: n, dataType: infer ? inferType(body.map((r) => r[i] ?? '')) : T.string, nullable: true })));
      }
      case 'json': {
        const text = await fs.readFile(f, 'utf8');
        const keys = new Map<string, DataType>();
        for (const l of text.split(/\r?\n/)) {
          if (!l.trim()) continue;
          const o = JSON.parse(l) as Record<string, unknown>;
          for (const [k, v] of Object.entries(o)) {
            const t = typeof v === 'number' ? (Number.isInteger(v) ? T.long : T.double) : typeof v === 'boolean' ? T.boolean : T.string;
            const prev = keys.get(k);
            keys.set(k, prev && prev.type !== t.type ? (prev.type === 'long' && t.type === 'double' ? T.double : T.string) : t);
          }
        }
        return T.struct([...keys.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, dataType]) => ({ name, dataType, nullable: true })));
      }
      default:
        throw unsupported(`data source format ${format}`);
    }
  }

  async *read(format: string, paths: string[], options: Record<string, string>, output: Attr[]): AsyncIterable<Batch> {
    const ctx = defaultEvalContext();
    for (const { root, file } of await listWithRoots(paths, this.allowedRoots, format)) {
      const parts = partitionValues(root, file);
      if (parts.size === 0) {
        yield* this.readFile(format, file, options, output);
        continue;
      }
      const partOf = (a: Attr): string | undefined => [...parts.keys()].find((k) => k.toLowerCase() === a.name.toLowerCase());
      const dataAttrs = output.filter((a) => partOf(a) === undefined);
      for await (const b of this.readFile(format, file, options, dataAttrs)) {
        let di = 0;
        const cols = output.map((a) => {
          const k = partOf(a);
          if (k === undefined) return b.cols[di++]!;
          const raw = parts.get(k) ?? null;
          return constVec(a.type, raw === null ? null : castValue(raw, T.string, a.type, 'legacy', ctx), b.length);
        });
        yield { cols, length: b.length };
      }
    }
  }

  private async *readFile(format: string, f: string, options: Record<string, string>, output: Attr[]): AsyncIterable<Batch> {
    const types = output.map((a) => a.type);
    const ctx = defaultEvalContext();
      switch (format.toLowerCase()) {
        case 'arrow':
        case 'ipc':
          for (const rb of tableFromIPC(await fs.readFile(f)).batches) yield recordBatchToBatch(rb, types);
          break;
        case 'parquet': {
          const { readParquet } = await import('./parquet.js');
          yield* readParquet(f, output);
          break;
        }
        case 'csv': {
          const text = await fs.readFile(f, 'utf8');
          const sep = options.sep ?? options.delimiter ?? ',';
          const header = (options.header ?? 'false').toLowerCase() === 'true';
          const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
          const body = (header ? lines.slice(1) : lines).map((l) => splitCsvLine(l, sep));
          const nullValue = options.nullValue ?? '';
          const cols = output.map((a, i) => vecFromValues(a.type, body.map((r) => {
            const s = r[i];
            if (s === undefined || s === nullValue) return null;
            return castValue(s, T.string, a.type, 'legacy', ctx);
          })));
          yield { cols, length: body.length };
          break;
        }
        case 'json': {
          const text = await fs.readFile(f, 'utf8');
          const objs = text.split(/\r?\n/).filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
          const cols = output.map((a) => vecFromValues(a.type, objs.map((o) => {
            const v = o[a.name];
            if (v === null || v === undefined) return null;
            return castValue(typeof v === 'string' ? v : JSON.stringify(v), T.string, a.type, 'legacy', ctx);
          })));
          yield { cols, length: objs.length };
          break;
        }
        default:
          throw unsupported(`data source format ${format}`);
      }
    void types;
  }
}
