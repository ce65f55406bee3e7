import { describe, expect, it } from 'vitest';
import { testSession } from '../../test-support/session.js';
import { parseUri, urlDecode, urlEncode } from './url.js';
import { NumberFormat } from './number-format.js';
import { readJson, writeJson } from './json-text.js';

const session = testSession;

/** First cell of a one-row query, as a string (or null). */
async function cell(text: string, ansi = true): Promise<string | null> {
  const s = session(ansi);
  const o = await s.sql(`SELECT CAST((${text}) AS STRING)`);
  if (o.kind !== 'query') throw new Error('expected a query');
  const r = await s.execute(o.plan);
  for await (const b of r.batches) return (b.getChildAt(0)!.get(0) as string | null) ?? null;
  return null;
}

describe('number formats', () => {
  it('formats like Spark to_char', () => {
    const f = (fmt: string, unscaled: bigint, scale: number) => new NumberFormat(fmt).render(unscaled, scale);
    expect(f('9999', 454n, 0)).toBe(' 454');
    expect(f('0000', 454n, 0)).toBe('0454');
    expect(f('99', 454n, 0)).toBe('##');
    // Padding spaces move in front of the sign or bracket.
    expect(f('999PR', -12n, 0)).toBe(' <12>');
    expect(f('999MI', -12n, 0)).toBe(' 12-');
    expect(f('S999.99', 1234n, 2)).toBe(' +12.34');
  });
  it('parses like Spark to_number', () => {
    expect(new NumberFormat('999.99PR').parse('<12.5>')).toBe(-1250n);
    expect(new NumberFormat('99,999').parse('1,23')).toBe(123n);
    expect(new NumberFormat('99').parse('123')).toBeNull();
    expect(new NumberFormat('000').parse('45')).toBeNull();
  });
  it('rejects malformed formats and inputs with Spark error classes', async () => {
    await expect(cell("to_number('12', '9$9')")).rejects.toThrow(/INVALID_FORMAT/);
    await expect(cell("to_number('abc', '999')")).rejects.toThrow(/INVALID_FORMAT.MISMATCH_INPUT/);
    expect(await cell("try_to_number('abc', '999')")).toBeNull();
  });
  it('rounds format_number half-even over the exact double', async () => {
    expect(await cell('format_number(0.125D, 2)')).toBe('0.12');
    expect(await cell('format_number(1234567.891, 2)')).toBe('1,234,567.89');
    expect(await cell("format_number(1234.5, '#,##0.000')")).toBe('1,234.500');
    expect(await cell('format_number(5, -1)')).toBeNull();
  });
});

describe('string helpers', () => {
  it('trims with the SQL-standard argument order', async () => {
    expect(await cell("trim('xy', 'xxaxyy')")).toBe('a');
    expect(await cell("btrim('xxaxyy', 'xy')")).toBe('a');
  });
  it('splits keeping trailing empty strings', async () => {
    expect(await cell("split('a,b,,', ',')")).toBe('[a, b, , ]');
  });
  it('validates UTF-8 bytes', async () => {
    await expect(cell("validate_utf8(x'80')")).rejects.toThrow(/INVALID_UTF8_STRING/);
    expect(await cell("make_valid_utf8(x'61FF')")).toBe('a\uFFFD');
  });
  it('picks elt arguments and fails out of range under ANSI', async () => {
    expect(await cell("elt(1, 'a', 'b')")).toBe('a');
    await expect(cell("elt(3, 'a', 'b')")).rejects.toThrow(/INVALID_ARRAY_INDEX/);
    expect(await cell("elt(3, 'a', 'b')", false)).toBeNull();
  });
  it('converts binary with to_binary formats', async () => {
    expect(await cell("hex(to_binary('abc', 'utf-8'))")).toBe('616263');
    await expect(cell("to_binary('zz', 'hex')")).rejects.toThrow(/INVALID_PARAMETER_VALUE/);
  });
});

describe('URLs', () => {
  it('splits URIs like java.net.URI', () => {
    const u = parseUri('https://user@host.com:8080/p/a?x=1&y=2#frag')!;
    expect([u.scheme, u.userInfo, u.host, u.path, u.query, u.fragment]).toEqual(['https', 'user', 'host.com', '/p/a', 'x=1&y=2', 'frag']);
    expect(parseUri('a b://x')).toBeNull();
  });
  it('encodes like URLEncoder', () => {
    expect(urlEncode('a b&c/é')).toBe('a+b%26c%2F%C3%A9');
    expect(urlDecode('a+b%26c%2F%C3%A9')).toBe('a b&c/é');
    expect(urlDecode('%zz')).toBeNull();
  });
  it('extracts query keys and fails on bad URLs under ANSI', async () => {
    expect(await cell("parse_url('http://h/p?k=v&q=2', 'QUERY', 'q')")).toBe('2');
    await expect(cell("parse_url('inva lid://h', 'HOST')")).rejects.toThrow(/INVALID_URL/);
    await expect(cell("url_decode('%zz')")).rejects.toThrow(/CANNOT_DECODE_URL/);
  });
});

describe('JSON', () => {
  it('keeps number text and object order', () => {
    expect(writeJson(readJson('{"b": 1.0, "a": [12345678901234567890, null]}'))).toBe('{"b":1.0,"a":[12345678901234567890,null]}');
  });
  it('reads with from_json, keeping fields that parse', async () => {
    expect(await cell(`to_json(from_json('{"a": "x", "b": 2}', 'a INT, b INT'))`)).toBe('{"b":2}');
    expect(await cell(`from_json('[1, 2]', 'ARRAY<INT>')[1]`)).toBe('2');
    await expect(cell(`from_json('{', 'a INT', map('mode', 'FAILFAST'))`)).rejects.toThrow(/MALFORMED_RECORD_IN_PARSING/);
  });
  it('evaluates JSON paths', async () => {
    expect(await cell(`get_json_object('{"a":{"b":[1,2]}}', '$.a.b[1]')`)).toBe('2');
    expect(await cell(`get_json_object('{"a":{"b":[1,2]}}', '$.a')`)).toBe('{"b":[1,2]}');
    expect(await cell(`get_json_object('{"a":1}', '$.nope')`)).toBeNull();
  });
  it('infers schemas', async () => {
    expect(await cell(`schema_of_json('{"b": 1.5, "a": [true], "c": null}')`)).toBe('STRUCT<a: ARRAY<BOOLEAN>, b: DOUBLE, c: STRING>');
  });
});

describe('CSV', () => {
  it('round-trips quoted fields', async () => {
    expect(await cell(`to_csv(named_struct('a', 'x,y', 'b', CAST(NULL AS INT), 'c', 'q"'))`)).toBe('"x,y",,"q\\""');
    expect(await cell(`from_csv('"x,y",2', 'a STRING, b INT').a`)).toBe('x,y');
    expect(await cell(`schema_of_csv('1,abc,2.5')`)).toBe('STRUCT<_c0: INT, _c1: STRING, _c2: DOUBLE>');
  });
});

describe('hashes and crypto', () => {
  it('computes Spark xxhash64 across types', async () => {
    expect(await cell("xxhash64('Spark', array(123), 2)")).toBe('5602566077635097486');
    expect(await cell('xxhash64(NULL)')).toBe('42');
  });
  it('round-trips AES in every mode', async () => {
    for (const mode of ['GCM', 'CBC', 'ECB'])
      expect(await cell(`CAST(aes_decrypt(aes_encrypt('secret', 'abcdefghijklmnop', '${mode}'), 'abcdefghijklmnop', '${mode}') AS STRING)`)).toBe('secret');
    await expect(cell("aes_encrypt('x', 'short')")).rejects.toThrow(/AES_KEY_LENGTH/);
    expect(await cell("try_aes_decrypt(x'00112233', 'abcdefghijklmnop')")).toBeNull();
  });
});
