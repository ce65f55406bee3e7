/**
 * Hash join on the equality conjuncts of the condition (residual conjuncts filter matched pairs), and a
 * nested-loop join when there is no equality. Inner joins build the hash table on the smaller side.
 */
import type { JoinType } from '../plan/parsed-plan.js';
import type { Attr, RExpr } from '../plan/logical-plan.js';
import { type Batch, type Vec, concatBatches, takeVecNullable } from '../arrow/vec.js';
import { bindIndex, compile, selection } from '../expr/compile.js';
import { KeyIndex } from './key-index.js';
import { type ExecContext, type Stream, batchBytes, checkAbort } from './exec-context.js';
import { collect } from './basic.js';

export function conjuncts(e: RExpr | undefined): RExpr[] {
  if (!e) return [];
  if (e.k === 'call' && e.fn === 'and') return [...conjuncts(e.args[0]), ...conjuncts(e.args[1])];
  return [e];
}

export function refIds(e: RExpr, out = new Set<number>()): Set<number> {
  switch (e.k) {
    case 'ref':
      out.add(e.id);
      break;
    case 'call':
      e.args.forEach((a) => refIds(a, out));
      break;
    case 'cast':
      refIds(e.child, out);
      break;
    case 'case':
      e.branches.forEach((b) => {
        refIds(b.when, out);
        refIds(b.then, out);
      });
      if (e.else) refIds(e.else, out);
      break;
    case 'agg':
      e.args.forEach((a) => refIds(a, out));
      break;
    case 'win':
      refIds(e.fn, out);
      e.partitionBy.forEach((p) => refIds(p, out));
      e.orderBy.forEach((o) => refIds(o.expr, out));
      break;
    case 'inSubquery':
      e.values.forEach((v) => refIds(v, out));
      break;
    default:
      break;
  }
  return out;
}

function subset(ids: Set<number>, attrs: Attr[]): boolean {
  for (const id of ids) if (!attrs.some((a) => a.id === id)) return false;
  return true;
}

export interface EquiKeys {
  left: RExpr[];
  right: RExpr[];
  nullSafe: boolean[];
  residual: RExpr[];
}

export function splitEquiKeys(cond: RExpr | undefined, lo: Attr[], ro: Attr[]): EquiKeys {
  const r: EquiKeys = { left: [], right: [], nullSafe: [], residual: [] };
  for (const c of conjuncts(cond)) {
    if (c.k === 'call' && (c.fn === '==' || c.fn === '<=>')) {
      const [a, b] = c.args as [RExpr, RExpr];
      const ia = refIds(a);
      const ib = refIds(b);
      if (ia.size > 0 && ib.size > 0) {
        if (subset(ia, lo) && subset(ib, ro)) {
          r.left.push(a);
          r.right.push(b);
          r.nullSafe.push(c.fn === '<=>');
          continue;
        }
        if (subset(ia, ro) && subset(ib, lo)) {
          r.left.push(b);
          r.right.push(a);
          r.nullSafe.push(c.fn === '<=>');
          continue;
        }
      }
    }
    r.residual.push(c);
  }
  return r;
}

function andAll(es: RExpr[]): RExpr | undefined {
  if (es.length === 0) return undefined;
  return es.reduce((a, b) => ({
    k: 'call',
    fn: 'and',
    args: [a, b],
    type: { type: 'boolean' },
    nullable: true,
    sql: '',
  }));
}

interface Side {
  batch: Batch;
  keys: Vec[];
}

function materialize(bs: Batch[], attrs: Attr[], keyExprs: RExpr[], x: ExecContext): Side {
  const batch = concatBatches(
    attrs.map((a) => a.type),
    bs.length ? bs : [{ cols: attrs.map((a) => ({ type: a.type, length: 0, data: [], valid: null })), length: 0 }],
  );
  const idx = bindIndex(attrs);
  const keys = keyExprs.map((e) => compile(e, attrs, x.env, idx)(batch));
  return { batch, keys };
}

/**
 * The build side as a hash table: key ids from a KeyIndex, and per id a chain of build rows
 * (head[id] → next[row] → ... → -1) instead of an array per key.
 */
interface HashTable {
  index: KeyIndex;
  head: Int32Array;
  next: Int32Array;
}

/** Rows whose key can never match: a NULL in a column compared with `=` (not `<=>`). */
function unmatchable(keys: Vec[], nullSafe: boolean[], n: number): Uint8Array | null {
  let out: Uint8Array | null = null;
  keys.forEach((k, c) => {
    if (nullSafe[c] || k.valid === null) return;
    for (let i = 0; i < n; i++)
      if (k.valid[i] === 0) {
        out ??= new Uint8Array(n);
        out[i] = 1;
      }
  });
  return out;
}

function buildTable(side: Side, nullSafe: boolean[]): HashTable {
  const n = side.batch.length;
  const index = new KeyIndex(side.keys.length);
  const ids = new Int32Array(n);
  index.insert(side.keys, n, ids);
  const skip = unmatchable(side.keys, nullSafe, n);
  const head = new Int32Array(index.size).fill(-1);
  const next = new Int32Array(n);
  // Walk backwards so each chain lists its rows in input order.
  for (let i = n - 1; i >= 0; i--) {
    if (skip !== null && skip[i] === 1) continue;
    const id = ids[i]!;
    next[i] = head[id]!;
    head[id] = i;
  }
  return { index, head, next };
}

/** Chain heads of the probe rows (-1: no match). */
function probeHeads(table: HashTable, keys: Vec[], nullSafe: boolean[], n: number): Int32Array {
  const ids = new Int32Array(n);
  table.index.find(keys, n, ids);
  const skip = unmatchable(keys, nullSafe, n);
  const head = table.head;
  for (let i = 0; i < n; i++) ids[i] = ids[i]! < 0 || (skip !== null && skip[i] === 1) ? -1 : head[ids[i]!]!;
  return ids;
}

function joinedBatch(l: Batch, li: Int32Array, r: Batch, ri: Int32Array): Batch {
  return {
    cols: [...l.cols.map((c) => takeVecNullable(c, li)), ...r.cols.map((c) => takeVecNullable(c, ri))],
    length: li.length,
  };
}

export async function* join(
  left: Stream,
  right: Stream,
  lo: Attr[],
  ro: Attr[],
  type: JoinType,
  cond: RExpr | undefined,
  x: ExecContext,
): Stream {
  const eq = splitEquiKeys(cond, lo, ro);
  const residual = andAll(eq.residual);
  const both = [...lo, ...ro];
  const resK = residual ? compile(residual, both, x.env) : undefined;
  const rightBatches = await collect(right);
  let held = rightBatches.reduce((s, b) => s + batchBytes(b), 0);
  x.memory.reserve(held);
  try {
    if (eq.left.length > 0 && (type === 'inner' || type === 'cross')) {
      yield* innerHashJoin(left, rightBatches, lo, ro, eq, resK, x);
      return;
    }
    const R = materialize(rightBatches, ro, eq.right, x);
    if (eq.left.length === 0) {
      yield* nestedLoop(left, lo, R.batch, type, resK, x);
      return;
    }
    const table = buildTable(R, eq.nullSafe);
    const matchedRight = type === 'full' || type === 'right' ? new Uint8Array(R.batch.length) : undefined;
    const lIdx = bindIndex(lo);
    const lKeys = eq.left.map((e) => compile(e, lo, x.env, lIdx));
    const next = table.next;
    for await (const b of left) {
      checkAbort(x);
      const keys = lKeys.map((k) => k(b));
      const heads = probeHeads(table, keys, eq.nullSafe, b.length);
      // Candidate pairs into typed arrays: count the chains, then fill (no JS arrays of numbers; profile
      // lesson from q13, whose left join pairs 150k customers with 1.5M orders).
      let pairs = 0;
      for (let i = 0; i < b.length; i++) for (let j = heads[i]!; j >= 0; j = next[j]!) pairs++;
      let L = new Int32Array(pairs);
      let Rr = new Int32Array(pairs);
      for (let i = 0, k = 0; i < b.length; i++)
        for (let j = heads[i]!; j >= 0; j = next[j]!) {
          L[k] = i;
          Rr[k++] = j;
        }
      // Apply the residual condition to candidate pairs.
      if (resK && L.length) {
        const sel = selection(resK(joinedBatch(b, L, R.batch, Rr)));
        L = Int32Array.from(sel, (s) => L[s]!);
        Rr = Int32Array.from(sel, (s) => Rr[s]!);
      }
      if (matchedRight) for (const j of Rr) matchedRight[j] = 1;
      if (type === 'semi' || type === 'anti') {
        const has = new Uint8Array(b.length);
        for (const i of L) has[i] = 1;
        const want = type === 'semi' ? 1 : 0;
        let n = 0;
        for (let i = 0; i < b.length; i++) if (has[i] === want) n++;
        if (n === 0) continue;
        const keep = new Int32Array(n);
        for (let i = 0, k = 0; i < b.length; i++) if (has[i] === want) keep[k++] = i;
        yield { cols: b.cols.map((c) => takeVecNullable(c, keep)), length: n };
        continue;
      }
      if (type === 'left' || type === 'full') {
        const has = new Uint8Array(b.length);
        for (const i of L) has[i] = 1;
        let unmatched = 0;
        for (let i = 0; i < b.length; i++) if (has[i] === 0) unmatched++;
        if (unmatched === 0) {
          if (L.length) yield joinedBatch(b, L, R.batch, Rr);
          continue;
        }
        const ol = new Int32Array(L.length + unmatched);
        const or = new Int32Array(L.length + unmatched);
        ol.set(L);
        or.set(Rr);
        for (let i = 0, k = L.length; i < b.length; i++)
          if (has[i] === 0) {
            ol[k] = i;
            or[k++] = -1;
          }
        yield joinedBatch(b, ol, R.batch, or);
      } else if (L.length) yield joinedBatch(b, L, R.batch, Rr);
    }
    if (matchedRight) {
      const rest: number[] = [];
      for (let j = 0; j < R.batch.length; j++) if (!matchedRight[j]) rest.push(j);
      if (rest.length) {
        const emptyLeft: Batch = {
          cols: lo.map((a) => ({ type: a.type, length: 0, data: [], valid: null })),
          length: 0,
        };
        yield joinedBatch(emptyLeft, new Int32Array(rest.length).fill(-1), R.batch, Int32Array.from(rest));
      }
    }
  } finally {
    x.memory.release(held);
  }
}

/**
 * Inner hash join that builds on the smaller side and streams the other one batch by batch, so the
 * larger input is never concatenated. Left batches are pulled until they outgrow the (collected)
 * right side: if the left input ends first, it is the build side.
 * Profile lesson (q09 at SF 1): concatenating both inputs, and pair lists in JS arrays, were a third
 * of the query.
 */
async function* innerHashJoin(
  left: Stream,
  rightBatches: Batch[],
  lo: Attr[],
  ro: Attr[],
  eq: EquiKeys,
  resK: ((b: Batch) => Vec) | undefined,
  x: ExecContext,
): Stream {
  const rightRows = rightBatches.reduce((s, b) => s + b.length, 0);
  const it = left[Symbol.asyncIterator]();
  const leftBuf: Batch[] = [];
  let leftRows = 0;
  let leftDone = false;
  let reserved = 0;
  try {
    while (leftRows <= rightRows) {
      const r = await it.next();
      if (r.done) {
        leftDone = true;
        break;
      }
      leftBuf.push(r.value);
      leftRows += r.value.length;
      const bytes = batchBytes(r.value);
      x.memory.reserve(bytes);
      reserved += bytes;
    }
    const lIdx = bindIndex(lo);
    const rIdx = bindIndex(ro);
    const lKeys = eq.left.map((e) => compile(e, lo, x.env, lIdx));
    const rKeys = eq.right.map((e) => compile(e, ro, x.env, rIdx));
    if (leftDone && leftRows < rightRows) {
      const build = materialize(leftBuf, lo, eq.left, x);
      const table = buildTable(build, eq.nullSafe);
      for (const b of rightBatches) {
        checkAbort(x);
        yield* probeInner(
          b,
          rKeys.map((k) => k(b)),
          table,
          eq.nullSafe,
          build.batch,
          false,
          resK,
          x.batchSize * 4,
        );
      }
      return;
    }
    const build = materialize(rightBatches, ro, eq.right, x);
    const table = buildTable(build, eq.nullSafe);
    const probe = async function* (): AsyncGenerator<Batch> {
      yield* leftBuf.splice(0);
      if (!leftDone) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    };
    for await (const b of probe()) {
      checkAbort(x);
      if (b.length === 0) continue;
      yield* probeInner(
        b,
        lKeys.map((k) => k(b)),
        table,
        eq.nullSafe,
        build.batch,
        true,
        resK,
        x.batchSize * 4,
      );
    }
  } finally {
    x.memory.release(reserved);
  }
}

/** Matches of one probe batch against the build table, emitted in chunks of about `limit` pairs. */
function* probeInner(
  probe: Batch,
  keys: Vec[],
  table: HashTable,
  nullSafe: boolean[],
  build: Batch,
  probeIsLeft: boolean,
  resK: ((b: Batch) => Vec) | undefined,
  limit: number,
): Generator<Batch> {
  const heads = probeHeads(table, keys, nullSafe, probe.length);
  const next = table.next;
  let cap = Math.max(64, Math.min(limit, probe.length));
  let pi = new Int32Array(cap);
  let bi = new Int32Array(cap);
  let k = 0;
  const emit = function* (): Generator<Batch> {
    const p = pi.subarray(0, k);
    const q = bi.subarray(0, k);
    yield* probeIsLeft ? emitPairs(probe, build, p, q, resK) : emitPairs(build, probe, q, p, resK);
    k = 0;
  };
  for (let i = 0; i < probe.length; i++) {
    for (let j = heads[i]!; j >= 0; j = next[j]!) {
      if (k === cap) {
        if (k >= limit) yield* emit();
        else {
          cap *= 2;
          const np = new Int32Array(cap);
          np.set(pi);
          pi = np;
          const nb = new Int32Array(cap);
          nb.set(bi);
          bi = nb;
        }
      }
      pi[k] = i;
      bi[k] = j;
      k++;
    }
  }
  if (k > 0) yield* emit();
}

function* emitPairs(
  L: Batch,
  R: Batch,
  li: Int32Array,
  ri: Int32Array,
  resK: ((b: Batch) => Vec) | undefined,
): Generator<Batch> {
  let b = joinedBatch(L, li, R, ri);
  if (resK) {
    const sel = selection(resK(b));
    if (sel.length !== b.length) b = { cols: b.cols.map((c) => takeVecNullable(c, sel)), length: sel.length };
  }
  if (b.length) yield b;
}

async function* nestedLoop(
  left: Stream,
  lo: Attr[],
  R: Batch,
  type: JoinType,
  resK: ((b: Batch) => Vec) | undefined,
  x: ExecContext,
): Stream {
  const matchedRight = type === 'full' || type === 'right' ? new Uint8Array(R.length) : undefined;
  for await (const b of left) {
    checkAbort(x);
    const has = new Uint8Array(b.length);
    const chunk = Math.max(1, Math.floor((x.batchSize * 4) / Math.max(1, R.length)));
    for (let s = 0; s < b.length; s += chunk) {
      const e = Math.min(b.length, s + chunk);
      const n = (e - s) * R.length;
      const li = new Int32Array(n);
      const ri = new Int32Array(n);
      let k = 0;
      for (let i = s; i < e; i++)
        for (let j = 0; j < R.length; j++) {
          li[k] = i;
          ri[k++] = j;
        }
      let L = li;
      let Rr = ri;
      if (resK && n) {
        const sel = selection(resK(joinedBatch(b, li, R, ri)));
        L = Int32Array.from(sel, (q) => li[q]!);
        Rr = Int32Array.from(sel, (q) => ri[q]!);
      }
      for (const i of L) has[i] = 1;
      if (matchedRight) for (const j of Rr) matchedRight[j] = 1;
      if ((type === 'inner' || type === 'cross' || type === 'left' || type === 'right' || type === 'full') && L.length)
        yield joinedBatch(b, L, R, Rr);
    }
    if (type === 'semi' || type === 'anti' || type === 'left' || type === 'full') {
      const keep: number[] = [];
      for (let i = 0; i < b.length; i++) if ((has[i] === 1) === (type === 'semi')) keep.push(i);
      if (type === 'left' || type === 'full') {
        const unmatched = keep.filter((i) => !has[i]);
        if (unmatched.length)
          yield joinedBatch(b, Int32Array.from(unmatched), R, new Int32Array(unmatched.length).fill(-1));
      } else if (keep.length)
        yield { cols: b.cols.map((c) => takeVecNullable(c, Int32Array.from(keep))), length: keep.length };
    }
  }
  if (matchedRight) {
    const rest: number[] = [];
    for (let j = 0; j < R.length; j++) if (!matchedRight[j]) rest.push(j);
    if (rest.length) {
      const emptyLeft: Batch = { cols: lo.map((a) => ({ type: a.type, length: 0, data: [], valid: null })), length: 0 };
      yield joinedBatch(emptyLeft, new Int32Array(rest.length).fill(-1), R, Int32Array.from(rest));
    }
  }
}
