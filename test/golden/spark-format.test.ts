import { describe, expect, it } from 'vitest';
import type { StructType } from '../../src/engine/plan/data-type.js';
import {
  catalogString,
  formatRow,
  formatValue,
  javaDoubleToString,
  javaFloatToString,
  jsonTypeToCatalogString,
} from './spark-format.js';

const opts = { timeZone: 'America/Los_Angeles' };

describe('Spark harness formatting', () => {
  it('doubles and floats like Java', () => {
    expect([1, 0.1, 1e7, 1.5e-4, 123456.789, -0, Number.NaN, 1e21].map(javaDoubleToString)).toEqual([
      '1.0',
      '0.1',
      '1.0E7',
      '1.5E-4',
      '123456.789',
      '-0.0',
      'NaN',
      '1.0E21',
    ]);
    expect(javaFloatToString(Math.fround(0.1))).toBe('0.1');
    expect(javaFloatToString(Math.fround(3.4e38))).toBe('3.4E38');
  });

  it('nested values, maps sorted, NULL only at top level', () => {
    const schema: StructType = {
      type: 'struct',
      fields: [
        { name: 'a', dataType: { type: 'array', elementType: { type: 'string' }, containsNull: true }, nullable: true },
        {
          name: 'm',
          dataType: {
            type: 'map',
            keyType: { type: 'string' },
            valueType: { type: 'integer' },
            valueContainsNull: true,
          },
          nullable: true,
        },
        {
          name: 's',
          dataType: {
            type: 'struct',
            fields: [{ name: 'x', dataType: { type: 'decimal', precision: 3, scale: 1 }, nullable: true }],
          },
          nullable: true,
        },
        { name: 'n', dataType: { type: 'integer' }, nullable: true },
      ],
    };
    expect(formatRow([['a', null], { keys: ['b', 'a'], values: [2, 1] }, ['1.5'], null], schema, opts)).toBe(
      '["a",null]\t{"a":1,"b":2}\t{"x":1.5}\tNULL',
    );
  });

  it('dates, timestamps, intervals', () => {
    expect(formatValue(18263, { type: 'date' }, false, opts)).toBe('2020-01-02');
    expect(formatValue(1_500_000n, { type: 'timestamp_ntz' }, false, opts)).toBe('1970-01-01 00:00:01.5');
    expect(formatValue(0n, { type: 'timestamp' }, false, opts)).toBe('1969-12-31 16:00:00');
    expect(formatValue(14, { type: 'year_month_interval', startField: 0, endField: 1 }, false, opts)).toBe(
      "INTERVAL '1-2' YEAR TO MONTH",
    );
    expect(formatValue(-93_784_500_000n, { type: 'day_time_interval', startField: 0, endField: 3 }, false, opts)).toBe(
      "INTERVAL '-1 02:03:04.5' DAY TO SECOND",
    );
    expect(formatValue(3_600_000_000n, { type: 'day_time_interval', startField: 1, endField: 1 }, false, opts)).toBe(
      "INTERVAL '01' HOUR",
    );
    expect(formatValue({ months: 14, days: 3, micros: 1_000_001n }, { type: 'calendar_interval' }, false, opts)).toBe(
      '1 years 2 months 3 days 1.000001 seconds',
    );
  });

  it('schema strings', () => {
    expect(
      catalogString({ type: 'struct', fields: [{ name: '(b + c)', dataType: { type: 'integer' }, nullable: true }] }),
    ).toBe('struct<(b + c):int>');
    expect(
      jsonTypeToCatalogString({ type: 'map', keyType: 'decimal(2, 1)', valueType: 'string', valueContainsNull: true }),
    ).toBe('map<decimal(2,1),string>');
  });
});
