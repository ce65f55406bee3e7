/**
 * Spark 4.1's TIME(p) values: time of day as µs since midnight, 0 ≤ t < 86 400 000 000. The engine keeps
 * µs (Spark's precision tops out at 6); Arrow carries Time64 nanoseconds, as Spark's ArrowUtils does.
 */

export const MICROS_PER_DAY_TIME = 86_400_000_000;

/** Spark's stringToTime: `[h]h:[m]m[:[s]s[.f{1,9}]]` (fraction beyond µs is truncated); null when invalid. */
export function parseTime(s: string): number | null {
  const m = /^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?\s*$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const sec = Number(m[3] ?? 0);
  if (h > 23 || mi > 59 || sec > 59) return null;
  const frac = m[4] ? Number(m[4].padEnd(6, '0').slice(0, 6)) : 0;
  return ((h * 60 + mi) * 60 + sec) * 1e6 + frac;
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** `HH:mm:ss[.ffffff]`, trailing zeros of the fraction dropped (Spark's TIME to STRING). */
export function formatTime(micros: number): string {
  const h = Math.floor(micros / 3600e6);
  const mi = Math.floor((micros % 3600e6) / 60e6);
  const s = Math.floor((micros % 60e6) / 1e6);
  const frac = micros % 1e6;
  const base = `${p2(h)}:${p2(mi)}:${p2(s)}`;
  return frac === 0 ? base : `${base}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}

/** Drops the digits a TIME(p) cannot hold. */
export function truncateTimeToPrecision(micros: number, precision: number): number {
  if (precision >= 6) return micros;
  const unit = 10 ** (6 - precision);
  return Math.floor(micros / unit) * unit;
}
