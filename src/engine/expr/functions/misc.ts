/** Hash, identity and introspection functions. */
import { createHash, randomUUID } from 'node:crypto';
import { PerennialError } from '../../../core/errors.js';
import type { DataType } from '../../plan/data-type.js';
import { T, typeString } from '../../plan/type-utils.js';
import { coerceArgs, defRow } from './helpers.js';
import { register } from './registry.js';

const enc = new TextEncoder();
const bytesOf = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : enc.encode(String(v)));

defRow('md5', { args: [T.binary], ret: T.string, row: ([b]) => createHash('md5').update(bytesOf(b)).digest('hex') });
defRow('sha1', { args: [T.binary], ret: T.string, row: ([b]) => createHash('sha1').update(bytesOf(b)).digest('hex') }, 'sha');
defRow('sha2', {
  args: [T.binary, T.int],
  ret: T.string,
  nullable: true,
  row: ([b, bits]) => {
    const n = (bits as number) === 0 ? 256 : (bits as number);
    if (![224, 256, 384, 512].includes(n)) return null;
    return createHash(`sha${n}`).update(bytesOf(b)).digest('hex');
  },
});
let crcTable: Int32Array | undefined;
defRow('crc32', {
  args: [T.binary],
  ret: T.long,
  row: ([b]) => {
    if (!crcTable) {
      crcTable = new Int32Array(256);
      for (let i = 0; i < 256; i++) {
        let c = i;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        crcTable[i] = c;
      }
    }
    let crc = -1;
    for (const x of bytesOf(b)) crc = crcTable[(crc ^ x) & 0xff]! ^ (crc >>> 8);
    return BigInt((crc ^ -1) >>> 0);
  },
});

// Spark's Murmur3 x86_32 (seed 42), hashing each value the way Spark's HashExpression does.
function mix(h1: number, k1: number): number {
  k1 = Math.imul(k1, 0xcc9e2d51);
  k1 = (k1 << 15) | (k1 >>> 17);
  k1 = Math.imul(k1, 0x1b873593);
  h1 ^= k1;
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}
function fmix(h1: number, len: number): number {
  h1 ^= len;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 | 0;
}
const hashInt = (x: number, seed: number): number => fmix(mix(seed, x | 0), 4);
function hashLong(x: bigint, seed: number): number {
  const lo = Number(BigInt.asIntN(32, x));
  const hi = Number(BigInt.asIntN(32, x >> 32n));
  return fmix(mix(mix(seed, lo), hi), 8);
}
function hashBytes(b: Uint8Array, seed: number): number {
  let h1 = seed;
  const n = b.length;
  const aligned = n - (n % 4);
  for (let i = 0; i < aligned; i += 4) h1 = mix(h1, b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
  // Spark's hashUnsafeBytes mixes each trailing byte as its own (signed) int.
  for (let i = aligned; i < n; i++) h1 = mix(h1, (b[i]! << 24) >> 24);
  return fmix(h1, n);
}
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The three primitives Spark's HashExpression combines: hash an int, a long or bytes with a seed. */
interface Hasher<H> {
  int(x: number, seed: H): H;
  long(x: bigint, seed: H): H;
  bytes(b: Uint8Array, seed: H): H;
}
const murmur3: Hasher<number> = { int: hashInt, long: hashLong, bytes: hashBytes };

/** Hashes one value of type t the way Spark's HashExpression does, chaining the seed through children. */
function hashValue<H>(h: Hasher<H>, t: DataType, v: unknown, seed: H): H {
  if (v === null) return seed;
  switch (t.type) {
    case 'boolean':
      return h.int(v ? 1 : 0, seed);
    case 'byte':
    case 'short':
    case 'integer':
    case 'date':
      return h.int(v as number, seed);
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return h.long(BigInt(v as bigint), seed);
    case 'float':
      f32[0] = (v as number) === 0 ? 0 : (v as number);
      return h.int(i32[0]!, seed);
    case 'double':
      f64[0] = (v as number) === 0 ? 0 : (v as number);
      return h.long(i64[0]!, seed);
    case 'decimal':
      if (t.precision <= 18) return h.long(BigInt(v as bigint), seed);
      return h.bytes(bigToBytes(BigInt(v as bigint)), seed);
    case 'string':
    case 'binary':
      return h.bytes(bytesOf(v), seed);
    case 'array': {
      let x = seed;
      for (const e of v as unknown[]) x = hashValue(h, t.elementType, e, x);
      return x;
    }
    case 'map': {
      let x = seed;
      const m = v as { keys: unknown[]; values: unknown[] };
      m.keys.forEach((k, i) => {
        x = hashValue(h, t.keyType, k, x);
        x = hashValue(h, t.valueType, m.values[i], x);
      });
      return x;
    }
    case 'struct': {
      let x = seed;
      t.fields.forEach((f, i) => {
        x = hashValue(h, f.dataType, (v as unknown[])[i], x);
      });
      return x;
    }
    default:
      return h.bytes(bytesOf(String(v)), seed);
  }
}
export function sparkHash(t: DataType, v: unknown, seed: number): number {
  return hashValue(murmur3, t, v, seed);
}

// XXH64 over unsigned 64-bit BigInts, as Spark's XXH64 (little-endian reads).
const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const mul = (a: bigint, b: bigint) => (a * b) & M64;
const add = (a: bigint, b: bigint) => (a + b) & M64;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M64;
function xxFmix(h: bigint): bigint {
  h ^= h >> 33n;
  h = mul(h, P2);
  h ^= h >> 29n;
  h = mul(h, P3);
  return h ^ (h >> 32n);
}
const xxRound = (acc: bigint, lane: bigint) => mul(rotl(add(acc, mul(lane, P2)), 31n), P1);
const xxMerge = (h: bigint, v: bigint) => add(mul(h ^ xxRound(0n, v), P1), P4);
const xxhash64: Hasher<bigint> = {
  int(x, seed) {
    let h = add(add(seed, P5), 4n);
    h ^= mul(BigInt(x >>> 0), P1);
    return xxFmix(add(mul(rotl(h, 23n), P2), P3));
  },
  long(x, seed) {
    let h = add(add(seed, P5), 8n);
    h ^= mul(rotl(mul(BigInt.asUintN(64, x), P2), 31n), P1);
    return xxFmix(add(mul(rotl(h, 27n), P1), P4));
  },
  bytes(b, seed) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const n = b.length;
    let off = 0;
    let h: bigint;
    if (n >= 32) {
      let v1 = add(add(seed, P1), P2);
      let v2 = add(seed, P2);
      let v3 = seed;
      let v4 = (seed - P1) & M64;
      for (; off <= n - 32; off += 32) {
        v1 = xxRound(v1, dv.getBigUint64(off, true));
        v2 = xxRound(v2, dv.getBigUint64(off + 8, true));
        v3 = xxRound(v3, dv.getBigUint64(off + 16, true));
        v4 = xxRound(v4, dv.getBigUint64(off + 24, true));
      }
      h = add(add(rotl(v1, 1n), rotl(v2, 7n)), add(rotl(v3, 12n), rotl(v4, 18n)));
      for (const v of [v1, v2, v3, v4]) h = xxMerge(h, v);
    } else h = add(seed, P5);
    h = add(h, BigInt(n));
    for (; off <= n - 8; off += 8) h = add(mul(rotl(h ^ xxRound(0n, dv.getBigUint64(off, true)), 27n), P1), P4);
    if (off <= n - 4) {
      h ^= mul(BigInt(dv.getUint32(off, true)), P1);
      h = add(mul(rotl(h, 23n), P2), P3);
      off += 4;
    }
    for (; off < n; off++) {
      h ^= mul(BigInt(b[off]!), P5);
      h = mul(rotl(h, 11n), P1);
    }
    return xxFmix(h);
  },
};

register({
  name: 'xxhash64',
  arity: [1, -1],
  resolve(args) {
    return { args, type: T.long, nullable: false };
  },
  row(vals, _ctx, node) {
    let h = 42n;
    vals.forEach((v, i) => {
      h = hashValue(xxhash64, node.args[i]!.type, v, h);
    });
    return BigInt.asIntN(64, h);
  },
  nullSafe: true,
});
function bigToBytes(x: bigint): Uint8Array {
  let hex = BigInt.asUintN(128, x).toString(16);
  const neg = x < 0n;
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Uint8Array.from(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)));
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === (neg ? 0xff : 0) && ((bytes[i + 1]! & 0x80) !== 0) === neg) i++;
  return bytes.slice(i);
}

register({
  name: 'hash',
  arity: [1, -1],
  resolve(args) {
    return { args, type: T.int, nullable: false };
  },
  row(vals, _ctx, node) {
    let h = 42;
    vals.forEach((v, i) => {
      h = sparkHash(node.args[i]!.type, v, h);
    });
    return h;
  },
  nullSafe: true,
});

register({
  name: 'typeof',
  arity: [1, 1],
  resolve(args) {
    return { args, type: T.string, nullable: false, opts: { t: typeString(args[0]!.type) } };
  },
  row(_v, _c, node) {
    return node.opts?.t;
  },
  nullSafe: true,
});
defRow('uuid', { args: [], ret: T.string, nullable: false, nondeterministic: true, row: () => randomUUID(), sql: () => 'uuid()' });
defRow('version', { args: [], ret: T.string, nullable: false, row: () => '4.0.0 perennial', sql: () => 'version()' });
defRow('current_database', { args: [], ret: T.string, nullable: false, row: () => 'default', sql: () => 'current_database()' }, 'current_schema');
defRow('current_catalog', { args: [], ret: T.string, nullable: false, row: () => 'spark_catalog', sql: () => 'current_catalog()' });
defRow('current_user', { args: [], ret: T.string, nullable: false, row: () => 'perennial', sql: () => 'current_user()' }, 'user', 'session_user');
defRow('spark_partition_id', { args: [], ret: T.int, nullable: false, row: () => 0, sql: () => 'SPARK_PARTITION_ID()' });
function userRaisedException(message: string): PerennialError {
  return new PerennialError('USER_RAISED_EXCEPTION', `[USER_RAISED_EXCEPTION] ${message} SQLSTATE: P0001`, { sqlState: 'P0001', messageParameters: {} });
}
register({
  name: 'assert_true',
  arity: [1, 2],
  resolve(args, ctx, called) {
    const [cond] = coerceArgs(called, [args[0]!], [T.boolean], ctx);
    const msgSql = args[1] ? args[1].sql : `'${args[0]!.sql}' is not true!`;
    const [msg] = args[1] ? coerceArgs(called, [args[1]], ['string'], ctx) : [undefined];
    return { args: msg ? [cond!, msg] : [cond!], type: T.null, nullable: true, opts: { message: `'${args[0]!.sql}' is not true!` }, sql: `${called}(${args[0]!.sql}, ${msgSql})` };
  },
  nullSafe: true,
  row([b, msg], _c, node) {
    if (b !== true) throw userRaisedException(msg === undefined ? (node.opts!.message as string) : String(msg));
    return null;
  },
});
register({
  name: 'raise_error',
  arity: [1, 2],
  resolve(args, ctx, called) {
    const coerced = coerceArgs(called, args, ['string'], ctx);
    const sql = args.length === 1 ? `${called}(USER_RAISED_EXCEPTION, map(errorMessage, ${args[0]!.sql}))` : undefined;
    return { args: coerced, type: T.null, nullable: true, ...(sql ? { sql } : {}) };
  },
  nullSafe: true,
  row(vals) {
    if (vals.length === 1) throw userRaisedException(String(vals[0]));
    const cls = String(vals[0]).toUpperCase();
    throw new PerennialError(cls, `[${cls}] ${String(vals[1])}`);
  },
});

// Placeholders resolved by the aggregate builder into bit tests over the grouping-set id.
register({ name: 'grouping', arity: [1, 1], resolve: (args) => ({ args, type: T.byte, nullable: false }) });
register({ name: 'grouping_id', arity: [0, -1], resolve: (args) => ({ args, type: T.long, nullable: false }) });
