/**
 * An open-addressing hash map from doubles to non-negative int32 values, stored in typed arrays.
 *
 * Profile lesson (TPC-H q09 at SF1): `Map<number, number>` lookups in the key index were the largest
 * single cost of the joins (one hashed HeapNumber per probe, and the Map's own garbage); linear probing
 * over a Float64Array keeps keys unboxed.
 * Keys must not be NaN (callers give NaN a code of its own); -0 must be normalized to 0 by the caller.
 */
const EMPTY = -1;
const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

function hash(k: number): number {
  let lo: number;
  let hi: number;
  if (Number.isInteger(k) && k >= -2147483648 && k <= 2147483647) {
    lo = k | 0;
    hi = 0;
  } else {
    bits[0] = k;
    lo = words[0]!;
    hi = words[1]!;
  }
  let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 15;
  return h;
}

export class NumberMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 256) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  /** The value stored for k, or -1. */
  get(k: number): number {
    const keys = this.keys;
    const vals = this.vals;
    let i = hash(k) & this.mask;
    for (;;) {
      const v = vals[i]!;
      if (v === EMPTY) return EMPTY;
      if (keys[i] === k) return v;
      i = (i + 1) & this.mask;
    }
  }

  /** The value stored for k; when absent, stores `v` and returns it. */
  getOrSet(k: number, v: number): number {
    const keys = this.keys;
    const vals = this.vals;
    let i = hash(k) & this.mask;
    for (;;) {
      const cur = vals[i]!;
      if (cur === EMPTY) break;
      if (keys[i] === k) return cur;
      i = (i + 1) & this.mask;
    }
    keys[i] = k;
    vals[i] = v;
    if (++this.size * 2 > this.mask) this.grow();
    return v;
  }

  bytes(): number {
    return this.keys.length * 12;
  }

  forEach(f: (k: number, v: number) => void): void {
    const keys = this.keys;
    const vals = this.vals;
    for (let j = 0; j < keys.length; j++) if (vals[j] !== EMPTY) f(keys[j]!, vals[j]!);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const v = oldVals[j]!;
      if (v === EMPTY) continue;
      const k = oldKeys[j]!;
      let i = hash(k) & this.mask;
      while (this.vals[i] !== EMPTY) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.vals[i] = v;
    }
  }
}
