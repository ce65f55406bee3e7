/** Math functions with Spark's result types. */
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, boundedDecimal, decimalForIntegral, isIntegral, isNumeric, typeSql } from '../../plan/type-utils.js';
import { POW10, divHalfUp, formatDecimal, parseDecimal, rescale } from '../decimal.js';
import { arithmeticOverflow } from '../errors.js';
import { constantValue, isFoldable } from '../aggregates/args.js';
import { castTo } from './coercion.js';
import { coerceArgs, defRow, num } from './helpers.js';
import { type ResolveContext, register, unexpectedInputType } from './registry.js';

/**
 * Spark's UnaryMathExpression prints its upper-case class name (`ASIN(0)`) unless it was called through
 * an alias registered with its own pretty name (`sign`, `ln`, `rint`): `upper` says which.
 */
const mathSql =
  (upper: string | undefined) =>
  (args: RExpr[], called: string): string =>
    `${upper !== undefined && called !== 'sign' ? upper : called}(${args.map((a) => a.sql).join(', ')})`;

const dbl = (name: string, f: (x: number) => number | null, ...aliases: string[]): void =>
  defRow(name, { args: ['double'], ret: T.double, nullable: true, row: ([x]) => f(x as number), sql: mathSql(UPPER_NAMED.has(name) ? name.toUpperCase() : undefined) }, ...aliases);

const UPPER_NAMED = new Set(
  'sqrt cbrt exp expm1 log10 log2 log1p sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh cot sec csc degrees radians signum'.split(' '),
);

dbl('sqrt', (x) => Math.sqrt(x));
dbl('cbrt', (x) => Math.cbrt(x));
dbl('exp', (x) => Math.exp(x));
dbl('expm1', (x) => Math.expm1(x));
dbl('ln', (x) => (x <= 0 ? null : Math.log(x)));
dbl('log10', (x) => (x <= 0 ? null : Math.log10(x)));
dbl('log2', (x) => (x <= 0 ? null : Math.log2(x)));
dbl('log1p', (x) => (x <= -1 ? null : Math.log1p(x)));
dbl('sin', Math.sin);
dbl('cos', Math.cos);
dbl('tan', Math.tan);
dbl('asin', Math.asin);
dbl('acos', Math.acos);
dbl('atan', Math.atan);
dbl('sinh', Math.sinh);
dbl('cosh', Math.cosh);
dbl('tanh', Math.tanh);
dbl('asinh', Math.asinh);
dbl('acosh', Math.acosh);
dbl('atanh', Math.atanh);
dbl('cot', (x) => 1 / Math.tan(x));
dbl('sec', (x) => 1 / Math.cos(x));
dbl('csc', (x) => 1 / Math.sin(x));
dbl('degrees', (x) => (x * 180) / Math.PI);
dbl('radians', (x) => (x * Math.PI) / 180);
dbl('rint', (x) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
});
defRow('atan2', { args: ['double', 'double'], ret: T.double, row: ([y, x]) => Math.atan2((y as number) + 0, (x as number) + 0), sql: mathSql('ATAN2') });
defRow('hypot', { args: ['double', 'double'], ret: T.double, row: ([a, b]) => Math.hypot(a as number, b as number), sql: mathSql('HYPOT') });
// `pow` is Pow's alias with its own pretty name; `power` prints the class name POWER.
defRow('pow', { args: ['double', 'double'], ret: T.double, row: ([a, b]) => (a as number) ** (b as number), sql: (args, called) => mathSql(called === 'power' ? 'POWER' : undefined)(args, called) }, 'power');
defRow('log', {
  args: ['double', 'double'],
  arity: [1, 2],
  ret: T.double,
  row: (v) => {
    if (v.length === 1) return (v[0] as number) <= 0 ? null : Math.log(v[0] as number);
    const [b, x] = v as number[];
    return b! <= 0 || x! <= 0 ? null : Math.log(x!) / Math.log(b!);
  },
  // One-argument log is Logarithm(E(), x) in Spark.
  sql: (args) => (args.length === 1 ? `LOG(E(), ${args[0]!.sql})` : mathSql('LOG')(args, 'log')),
});
defRow('pi', { args: [], ret: T.double, nullable: false, row: () => Math.PI, sql: () => 'PI()' });
defRow('e', { args: [], ret: T.double, nullable: false, row: () => Math.E, sql: () => 'E()' });
defRow('nanvl', { args: ['double', 'double'], ret: T.double, row: ([a, b]) => (Number.isNaN(a) ? b : a), nullSafe: false });
defRow('factorial', {
  args: [T.int],
  ret: T.long,
  nullable: true,
  row: ([n]) => {
    const k = n as number;
    if (k < 0 || k > 20) return null;
    let r = 1n;
    for (let i = 2n; i <= BigInt(k); i++) r *= i;
    return r;
  },
});
defRow('rand', { args: [T.long], arity: [0, 1], ret: T.double, nullable: false, nondeterministic: true, row: () => Math.random(), nullSafe: true }, 'random');
defRow('randn', {
  args: [T.long],
  arity: [0, 1],
  ret: T.double,
  nullable: false,
  nondeterministic: true,
  nullSafe: true,
  row: () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()),
});

function numericArg(name: string, a: RExpr, ctx: ResolveContext): RExpr {
  if (isNumeric(a.type)) return a;
  if (a.type.type === 'null' || (a.type.type === 'string' && !ctx.strictStringNumber)) return castTo(a, T.double, ctx);
  throw unexpectedInputType(`${name}(${a.sql})`, 0, '"NUMERIC"', a);
}

const isAnsiInterval = (t: DataType): boolean => t.type === 'year_month_interval' || t.type === 'day_time_interval';

register({
  name: 'abs',
  arity: [1, 1],
  resolve(args, ctx) {
    const a = isAnsiInterval(args[0]!.type) ? args[0]! : numericArg('abs', args[0]!, ctx);
    return { args: [a], type: a.type, nullable: a.nullable };
  },
  row([x], _ctx, node) {
    if (typeof x === 'bigint') return x < 0n ? -x : x;
    if (node.type.type === 'year_month_interval' && x === -2147483648) throw arithmeticOverflow('integer overflow', 'try_abs');
    return Math.abs(x as number);
  },
});

// signum/sign: doubles, and since Spark 3.2 the ANSI intervals (their sign as a double).
register(
  {
    name: 'signum',
    arity: [1, 1],
    resolve(args, ctx, called) {
      const a = isAnsiInterval(args[0]!.type) ? args[0]! : coerceArgs(called, args, ['double'], ctx)[0]!;
      return { args: [a], type: T.double, nullable: true, sql: mathSql('SIGNUM')(args, called) };
    },
    row: ([x]) => (typeof x === 'bigint' ? (x > 0n ? 1 : x < 0n ? -1 : 0) : Math.sign(x as number)),
  },
  'sign',
);

type RoundMode = 'half_up' | 'half_even' | 'ceiling' | 'floor';

/** Divides an unscaled decimal by 10^(fromScale - toScale) with Spark's (java.math) rounding mode. */
function roundUnscaled(u: bigint, fromScale: number, toScale: number, mode: RoundMode): bigint {
  if (toScale >= fromScale) return u;
  const p = POW10[fromScale - toScale]!;
  if (mode === 'half_up') return divHalfUp(u, p);
  const q = u / p;
  const r = u % p;
  if (r === 0n) return q;
  if (mode === 'ceiling') return u > 0n ? q + 1n : q;
  if (mode === 'floor') return u < 0n ? q - 1n : q;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice > p || (twice === p && q % 2n !== 0n)) return u < 0n ? q - 1n : q + 1n;
  return q;
}

/** RoundBase's result type for a decimal input: room for one more integral digit after rounding. */
function roundedDecimalType(t: Extract<DataType, { type: 'decimal' }>, scale: number): DataType {
  const integral = t.precision - t.scale + 1;
  if (scale < 0) return boundedDecimal(Math.max(integral, -scale + 1), 0);
  const s = Math.min(t.scale, scale);
  return boundedDecimal(integral + s, s);
}

/** Rounds a value of type `t` to `s` fractional digits; `out` is the result type. */
function roundValue(x: unknown, t: DataType, out: DataType, s: number, mode: RoundMode): unknown {
  if (t.type === 'decimal') {
    const nt = out as Extract<DataType, { type: 'decimal' }>;
    if (s >= t.scale) return rescale(x as bigint, t.scale, nt.scale);
    const r = roundUnscaled(x as bigint, t.scale, s, mode);
    return s < 0 ? r * POW10[-s]! : rescale(r, s, nt.scale);
  }
  if (isIntegral(t)) {
    if (s >= 0) return x;
    const r = roundUnscaled(BigInt(x as number | bigint), -s, 0, mode) * POW10[-s]!;
    return t.type === 'long' ? r : Number(r);
  }
  const d = x as number;
  if (!Number.isFinite(d)) return d;
  const p = parseDecimal(String(d));
  if (!p) return d;
  const [u, sc] = p;
  if (s >= sc) return d;
  const r = roundUnscaled(u, sc, s, mode);
  const v = Number(formatDecimal(s < 0 ? r * POW10[-s]! : r, Math.max(s, 0)));
  return t.type === 'float' ? Math.fround(v) : v;
}

/** The scale argument of round/ceil/floor: a foldable int. */
function scaleOf(name: string, args: RExpr[], ctx: ResolveContext): number {
  const a = args[1];
  if (a === undefined) return 0;
  if (!isIntegral(a.type) && a.type.type !== 'null') throw unexpectedInputType(`${name}(${args.map((x) => x.sql).join(', ')})`, 1, '"INT"', a);
  return isFoldable(a) ? Number(constantValue(a, ctx) ?? 0) : 0;
}

for (const [name, dir] of [
  ['ceil', 1],
  ['ceiling', 1],
  ['floor', -1],
] as const) {
  register({
    name,
    arity: [1, 2],
    resolve(args, ctx) {
      let a = numericArg(name, args[0]!, ctx);
      if (args.length === 2) {
        // RoundCeil / RoundFloor: decimal in, decimal out.
        const scale = scaleOf(name, args, ctx);
        if (a.type.type !== 'decimal') a = castTo(a, isIntegral(a.type) ? decimalForIntegral(a.type) : T.decimal(30, 15), ctx);
        const type = roundedDecimalType(a.type as Extract<DataType, { type: 'decimal' }>, scale);
        return { args: [a], type, nullable: a.nullable, opts: { scale }, sql: `${name}(${args[0]!.sql}, ${args[1]!.sql})` };
      }
      let type: DataType = T.long;
      if (a.type.type === 'decimal') type = boundedDecimal(a.type.precision - a.type.scale + 1, 0);
      const sql = `${name === 'ceiling' ? 'ceiling' : name.toUpperCase()}(${args[0]!.sql})`;
      return { args: [a], type, nullable: a.nullable, sql };
    },
    row([x], _ctx, node) {
      const t = node.args[0]!.type;
      const scale = node.opts?.scale as number | undefined;
      if (scale !== undefined) return roundValue(x, t, node.type, scale, dir > 0 ? 'ceiling' : 'floor');
      if (t.type === 'decimal') return roundUnscaled(x as bigint, t.scale, 0, dir > 0 ? 'ceiling' : 'floor');
      if (isIntegral(t)) return BigInt(x as number | bigint);
      const d = x as number;
      const r = dir > 0 ? Math.ceil(d) : Math.floor(d);
      if (Number.isNaN(r)) return 0n;
      if (r >= 9.223372036854776e18) return 9223372036854775807n;
      if (r <= -9.223372036854776e18) return -9223372036854775808n;
      return BigInt(r);
    },
  });
}

/** round / bround: HALF_UP / HALF_EVEN on the exact decimal expansion. */
for (const [name, even] of [
  ['round', false],
  ['bround', true],
] as const) {
  register({
    name,
    arity: [1, 2],
    resolve(args, ctx) {
      const a = numericArg(name, args[0]!, ctx);
      const scale = scaleOf(name, args, ctx);
      const type = a.type.type === 'decimal' ? roundedDecimalType(a.type, scale) : a.type;
      const sql = `${name}(${args[0]!.sql}, ${args[1] ? args[1].sql : '0'})`;
      return { args: [a], type, nullable: a.nullable, opts: { scale }, sql };
    },
    row([x], _ctx, node) {
      return roundValue(x, node.args[0]!.type, node.type, node.opts?.scale as number, even ? 'half_even' : 'half_up');
    },
  });
}

defRow('bin', { args: [T.long], ret: T.string, row: ([x]) => BigInt.asUintN(64, x as bigint).toString(2) });
defRow('hex', {
  args: ['any'],
  ret: T.string,
  row: ([x], _c, node) => {
    const t = node.args[0]!.type;
    if (t.type === 'string') return Array.from(new TextEncoder().encode(x as string), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
    if (t.type === 'binary') return Array.from(x as Uint8Array, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
    return BigInt.asUintN(64, BigInt(x as number | bigint)).toString(16).toUpperCase();
  },
});
defRow('unhex', {
  args: ['string'],
  ret: T.binary,
  nullable: true,
  row: ([s]) => {
    let h = s as string;
    if (!/^[0-9a-fA-F]*$/.test(h)) return null;
    if (h.length % 2) h = `0${h}`;
    const out = new Uint8Array(h.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
    return out;
  },
});
for (const [name, f] of [
  ['shiftleft', (a: bigint, b: number) => a << BigInt(b)],
  ['shiftright', (a: bigint, b: number) => a >> BigInt(b)],
  ['shiftrightunsigned', (a: bigint, b: number) => a >> BigInt(b)],
] as const) {
  register({
    name,
    arity: [2, 2],
    resolve(args, ctx) {
      const [a, b] = coerceArgs(name, args, ['integral', T.int], ctx);
      const t = a!.type.type === 'long' ? T.long : T.int;
      return { args: [castTo(a!, t, ctx), b!], type: t, nullable: a!.nullable || b!.nullable };
    },
    row([a, b], _c, node) {
      const bits = node.type.type === 'long' ? 64 : 32;
      const sh = (b as number) & (bits - 1);
      let x = BigInt(a as number | bigint);
      if (name === 'shiftrightunsigned') x = BigInt.asUintN(bits, x);
      const r = BigInt.asIntN(bits, f(x, sh));
      return bits === 64 ? r : Number(r);
    },
  });
}
register({
  name: 'width_bucket',
  arity: [4, 4],
  resolve(args, ctx) {
    // value, min and max are all doubles, or all the same kind of ANSI interval.
    const t0 = args[0]!.type.type;
    const sameInterval = isAnsiInterval(args[0]!.type) && args.slice(1, 3).every((a) => a.type.type === t0);
    const coerced = coerceArgs('width_bucket', args, sameInterval ? ['any', 'any', 'any', T.long] : ['double', 'double', 'double', T.long], ctx);
    return { args: coerced, type: T.long, nullable: true };
  },
  row: ([v, lo, hi, n]) => {
    const [x, a, b] = [v, lo, hi].map(num) as [number, number, number];
    const k = Number(n);
    if (k <= 0 || a === b) return null;
    if (a < b) {
      if (x < a) return 0n;
      if (x >= b) return BigInt(k + 1);
      return BigInt(Math.floor(((x - a) * k) / (b - a)) + 1);
    }
    if (x > a) return 0n;
    if (x <= b) return BigInt(k + 1);
    return BigInt(Math.floor(((a - x) * k) / (a - b)) + 1);
  },
});

/** conv(num, from_base, to_base): Spark's NumberConverter over unsigned 64-bit values. */
defRow('conv', {
  args: ['string', T.int, T.int],
  ret: T.string,
  nullable: true,
  row: ([s, from, to]) => {
    const fb = from as number;
    const tb = to as number;
    if (fb < 2 || fb > 36 || Math.abs(tb) < 2 || Math.abs(tb) > 36) return null;
    const text = (s as string).trim();
    const neg = text.startsWith('-');
    let v = 0n;
    const max = (1n << 64n) - 1n;
    for (const ch of neg ? text.slice(1) : text) {
      const d = Number.parseInt(ch, 36);
      if (Number.isNaN(d) || d >= fb) break;
      v = v * BigInt(fb) + BigInt(d);
      if (v > max) {
        v = max;
        break;
      }
    }
    if (neg) v = BigInt.asUintN(64, -v);
    if (tb < 0 && BigInt.asIntN(64, v) < 0n) return `-${(-BigInt.asIntN(64, v)).toString(-tb).toUpperCase()}`;
    return v.toString(Math.abs(tb)).toUpperCase();
  },
});
void typeSql;
