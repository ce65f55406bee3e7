/** String functions (Spark semantics: 1-based positions, NULL in → NULL out unless stated). */
import { T } from '../../plan/type-utils.js';
import { formatValue } from '../format-value.js';
import { defRow } from './helpers.js';

const S = 'string' as const;
const cps = (s: string): string[] => Array.from(s);

defRow('upper', { args: [S], ret: T.string, row: ([s]) => (s as string).toUpperCase() }, 'ucase');
defRow('lower', { args: [S], ret: T.string, row: ([s]) => (s as string).toLowerCase() }, 'lcase');
defRow('length', {
  args: ['any'],
  ret: T.int,
  row: ([s], _c, node) => (node.args[0]!.type.type === 'binary' ? (s as Uint8Array).length : cps(String(s)).length),
}, 'char_length', 'character_length', 'len');
defRow('octet_length', { args: [S], ret: T.int, row: ([s]) => new TextEncoder().encode(s as string).length });
defRow('bit_length', { args: [S], ret: T.int, row: ([s]) => new TextEncoder().encode(s as string).length * 8 });
defRow('concat', {
  args: [S],
  arity: [0, -1],
  ret: T.string,
  row: (vals) => vals.join(''),
});
defRow('concat_ws', {
  args: [S, 'any'],
  arity: [1, -1],
  ret: T.string,
  nullable: (a) => a[0]!.nullable,
  nullSafe: true,
  row: (vals, ctx, node) => {
    if (vals[0] === null) return null;
    const parts: string[] = [];
    for (let i = 1; i < vals.length; i++) {
      const v = vals[i];
      if (v === null) continue;
      const t = node.args[i]!.type;
      if (t.type === 'array') for (const e of v as unknown[]) {
        if (e !== null) parts.push(formatValue(t.elementType, e, { timeZone: ctx.timeZone }));
      }
      else parts.push(formatValue(t, v, { timeZone: ctx.timeZone }));
    }
    return parts.join(vals[0] as string);
  },
});

function substr(s: string, pos: number, len: number): string {
  const c = cps(s);
  let start = pos > 0 ? pos - 1 : pos < 0 ? c.length + pos : 0;
  let end = len === Number.MAX_SAFE_INTEGER ? c.length : start + len;
  if (pos < 0 && start < 0) {
    end = start + len;
    start = 0;
  }
  if (len <= 0) return '';
  return c.slice(Math.max(0, start), Math.max(0, Math.min(c.length, end))).join('');
}
defRow('substring', {
  args: [S, T.int, T.int],
  arity: [2, 3],
  ret: T.string,
  row: ([s, p, l]) => substr(s as string, p as number, l === undefined ? Number.MAX_SAFE_INTEGER : (l as number)),
}, 'substr');
defRow('left', { args: [S, T.int], ret: T.string, row: ([s, n]) => ((n as number) <= 0 ? '' : cps(s as string).slice(0, n as number).join('')) });
defRow('right', {
  args: [S, T.int],
  ret: T.string,
  row: ([s, n]) => ((n as number) <= 0 ? '' : cps(s as string).slice(-(n as number)).join('')),
});

function trimChars(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = new Set(cps(chars ?? ' '));
  const c = cps(s);
  let a = 0;
  let b = c.length;
  if (left) while (a < b && set.has(c[a]!)) a++;
  if (right) while (b > a && set.has(c[b - 1]!)) b--;
  return c.slice(a, b).join('');
}
for (const [name, l, r] of [
  ['trim', true, true],
  ['btrim', true, true],
  ['ltrim', true, false],
  ['rtrim', false, true],
] as const) {
  defRow(name, {
    args: [S, S],
    arity: [1, 2],
    ret: T.string,
    row: ([s, c]) => trimChars(s as string, c as string | undefined, l, r),
  });
}
for (const [name, left] of [
  ['lpad', true],
  ['rpad', false],
] as const) {
  defRow(name, {
    args: [S, T.int, S],
    arity: [2, 3],
    ret: T.string,
    row: ([s, n, p]) => {
      const c = cps(s as string);
      const len = n as number;
      if (len <= 0) return '';
      if (c.length >= len) return c.slice(0, len).join('');
      const pad = cps(p === undefined ? ' ' : (p as string));
      if (pad.length === 0) return c.join('');
      const fill: string[] = [];
      while (fill.length < len - c.length) fill.push(pad[fill.length % pad.length]!);
      return left ? fill.join('') + c.join('') : c.join('') + fill.join('');
    },
  });
}
defRow('replace', {
  args: [S, S, S],
  arity: [2, 3],
  ret: T.string,
  row: ([s, a, b]) => ((a as string) === '' ? s : (s as string).split(a as string).join((b as string | undefined) ?? '')),
});
defRow('instr', {
  args: [S, S],
  ret: T.int,
  row: ([s, sub]) => {
    const i = (s as string).indexOf(sub as string);
    return i < 0 ? 0 : cps((s as string).slice(0, i)).length + 1;
  },
});
defRow('locate', {
  args: [S, S, T.int],
  arity: [2, 3],
  ret: T.int,
  row: ([sub, s, p]) => {
    const pos = p === undefined ? 1 : (p as number);
    if (pos < 1) return 0;
    const c = cps(s as string);
    const idx = c.slice(pos - 1).join('').indexOf(sub as string);
    return idx < 0 ? 0 : cps(c.slice(pos - 1).join('').slice(0, idx)).length + pos;
  },
}, 'position');
defRow('reverse', { args: ['any'], ret: (a) => a[0]!.type, row: ([s]) => (Array.isArray(s) ? [...s].reverse() : cps(s as string).reverse().join('')) });
defRow('repeat', { args: [S, T.int], ret: T.string, row: ([s, n]) => (s as string).repeat(Math.max(0, n as number)) });
defRow('space', { args: [T.int], ret: T.string, row: ([n]) => ' '.repeat(Math.max(0, n as number)) });
defRow('initcap', {
  args: [S],
  ret: T.string,
  row: ([s]) => (s as string).split(' ').map((w) => (w ? w[0]!.toUpperCase() + w.slice(1).toLowerCase() : w)).join(' '),
});
defRow('ascii', { args: [S], ret: T.int, row: ([s]) => ((s as string).length ? (s as string).codePointAt(0)! : 0) });
defRow('chr', {
  args: [T.long],
  ret: T.string,
  row: ([n]) => {
    const x = Number(n);
    return x < 0 ? '' : String.fromCharCode(x % 256);
  },
}, 'char');
defRow('translate', {
  args: [S, S, S],
  ret: T.string,
  row: ([s, from, to]) => {
    const f = cps(from as string);
    const t = cps(to as string);
    const m = new Map<string, string | null>();
    f.forEach((c, i) => {
      if (!m.has(c)) m.set(c, t[i] ?? null);
    });
    return cps(s as string)
      .map((c) => (m.has(c) ? (m.get(c) ?? '') : c))
      .join('');
  },
});
function javaRegex(p: string): RegExp {
  return new RegExp(p.replace(/\(\?i\)/g, ''), p.includes('(?i)') ? 'gu' + 'i' : 'gu');
}
defRow('regexp_replace', {
  args: [S, S, S, T.int],
  arity: [3, 4],
  ret: T.string,
  row: ([s, p, r]) => (s as string).replace(javaRegex(p as string), (r as string).replace(/\$(\d)/g, '$$$1')),
});
defRow('regexp_extract', {
  args: [S, S, T.int],
  arity: [2, 3],
  ret: T.string,
  row: ([s, p, g]) => {
    const m = new RegExp(p as string, 'u').exec(s as string);
    if (!m) return '';
    return m[g === undefined ? 1 : (g as number)] ?? '';
  },
});
defRow('regexp_extract_all', {
  args: [S, S, T.int],
  arity: [2, 3],
  ret: T.array(T.string),
  row: ([s, p, g]) => [...(s as string).matchAll(javaRegex(p as string))].map((m) => m[g === undefined ? 1 : (g as number)] ?? ''),
});
defRow('split', {
  args: [S, S, T.int],
  arity: [2, 3],
  ret: T.array(T.string, false),
  row: ([s, p, lim]) => {
    const limit = lim === undefined ? -1 : (lim as number);
    const str = s as string;
    if (str === '') return [''];
    const re = javaRegex(p as string);
    const parts: string[] = [];
    let last = 0;
    for (const m of str.matchAll(re)) {
      if (limit > 0 && parts.length === limit - 1) break;
      if (m[0] === '' && m.index === 0) continue;
      if (m[0] === '' && m.index === str.length) break;
      parts.push(str.slice(last, m.index));
      last = m.index! + m[0].length;
    }
    parts.push(str.slice(last));
    if (limit <= 0) while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  },
});
defRow('split_part', {
  args: [S, S, T.int],
  ret: T.string,
  row: ([s, d, i]) => {
    const parts = (d as string) === '' ? [s as string] : (s as string).split(d as string);
    const k = i as number;
    const p = k > 0 ? parts[k - 1] : parts[parts.length + k];
    return p ?? '';
  },
});
defRow('startswith', { args: [S, S], ret: T.boolean, row: ([s, p]) => (s as string).startsWith(p as string) });
defRow('endswith', { args: [S, S], ret: T.boolean, row: ([s, p]) => (s as string).endsWith(p as string) });
defRow('contains', { args: [S, S], ret: T.boolean, row: ([s, p]) => (s as string).includes(p as string) });
defRow('format_string', {
  args: [S, 'any'],
  arity: [1, -1],
  ret: T.string,
  nullSafe: true,
  nullable: true,
  row: (vals) => {
    if (vals[0] === null) return null;
    let k = 1;
    return (vals[0] as string).replace(/%(-?\d*)(?:\.(\d+))?([sdfx%])/g, (_m, w: string, prec: string | undefined, c: string) => {
      if (c === '%') return '%';
      const v = vals[k++];
      let out: string;
      if (v === null || v === undefined) out = 'null';
      else if (c === 'd') out = String(v);
      else if (c === 'f') out = Number(v).toFixed(prec === undefined ? 6 : Number(prec));
      else if (c === 'x') out = BigInt(v as number).toString(16);
      else out = String(v);
      const width = Math.abs(Number(w || 0));
      return w.startsWith('-') ? out.padEnd(width) : out.padStart(width);
    });
  },
}, 'printf');
defRow('levenshtein', {
  args: [S, S],
  ret: T.int,
  row: ([a, b]) => {
    const x = cps(a as string);
    const y = cps(b as string);
    let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
    for (let i = 1; i <= x.length; i++) {
      const cur = [i];
      for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
      prev = cur;
    }
    return prev[y.length]!;
  },
});
defRow('base64', {
  args: [T.binary],
  ret: T.string,
  row: ([b]) => Buffer.from(b as Uint8Array).toString('base64'),
});
defRow('unbase64', { args: [S], ret: T.binary, row: ([s]) => new Uint8Array(Buffer.from(s as string, 'base64')) });
defRow('encode', { args: [S, S], ret: T.binary, row: ([s]) => new TextEncoder().encode(s as string) });
defRow('decode', { args: [T.binary, S], ret: T.string, row: ([b]) => new TextDecoder().decode(b as Uint8Array) });
defRow('soundex', {
  args: [S],
  ret: T.string,
  row: ([s]) => {
    const str = (s as string).toUpperCase();
    if (!str || !/[A-Z]/.test(str[0]!)) return s;
    const codes: Record<string, string> = { B: '1', F: '1', P: '1', V: '1', C: '2', G: '2', J: '2', K: '2', Q: '2', S: '2', X: '2', Z: '2', D: '3', T: '3', L: '4', M: '5', N: '5', R: '6' };
    let out = str[0]!;
    let last = codes[out] ?? '';
    for (const ch of str.slice(1)) {
      const c = codes[ch] ?? '';
      if (c && c !== last) out += c;
      if (ch !== 'H' && ch !== 'W') last = c;
      if (out.length === 4) break;
    }
    return out.padEnd(4, '0');
  },
});
