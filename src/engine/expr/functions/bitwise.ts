/** Bit functions: the shift operators (`<<`, `>>`, `>>>`), bit_count, bit_get/getbit. */
import { PerennialError } from '../../../core/errors.js';
import { T } from '../../plan/type-utils.js';
import { callSql, defRow } from './helpers.js';
import { lookupFunction, register, unexpectedInputType } from './registry.js';

/**
 * The operator spellings share the shift functions' rules and kernels; only the generated name differs:
 * `(2 << 1)` for the operator, `shiftleft(2, 1)` for the function.
 */
for (const [op, fnName] of [
  ['<<', 'shiftleft'],
  ['>>', 'shiftright'],
  ['>>>', 'shiftrightunsigned'],
] as const) {
  const target = () => {
    const f = lookupFunction(fnName);
    if (!f) throw new Error(`${fnName} is not registered`);
    return f;
  };
  register({
    name: op,
    arity: [2, 2],
    resolve(args, ctx) {
      return { ...target().resolve(args, ctx, fnName), sql: `(${args[0]!.sql} ${op} ${args[1]!.sql})` };
    },
    row: (vals, ctx, node) => target().row!(vals, ctx, node),
  });
}

const INTEGRAL_OR_BOOLEAN = new Set(['byte', 'short', 'integer', 'long', 'boolean']);

/** Set bits of the two's complement 64-bit value (so bit_count(-1) is 64 for every integral type). */
register({
  name: 'bit_count',
  arity: [1, 1],
  resolve(args) {
    const a = args[0]!;
    if (!INTEGRAL_OR_BOOLEAN.has(a.type.type) && a.type.type !== 'null')
      throw unexpectedInputType(callSql('bit_count', args), 0, '("INTEGRAL" or "BOOLEAN")', a);
    return { args, type: T.int, nullable: a.nullable };
  },
  row([v]) {
    if (typeof v === 'boolean') return v ? 1 : 0;
    let x = BigInt.asUintN(64, BigInt(v as number | bigint));
    let n = 0;
    while (x > 0n) {
      x &= x - 1n;
      n++;
    }
    return n;
  },
});

function bitPositionRange(name: string, pos: number, bits: number): PerennialError {
  return new PerennialError(
    'INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE',
    `[INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE] The value of parameter(s) \`pos\` in \`${name}\` is invalid: expects an integer value in [0, ${bits}), but got ${pos}. SQLSTATE: 22023`,
    { messageParameters: { parameter: '`pos`', functionName: `\`${name}\``, upper: String(bits), invalidValue: String(pos) } },
  );
}

const BITS: Record<string, number> = { byte: 8, short: 16, integer: 32, long: 64 };

for (const name of ['bit_get', 'getbit']) {
  defRow(name, {
    args: ['integral', T.int],
    ret: T.byte,
    row: ([v, p], _c, node) => {
      const bits = BITS[node.args[0]!.type.type] ?? 64;
      const pos = p as number;
      if (pos < 0 || pos >= bits) throw bitPositionRange(name, pos, bits);
      return Number((BigInt(v as number | bigint) >> BigInt(pos)) & 1n);
    },
  });
}
