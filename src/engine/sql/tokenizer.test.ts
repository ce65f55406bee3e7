import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenizer.js';

const kinds = (sql: string): string[] => tokenize(sql).map((t) => `${t.kind}:${t.value}`);

describe('tokenize', () => {
  it('words, quoted identifiers, numbers and operators', () => {
    expect(kinds('SELECT `a``b`, 1.5e3D, 10L, x<=>y>>>2')).toEqual([
      'word:SELECT',
      'quotedIdent:a`b',
      'op:,',
      'number:1.5e3D',
      'op:,',
      'number:10L',
      'op:,',
      'word:x',
      'op:<=>',
      'word:y',
      'op:>>>',
      'number:2',
      'eof:',
    ]);
  });

  it('comments (nested) and hints are skipped', () => {
    expect(kinds('a /* x /* y */ z */ b -- c\n /*+ BROADCAST(t) */ d')).toEqual(['word:a', 'word:b', 'word:d', 'eof:']);
  });

  it('digits running into letters form an identifier; field access is not a number', () => {
    expect(kinds('1a t.5')).toEqual(['word:1a', 'word:t', 'op:.', 'number:5', 'eof:']);
  });

  it('string escapes', () => {
    expect(tokenize("'\\n\\t\\\\\\0''x'")[0]?.value).toBe("\n\t\\\u0000'x");
    expect(tokenize("R'\\n'")[0]?.value).toBe('\\n');
    expect(tokenize('"a\\"b"')[0]?.value).toBe('a"b');
  });

  it('offsets for error positions', () => {
    const t = tokenize('SELECT\n  x');
    expect(t[1]).toMatchObject({ start: 9, end: 10, spaceBefore: true });
  });
});
