/** bit_and, bit_or, bit_xor over integral values; the result keeps the input type. */
import { getValue, vecFromValues } from '../../arrow/vec.js';
import { isIntegral, typeSql } from '../../plan/type-utils.js';
import { dataTypeMismatch } from '../functions/registry.js';
import { registerAgg } from './registry.js';

for (const [name, op] of [
  ['bit_and', (a: bigint, b: bigint) => a & b],
  ['bit_or', (a: bigint, b: bigint) => a | b],
  ['bit_xor', (a: bigint, b: bigint) => a ^ b],
] as const) {
  registerAgg({
    name,
    arity: [1, 1],
    resolve(args) {
      const a = args[0]!;
      if (!isIntegral(a.type) && a.type.type !== 'null')
        throw dataTypeMismatch(
          'UNEXPECTED_INPUT_TYPE',
          `${name}(${a.sql})`,
          `The first parameter requires the "INTEGRAL" type, however "${a.sql}" has the type "${typeSql(a.type)}".`,
        );
      return { args, type: a.type, nullable: true };
    },
    create(node) {
      // bigint state covers long inputs; narrower types never leave their range under and/or/xor.
      const acc: (bigint | undefined)[] = [];
      return {
        update(g, [a], n) {
          for (let i = 0; i < n; i++) {
            const x = getValue(a!, i);
            if (x === null) continue;
            const gi = g[i]!;
            const b = BigInt(x as number | bigint);
            const cur = acc[gi];
            acc[gi] = cur === undefined ? b : op(cur, b);
          }
        },
        result(ng) {
          const out: unknown[] = new Array(ng);
          for (let i = 0; i < ng; i++) {
            const v = acc[i];
            out[i] = v === undefined ? null : node.type.type === 'long' ? v : Number(v);
          }
          return vecFromValues(node.type, out);
        },
        bytes: () => acc.length * 16,
      };
    },
  });
}
