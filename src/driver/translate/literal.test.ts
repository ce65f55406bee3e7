import { describe, expect, it } from 'vitest';
import { decimalLiteralType } from './literal.js';

describe('decimal literal types (as Spark Connect servers read them)', () => {
  it("widen the value's own precision and scale to the declared ones", () => {
    // pyspark's F.lit(Decimal("0.05")) declares decimal(10,0).
    expect(decimalLiteralType('0.05', 10, 0)).toEqual({ precision: 10, scale: 2 });
    expect(decimalLiteralType('0.05')).toEqual({ precision: 2, scale: 2 });
    expect(decimalLiteralType('-123.450')).toEqual({ precision: 6, scale: 3 });
    expect(decimalLiteralType('5E-7', 10, 0)).toEqual({ precision: 10, scale: 7 });
    expect(decimalLiteralType('1E+3')).toEqual({ precision: 4, scale: 0 });
    expect(decimalLiteralType('7', 12, 4)).toEqual({ precision: 12, scale: 4 });
  });

  it('refuse what is not a decimal, or needs more than 38 digits', () => {
    expect(() => decimalLiteralType('abc')).toThrow(/INVALID_PLAN_INPUT|not a number/);
    expect(() => decimalLiteralType('1'.repeat(39))).toThrow(/more than 38/);
  });
});
