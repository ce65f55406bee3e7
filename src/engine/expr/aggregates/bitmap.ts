/**
 * Spark's bitmap family: a bitmap is a 4096-byte BINARY (32768 bits, bit i is bit i%8 of byte i/8).
 * Aggregates bitmap_construct_agg / bitmap_or_agg / bitmap_and_agg, and the scalar helpers that map a
 * BIGINT to its bucket and bit position, and count set bits.
 */
import { PerennialError } from '../../../core/errors.js';
import { getValue, vecFromValues } from '../../arrow/vec.js';
import { T, isIntegral, typeSql } from '../../plan/type-utils.js';
import { castTo } from '../functions/coercion.js';
import { defRow } from '../functions/helpers.js';
import { dataTypeMismatch } from '../functions/registry.js';
import { registerAgg } from './registry.js';

const BYTES = 4096;
const BITS = BYTES * 8;

/** Position inside its bucket: 1..32768 → 0..32767, and 0, -1, ... count up from 0 in their bucket. */
export function bitPosition(v: bigint): number {
  return Number(v > 0n ? (v - 1n) % BigInt(BITS) : -v % BigInt(BITS));
}

function bucketNumber(v: bigint): bigint {
  return v > 0n ? 1n + (v - 1n) / BigInt(BITS) : -v / BigInt(BITS);
}

defRow('bitmap_bit_position', { args: [T.long], ret: T.long, row: ([v]) => BigInt(bitPosition(v as bigint)) });
defRow('bitmap_bucket_number', { args: [T.long], ret: T.long, row: ([v]) => bucketNumber(v as bigint) });
defRow('bitmap_count', {
  args: [T.binary],
  ret: T.long,
  row: ([b]) => {
    let c = 0;
    for (const byte of b as Uint8Array) {
      let x = byte;
      while (x) {
        c += x & 1;
        x >>= 1;
      }
    }
    return BigInt(c);
  },
});

registerAgg({
  name: 'bitmap_construct_agg',
  arity: [1, 1],
  resolve(args, ctx) {
    const a = args[0]!;
    if (!isIntegral(a.type) && a.type.type !== 'null')
      throw dataTypeMismatch(
        'UNEXPECTED_INPUT_TYPE',
        `bitmap_construct_agg(${a.sql})`,
        `The first parameter requires the "BIGINT" type, however "${a.sql}" has the type "${typeSql(a.type)}".`,
      );
    return { args: [castTo(a, T.long, ctx)], type: T.binary, nullable: false };
  },
  create() {
    const maps: Uint8Array[] = [];
    return {
      update(g, [a], n) {
        for (let i = 0; i < n; i++) {
          const v = getValue(a!, i);
          if (v === null) continue;
          const pos = Number(v);
          if (pos < 0 || pos >= BITS) throw bitmapOutOfRange(pos);
          const gi = g[i]!;
          const m = maps[gi] ?? new Uint8Array(BYTES);
          maps[gi] = m;
          m[pos >> 3]! |= 1 << (pos & 7);
        }
      },
      result(ng) {
        const out: Uint8Array[] = new Array(ng);
        for (let i = 0; i < ng; i++) out[i] = maps[i] ?? new Uint8Array(BYTES);
        return vecFromValues(T.binary, out);
      },
      bytes: () => maps.length * BYTES,
    };
  },
});

function bitmapOutOfRange(pos: number): PerennialError {
  return new PerennialError(
    'INVALID_BITMAP_POSITION',
    `[INVALID_BITMAP_POSITION] The 0-indexed bitmap position ${pos} is out of bounds. The bitmap has ${BITS} bits (${BYTES} bytes). SQLSTATE: 22003`,
    { messageParameters: { bitPosition: String(pos), bitmapNumBits: String(BITS), bitmapNumBytes: String(BYTES) } },
  );
}

/** Inputs shorter than 4096 bytes count as zero-padded; NULLs are skipped. */
for (const [name, isAnd] of [
  ['bitmap_or_agg', false],
  ['bitmap_and_agg', true],
] as const) {
  registerAgg({
    name,
    arity: [1, 1],
    resolve(args) {
      const a = args[0]!;
      if (a.type.type !== 'binary' && a.type.type !== 'null')
        throw dataTypeMismatch(
          'UNEXPECTED_INPUT_TYPE',
          `${name}(${a.sql})`,
          `The first parameter requires the "BINARY" type, however "${a.sql}" has the type "${typeSql(a.type)}".`,
        );
      return { args, type: T.binary, nullable: false };
    },
    create() {
      const maps: Uint8Array[] = [];
      return {
        update(g, [a], n) {
          for (let i = 0; i < n; i++) {
            const v = getValue(a!, i) as Uint8Array | null;
            if (v === null) continue;
            const gi = g[i]!;
            const m = maps[gi];
            if (!m) {
              const fresh = new Uint8Array(BYTES);
              fresh.set(v.subarray(0, BYTES));
              maps[gi] = fresh;
              continue;
            }
            for (let k = 0; k < BYTES; k++) {
              const b = k < v.length ? v[k]! : 0;
              m[k] = isAnd ? m[k]! & b : m[k]! | b;
            }
          }
        },
        result(ng) {
          const out: Uint8Array[] = new Array(ng);
          for (let i = 0; i < ng; i++) out[i] = maps[i] ?? new Uint8Array(BYTES);
          return vecFromValues(T.binary, out);
        },
        bytes: () => maps.length * BYTES,
      };
    },
  });
}
