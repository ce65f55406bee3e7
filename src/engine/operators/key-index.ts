/**
 * Dense ids for multi-column keys: the hash table behind GROUP BY, hash joins and DISTINCT.
 *
 * Each key column maps its values to dense codes (one Map per column; NULL is a code of its own), and
 * columns are folded left to right through numeric pair maps: id(c0..ck) = pairs[k].get(id(c0..ck-1) * 2^26
 * + code(ck)). Equal keys get equal ids in every batch, ids are assigned in first-seen order.
 *
 * Profile lesson (TPC-H q01, q03, q05 at SF1): building one string key per row (`rowKey`) and hashing it
 * was a third of hash aggregation and hash join time, most of it garbage. Numeric codes avoid the string.
 * Later (q22 at SF1): hashing 1.5M o_custkey values was the largest cost of its anti join. Small
 * non-negative integers (the usual surrogate keys) are now coded through a direct-address array, sized
 * to the largest key only while that stays within a few slots per row seen.
 */
import { type StringDict, type Vec, getValue, usefulDict } from '../arrow/vec.js';
import { valueKey } from '../expr/value-key.js';
import { NumberMap } from './number-map.js';

/** Codes and ids stay below 2^26 so a pair packs exactly into a double (2^52). */
const SHIFT = 2 ** 26;
const NOT_FOUND = -1;
/** The direct-address array never passes this many slots (64 MiB); larger keys are hashed. */
const DENSE_CAP = 2 ** 24;
/**
 * Slots the array may have however few keys there are (1 MiB): a join's small build side (q17's 2k
 * parts, keys up to 200k) then probes by index instead of hashing each of 6M probe rows.
 */
const DENSE_FREE = 2 ** 18;
const FEW = 8;
const SMALL = 64;

class ColumnCoder {
  private readonly codes = new Map<unknown, number>();
  /** Codes of numeric values (typed storage), unboxed. */
  private readonly numbers = new NumberMap();
  /** Codes of integers in [0, dense.length), -1 when unseen; every other number is in `numbers`. */
  private dense = new Int32Array(0);
  private seen = 0;
  /**
   * The first FEW distinct strings and their codes, compared before the Map: low-cardinality string
   * keys (q01's return flag and line status) then need no hashing. Dropped once the column has more.
   */
  private few: string[] | null = [];
  private fewCodes: number[] = [];
  private nullCode = NOT_FOUND;
  private nanCode = NOT_FOUND;
  size = 0;

  /** Strings from a dictionary: each entry is coded once per batch, rows in first-seen order. */
  private encodeDict(d: StringDict, valid: Uint8Array | null, n: number, out: Float64Array, insert: boolean): void {
    const UNSET = -2;
    const byEntry = new Float64Array(d.values.length).fill(UNSET);
    const codes = d.codes;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) {
        out[i] = this.nullId(insert);
        continue;
      }
      const e = codes[i]!;
      let c = byEntry[e]!;
      if (c === UNSET) {
        c = this.stringCode(d.values[e]!, insert);
        byEntry[e] = c;
      }
      out[i] = c;
    }
  }

  /** The code of one string, through the few-strings list while it lasts, else the Map. */
  private stringCode(k: string, insert: boolean): number {
    const few = this.few;
    if (few !== null) {
      const j = few.indexOf(k);
      if (j >= 0) return this.fewCodes[j]!;
      if (!insert) return NOT_FOUND;
      if (few.length < FEW) {
        const c = this.size++;
        few.push(k);
        this.fewCodes.push(c);
        return c;
      }
      for (let m = 0; m < few.length; m++) this.codes.set(few[m], this.fewCodes[m]!);
      this.few = null;
    }
    return this.mapCode(k, insert);
  }

  /** Writes each row's code into `out`, assigning new codes when `insert`, else NOT_FOUND. */
  encode(v: Vec, n: number, out: Float64Array, insert: boolean): void {
    const valid = v.valid;
    const d = v.data;
    const numeric = (d instanceof Float64Array || d instanceof Int32Array || d instanceof Uint8Array) && v.type.type !== 'null';
    const strings = !numeric && Array.isArray(d) && v.type.type === 'string';
    if (numeric && valid === null) {
      this.encodeNumbers(d as Float64Array, n, out, insert);
      return;
    }
    const dict = strings ? usefulDict(v) : undefined;
    if (dict) {
      this.encodeDict(dict, valid, n, out, insert);
      return;
    }
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) {
        out[i] = this.nullId(insert);
        continue;
      }
      if (numeric) {
        out[i] = this.numberCode((d as Float64Array)[i]!, insert);
        continue;
      }
      const k = strings ? (d as unknown[])[i] : valueKey(v.type, getValue(v, i));
      if (k === null || k === undefined) out[i] = this.nullId(insert);
      else out[i] = strings ? this.stringCode(k as string, insert) : this.mapCode(k, insert);
    }
  }

  private nullId(insert: boolean): number {
    if (this.nullCode === NOT_FOUND && insert) this.nullCode = this.size++;
    return this.nullCode;
  }

  private mapCode(k: unknown, insert: boolean): number {
    let c = this.codes.get(k);
    if (c === undefined) {
      if (!insert) return NOT_FOUND;
      c = this.size++;
      this.codes.set(k, c);
    }
    return c;
  }

  /**
   * Grows the direct-address array to cover this batch's largest integer key when the array stays
   * within four slots per row seen or DENSE_FREE (so sparse or huge keys keep hashing), moving hashed
   * keys it now covers.
   */
  private widenDense(d: Float64Array | Int32Array | Uint8Array, n: number): void {
    this.seen += n;
    let max = -1;
    for (let i = 0; i < n; i++) {
      const x = d[i]!;
      if (x > max) max = x;
    }
    if (max < this.dense.length || max >= DENSE_CAP || !Number.isInteger(max)) return;
    let len = Math.max(1024, this.dense.length);
    while (len <= max) len *= 2;
    if (len > Math.max(4 * this.seen, DENSE_FREE)) return;
    const next = new Int32Array(len).fill(NOT_FOUND);
    next.set(this.dense);
    const from = this.dense.length;
    this.numbers.forEach((k, c) => {
      if (k >= from && k < len && Number.isInteger(k)) next[k] = c;
    });
    this.dense = next;
  }

  private encodeNumbers(d: Float64Array | Int32Array | Uint8Array, n: number, out: Float64Array, insert: boolean): void {
    if (insert) this.widenDense(d, n);
    const numbers = this.numbers;
    const dense = this.dense;
    const limit = dense.length;
    for (let i = 0; i < n; i++) {
      const x = d[i]!;
      if (x >= 0 && x < limit && (x | 0) === x) {
        let c = dense[x]!;
        if (c === NOT_FOUND && insert) {
          c = this.size++;
          dense[x] = c;
        }
        out[i] = c;
        continue;
      }
      if (Number.isNaN(x)) {
        out[i] = this.numberCode(x, insert);
        continue;
      }
      const k = x === 0 ? 0 : x; // -0.0 = 0.0
      if (insert) {
        const c = numbers.getOrSet(k, this.size);
        if (c === this.size) this.size++;
        out[i] = c;
      } else out[i] = numbers.get(k);
    }
  }

  private numberCode(x: number, insert: boolean): number {
    if (Number.isNaN(x)) {
      if (this.nanCode === NOT_FOUND && insert) this.nanCode = this.size++;
      return this.nanCode;
    }
    const k = x === 0 ? 0 : x; // -0.0 = 0.0
    if (k >= 0 && k < this.dense.length && (k | 0) === k) {
      let c = this.dense[k]!;
      if (c === NOT_FOUND && insert) {
        c = this.size++;
        this.dense[k] = c;
      }
      return c;
    }
    if (!insert) return this.numbers.get(k);
    const c = this.numbers.getOrSet(k, this.size);
    if (c === this.size) this.size++;
    return c;
  }

  bytes(): number {
    return this.size * 48 + this.numbers.bytes() + this.dense.length * 4;
  }
}

export class KeyIndex {
  private readonly coders: ColumnCoder[];
  /** pairs[k - 1] folds id(c0..ck-1) with code(ck); wide pairs (past 2^26) use a string key. */
  private readonly pairs: NumberMap[];
  private readonly widePairs: Map<string, number>[];
  /** Ids of pairs whose codes are both below SMALL, by a * SMALL + b (-1 when unseen). */
  private readonly smallPairs: Int32Array[];
  private readonly pairSizes: number[];
  private scratch = new Float64Array(0);
  private ids = new Float64Array(0);

  constructor(columns: number) {
    this.coders = Array.from({ length: Math.max(1, columns) }, () => new ColumnCoder());
    this.pairs = Array.from({ length: Math.max(0, columns - 1) }, () => new NumberMap());
    this.widePairs = this.pairs.map(() => new Map());
    this.smallPairs = this.pairs.map(() => new Int32Array(SMALL * SMALL).fill(NOT_FOUND));
    this.pairSizes = this.pairs.map(() => 0);
  }

  /** Number of distinct keys seen. */
  get size(): number {
    return this.pairs.length === 0 ? this.coders[0]!.size : this.pairSizes[this.pairSizes.length - 1]!;
  }

  /** Ids of rows 0..n-1 into `out`; unseen keys get new ids. With no key columns every row is id 0. */
  insert(cols: Vec[], n: number, out: Int32Array): void {
    this.run(cols, n, out, true);
  }

  /** Ids of rows 0..n-1 into `out`, -1 for keys never inserted. */
  find(cols: Vec[], n: number, out: Int32Array): void {
    this.run(cols, n, out, false);
  }

  bytes(): number {
    let b = 0;
    for (const c of this.coders) b += c.bytes();
    for (const p of this.pairs) b += p.bytes();
    for (const p of this.smallPairs) b += p.length * 4;
    for (const s of this.pairSizes) b += s * 8;
    return b;
  }

  private run(cols: Vec[], n: number, out: Int32Array, insert: boolean): void {
    if (cols.length === 0) {
      if (insert && this.coders[0]!.size === 0) this.coders[0]!.size = 1;
      out.fill(insert || this.coders[0]!.size > 0 ? 0 : NOT_FOUND, 0, n);
      return;
    }
    if (this.ids.length < n) {
      this.ids = new Float64Array(n);
      this.scratch = new Float64Array(n);
    }
    const ids = this.ids;
    this.coders[0]!.encode(cols[0]!, n, ids, insert);
    for (let c = 1; c < cols.length; c++) {
      const codes = this.scratch;
      this.coders[c]!.encode(cols[c]!, n, codes, insert);
      const pairs = this.pairs[c - 1]!;
      const wide = this.widePairs[c - 1]!;
      const small = this.smallPairs[c - 1]!;
      let size = this.pairSizes[c - 1]!;
      for (let i = 0; i < n; i++) {
        const a = ids[i]!;
        const b = codes[i]!;
        if (a === NOT_FOUND || b === NOT_FOUND) {
          ids[i] = NOT_FOUND;
          continue;
        }
        if (a < SMALL && b < SMALL) {
          // Both codes small (q01's flag and status): a direct-address table, no hashing.
          const at = a * SMALL + b;
          let id = small[at]!;
          if (id === NOT_FOUND && insert) {
            id = size++;
            small[at] = id;
          }
          ids[i] = id;
          continue;
        }
        if (a < SHIFT && b < SHIFT) {
          const key = a * SHIFT + b;
          if (insert) {
            const id = pairs.getOrSet(key, size);
            if (id === size) size++;
            ids[i] = id;
          } else ids[i] = pairs.get(key);
          continue;
        }
        // Beyond 2^26 distinct values a string key keeps pairs exact (slower, and far past TPC-H SF1).
        const key = `${a},${b}`;
        let id = wide.get(key);
        if (id === undefined) {
          if (!insert) {
            ids[i] = NOT_FOUND;
            continue;
          }
          id = size++;
          wide.set(key, id);
        }
        ids[i] = id;
      }
      this.pairSizes[c - 1] = size;
    }
    for (let i = 0; i < n; i++) out[i] = ids[i]!;
  }
}
