/** Values → text exactly as Spark's `CAST(x AS STRING)` renders them (and `show()` builds on). */
import type { DataType } from '../plan/data-type.js';
import { formatDate, formatTimestamp } from './datetime.js';
import { formatDecimal } from './decimal.js';
import { formatTime } from './time-of-day.js';

/** Java's Double.toString: plain for 1e-3 ≤ |x| < 1e7, else `d.dddE±n`; always a fractional part. */
export function javaDouble(x: number): string {
  return javaFloating(x, String(x));
}

/** Java's Float.toString: shortest digits that round-trip through float32. */
export function javaFloat(x: number): string {
  if (!Number.isFinite(x) || x === 0) return javaFloating(x, String(x));
  let s = String(x);
  for (let p = 1; p <= 9; p++) {
    const c = x.toPrecision(p);
    if (Math.fround(Number(c)) === x) {
      s = String(Number(c));
      break;
    }
  }
  return javaFloating(x, s);
}

function javaFloating(x: number, shortest: string): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = Math.abs(x);
  if (ax >= 1e-3 && ax < 1e7) {
    if (/e/i.test(shortest)) shortest = Number(shortest).toFixed(20).replace(/0+$/, '');
    return shortest.includes('.') ? shortest : `${shortest}.0`;
  }
  // Scientific: mantissa digits from the shortest representation.
  const [mant, expS] = Number(shortest).toExponential().split('e') as [string, string];
  const m = mant.includes('.') ? mant : `${mant}.0`;
  return `${m}E${Number(expS)}`;
}

export interface FormatOptions {
  timeZone: string;
  /** Inside collections Spark writes null as `null` and, for show(), strings unquoted. */
  nested?: boolean;
  /** `show()` renders binary as hex `[01 02]`. */
  binaryAsHex?: boolean;
}

const td = new TextDecoder();

export function formatInterval(t: DataType, v: unknown): string {
  if (t.type === 'year_month_interval') {
    const months = Number(v);
    const sign = months < 0 ? '-' : '';
    const a = Math.abs(months);
    if (t.startField === t.endField)
      return t.startField === 0 ? `INTERVAL '${sign}${Math.trunc(a / 12)}' YEAR` : `INTERVAL '${months}' MONTH`;
    return `INTERVAL '${sign}${Math.trunc(a / 12)}-${a % 12}' YEAR TO MONTH`;
  }
  if (t.type === 'day_time_interval') {
    const us = BigInt(v as bigint);
    const neg = us < 0n;
    let a = neg ? -us : us;
    const sign = neg ? '-' : '';
    const days = a / 86400000000n;
    a %= 86400000000n;
    const h = a / 3600000000n;
    a %= 3600000000n;
    const mi = a / 60000000n;
    a %= 60000000n;
    const s = a / 1000000n;
    const f = a % 1000000n;
    const p2 = (x: bigint): string => x.toString().padStart(2, '0');
    const sec = f === 0n ? p2(s) : `${p2(s)}.${f.toString().padStart(6, '0').replace(/0+$/, '')}`;
    const names = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];
    const st = t.startField;
    const en = t.endField;
    const unit = st === en ? names[st] : `${names[st]} TO ${names[en]}`;
    const totalH = days * 24n + h;
    const totalM = totalH * 60n + mi;
    let body: string;
    if (st === 0) {
      body = en === 0 ? `${days}` : en === 1 ? `${days} ${p2(h)}` : en === 2 ? `${days} ${p2(h)}:${p2(mi)}` : `${days} ${p2(h)}:${p2(mi)}:${sec}`;
    } else if (st === 1) {
      // Spark pads a leading HOUR/MINUTE field to two digits (`INTERVAL '01' HOUR`).
      body = en === 1 ? p2(totalH) : en === 2 ? `${p2(totalH)}:${p2(mi)}` : `${p2(totalH)}:${p2(mi)}:${sec}`;
    } else if (st === 2) {
      body = en === 2 ? p2(totalM) : `${p2(totalM)}:${sec}`;
    } else {
      const totalS = totalM * 60n + s;
      body = f === 0n ? p2(totalS) : `${p2(totalS)}.${f.toString().padStart(6, '0').replace(/0+$/, '')}`;
    }
    return `INTERVAL '${sign}${body}' ${unit}`;
  }
  const c = v as { months: number; days: number; micros: bigint };
  const parts: string[] = [];
  const y = Math.trunc(c.months / 12);
  const mo = c.months % 12;
  if (y) parts.push(`${y} years`);
  if (mo) parts.push(`${mo} months`);
  if (c.days) parts.push(`${c.days} days`);
  let us = BigInt(c.micros);
  if (us !== 0n) {
    const neg = us < 0n;
    if (neg) us = -us;
    const h = us / 3600000000n;
    us %= 3600000000n;
    const mi = us / 60000000n;
    us %= 60000000n;
    const sgn = neg ? '-' : '';
    if (h) parts.push(`${sgn}${h} hours`);
    if (mi) parts.push(`${sgn}${mi} minutes`);
    if (us) parts.push(`${sgn}${formatDecimal(us, 6).replace(/\.?0+$/, '')} seconds`);
  }
  return parts.length ? parts.join(' ') : '0 seconds';
}

/** CAST(value AS STRING) for a non-null value of type t. */
export function formatValue(t: DataType, v: unknown, o: FormatOptions): string {
  switch (t.type) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return String(v);
    case 'float':
      return javaFloat(Number(v));
    case 'double':
      return javaDouble(Number(v));
    case 'decimal':
      return formatDecimal(BigInt(v as bigint), t.scale);
    case 'string':
      return String(v);
    case 'binary':
      if (o.binaryAsHex)
        return `[${Array.from(v as Uint8Array, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}]`;
      return td.decode(v as Uint8Array);
    case 'date':
      return formatDate(Number(v));
    case 'timestamp':
      return formatTimestamp(Number(v), o.timeZone);
    case 'timestamp_ntz':
      return formatTimestamp(Number(v), null);
    case 'time':
      return formatTime(Number(v));
    case 'null':
      return 'NULL';
    case 'year_month_interval':
    case 'day_time_interval':
    case 'calendar_interval':
      return formatInterval(t, v);
    case 'array': {
      const a = v as unknown[];
      const n = { ...o, nested: true };
      return `[${a.map((x) => (x === null ? 'null' : formatValue(t.elementType, x, n))).join(', ')}]`;
    }
    case 'map': {
      const m = v as { keys: unknown[]; values: unknown[] };
      const n = { ...o, nested: true };
      return `{${m.keys
        .map((k, i) => {
          const x = m.values[i];
          return `${formatValue(t.keyType, k, n)} -> ${x === null ? 'null' : formatValue(t.valueType, x, n)}`;
        })
        .join(', ')}}`;
    }
    case 'struct': {
      const s = v as unknown[];
      const n = { ...o, nested: true };
      return `{${t.fields.map((f, i) => (s[i] === null || s[i] === undefined ? 'null' : formatValue(f.dataType, s[i], n))).join(', ')}}`;
    }
  }
}
