/** Streaming operators: scan, filter, project, limit, union, sample. */
import type { DataType } from '../plan/data-type.js';
import { type Attr, type NamedExpr, type RExpr, type ScanSource, exprChildren } from '../plan/logical-plan.js';
import { type Batch, type Vec, selectBatch, sliceBatch, storageOf, takeBatch, takeVec } from '../arrow/vec.js';
import { rangeSelects } from './range-select.js';
import { conjuncts } from './join.js';
import { bindIndex, compile, selection } from '../expr/compile.js';
import { checkAbort, type ExecContext, type Stream, yieldIfDue } from './exec-context.js';

export async function* scan(source: ScanSource, output: Attr[], x: ExecContext): Stream {
  switch (source.kind) {
    case 'range': {
      const { start, end, step } = source.range!;
      const count = step > 0n ? (end > start ? (end - start + step - 1n) / step : 0n) : start > end ? (start - end - step - 1n) / -step : 0n;
      const total = Number(count);
      const safe = [start, end, start + step * count].every((v) => v <= 9007199254740991n && v >= -9007199254740991n);
      for (let off = 0; off < total; off += x.batchSize) {
        await yieldIfDue();
        checkAbort(x);
        const n = Math.min(x.batchSize, total - off);
        if (safe) {
          const d = new Float64Array(n);
          const s = Number(start) + off * Number(step);
          const st = Number(step);
          for (let i = 0; i < n; i++) d[i] = s + i * st;
          yield { cols: [{ type: output[0]!.type, length: n, data: d, valid: null }], length: n };
        } else {
          const d = new BigInt64Array(n);
          for (let i = 0; i < n; i++) d[i] = BigInt.asIntN(64, start + BigInt(off + i) * step);
          yield { cols: [{ type: output[0]!.type, length: n, data: d, valid: null }], length: n };
        }
      }
      return;
    }
    case 'file':
      for await (const b of x.files.read(source.file!.format, source.file!.paths, source.file!.options, output)) {
        await yieldIfDue();
        checkAbort(x);
        yield b;
      }
      return;
    default:
      for (const b of source.batches ?? []) {
        await yieldIfDue();
        checkAbort(x);
        if (b.length <= x.batchSize) {
          yield b;
          continue;
        }
        for (let off = 0; off < b.length; off += x.batchSize) yield sliceBatch(b, off, off + x.batchSize);
      }
  }
}

/**
 * Evaluates the conjuncts one after another, each only on the rows the previous ones kept (a later
 * conjunct sees just the columns it reads, taken once), then takes the surviving rows once.
 * Profile lesson (q06): evaluating every conjunct on every row and AND-ing the results cost more than
 * the comparisons themselves.
 */
/** Input positions of every column an expression reads, lambda bodies included. */
function columnsRead(e: RExpr, idx: Map<number, number>, out = new Set<number>()): number[] {
  if (e.k === 'ref' && idx.has(e.id)) out.add(idx.get(e.id)!);
  for (const c of exprChildren(e)) columnsRead(c, idx, out);
  return [...out];
}

const CHEAP_CMP = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=', '<=>']);

/**
 * How early a conjunct runs: 0 for comparisons of numeric, date or timestamp columns and literals
 * (typed kernels), 1 for string comparisons, NULL tests and literal IN lists of a column, 2 for the rest.
 * Ranks 0 and 1 can never raise an error, so running them before a conjunct written earlier only
 * removes rows that conjunct would have seen: an ANSI error guarded by a cheap test stays guarded, and
 * no error is raised that Spark would not raise (Spark, evaluating left to right, may raise one for a
 * row that a cheap conjunct written later rejects; we return the rows instead).
 * Profile lesson (q12 at SF1): the 2-in-7 `l_shipmode IN (...)` string test ran on all 6M rows before the
 * date range that keeps 1 in 7 of them.
 */
function conjunctRank(c: RExpr): number {
  if (c.k !== 'call') return 2;
  const operand = (a: RExpr) => a.k === 'ref' || a.k === 'lit';
  if (CHEAP_CMP.has(c.fn) && c.args.length === 2 && c.args.every(operand)) {
    const t = c.args[0]!.type;
    if (storageOf(t) !== 'obj') return 0;
    if (t.type === 'string') return 1;
  }
  if ((c.fn === 'isnull' || c.fn === 'isnotnull') && c.args[0]!.k === 'ref') return 1;
  if (c.fn === 'in' && c.args[0]!.k === 'ref' && c.args.slice(1).every((a) => a.k === 'lit')) return 1;
  return 2;
}

export async function* filter(input: Stream, inAttrs: Attr[], cond: RExpr, x: ExecContext): Stream {
  const idx = bindIndex(inAttrs);
  const ordered = conjuncts(cond)
    .map((c, order) => ({ c, order, rank: conjunctRank(c) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map(({ c }) => c);
  // Bounds on one integer column become a single range pass, run first (they are rank 0 anyway).
  const { ranges, rest } = rangeSelects(ordered, idx);
  const steps: { sel: (view: Batch) => Int32Array; cols: number[] }[] = [
    ...ranges.map((r) => {
      const ks = r.conjuncts.map((c) => compile(c, inAttrs, x.env, idx));
      return { sel: (view: Batch) => r.select(view) ?? selectAll(ks.map((k) => k(view)), view.length), cols: [r.col] };
    }),
    ...rest.map((c) => {
      const k = compile(c, inAttrs, x.env, idx);
      return { sel: (view: Batch) => selection(k(view)), cols: columnsRead(c, idx) };
    }),
  ];
  for await (const b of input) {
    checkAbort(x);
    if (b.length === 0) continue;
    let keep: Int32Array | null = null;
    let view: Batch = b;
    for (let s = 0; s < steps.length; s++) {
      const step = steps[s]!;
      if (keep !== null && s > 0) {
        const cols = b.cols.slice();
        for (const c of step.cols) cols[c] = takeVec(b.cols[c]!, keep);
        view = { cols, length: keep.length };
      }
      const sel = step.sel(view);
      if (sel.length === view.length) continue;
      keep = keep === null ? sel : sel.map((i) => keep![i]!);
      if (keep.length === 0) break;
    }
    if (keep === null) yield b;
    else if (keep.length > 0) yield keep.length * 2 >= b.length ? selectBatch(b, keep) : takeBatch(b, keep);
  }
}

/** Rows where every boolean vector is true (NULL counts as false). */
function selectAll(vs: Vec[], n: number): Int32Array {
  const ok = new Uint8Array(n).fill(1);
  for (const v of vs) {
    const d = v.data as Uint8Array;
    for (let i = 0; i < n; i++) if (d[i] === 0 || (v.valid !== null && v.valid[i] === 0)) ok[i] = 0;
  }
  return selection({ type: { type: 'boolean' }, length: n, data: ok, valid: null });
}

export async function* project(input: Stream, inAttrs: Attr[], exprs: NamedExpr[], x: ExecContext): Stream {
  const idx = bindIndex(inAttrs);
  const ks = exprs.map((e) => compile(e.expr, inAttrs, x.env, idx));
  const types: DataType[] = exprs.map((e) => e.attr.type);
  for await (const b of input) {
    checkAbort(x);
    yield { cols: ks.map((k, i) => ({ ...k(b), type: types[i]! })), length: b.length };
  }
}

export async function* limit(input: Stream, n: number, offset: number): Stream {
  let skip = offset;
  let left = n < 0 ? Number.POSITIVE_INFINITY : n;
  if (left === 0) return;
  for await (const b of input) {
    let s = 0;
    if (skip > 0) {
      s = Math.min(skip, b.length);
      skip -= s;
    }
    const take = Math.min(left, b.length - s);
    if (take > 0) {
      yield s === 0 && take === b.length ? b : sliceBatch(b, s, s + take);
      left -= take;
    }
    if (left <= 0) return;
  }
}

export async function* union(inputs: Stream[]): Stream {
  for (const s of inputs) yield* s;
}

export async function* sample(input: Stream, lower: number, upper: number, seed: number): Stream {
  // Deterministic per seed (xorshift), like Spark's Bernoulli sampler per partition.
  let state = (seed | 0) ^ 0x9e3779b9 || 1;
  const rnd = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  for await (const b of input) {
    const keep: number[] = [];
    for (let i = 0; i < b.length; i++) {
      const r = rnd();
      if (r >= lower && r < upper) keep.push(i);
    }
    if (keep.length) yield takeBatch(b, keep);
  }
}

export async function collect(s: Stream): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of s) out.push(b);
  return out;
}
