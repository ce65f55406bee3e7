/** Hash, identity and introspection functions. */
import { createHash, randomUUID } from 'node:crypto';
import type { DataType } from '../../plan/data-type.js';
import { T, typeString } from '../../plan/type-utils.js';
import { defRow } from './helpers.js';
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
export function sparkHash(t: DataType, v: unknown, seed: number): number {
  if (v === null) return seed;
  switch (t.type) {
    case 'boolean':
      return hashInt(v ? 1 : 0, seed);
    case 'byte':
    case 'short':
    case 'integer':
    case 'date':
      return hashInt(v as number, seed);
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return hashLong(BigInt(v as bigint), seed);
    case 'float':
      f32[0] = (v as number) === 0 ? 0 : (v as number);
      return hashInt(i32[0]!, seed);
    case 'double':
      f64[0] = (v as number) === 0 ? 0 : (v as number);
      return hashLong(i64[0]!, seed);
    case 'decimal':
      if (t.precision <= 18) return hashLong(BigInt(v as bigint), seed);
      return hashBytes(bigToBytes(BigInt(v as bigint)), seed);
    case 'string':
    case 'binary':
      return hashBytes(bytesOf(v), seed);
    case 'array': {
      let h = seed;
      for (const e of v as unknown[]) h = sparkHash(t.elementType, e, h);
      return h;
    }
    case 'map': {
      let h = seed;
      const m = v as { keys: unknown[]; values: unknown[] };
      m.keys.forEach((k, i) => {
        h = sparkHash(t.keyType, k, h);
        h = sparkHash(t.valueType, m.values[i], h);
      });
      return h;
    }
    case 'struct': {
      let h = seed;
      t.fields.forEach((f, i) => {
        h = sparkHash(f.dataType, (v as unknown[])[i], h);
      });
      return h;
    }
    default:
      return hashBytes(bytesOf(String(v)), seed);
  }
}
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
defRow('assert_true', {
  args: [T.boolean],
  ret: T.null,
  nullable: true,
  nullSafe: true,
  row: ([b], _c, node) => {
    if (b !== true) throw new Error(`'${node.args[0]!.sql}' is not true!`);
    return null;
  },
});

// Placeholders resolved by the aggregate builder into bit tests over the grouping-set id.
register({ name: 'grouping', arity: [1, 1], resolve: (args) => ({ args, type: T.byte, nullable: false }) });
register({ name: 'grouping_id', arity: [0, -1], resolve: (args) => ({ args, type: T.long, nullable: false }) });
