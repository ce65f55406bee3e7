/**
 * Calendar arithmetic (proleptic Gregorian, as Spark 3+), time zones, and Spark's date/timestamp
 * string forms. Dates are days since 1970-01-01; timestamps are µs since the epoch (UTC instants).
 */

/** days since epoch → [year, month(1-12), day]. Hinnant's civil_from_days. */
export function daysToYmd(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? y + 1 : y, m, d];
}

export function ymdToDays(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

const pad = (n: number, w = 2): string => {
  const s = String(Math.abs(n)).padStart(w, '0');
  return n < 0 ? `-${s}` : s;
};

export function formatDate(days: number): string {
  const [y, m, d] = daysToYmd(days);
  const ys = y > 9999 ? `+${y}` : pad(y, 4);
  return `${ys}-${pad(m)}-${pad(d)}`;
}

export const MICROS_PER_DAY = 86_400_000_000;
export const MICROS_PER_SECOND = 1_000_000;

const offsetCache = new Map<string, Intl.DateTimeFormat>();

/** Offset (µs, local − UTC) of zone `tz` at the UTC instant `utcMicros`. */
export function tzOffsetMicros(tz: string, utcMicros: number): number {
  if (tz === 'UTC' || tz === 'Z' || tz === 'GMT' || tz === 'Etc/UTC') return 0;
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(tz);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 3600 + Number(fixed[3] ?? 0) * 60) * 1e6;
  let f = offsetCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    offsetCache.set(tz, f);
  }
  const ms = Math.floor(utcMicros / 1000);
  const parts = f.formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  let y = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') y = 1 - y;
  const local = (ymdToDays(y, get('month'), get('day')) * 86400 + get('hour') * 3600 + get('minute') * 60 + get('second')) * 1000;
  const utcSec = Math.floor(ms / 1000) * 1000;
  return (local - utcSec) * 1000;
}

/** Local wall-clock µs (as if UTC) in zone tz → UTC instant µs. */
export function localToUtc(localMicros: number, tz: string): number {
  let guess = localMicros - tzOffsetMicros(tz, localMicros);
  guess = localMicros - tzOffsetMicros(tz, guess);
  return guess;
}

export function utcToLocal(utcMicros: number, tz: string): number {
  return utcMicros + tzOffsetMicros(tz, utcMicros);
}

/** `yyyy-MM-dd HH:mm:ss[.ffffff]` of local wall-clock micros (trailing zeros of the fraction dropped). */
export function formatLocalMicros(local: number): string {
  const days = Math.floor(local / MICROS_PER_DAY);
  let rem = local - days * MICROS_PER_DAY;
  const h = Math.floor(rem / 3600e6);
  rem -= h * 3600e6;
  const mi = Math.floor(rem / 60e6);
  rem -= mi * 60e6;
  const s = Math.floor(rem / 1e6);
  const frac = rem - s * 1e6;
  let out = `${formatDate(days)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
  if (frac > 0) out += `.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
  return out;
}

export function formatTimestamp(micros: number, tz: string | null): string {
  return formatLocalMicros(tz === null ? micros : utcToLocal(micros, tz));
}

/** Spark's stringToDate: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, optionally followed by ` ...` or `T...`. */
export function parseDate(s: string): number | null {
  const t = s.trim();
  const m = /^([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?$/.exec(t);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return ymdToDays(y, mo, d);
}

/**
 * Spark's stringToTimestamp: date part, optional `[ T]HH:mm[:ss[.f{1,9}]]`, optional zone (`Z`, `+hh:mm`,
 * `UTC`, region id). Returns UTC µs, or local µs when `tz` is null (timestamp_ntz ignores zones).
 */
export function parseTimestamp(s: string, tz: string | null): number | null {
  const t = s.trim();
  const m =
    /^([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[ T](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?(?::?\d{2})?|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Za-z]+\/[A-Za-z_/+-]+)?$/.exec(
      t,
    );
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const sec = Number(m[6] ?? 0);
  if (h > 23 || mi > 59 || sec > 59) return null;
  const frac = m[7] ? Number(m[7].padEnd(9, '0').slice(0, 6)) : 0;
  const local = ymdToDays(y, mo, d) * MICROS_PER_DAY + h * 3600e6 + mi * 60e6 + sec * 1e6 + frac;
  const zone = m[8];
  if (tz === null) return local;
  if (zone) {
    if (zone === 'Z') return local;
    try {
      return localToUtc(local, zone.replace(/^(UTC|GMT)$/, 'UTC'));
    } catch {
      return null;
    }
  }
  return localToUtc(local, tz);
}

export function localDateOf(utcMicros: number, tz: string): number {
  return Math.floor(utcToLocal(utcMicros, tz) / MICROS_PER_DAY);
}

/** Add months with end-of-month clamping, as Spark's DateTimeUtils.dateAddMonths. */
export function addMonths(days: number, months: number): number {
  const [y, m, d] = daysToYmd(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return ymdToDays(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}
