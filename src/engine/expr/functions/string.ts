/** String functions (Spark semantics: 1-based positions, NULL in → NULL out unless stated). */
import { T } from '../../plan/type-utils.js';
import { formatValue } from '../format-value.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { valuesEqual } from '../compare.js';
import { invalidArrayIndex } from '../errors.js';
import { coerceAll } from './coercion.js';
import { invalidParameterValue, invalidUtf8 } from './fn-errors.js';
import { callSql, coerceArgs, defRow } from './helpers.js';
import { dataTypeMismatch, register } from './registry.js';

const S = 'string' as const;
const cps = (s: string): string[] => Array.from(s);
/** Lone or paired UTF-16 surrogates: only then do code points and string indices differ. */
const SURROGATE = /[\uD800-\uDFFF]/;

defRow('upper', { args: [S], ret: T.string, row: ([s]) => (s as string).toUpperCase() }, 'ucase');
defRow('lower', { args: [S], ret: T.string, row: ([s]) => (s as string).toLowerCase() }, 'lcase');
defRow('length', {
  args: ['any'],
  ret: T.int,
  row: ([s], _c, node) => {
    if (node.args[0]!.type.type === 'binary') return (s as Uint8Array).length;
    const str = String(s);
    return SURROGATE.test(str) ? cps(str).length : str.length;
  },
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

/** Spark's substringSQL over code points or bytes: 1-based `pos`, negative counts from the end. */
export function substrOf<E>(c: ArrayLike<E>, pos: number, len: number): { start: number; end: number } {
  let start = pos > 0 ? pos - 1 : pos < 0 ? c.length + pos : 0;
  let end = len >= Number.MAX_SAFE_INTEGER || start + len > c.length ? c.length : start + len;
  if (pos < 0 && start < 0) {
    end = start + len;
    start = 0;
  }
  if (len <= 0) return { start: 0, end: 0 };
  return { start: Math.max(0, start), end: Math.max(0, Math.min(c.length, end)) };
}
function substr(s: string, pos: number, len: number): string {
  if (!SURROGATE.test(s)) {
    // Code points are UTF-16 units here: no array of characters per row (q22 takes 150k phone prefixes).
    const r = substrOf({ length: s.length }, pos, len);
    return s.substring(r.start, r.end);
  }
  const c = cps(s);
  const r = substrOf(c, pos, len);
  return c.slice(r.start, r.end).join('');
}
function substrBytes(b: Uint8Array, pos: number, len: number): Uint8Array {
  const r = substrOf(b, pos, len);
  return b.slice(r.start, r.end);
}
const INT_MAX = 2147483647;
register(
  {
    name: 'substring',
    arity: [2, 3],
    resolve(args, ctx, name) {
      const [s, ...rest] = coerceArgs(name, args, ['any', T.int, T.int], ctx);
      const src = s!.type.type === 'binary' ? s! : coerceArgs(name, [s!], [S], ctx)[0]!;
      const sql = `${name}(${args.map((a) => a.sql).join(', ')}${args.length === 2 ? `, ${INT_MAX}` : ''})`;
      return { args: [src, ...rest], type: src.type, nullable: args.some((a) => a.nullable), sql };
    },
    row: ([s, p, l]) => {
      const len = l === undefined ? Number.MAX_SAFE_INTEGER : (l as number);
      return s instanceof Uint8Array ? substrBytes(s, p as number, len) : substr(s as string, p as number, len);
    },
  },
  'substr',
);
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
for (const [name, l, r, dir] of [
  ['trim', true, true, 'BOTH'],
  ['ltrim', true, false, 'LEADING'],
  ['rtrim', false, true, 'TRAILING'],
] as const) {
  // Two-argument form is `trim(trimStr, srcStr)`, the same as `TRIM(trimStr FROM srcStr)`.
  defRow(name, {
    args: [S, S],
    arity: [1, 2],
    ret: T.string,
    row: (vals) => (vals.length === 2 ? trimChars(vals[1] as string, vals[0] as string, l, r) : trimChars(vals[0] as string, undefined, l, r)),
    sql: (args, called) => (args.length === 2 ? `TRIM(${dir} ${args[0]!.sql} FROM ${args[1]!.sql})` : `${called}(${args[0]!.sql})`),
  });
}
defRow('btrim', {
  args: [S, S],
  arity: [1, 2],
  ret: T.string,
  row: ([s, c]) => trimChars(s as string, c as string | undefined, true, true),
});
function padded<E>(c: E[], len: number, pad: E[], left: boolean): E[] {
  if (len <= 0) return [];
  if (c.length >= len) return c.slice(0, len);
  if (pad.length === 0) return c;
  const fill: E[] = [];
  while (fill.length < len - c.length) fill.push(pad[fill.length % pad.length]!);
  return left ? [...fill, ...c] : [...c, ...fill];
}
for (const [name, left] of [
  ['lpad', true],
  ['rpad', false],
] as const) {
  register({
    name,
    arity: [2, 3],
    resolve(args, ctx, called) {
      const binary = args[0]!.type.type === 'binary' && (args.length === 2 || args[2]!.type.type === 'binary');
      const coerced = coerceArgs(called, args, binary ? [T.binary, T.int, T.binary] : [S, T.int, S], ctx);
      const dflt = binary ? "X'00'" : ' ';
      const sql = `${called}(${args.map((a) => a.sql).join(', ')}${args.length === 2 ? `, ${dflt}` : ''})`;
      return { args: coerced, type: binary ? T.binary : T.string, nullable: coerced.some((a) => a.nullable), sql };
    },
    row: ([s, n, p]) => {
      if (s instanceof Uint8Array) {
        const pad = p === undefined ? [0] : Array.from(p as Uint8Array);
        return Uint8Array.from(padded(Array.from(s), n as number, pad, left));
      }
      return padded(cps(s as string), n as number, cps(p === undefined ? ' ' : (p as string)), left).join('');
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
  sql: (args, called) => `${called}(${args.map((a) => a.sql).join(', ')}${args.length === 2 ? ', 1' : ''})`,
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
  row: ([s, p, r, pos]) => {
    const str = s as string;
    const from = pos === undefined ? 0 : (pos as number) - 1;
    if (from < 0) throw dataTypeMismatch('VALUE_OUT_OF_RANGE', 'regexp_replace', `The \`position\` must be positive, but got ${pos as number}.`);
    const c = cps(str);
    if (from >= c.length) return str;
    const head = c.slice(0, from).join('');
    return head + c.slice(from).join('').replace(javaRegex(p as string), (r as string).replace(/\$(\d)/g, '$$$1'));
  },
  sql: (args, called) => `${called}(${args.map((a) => a.sql).join(', ')}${args.length === 3 ? ', 1' : ''})`,
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
defRow('encode', {
  args: [S, S],
  ret: T.binary,
  row: ([s, c]) => {
    const cs = charsetOf(c as string, 'encode');
    if (cs === 'utf-8') return new TextEncoder().encode(s as string);
    if (cs === 'ascii' || cs === 'latin1') return new Uint8Array(Buffer.from(s as string, cs));
    const le = new Uint8Array(Buffer.from(s as string, 'utf16le'));
    if (cs === 'utf-16le') return le;
    // UTF-16BE; Java's UTF-16 encoder writes a big-endian byte-order mark first.
    for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
    return cs === 'utf-16' ? Uint8Array.from([0xfe, 0xff, ...le]) : le;
  },
});
register({
  name: 'decode',
  arity: [2, -1],
  resolve(args, ctx, called) {
    const fnSql = callSql(called, args);
    if (args.length === 2) {
      const coerced = coerceArgs(called, args, [T.binary, S], ctx);
      return { args: coerced, type: T.string, nullable: coerced.some((a) => a.nullable), opts: { charset: true } };
    }
    // decode(expr, search1, result1, ..., [default]) is CASE WHEN expr <=> search1 THEN result1 ...
    const searches = [args[0]!];
    const results: RExpr[] = [];
    for (let i = 1; i + 1 < args.length; i += 2) {
      searches.push(args[i]!);
      results.push(args[i + 1]!);
    }
    if (args.length % 2 === 0) results.push(args[args.length - 1]!);
    const keys = coerceAll(searches, ctx, fnSql);
    const vals = coerceAll(results, ctx, fnSql);
    return { args: [...keys, ...vals], type: vals[0]!.type, nullable: true, opts: { pairs: searches.length - 1, hasDefault: args.length % 2 === 0 } };
  },
  nullSafe: true,
  row(vals, _ctx, node) {
    if (node.opts?.charset) return vals[0] === null || vals[1] === null ? null : decodeCharset(vals[0] as Uint8Array, vals[1] as string);
    const pairs = node.opts?.pairs as number;
    const keyType = node.args[0]!.type;
    for (let i = 0; i < pairs; i++) {
      const k = vals[1 + i];
      if ((k === null && vals[0] === null) || (k !== null && vals[0] !== null && valuesEqual(keyType, vals[0], k))) return vals[1 + pairs + i];
    }
    return node.opts?.hasDefault ? vals[1 + 2 * pairs] : null;
  },
});
const CHARSETS: Record<string, string> = {
  'us-ascii': 'ascii',
  'iso-8859-1': 'latin1',
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16be': 'utf-16be',
  'utf-16le': 'utf-16le',
  'utf-16': 'utf-16',
};
function charsetOf(name: string, fn: string): string {
  const cs = CHARSETS[name.toLowerCase()];
  if (!cs) throw invalidParameterValue('CHARSET', fn, '`charset`', `expects one of the charsets 'US-ASCII', 'ISO-8859-1', 'UTF-8', 'UTF-16BE', 'UTF-16LE', 'UTF-16', but got ${name}.`);
  return cs;
}
function decodeCharset(b: Uint8Array, name: string): string {
  const cs = charsetOf(name, 'decode');
  if (cs === 'ascii' || cs === 'latin1') return Buffer.from(b).toString(cs);
  if (cs === 'utf-16') return new TextDecoder('utf-16be').decode(b);
  return new TextDecoder(cs).decode(b);
}
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

/** Spark's generated name lists omitted optional arguments with their default values. */
const withDefaults = (args: RExpr[], called: string, required: number, defaults: string[]): string =>
  `${called}(${[...args.map((a) => a.sql), ...defaults.slice(args.length - required)].join(', ')})`;

defRow('overlay', {
  args: ['any', 'any', T.int, T.int],
  arity: [3, 4],
  ret: (a) => (a[0]!.type.type === 'binary' && a[1]!.type.type === 'binary' ? T.binary : T.string),
  row: ([input, rep, p, l]) => {
    const pos = p as number;
    if (input instanceof Uint8Array && rep instanceof Uint8Array) {
      const len = l === undefined || (l as number) < 0 ? rep.length : (l as number);
      return Uint8Array.from([...substrBytes(input, 1, pos - 1), ...rep, ...substrBytes(input, pos + len, Number.MAX_SAFE_INTEGER)]);
    }
    const s = input instanceof Uint8Array ? new TextDecoder().decode(input) : String(input);
    const r = rep instanceof Uint8Array ? new TextDecoder().decode(rep) : String(rep);
    const len = l === undefined || (l as number) < 0 ? cps(r).length : (l as number);
    return substr(s, 1, pos - 1) + r + substr(s, pos + len, Number.MAX_SAFE_INTEGER);
  },
  sql: (args, called) => `${called}(${args.map((a) => a.sql).join(', ')}${args.length === 3 ? ', -1' : ''})`,
});

// mask(input, upperChar, lowerChar, digitChar, otherChar): NULL replacement keeps the original class.
register({
  name: 'mask',
  arity: [1, 5],
  resolve(args, ctx, called) {
    const defaults: [string | null, string][] = [['X', 'X'], ['x', 'x'], ['n', 'n'], [null, 'NULL']];
    const reps: (string | null)[] = [];
    for (let i = 1; i <= 4; i++) {
      const a = args[i];
      if (a === undefined) {
        reps.push(defaults[i - 1]![0]);
        continue;
      }
      if (a.k !== 'lit' || (a.type.type !== 'string' && a.type.type !== 'null'))
        throw dataTypeMismatch('NON_FOLDABLE_INPUT', callSql(called, args), `the input ${['upperChar', 'lowerChar', 'digitChar', 'otherChar'][i - 1]} should be a foldable "STRING" expression; however, got "${a.sql}".`);
      const v = a.value as string | null;
      if (v !== null && cps(v).length !== 1)
        throw dataTypeMismatch('INPUT_SIZE_NOT_ONE', callSql(called, args), `Length of ${['upperChar', 'lowerChar', 'digitChar', 'otherChar'][i - 1]} should be 1.`);
      reps.push(v);
    }
    const [input] = coerceArgs(called, [args[0]!], [S], ctx);
    const sql = `${called}(${[args[0]!.sql, ...args.slice(1).map((a) => a.sql), ...defaults.slice(args.length - 1).map((d) => d[1])].join(', ')})`;
    return { args: [input!], type: T.string, nullable: input!.nullable, opts: { reps }, sql };
  },
  row([s], _ctx, node) {
    const [up, lo, dg, ot] = node.opts!.reps as (string | null)[];
    return cps(s as string)
      .map((c) => {
        const r = /\p{Lu}/u.test(c) ? up : /\p{Ll}/u.test(c) ? lo : /\p{Nd}/u.test(c) ? dg : ot;
        return r ?? c;
      })
      .join('');
  },
});

/** The bytes behind a string-typed argument: binary stays raw so invalid UTF-8 is still visible. */
const utf8Bytes = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : new TextEncoder().encode(v as string));
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function validUtf8(b: Uint8Array): string | null {
  try {
    return strictUtf8.decode(b);
  } catch {
    return null;
  }
}
const utf8Arg = ['any'] as const;
defRow('is_valid_utf8', { args: [...utf8Arg], ret: T.boolean, row: ([v]) => validUtf8(utf8Bytes(v)) !== null });
defRow('make_valid_utf8', {
  args: [...utf8Arg],
  ret: T.string,
  row: ([v]) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(utf8Bytes(v)),
});
defRow('validate_utf8', {
  args: [...utf8Arg],
  ret: T.string,
  row: ([v]) => {
    const b = utf8Bytes(v);
    const s = validUtf8(b);
    if (s === null) throw invalidUtf8(b);
    return s;
  },
});
defRow('try_validate_utf8', { args: [...utf8Arg], ret: T.string, nullable: true, row: ([v]) => validUtf8(utf8Bytes(v)) });

defRow('luhn_check', {
  args: [S],
  ret: T.boolean,
  row: ([s]) => {
    const d = s as string;
    if (d === '' || !/^[0-9]+$/.test(d)) return false;
    let sum = 0;
    for (let i = d.length - 1, second = false; i >= 0; i--, second = !second) {
      let x = d.charCodeAt(i) - 48;
      if (second) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
      sum += x;
    }
    return sum % 10 === 0;
  },
});

register({
  name: 'elt',
  arity: [2, -1],
  resolve(args, ctx, called) {
    const allBinary = args.slice(1).every((a) => a.type.type === 'binary');
    const coerced = coerceArgs(called, args, [T.int, allBinary ? T.binary : S], ctx);
    return { args: coerced, type: allBinary ? T.binary : T.string, nullable: true };
  },
  nullSafe: true,
  row(vals, ctx) {
    if (vals[0] === null) return null;
    const i = vals[0] as number;
    if (i < 1 || i >= vals.length) {
      if (ctx.ansi) throw invalidArrayIndex(i, vals.length - 1);
      return null;
    }
    return vals[i];
  },
});

defRow('find_in_set', {
  args: [S, S],
  ret: T.int,
  row: ([s, list]) => {
    if ((s as string).includes(',')) return 0;
    return (list as string).split(',').indexOf(s as string) + 1;
  },
});
defRow('quote', { args: [S], ret: T.string, row: ([s]) => `'${(s as string).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` });
defRow('substring_index', {
  args: [S, S, T.int],
  ret: T.string,
  row: ([s, d, c]) => {
    const str = s as string;
    const delim = d as string;
    const n = c as number;
    if (delim === '' || n === 0) return '';
    const parts = str.split(delim);
    if (Math.abs(n) >= parts.length) return str;
    return n > 0 ? parts.slice(0, n).join(delim) : parts.slice(parts.length + n).join(delim);
  },
});

defRow('regexp_count', { args: [S, S], ret: T.int, row: ([s, p]) => [...(s as string).matchAll(javaRegex(p as string))].length });
defRow('regexp_substr', {
  args: [S, S],
  ret: T.string,
  nullable: true,
  row: ([s, p]) => new RegExp(javaRegex(p as string).source, javaRegex(p as string).flags.replace('g', '')).exec(s as string)?.[0] ?? null,
});
defRow('regexp_instr', {
  args: [S, S, T.int],
  arity: [2, 3],
  ret: T.int,
  row: ([s, p, g]) => {
    const re = javaRegex(p as string);
    const m = new RegExp(re.source, `${re.flags.replace('g', '')}d`).exec(s as string);
    if (!m) return 0;
    const span = m.indices?.[g === undefined ? 0 : (g as number)];
    return span ? cps((s as string).slice(0, span[0])).length + 1 : 0;
  },
  sql: (args, called) => withDefaults(args, called, 2, ['0']),
});

// Word and sentence breaks approximating java.text.BreakIterator for the default locale.
defRow('sentences', {
  args: [S, S, S],
  arity: [1, 3],
  ret: T.array(T.array(T.string, false), false),
  row: ([s]) =>
    (s as string)
      .split(/(?<=[.!?])\s+/u)
      .map((sentence) => sentence.match(/[\p{L}\p{N}][\p{L}\p{N}'_]*/gu) ?? [])
      .filter((words) => words.length > 0),
  sql: (args, called) => withDefaults(args, called, 1, ['', '']),
});

for (const [name, tolerant] of [
  ['to_binary', false],
  ['try_to_binary', true],
] as const) {
  defRow(name, {
    args: [S, S],
    arity: [1, 2],
    ret: T.binary,
    nullable: true,
    row: ([s, f]) => {
      const fmt = f === undefined ? 'hex' : (f as string).toLowerCase();
      const str = s as string;
      if (fmt === 'utf-8' || fmt === 'utf8') return new TextEncoder().encode(str);
      if (fmt === 'base64') return new Uint8Array(Buffer.from(str, 'base64'));
      if (fmt === 'hex') {
        if (!/^[0-9a-fA-F]*$/.test(str)) {
          if (tolerant) return null;
          throw invalidParameterValue('BINARY_FORMAT', name, '`format`', `the input '${str}' is not a valid hex string.`);
        }
        return new Uint8Array(Buffer.from(str.length % 2 ? `0${str}` : str, 'hex'));
      }
      if (tolerant) return null;
      throw invalidParameterValue('BINARY_FORMAT', name, '`format`', `expects one of binary formats 'base64', 'hex', 'utf-8', but got '${f as string}'.`);
    },
  });
}
