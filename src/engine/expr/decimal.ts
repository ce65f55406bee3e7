/** Exact decimal helpers over unscaled bigints (the scale lives in the type). */

export const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 80; i++, p *= 10n) POW10.push(p);

/** Plain-notation text of unscaled/10^scale (BigDecimal.toPlainString). */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale <= 0) return (neg ? '-' : '') + digits + '0'.repeat(-scale);
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const i = digits.length - scale;
  return `${neg ? '-' : ''}${digits.slice(0, i)}.${digits.slice(i)}`;
}

/** Divide with ROUND_HALF_UP (away from zero on ties), as Spark's decimal rounding. */
export function divHalfUp(a: bigint, b: bigint): bigint {
  if (b < 0n) {
    a = -a;
    b = -b;
  }
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  if (2n * (r < 0n ? -r : r) >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

/** Rescale an unscaled value from scale s1 to s2 (HALF_UP when reducing). */
export function rescale(x: bigint, s1: number, s2: number): bigint {
  if (s2 === s1) return x;
  if (s2 > s1) return x * POW10[s2 - s1]!;
  return divHalfUp(x, POW10[s1 - s2]!);
}

export function fitsPrecision(x: bigint, precision: number): boolean {
  const lim = POW10[precision]!;
  return x < lim && x > -lim;
}

/** Parse decimal text (`-12.30`, `1e3`, ` 5 `) into [unscaled, scale], or null. */
export function parseDecimal(s: string): [bigint, number] | null {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(s);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return null;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  let unscaled = BigInt((intPart + frac).replace(/^0+(?=\d)/, '') || '0');
  let scale = frac.length - exp;
  if (scale < 0) {
    unscaled *= POW10[-scale]!;
    scale = 0;
  }
  if (m[1] === '-') unscaled = -unscaled;
  return [unscaled, scale];
}

/** Unscaled value of a double at the given scale (HALF_UP), via its exact decimal expansion. */
export function doubleToUnscaled(x: number, scale: number): bigint | null {
  if (!Number.isFinite(x)) return null;
  const p = parseDecimal(String(x));
  if (!p) return null;
  return rescale(p[0], p[1], scale);
}

export function unscaledToDouble(x: bigint | number, scale: number): number {
  if (typeof x === 'number' && scale <= 22) return x / 10 ** scale;
  return Number(formatDecimal(BigInt(x), scale));
}

/** Number of digits (precision) of |x|. */
export function digitCount(x: bigint): number {
  return (x < 0n ? -x : x).toString().length;
}
