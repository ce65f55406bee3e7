import { describe, expect, it } from 'vitest';
import { parseDataType, parseMultipartIdentifier, parseTableSchema } from './index.js';
import { typeName } from './sexpr.js';

describe('parseDataType', () => {
  it.each([
    ['tinyint', 'byte'],
    ['BYTE', 'byte'],
    ['smallint', 'short'],
    ['short', 'short'],
    ['int', 'integer'],
    ['INTEGER', 'integer'],
    ['bigint', 'long'],
    ['long', 'long'],
    ['float', 'float'],
    ['real', 'float'],
    ['double', 'double'],
    ['decimal', 'decimal(10,0)'],
    ['dec(5)', 'decimal(5,0)'],
    ['NUMERIC(12, 3)', 'decimal(12,3)'],
    ['string', 'string'],
    ['varchar(10)', 'string'],
    ['char(3)', 'string'],
    ['binary', 'binary'],
    ['boolean', 'boolean'],
    ['date', 'date'],
    ['timestamp', 'timestamp'],
    ['timestamp_ltz', 'timestamp'],
    ['timestamp_ntz', 'timestamp_ntz'],
    ['interval year to month', 'year_month_interval(0,1)'],
    ['interval month', 'year_month_interval(1,1)'],
    ['interval day to second', 'day_time_interval(0,3)'],
    ['interval hour to minute', 'day_time_interval(1,2)'],
    ['interval', 'calendar_interval'],
    ['array<int>', 'array<integer>'],
    ['array<array<int>>', 'array<array<integer>>'],
    ['map<string, array<int>>', 'map<string,array<integer>>'],
    ['struct<a:int, b string NOT NULL>', 'struct<a:integer,b:string not null>'],
    [
      'STRUCT<teacher: STRING, student: ARRAY<STRUCT<name: STRING, rank: INT>>>',
      'struct<teacher:string,student:array<struct<name:string,rank:integer>>>',
    ],
    ['struct<>', 'struct<>'],
    ['a int, b string', 'struct<a:integer,b:string>'],
  ])('%s', (ddl, expected) => expect(typeName(parseDataType(ddl))).toBe(expected));

  it('nullability and comments', () => {
    expect(parseDataType("struct<a:int NOT NULL COMMENT 'x'>")).toEqual({
      type: 'struct',
      fields: [{ name: 'a', dataType: { type: 'integer' }, nullable: false, metadata: '{"comment":"x"}' }],
    });
    expect(parseDataType('array<int>')).toEqual({
      type: 'array',
      elementType: { type: 'integer' },
      containsNull: true,
    });
  });

  it('errors', () => {
    expect(() => parseDataType('foo')).toThrow(/UNSUPPORTED_DATATYPE/);
    expect(() => parseDataType('array<int')).toThrow(/PARSE_SYNTAX_ERROR/);
  });
});

describe('parseTableSchema and identifiers', () => {
  it('table schema', () => {
    expect(parseTableSchema('time Timestamp, `a b` decimal(3,1)')).toEqual({
      type: 'struct',
      fields: [
        { name: 'time', dataType: { type: 'timestamp' }, nullable: true },
        { name: 'a b', dataType: { type: 'decimal', precision: 3, scale: 1 }, nullable: true },
      ],
    });
  });
  it('multipart identifiers', () => {
    expect(parseMultipartIdentifier('a.b.`c.d`')).toEqual(['a', 'b', 'c.d']);
    expect(parseMultipartIdentifier('`x``y`')).toEqual(['x`y']);
  });
});
