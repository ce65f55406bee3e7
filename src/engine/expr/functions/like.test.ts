import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { likeMatcher } from './operators.js';

/** LIKE by dynamic programming over code points: the reference the fast matcher must agree with. */
function likeReference(s: string, pattern: string, esc: string): boolean {
  const toks: { any?: true; one?: true; ch?: string }[] = [];
  const p = Array.from(pattern);
  for (let i = 0; i < p.length; i++) {
    if (p[i] === esc && i + 1 < p.length) toks.push({ ch: p[++i]! });
    else if (p[i] === '%') toks.push({ any: true });
    else if (p[i] === '_') toks.push({ one: true });
    else toks.push({ ch: p[i]! });
  }
  const cs = Array.from(s);
  let row = new Array<boolean>(cs.length + 1).fill(false);
  row[0] = true;
  for (const t of toks) {
    const next = new Array<boolean>(cs.length + 1).fill(false);
    for (let j = 0; j <= cs.length; j++) {
      if (t.any) next[j] = row[j]! || (j > 0 && next[j - 1]!);
      else if (j > 0) next[j] = row[j - 1]! && (t.one === true || t.ch === cs[j - 1]);
    }
    row = next;
  }
  return row[cs.length]!;
}

describe('LIKE', () => {
  it('matches what a by-the-definition matcher says, with and without _ and escapes', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '%', '\\', '😀'), maxLength: 10 });
    const pattern = fc.string({ unit: fc.constantFrom('a', 'b', '%', '_', '\\', '😀'), maxLength: 8 });
    fc.assert(
      fc.property(text, pattern, (s, p) => {
        expect(likeMatcher(p, '\\')(s)).toBe(likeReference(s, p, '\\'));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the parts of %a%b% in order, not just anywhere', () => {
    const m = likeMatcher('%special%requests%', '\\');
    expect(m('no special, many requests')).toBe(true);
    expect(m('requests then special')).toBe(false);
    expect(likeMatcher('ab%ba', '\\')('aba')).toBe(false);
    expect(likeMatcher('ab%ba', '\\')('abba')).toBe(true);
  });
});
