/**
 * `DATE '...'`, `TIMESTAMP '...'`, `TIMESTAMP_NTZ '...'` literal text → epoch values, following the
 * forms Spark's `stringToDate` / `stringToTimestamp` accept.
 */

const MICROS_PER_DAY = 86_400_000_000n;

/** Days since 1970-01-01 for `[+-]yyyy[-m[m][-d[d]]][T ...]`, or undefined when invalid. */
export function parseDateText(text: string): number | undefined {
  const m = /^\s*([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?\s*$/.exec(text);
  if (m === null) return undefined;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  return civilToDays(y, mo, d);
}

function civilToDays(y: number, mo: number, d: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return Math.round(date.getTime() / 86_400_000);
}

export interface ParsedTimestamp {
  /** Wall-clock microseconds since the epoch, as if the wall time were UTC. */
  wallMicros: bigint;
  /** Zone written in the literal (`Z`, `+01:00`, `UTC`, `Europe/Paris`), if any. */
  zone?: string;
}

/** `yyyy-mm-dd[( |T)hh:mm[:ss[.ffffff]]][zone]`, also a bare date; undefined when invalid. */
export function parseTimestampText(text: string): ParsedTimestamp | undefined {
  const m =
    /^\s*([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?|[A-Za-z][A-Za-z0-9_/+:-]*)?\s*$/.exec(
      text,
    );
  if (m === null) return undefined;
  const days = civilToDays(Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3]));
  if (days === undefined) return undefined;
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const s = Number(m[6] ?? 0);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const fraction = (m[7] ?? '').slice(0, 6).padEnd(6, '0');
  const wallMicros =
    BigInt(days) * MICROS_PER_DAY + BigInt(h * 3600 + mi * 60 + s) * 1_000_000n + BigInt(Number(fraction));
  const zone = m[8];
  if (zone !== undefined && zoneOffsetMicros(zone, wallMicros) === undefined) return undefined;
  return zone === undefined ? { wallMicros } : { wallMicros, zone };
}

/** The instant a wall-clock time denotes in `zone`. */
export function wallToInstantMicros(wallMicros: bigint, zone: string): bigint {
  const first = zoneOffsetMicros(zone, wallMicros) ?? 0n;
  const second = zoneOffsetMicros(zone, wallMicros - first) ?? first;
  return wallMicros - second;
}

/** Offset of `zone` from UTC at (approximately) `atMicros`; undefined for an unknown zone. */
function zoneOffsetMicros(zone: string, atMicros: bigint): bigint | undefined {
  if (zone === 'Z' || /^(UTC|GMT|UT)$/i.test(zone)) return 0n;
  const fixed = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/i.exec(zone);
  if (fixed !== null) {
    const secs = Number(fixed[2]) * 3600 + Number(fixed[3] ?? 0) * 60 + Number(fixed[4] ?? 0);
    return BigInt(fixed[1] === '-' ? -secs : secs) * 1_000_000n;
  }
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const ms = Number(atMicros / 1000n);
    const parts: Record<string, number> = {};
    for (const p of fmt.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const asUtc = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    );
    const floorMs = Math.floor(ms / 1000) * 1000;
    return BigInt(asUtc - floorMs) * 1000n;
  } catch {
    return undefined;
  }
}
