import { describe, expect, it } from 'vitest';
import { parseExpression } from './index.js';
import { sexpr } from './sexpr.js';

const p = (sql: string): string => sexpr(parseExpression(sql));

describe('operator precedence', () => {
  it.each([
    ['a OR b AND c', '(or a (and b c))'],
    ['NOT a AND b', '(and (not a) b)'],
    ['NOT a = b', '(not (== a b))'],
    ['a = b IS NULL', '(isnull (== a b))'],
    ['a < b = c', '(== (< a b) c)'],
    ['a = 1 OR b <> 2', '(or (== a 1) (not (== b 2)))'],
    ['a != b', '(not (== a b))'],
    ['a == b', '(== a b)'],
    ['a <=> b', '(<=> a b)'],
    ['a | b ^ c & d', '(| a (^ b (& c d)))'],
    ['a & b + c', '(& a (+ b c))'],
    ['1 + 2 * 3 - 4', '(- (+ 1 (* 2 3)) 4)'],
    ["a || 'x' || b", "(concat (concat a 'x') b)"],
    ['a + b || c', '(concat (+ a b) c)'],
    ['7 DIV 2 % 3', '(% (div 7 2) 3)'],
    ['a / b * c', '(* (/ a b) c)'],
    ['-a * b', '(* (negative a) b)'],
    ['- a.b[0]', '(negative (get a.b 0))'],
    ['~a + 1', '(+ (~ a) 1)'],
    ['+a', '(positive a)'],
    ['a << 2 + 1', '(<< a (+ 2 1))'],
    ['a >> 1 >>> 2', '(>>> (>> a 1) 2)'],
    ['a::int + 1', '(+ (cast a integer) 1)'],
    ['-1::string', '(cast -1 string)'],
    ['! a', '(not a)'],
  ])('%s', (sql, expected) => expect(p(sql)).toBe(expected));
});

describe('predicates', () => {
  it.each([
    ['a BETWEEN 1 AND 2', '(between a 1 2)'],
    ['a NOT BETWEEN 1 AND 2 + 1', '(not (between a 1 (+ 2 1)))'],
    ['a BETWEEN 1 AND 2 AND b', '(and (between a 1 2) b)'],
    ['a IN (1, 2)', '(in a 1 2)'],
    ['a NOT IN (1)', '(not-in a 1)'],
    ["a LIKE 'x%'", "(like a 'x%')"],
    ["a NOT LIKE 'x%'", "(not (like a 'x%'))"],
    ["a ILIKE 'x%' ESCAPE '/'", "(ilike a 'x%' '/')"],
    ["a LIKE ANY ('x', 'y')", "(like_any a 'x' 'y')"],
    ["a NOT LIKE ALL ('x')", "(not_like_all a 'x')"],
    ["a RLIKE 'x'", "(rlike a 'x')"],
    ["a NOT REGEXP 'x'", "(not (rlike a 'x'))"],
    ['a IS NULL', '(isnull a)'],
    ['a IS NOT NULL', '(isnotnull a)'],
    ['a IS TRUE', '(<=> a true)'],
    ['a IS NOT FALSE', '(not (<=> a false))'],
    ['a IS UNKNOWN', '(isnull a)'],
    ['a IS DISTINCT FROM b', '(not (<=> a b))'],
    ['a IS NOT DISTINCT FROM b', '(<=> a b)'],
    ['NOT a IS NULL', '(not (isnull a))'],
  ])('%s', (sql, expected) => expect(p(sql)).toBe(expected));

  it('subquery predicates', () => {
    expect(p('a IN (SELECT b FROM t)')).toBe('(in a (project b t))');
    expect(p('(a, b) NOT IN (SELECT 1, 2)')).toBe('(not-in a b (project 1 2 (oneRow)))');
    expect(p('EXISTS (SELECT 1)')).toBe('(exists (project 1 (oneRow)))');
    expect(p('NOT EXISTS (SELECT 1)')).toBe('(not-exists (project 1 (oneRow)))');
    expect(p('(SELECT max(x) FROM t) + 1')).toBe('(+ (subquery (project (max x) t)) 1)');
  });
});

describe('literals', () => {
  it('numbers follow Spark typing', () => {
    const lit = (sql: string) => parseExpression(sql) as { dataType: unknown; value: unknown };
    expect(lit('1')).toEqual({ kind: 'literal', dataType: { type: 'integer' }, value: 1 });
    expect(lit('-2147483648').dataType).toEqual({ type: 'integer' });
    expect(lit('2147483648')).toEqual({ kind: 'literal', dataType: { type: 'long' }, value: 2147483648n });
    expect(lit('9223372036854775808')).toEqual({
      kind: 'literal',
      dataType: { type: 'decimal', precision: 19, scale: 0 },
      value: '9223372036854775808',
    });
    expect(lit('1L').value).toBe(1n);
    expect(lit('1S').dataType).toEqual({ type: 'short' });
    expect(lit('1Y').dataType).toEqual({ type: 'byte' });
    expect(lit('1.5')).toEqual({
      kind: 'literal',
      dataType: { type: 'decimal', precision: 2, scale: 1 },
      value: '1.5',
    });
    expect(lit('0.05').dataType).toEqual({ type: 'decimal', precision: 2, scale: 2 });
    expect(lit('.5').value).toBe('0.5');
    expect(lit('-1.50').value).toBe('-1.50');
    expect(lit('1e3')).toEqual({ kind: 'literal', dataType: { type: 'double' }, value: 1000 });
    expect(lit('1.5D').dataType).toEqual({ type: 'double' });
    expect(lit('1.5F')).toEqual({ kind: 'literal', dataType: { type: 'float' }, value: 1.5 });
    expect(lit('1.5BD').dataType).toEqual({ type: 'decimal', precision: 2, scale: 1 });
    expect(lit('12BD').dataType).toEqual({ type: 'decimal', precision: 2, scale: 0 });
  });

  it('out-of-range suffixed literals are parse errors', () => {
    expect(() => parseExpression('128Y')).toThrow(/INVALID_NUMERIC_LITERAL_RANGE/);
    expect(parseExpression('-128Y')).toEqual({ kind: 'literal', dataType: { type: 'byte' }, value: -128 });
  });

  it('strings: escapes, both quotes, raw, adjacent concatenation', () => {
    expect(parseExpression("'a\\tb\\'c'")).toMatchObject({ value: "a\tb'c" });
    expect(parseExpression('"it\'s"')).toMatchObject({ value: "it's" });
    expect(parseExpression("r'\\d+'")).toMatchObject({ value: '\\d+' });
    expect(parseExpression("'a' 'b'")).toMatchObject({ value: 'ab' });
    expect(parseExpression("'\\%'")).toMatchObject({ value: '\\%' });
    expect(parseExpression("'\\u0041'")).toMatchObject({ value: 'A' });
  });

  it('NULL, booleans, typed literals', () => {
    expect(p('NULL')).toBe('null');
    expect(p('TRUE AND false')).toBe('(and true false)');
    expect(parseExpression("DATE '2020-01-02'")).toEqual({ kind: 'literal', dataType: { type: 'date' }, value: 18263 });
    expect(parseExpression("TIMESTAMP_NTZ '1970-01-01 00:00:01.5'")).toEqual({
      kind: 'literal',
      dataType: { type: 'timestamp_ntz' },
      value: 1_500_000n,
    });
    expect(parseExpression("TIMESTAMP '1970-01-01 01:00:00'")).toEqual({
      kind: 'literal',
      dataType: { type: 'timestamp' },
      value: 3_600_000_000n,
      atSessionZone: true,
    });
    expect(parseExpression("TIMESTAMP '1970-01-01 01:00:00+01:00'")).toEqual({
      kind: 'literal',
      dataType: { type: 'timestamp' },
      value: 0n,
    });
    expect(parseExpression("X'0A1'")).toMatchObject({
      dataType: { type: 'binary' },
      value: new Uint8Array([0x00, 0xa1]),
    });
    expect(() => parseExpression("DATE '2020-13-01'")).toThrow(/INVALID_TYPED_LITERAL/);
  });

  it('intervals', () => {
    const lit = (sql: string) => parseExpression(sql);
    expect(lit("INTERVAL '1' DAY")).toEqual({
      kind: 'literal',
      dataType: { type: 'day_time_interval', startField: 0, endField: 0 },
      value: 86_400_000_000n,
    });
    expect(lit('INTERVAL 1 YEAR 2 MONTHS')).toEqual({
      kind: 'literal',
      dataType: { type: 'year_month_interval', startField: 0, endField: 1 },
      value: 14,
    });
    expect(lit("INTERVAL '1-2' YEAR TO MONTH")).toEqual({
      kind: 'literal',
      dataType: { type: 'year_month_interval', startField: 0, endField: 1 },
      value: 14,
    });
    expect(lit("INTERVAL -'1-1' YEAR TO MONTH")).toMatchObject({ value: -13 });
    expect(lit("INTERVAL '1 2:03:04.5' DAY TO SECOND")).toEqual({
      kind: 'literal',
      dataType: { type: 'day_time_interval', startField: 0, endField: 3 },
      value: 93_784_500_000n,
    });
    expect(lit('interval 5 days 3 hours 7 minutes')).toMatchObject({
      dataType: { type: 'day_time_interval', startField: 0, endField: 2 },
    });
    expect(lit("INTERVAL '1 day 2 hours'")).toEqual({
      kind: 'literal',
      dataType: { type: 'calendar_interval' },
      value: { months: 0, days: 1, micros: 7_200_000_000n },
    });
    expect(() => lit('INTERVAL 1 MONTH 2 DAYS')).toThrow(/MIXED_INTERVAL_UNITS/);
  });
});

describe('functions and special forms', () => {
  it.each([
    ['count(*)', '(count *)'],
    ['count(DISTINCT a, b)', '(count distinct a b)'],
    ['sum(x) FILTER (WHERE x > 0)', '(sum x filter (> x 0))'],
    ['first(x) IGNORE NULLS', '(first x ignore-nulls)'],
    ['percentile_cont(0.5) WITHIN GROUP (ORDER BY x DESC)', '(percentile_cont 0.5BD within (desc x nulls-last))'],
    ['explode(collection => arr)', '(explode collection=>arr)'],
    ['CAST(a AS decimal(10, 2))', '(cast a decimal(10,2))'],
    ['TRY_CAST(a AS int)', '(try_cast a integer)'],
    ["CASE a WHEN 1 THEN 'x' ELSE 'y' END", "(case a (when 1 'x') (else 'y'))"],
    ['CASE WHEN a THEN 1 WHEN b THEN 2 END', '(case (when a 1) (when b 2))'],
    ['extract(YEAR FROM d)', "(extract 'YEAR' d)"],
    ["trim(BOTH 'x' FROM s)", "(trim 'x' s)"],
    ['trim(LEADING FROM s)', '(ltrim s)'],
    ["trim('x' FROM s)", "(trim 'x' s)"],
    ['trim(s)', '(trim s)'],
    ["position('b' IN s)", "(locate 'b' s)"],
    ['position(a, b)', '(position a b)'],
    ['substring(s FROM 2 FOR 3)', '(substring s 2 3)'],
    ['substr(s, 2)', '(substr s 2)'],
    ["overlay(s PLACING 'x' FROM 2)", "(overlay s 'x' 2)"],
    ['timestampadd(HOUR, 1, ts)', "(timestampadd 'HOUR' 1 ts)"],
    ['current_date', '(current_date)'],
    ['current_date()', '(current_date)'],
    ["like('a', 'b')", "(like 'a' 'b')"],
    ['left(s, 2)', '(left s 2)'],
    ['if(a, 1, 2)', '(if a 1 2)'],
    ['db.fn(1)', '(db.fn 1)'],
    ['exists(arr, x -> x > 1)', '(exists arr (lambda (x) (> $x 1)))'],
  ])('%s', (sql, expected) => expect(p(sql)).toBe(expected));

  it('lambdas bind their parameters, including field access', () => {
    expect(p('transform(a, (x, i) -> x.f + i + y)')).toBe("(transform a (lambda (x i) (+ (+ (get $x 'f') $i) y)))");
  });

  it('window functions', () => {
    expect(p('rank() OVER (PARTITION BY a ORDER BY b DESC)')).toBe(
      '(over (rank) partition a order (desc b nulls-last))',
    );
    expect(p('sum(x) OVER (ORDER BY t ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING)')).toBe(
      '(over (sum x) order (asc t nulls-first) rows -3 1)',
    );
    expect(p('sum(x) OVER (ORDER BY t RANGE UNBOUNDED PRECEDING)')).toBe(
      '(over (sum x) order (asc t nulls-first) range unboundedPreceding currentRow)',
    );
    expect(p('sum(x) OVER ()')).toBe('(over (sum x))');
  });

  it('references, subscripts, stars, parameters, structs', () => {
    expect(p('t.a.b')).toBe('t.a.b');
    expect(p('`a.b`.c')).toBe('a.b.c');
    expect(parseExpression('`a.b`.c')).toEqual({ kind: 'attribute', nameParts: ['a.b', 'c'] });
    expect(p("m['k'].f")).toBe("(get (get m 'k') 'f')");
    expect(p('t.*')).toBe('t.*');
    expect(p('? + :name + ?')).toBe('(+ (+ ?0 :name) ?1)');
    expect(p('(a, b)')).toBe('(__row_struct a b)');
    expect(p('date + year')).toBe('(+ date year)');
    expect(p('value')).toBe('value');
  });

  it('aliases', () => {
    expect(p('a + 1 AS b')).toBe('(as (+ a 1) b)');
    expect(p('a b')).toBe('(as a b)');
    expect(p('explode(m) AS (k, v)')).toBe('(as (explode m) k,v)');
  });
});
