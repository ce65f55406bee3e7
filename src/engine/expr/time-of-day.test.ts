import { describe, expect, it } from 'vitest';
import { formatTime, parseTime, truncateTimeToPrecision } from './time-of-day.js';

describe('TIME values', () => {
  it('parses Spark time text', () => {
    expect(parseTime('6:30:45.887')).toBe((6 * 3600 + 30 * 60 + 45) * 1e6 + 887_000);
    expect(parseTime(' 00:12 ')).toBe(12 * 60e6);
    expect(parseTime('23:59:59.999999999')).toBe(86_399_999_999);
    expect(parseTime('24:00:00')).toBeNull();
    expect(parseTime('12:60')).toBeNull();
    expect(parseTime('noon')).toBeNull();
  });
  it('formats with the fraction trimmed', () => {
    expect(formatTime(0)).toBe('00:00:00');
    expect(formatTime(52_200_500_000)).toBe('14:30:00.5');
    expect(formatTime(86_399_999_999)).toBe('23:59:59.999999');
  });
  it('truncates to a precision', () => {
    expect(truncateTimeToPrecision(1_234_567, 3)).toBe(1_234_000);
    expect(truncateTimeToPrecision(1_234_567, 0)).toBe(1_000_000);
    expect(truncateTimeToPrecision(1_234_567, 6)).toBe(1_234_567);
  });
});
