/**
 * Comparing two runs of one plan: outcome (success, or the error class), result (schema, then rows —
 * as a multiset unless the plan's top is a sort — with a float tolerance) and latency (medians of
 * repeated runs, with guards against noise).
 */
import { createHash } from 'node:crypto';
import { DataType as ArrowType, type Field, type Table, tableFromIPC } from 'apache-arrow';
import type { ExecutePlanResponse } from '../protocol/index.js';

export type Cell = null | boolean | number | string;

export interface ResultSet {
  columns: { name: string; type: string }[];
  rows: Cell[][];
}

/** The rows a plan answered: its Arrow batches, or the local relation a SQL command returned. */
export function resultSetOf(responses: readonly ExecutePlanResponse[]): ResultSet {
  const tables: Table[] = [];
  for (const r of responses) {
    const t = r.responseType;
    if (t.case === 'arrowBatch' && t.value.data.byteLength) tables.push(tableFromIPC(t.value.data));
    else if (t.case === 'sqlCommandResult') {
      const rel = t.value.relation?.relType;
      if (rel?.case === 'localRelation' && rel.value.data?.byteLength) tables.push(tableFromIPC(rel.value.data));
    }
  }
  const first = tables[0];
  if (!first) return { columns: [], rows: [] };
  const fields = first.schema.fields;
  const columns = fields.map((f) => ({ name: f.name, type: typeName(f) }));
  const rows: Cell[][] = [];
  for (const t of tables) {
    const cols = fields.map((_, i) => t.getChildAt(i));
    for (let r = 0; r < t.numRows; r++) rows.push(fields.map((f, i) => cellOf(cols[i]?.get(r), f.type)));
  }
  return { columns, rows };
}

function typeName(f: Field): string {
  // Dictionary-encoded strings are strings; the encoding is not part of the result.
  return ArrowType.isDictionary(f.type) ? String(f.type.dictionary) : String(f.type);
}

function cellOf(v: unknown, type: ArrowType): Cell {
  if (v === null || v === undefined) return null;
  if (ArrowType.isDictionary(type)) return cellOf(v, type.dictionary);
  if (typeof v === 'number') {
    if (ArrowType.isDate(type)) return new Date(v).toISOString().slice(0, 10);
    if (ArrowType.isTimestamp(type)) return `ts:${v}`;
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    // Only floating-point cells stay numbers (compared with tolerance); integers compare exactly.
    if (ArrowType.isFloat(type)) return v === 0 ? 0 : v;
    return `${v}`;
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (ArrowType.isDecimal(type)) return scaleDecimal(String(v), type.scale);
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function scaleDecimal(unscaled: string, scale: number): string {
  if (scale <= 0) return unscaled;
  const neg = unscaled.startsWith('-');
  const digits = (neg ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export interface Tolerance {
  /** Relative difference allowed between floating-point cells. @default 1e-6 */
  relative: number;
  /** Absolute difference allowed (for values near zero). @default 1e-9 */
  absolute: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { relative: 1e-6, absolute: 1e-9 };

function sameCell(a: Cell, b: Cell, tol: Tolerance): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= Math.max(tol.absolute, tol.relative * Math.max(Math.abs(a), Math.abs(b)));
  }
  return a === b;
}

/** A sort key for a row: floats at 6 significant digits, so near-equal rows sort together. */
function rowKey(r: Cell[]): string {
  return JSON.stringify(r.map((c) => (typeof c === 'number' ? Number(c.toPrecision(6)) : c)));
}

/** Stable digest of a result: schema and rows (sorted unless ordered), floats at 6 significant digits. */
export function resultDigest(rs: ResultSet, ordered: boolean): string {
  const keys = rs.rows.map(rowKey);
  if (!ordered) keys.sort();
  const h = createHash('sha256');
  h.update(JSON.stringify(rs.columns));
  for (const k of keys) h.update(k).update('\n');
  return h.digest('hex').slice(0, 16);
}

/** undefined when the results match; else what differs first. */
export function compareResults(a: ResultSet, b: ResultSet, ordered: boolean, tol: Tolerance = DEFAULT_TOLERANCE): string | undefined {
  const sa = a.columns.map((c) => `${c.name}: ${c.type}`).join(', ');
  const sb = b.columns.map((c) => `${c.name}: ${c.type}`).join(', ');
  if (sa !== sb) return `schema differs: (${sa}) vs (${sb})`;
  if (a.rows.length !== b.rows.length) return `row count differs: ${a.rows.length} vs ${b.rows.length}`;
  const sortRows = (rows: Cell[][]) =>
    rows
      .map((r) => [rowKey(r), r] as const)
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .map((x) => x[1]);
  const ra = ordered ? a.rows : sortRows(a.rows);
  const rb = ordered ? b.rows : sortRows(b.rows);
  for (let i = 0; i < ra.length; i++) {
    const x = ra[i] as Cell[];
    const y = rb[i] as Cell[];
    for (let j = 0; j < x.length; j++) {
      if (!sameCell(x[j] ?? null, y[j] ?? null, tol)) {
        const c = a.columns[j];
        const raw = /^(Int|Uint|Decimal|Date|Bool)/.test(c?.type ?? '');
        return `${ordered ? 'row' : 'sorted row'} ${i}, column ${c?.name ?? j}: ${fmt(x[j], raw)} vs ${fmt(y[j], raw)}`;
      }
    }
  }
  return undefined;
}

function fmt(c: Cell | undefined, raw = false): string {
  return c === null || c === undefined ? 'NULL' : typeof c === 'string' && !raw ? JSON.stringify(c) : String(c);
}

export interface LatencyOptions {
  /** Candidate median / baseline median at or above which it counts. @default 1.5 */
  ratio: number;
  /** ...and the medians must differ by at least this much. @default 50 */
  minDeltaMs: number;
  /**
   * Also require every candidate run to be slower than every baseline run (one outlier is not enough).
   * Used on the first few samples; a confirmation over many rounds relies on the medians. @default true
   */
  strict?: boolean;
}

export const DEFAULT_LATENCY: LatencyOptions = { ratio: 1.5, minDeltaMs: 50 };

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export interface LatencyVerdict {
  baselineMedianMs: number;
  candidateMedianMs: number;
  ratio: number;
  regression: boolean;
}

/**
 * Noise-aware: a regression needs the median ratio over the threshold, an absolute difference over
 * the floor, and every candidate run slower than every baseline run (one slow outlier is not enough).
 */
export function latencyVerdict(baseline: readonly number[], candidate: readonly number[], o: LatencyOptions = DEFAULT_LATENCY): LatencyVerdict {
  const b = median(baseline);
  const c = median(candidate);
  const ratio = c / Math.max(b, 1);
  const regression =
    baseline.length > 0 &&
    candidate.length > 0 &&
    ratio >= o.ratio &&
    c - b >= o.minDeltaMs &&
    (o.strict === false || Math.min(...candidate) > Math.max(...baseline));
  return { baselineMedianMs: b, candidateMedianMs: c, ratio, regression };
}
