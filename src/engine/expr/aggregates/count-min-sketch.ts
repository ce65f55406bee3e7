/**
 * count_min_sketch(col, eps, confidence, seed): Spark's CountMinSketch, serialized in its binary format
 * (version 1: total count, depth, width, the per-row hash multipliers, then the counters), so the
 * bytes equal Spark's for the same input.
 */
import { getValue, vecFromValues } from '../../arrow/vec.js';
import type { DataType } from '../../plan/data-type.js';
import { T, isFractional, isIntegral, isNumeric, typeSql } from '../../plan/type-utils.js';
import { dataTypeMismatch } from '../functions/registry.js';
import { constantValue, isFoldable, toDouble } from './args.js';
import { registerAgg } from './registry.js';

const MASK48 = (1n << 48n) - 1n;

/** java.util.Random(seed).nextInt(bound) repeated `n` times. */
export function javaRandomInts(seed: number, bound: number, n: number): number[] {
  let s = (BigInt(seed) ^ 0x5deece66dn) & MASK48;
  const next31 = (): number => {
    s = (s * 0x5deece66dn + 0xbn) & MASK48;
    return Number(s >> 17n);
  };
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if ((bound & -bound) === bound) {
      out.push(Number((BigInt(bound) * BigInt(next31())) >> 31n));
      continue;
    }
    let bits: number;
    let val: number;
    do {
      bits = next31();
      val = bits % bound;
    } while (((bits - val + (bound - 1)) | 0) < 0);
    out.push(val);
  }
  return out;
}

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
const mixK1 = (k: number): number => Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
const mixH1 = (h: number, k: number): number => (Math.imul(rotl(h ^ k, 13), 5) + 0xe6546b64) | 0;

/** Spark's Murmur3_x86_32.hashUnsafeBytes: whole 4-byte words, then each trailing byte on its own. */
export function sparkMurmurBytes(b: Uint8Array, seed: number): number {
  const aligned = b.length - (b.length % 4);
  let h = seed;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < aligned; i += 4) h = mixH1(h, mixK1(dv.getInt32(i, true)));
  for (let i = aligned; i < b.length; i++) h = mixH1(h, mixK1((b[i]! << 24) >> 24));
  h ^= b.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const PRIME_MODULUS = (1n << 31n) - 1n;

class Sketch {
  total = 0n;
  readonly table: bigint[];
  readonly hashA: bigint[];
  constructor(
    readonly depth: number,
    readonly width: number,
    seed: number,
  ) {
    this.table = new Array(depth * width).fill(0n);
    this.hashA = javaRandomInts(seed, 2147483647, depth).map(BigInt);
  }
  addLong(item: bigint): void {
    for (let i = 0; i < this.depth; i++) {
      let h = BigInt.asIntN(64, this.hashA[i]! * item);
      h += h >> 32n;
      h &= PRIME_MODULUS;
      const bucket = Number(h) % this.width;
      this.table[i * this.width + bucket]! += 1n;
    }
    this.total += 1n;
  }
  addBytes(b: Uint8Array): void {
    const h1 = sparkMurmurBytes(b, 0);
    const h2 = sparkMurmurBytes(b, h1);
    for (let i = 0; i < this.depth; i++) {
      let combined = (h1 + Math.imul(i, h2)) | 0;
      if (combined < 0) combined = ~combined;
      this.table[i * this.width + (combined % this.width)]! += 1n;
    }
    this.total += 1n;
  }
  serialize(): Uint8Array {
    const out = new Uint8Array(4 + 8 + 4 + 4 + 8 * this.depth + 8 * this.table.length);
    const dv = new DataView(out.buffer);
    dv.setInt32(0, 1);
    dv.setBigInt64(4, this.total);
    dv.setInt32(12, this.depth);
    dv.setInt32(16, this.width);
    let at = 20;
    for (const a of this.hashA) {
      dv.setBigInt64(at, a);
      at += 8;
    }
    for (const c of this.table) {
      dv.setBigInt64(at, c);
      at += 8;
    }
    return out;
  }
}

const encoder = new TextEncoder();

registerAgg({
  name: 'count_min_sketch',
  arity: [4, 4],
  resolve(args, ctx) {
    const [col, eps, conf, seed] = args as [import('../../plan/logical-plan.js').RExpr, ...import('../../plan/logical-plan.js').RExpr[]];
    const sql = `count_min_sketch(${args.map((a) => a.sql).join(', ')})`;
    const t = col.type;
    if (!(isIntegral(t) || t.type === 'string' || t.type === 'binary'))
      throw dataTypeMismatch(
        'UNEXPECTED_INPUT_TYPE',
        sql,
        `The first parameter requires the ("INTEGRAL" or "STRING" or "BINARY") type, however "${col.sql}" has the type "${typeSql(t)}".`,
      );
    const num = (e: import('../../plan/logical-plan.js').RExpr, name: string, want: (d: DataType) => boolean, typeName: string): number => {
      if (!isFoldable(e) || !want(e.type))
        throw dataTypeMismatch('NON_FOLDABLE_INPUT', sql, `the input \`${name}\` should be a foldable "${typeName}" expression; however, got "${e.sql}".`);
      const v = constantValue(e, ctx);
      if (v === null) throw dataTypeMismatch('UNEXPECTED_NULL', sql, `The \`${name}\` must not be null.`);
      return toDouble(e.type, v);
    };
    const e = num(eps!, 'eps', (d) => isNumeric(d) && (isFractional(d) || d.type === 'decimal'), 'DOUBLE');
    const c = num(conf!, 'confidence', (d) => isNumeric(d) && (isFractional(d) || d.type === 'decimal'), 'DOUBLE');
    const s = num(seed!, 'seed', (d) => d.type === 'integer' || d.type === 'short' || d.type === 'byte', 'INT');
    if (!(e > 0)) throw dataTypeMismatch('VALUE_OUT_OF_RANGE', sql, `The \`eps\` must be between (0.0, +Inf) (current value = ${e}).`);
    if (!(c > 0 && c < 1)) throw dataTypeMismatch('VALUE_OUT_OF_RANGE', sql, `The \`confidence\` must be between (0.0, 1.0) (current value = ${c}).`);
    const width = Math.ceil(2 / e);
    const depth = Math.ceil(-Math.log(1 - c) / Math.log(2));
    return { args: [col], type: T.binary, nullable: false, opts: { width, depth, seed: s } };
  },
  create(node) {
    const { width, depth, seed } = node.opts as { width: number; depth: number; seed: number };
    const t = node.args[0]!.type;
    const sketches: Sketch[] = [];
    const sketchOf = (g: number): Sketch => {
      let s = sketches[g];
      if (!s) {
        s = new Sketch(depth, width, seed);
        sketches[g] = s;
      }
      return s;
    };
    return {
      update(g, [a], n) {
        for (let i = 0; i < n; i++) {
          const x = getValue(a!, i);
          if (x === null) continue;
          const s = sketchOf(g[i]!);
          if (t.type === 'string') s.addBytes(encoder.encode(x as string));
          else if (t.type === 'binary') s.addBytes(x as Uint8Array);
          else s.addLong(BigInt(x as number | bigint));
        }
      },
      result(ng) {
        const out: Uint8Array[] = new Array(ng);
        for (let i = 0; i < ng; i++) out[i] = sketchOf(i).serialize();
        return vecFromValues(T.binary, out);
      },
      bytes: () => sketches.length * (depth * width * 8 + 64),
    };
  },
});
