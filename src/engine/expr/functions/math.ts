/** Math functions with Spark's result types. */
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, boundedDecimal, isIntegral, isNumeric, typeSql } from '../../plan/type-utils.js';
import { POW10, divHalfUp, formatDecimal, parseDecimal, rescale } from '../decimal.js';
import { castTo } from './coercion.js';
import { coerceArgs, defRow, num } from './helpers.js';
import { type ResolveContext, register, unexpectedInputType } from './registry.js';

const dbl = (name: string, f: (x: number) => number | null, ...aliases: string[]): void =>
  defRow(name, { args: ['double'], ret: T.double, row: ([x]) => f(x as number) }, ...aliases);

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
dbl('signum', Math.sign, 'sign');
defRow('atan2', { args: ['double', 'double'], ret: T.double, row: ([y, x]) => Math.atan2(y as number, x as number) });
defRow('hypot', { args: ['double', 'double'], ret: T.double, row: ([a, b]) => Math.hypot(a as number, b as number) });
defRow('pow', { args: ['double', 'double'], ret: T.double, row: ([a, b]) => (a as number) ** (b as number) }, 'power');
defRow('log', {
  args: ['double', 'double'],
  arity: [1, 2],
  ret: T.double,
  row: (v) => {
    if (v.length === 1) return (v[0] as number) <= 0 ? null : Math.log(v[0] as number);
    const [b, x] = v as number[];
    return b! <= 0 || x! <= 0 ? null : Math.log(x!) / Math.log(b!);
  },
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

register({
  name: 'abs',
  arity: [1, 1],
  resolve(args, ctx) {
    const a = numericArg('abs', args[0]!, ctx);
    return { args: [a], type: a.type, nullable: a.nullable };
  },
  row([x]) {
    if (typeof x === 'bigint') return x < 0n ? -x : x;
    return Math.abs(x as number);
  },
});

for (const [name, dir] of [
  ['ceil', 1],
  ['ceiling', 1],
  ['floor', -1],
] as const) {
  register({
    name,
    arity: [1, 2],
    resolve(args, ctx) {
      const a = numericArg(name, args[0]!, ctx);
      let type: DataType = T.long;
      if (a.type.type === 'decimal') type = boundedDecimal(a.type.precision - a.type.scale + 1, 0);
      const sql = `${name === 'ceiling' ? 'ceiling' : name.toUpperCase()}(${args[0]!.sql})`;
      return { args: [a], type, nullable: a.nullable, sql };
    },
    row([x], _ctx, node) {
      const t = node.args[0]!.type;
      if (t.type === 'decimal') {
        const u = x as bigint;
        const p = POW10[t.scale]!;
        let q = u / p;
        if (u % p !== 0n && (u > 0n) === (dir > 0)) q += dir > 0 ? 1n : -1n;
        return q;
      }
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
      const scaleArg = args[1];
      const scale = scaleArg && scaleArg.k === 'lit' ? Number(scaleArg.value) : 0;
      let type: DataType = a.type;
      if (a.type.type === 'decimal') {
        const ild = a.type.precision - a.type.scale + 1;
        type = scale < 0 ? boundedDecimal(ild, 0) : boundedDecimal(ild + Math.min(a.type.scale, scale), Math.min(a.type.scale, scale));
      }
      const sql = `${name}(${args[0]!.sql}, ${scaleArg ? scaleArg.sql : '0'})`;
      return { args: [a], type, nullable: a.nullable, opts: { scale }, sql };
    },
    row([x], _ctx, node) {
      const s = node.opts?.scale as number;
      const t = node.args[0]!.type;
      const roundBig = (u: bigint, fromScale: number): bigint => {
        if (s >= fromScale) return u * POW10[0]!;
        const p = POW10[fromScale - s]!;
        if (!even) return divHalfUp(u, p);
        const q = u / p;
        const r = u % p;
        const twice = 2n * (r < 0n ? -r : r);
        if (twice > p || (twice === p && q % 2n !== 0n)) return u < 0n ? q - 1n : q + 1n;
        return q;
      };
      if (t.type === 'decimal') {
        const nt = node.type as Extract<DataType, { type: 'decimal' }>;
        if (s >= t.scale) return rescale(x as bigint, t.scale, nt.scale);
        const r = roundBig(x as bigint, t.scale);
        return s < 0 ? r * POW10[-s]! : rescale(r, s, nt.scale);
      }
      if (isIntegral(t)) {
        if (s >= 0) return x;
        const p = POW10[-s]!;
        const r = roundBig(BigInt(x as number | bigint), -s) * p;
        return t.type === 'long' ? r : Number(r);
      }
      const d = x as number;
      if (!Number.isFinite(d)) return d;
      const p = parseDecimal(String(d));
      if (!p) return d;
      const [u, sc] = p;
      if (s >= sc) return d;
      const r = roundBig(u, sc);
      const v = Number(formatDecimal(s < 0 ? r * POW10[-s]! : r, Math.max(s, 0)));
      return t.type === 'float' ? Math.fround(v) : v;
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
defRow('width_bucket', {
  args: ['double', 'double', 'double', T.long],
  ret: T.long,
  nullable: true,
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
void typeSql;
