/**
 * INTERVAL literals, typed as Spark 3.2+ types them (spark.sql.legacy.interval.enabled=false):
 * - `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL 1 YEAR 2 MONTHS` → year-month interval (months);
 * - `INTERVAL '1 2:03:04' DAY TO SECOND`, `INTERVAL 1 DAY 2 HOURS` → day-time interval (µs);
 * - `INTERVAL '1 day 2 hours'` (a bare string) → calendar interval.
 * Mixing year-month and day-time units in one literal is an error.
 */
import type { Expr } from '../plan/parsed-plan.js';
import { parseError } from './parse-error.js';

type Literal = Extract<Expr, { kind: 'literal' }>;

export const YM_FIELDS: Record<string, number> = { YEAR: 0, MONTH: 1 };
export const DT_FIELDS: Record<string, number> = { DAY: 0, HOUR: 1, MINUTE: 2, SECOND: 3 };

const MICROS: Record<string, bigint> = {
  DAY: 86_400_000_000n,
  HOUR: 3_600_000_000n,
  MINUTE: 60_000_000n,
  SECOND: 1_000_000n,
  MILLISECOND: 1_000n,
  MICROSECOND: 1n,
};

export interface CalendarInterval {
  months: number;
  days: number;
  micros: bigint;
}

/** Interval unit name (singular or plural, any case) → canonical singular upper-case, or undefined. */
export function intervalUnit(word: string): string | undefined {
  const u = word.toUpperCase().replace(/S$/, '');
  return u in MICROS || u === 'YEAR' || u === 'MONTH' || u === 'WEEK' ? u : undefined;
}

function invalid(text: string): Error {
  return parseError('INVALID_INTERVAL_FORMAT', `Error parsing '${text}' to interval.`, '22006', { input: text });
}

/** `'1 day 2 hours'`, `'-3 months'`, `'interval 1 second'`. */
export function parseCalendarIntervalText(text: string): CalendarInterval {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words[0]?.toUpperCase() === 'INTERVAL') words.shift();
  if (words.length === 0 || words.length % 2 !== 0) throw invalid(text);
  const out: CalendarInterval = { months: 0, days: 0, micros: 0n };
  for (let i = 0; i < words.length; i += 2) {
    const unit = intervalUnit(words[i + 1] as string);
    if (unit === undefined) throw invalid(text);
    addUnit(out, words[i] as string, unit, text);
  }
  return out;
}

function addUnit(out: CalendarInterval, value: string, unit: string, whole: string): void {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (m === null) throw invalid(whole);
  const neg = m[1] === '-';
  const int = BigInt(m[2] as string);
  const frac = m[3] ?? '';
  const sign = neg ? -1n : 1n;
  switch (unit) {
    case 'YEAR':
    case 'MONTH':
    case 'WEEK':
    case 'DAY': {
      if (frac !== '' && /[1-9]/.test(frac)) {
        // Fractions of days/weeks become microseconds; fractions of months are not allowed.
        if (unit === 'YEAR' || unit === 'MONTH') throw invalid(whole);
        const per = unit === 'WEEK' ? 7n * (MICROS.DAY as bigint) : (MICROS.DAY as bigint);
        out.micros += (sign * per * BigInt(frac.padEnd(9, '0').slice(0, 9))) / 1_000_000_000n;
      }
      const n = Number(sign * int);
      if (unit === 'YEAR') out.months += n * 12;
      else if (unit === 'MONTH') out.months += n;
      else if (unit === 'WEEK') out.days += n * 7;
      else out.days += n;
      return;
    }
    default: {
      const per = MICROS[unit] as bigint;
      const fracMicros = (per * BigInt(frac.padEnd(9, '0').slice(0, 9))) / 1_000_000_000n;
      out.micros += sign * (int * per + fracMicros);
    }
  }
}

/** `INTERVAL 1 YEAR 2 MONTHS`, `INTERVAL '5' DAY`, `INTERVAL 5 HOURS 30 SECONDS`. */
export function multiUnitInterval(pairs: { value: string; unit: string }[], source: string): Literal {
  const acc: CalendarInterval = { months: 0, days: 0, micros: 0n };
  const ym: number[] = [];
  const dt: number[] = [];
  for (const { value, unit } of pairs) {
    addUnit(acc, value, unit, source);
    if (unit in YM_FIELDS) ym.push(YM_FIELDS[unit] as number);
    else if (unit in DT_FIELDS) dt.push(DT_FIELDS[unit] as number);
    else if (unit === 'WEEK') dt.push(0);
    else dt.push(3);
  }
  if (ym.length > 0 && dt.length > 0) {
    throw parseError('MIXED_INTERVAL_UNITS', 'Cannot mix year-month and day-time fields: ' + source + '.', '22006', {
      literal: source,
    });
  }
  if (ym.length > 0) {
    return {
      kind: 'literal',
      dataType: { type: 'year_month_interval', startField: Math.min(...ym), endField: Math.max(...ym) },
      value: acc.months,
    };
  }
  return {
    kind: 'literal',
    dataType: { type: 'day_time_interval', startField: Math.min(...dt), endField: Math.max(...dt) },
    value: BigInt(acc.days) * (MICROS.DAY as bigint) + acc.micros,
  };
}

/** `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '1 2:03:04.5' DAY TO SECOND`, ... */
export function unitToUnitInterval(text: string, from: string, to: string, negate: boolean): Literal {
  const trimmed = text.trim();
  const signMatch = /^([+-])?\s*(.*)$/.exec(trimmed) as RegExpExecArray;
  let neg = signMatch[1] === '-';
  if (negate) neg = !neg;
  const body = signMatch[2] as string;
  if (from === 'YEAR' && to === 'MONTH') {
    const m = /^(\d+)-(\d{1,2})$/.exec(body);
    if (m === null || Number(m[2]) > 11) throw invalid(text);
    const months = Number(m[1]) * 12 + Number(m[2]);
    return {
      kind: 'literal',
      dataType: { type: 'year_month_interval', startField: 0, endField: 1 },
      value: neg ? -months : months,
    };
  }
  const start = DT_FIELDS[from];
  const end = DT_FIELDS[to];
  if (start === undefined || end === undefined || start >= end) throw invalid(text);
  // Fields from `from` to `to`; the first is unbounded, the rest are clock-style.
  const fields = ['DAY', 'HOUR', 'MINUTE', 'SECOND'].slice(start, end + 1);
  const parts = body.split(/[ :]/);
  if (parts.length !== fields.length) throw invalid(text);
  let micros = 0n;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as string;
    const p = parts[i] as string;
    const m = f === 'SECOND' ? /^(\d+)(?:\.(\d{1,9}))?$/.exec(p) : /^(\d+)$/.exec(p);
    if (m === null) throw invalid(text);
    const v = BigInt(m[1] as string);
    if (i > 0 && ((f === 'HOUR' && v > 23n) || ((f === 'MINUTE' || f === 'SECOND') && v > 59n))) throw invalid(text);
    micros += v * (MICROS[f] as bigint);
    if (f === 'SECOND' && m[2] !== undefined) micros += BigInt(m[2].padEnd(6, '0').slice(0, 6));
  }
  return {
    kind: 'literal',
    dataType: { type: 'day_time_interval', startField: start, endField: end },
    value: neg ? -micros : micros,
  };
}
