/**
 * Number formatting functions: to_number/try_to_number and to_char/to_varchar over Spark's number
 * format strings (`$99,999.99S`, `000D00`, `PR`), and format_number with Java DecimalFormat rounding.
 */
import type { DataType } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, isNumeric } from '../../plan/type-utils.js';
import { formatDecimal, parseDecimal } from '../decimal.js';
import { castTo } from './coercion.js';
import { formatMismatch, invalidNumberFormat } from './fn-errors.js';
import { callSql, coerceArgs } from './helpers.js';
import { type ResolveContext, dataTypeMismatch, lookupFunction, register, unexpectedInputType } from './registry.js';

type Digits = { k: 'digits'; n: number; exact: boolean };
type Tok =
  | Digits
  | { k: 'point' }
  | { k: 'comma' }
  | { k: 'dollar' }
  | { k: 'sign' }
  | { k: 'minus' }
  | { k: 'open' }
  | { k: 'close' }
  | { k: 'bad'; c: string }
  /** Consecutive digit runs and thousands separators, left to right. */
  | { k: 'group'; toks: (Digits | { k: 'comma' })[]; digits: Digits[] };

const TOKEN_NAMES: Record<string, string> = { point: '. or D', sign: 'S', minus: 'MI', dollar: '$', open: 'PR', close: 'PR', group: 'digit sequence' };

/** A parsed number format: its tokens and the decimal type it describes. */
export class NumberFormat {
  readonly tokens: Tok[];
  readonly precision: number;
  readonly scale: number;

  constructor(readonly pattern: string) {
    const raw: Tok[] = [];
    let afterPoint = false;
    for (let i = 0; i < pattern.length; ) {
      const c = pattern[i]!;
      if (c === '0' || c === '9') {
        const start = i;
        do i++;
        while (i < pattern.length && (pattern[i] === '0' || pattern[i] === '9'));
        raw.push({ k: 'digits', n: i - start, exact: c === '0' && !afterPoint });
        continue;
      }
      i++;
      if (c === '.' || c === 'D') {
        raw.push({ k: 'point' });
        afterPoint = true;
      } else if (c === ',' || c === 'G') raw.push({ k: 'comma' });
      else if (c === '$') raw.push({ k: 'dollar' });
      else if (c === 'S') raw.push({ k: 'sign' });
      else if (c === 'M' && pattern[i] === 'I') {
        raw.push({ k: 'minus' });
        i++;
      } else if (c === 'P' && pattern[i] === 'R') {
        raw.unshift({ k: 'open' });
        raw.push({ k: 'close' });
        i++;
      } else raw.push({ k: 'bad', c });
    }
    const toks: Tok[] = [];
    let group: (Digits | { k: 'comma' })[] = [];
    const flush = () => {
      if (group.length) toks.push({ k: 'group', toks: group, digits: group.filter((t): t is Digits => t.k === 'digits') });
      group = [];
    };
    for (const t of raw) {
      if (t.k === 'digits' || t.k === 'comma') group.push(t);
      else {
        flush();
        toks.push(t);
      }
    }
    flush();
    this.tokens = toks;
    const digitsIn = (ts: Tok[]) => ts.reduce((s, t) => s + (t.k === 'group' ? t.digits.reduce((a, d) => a + d.n, 0) : 0), 0);
    this.precision = digitsIn(toks);
    const p = toks.findIndex((t) => t.k === 'point');
    this.scale = p < 0 ? 0 : digitsIn(toks.slice(p));
  }

  get decimalType(): DataType {
    return T.decimal(this.precision, this.scale);
  }

  /** Spark's format-string validation; throws INVALID_FORMAT.* */
  validate(): void {
    const f = this.pattern;
    const toks = this.tokens;
    const fail = (sub: string, detail: string) => {
      throw invalidNumberFormat(sub, f, detail);
    };
    if (f === '') fail('EMPTY', 'The number format string cannot be empty.');
    if (!toks.some((t) => t.k === 'group')) fail('WRONG_NUM_DIGIT', 'The format string requires at least one number digit.');
    const firstDollar = toks.findIndex((t) => t.k === 'dollar');
    const firstDigit = toks.findIndex((t) => t.k === 'group');
    const firstPoint = toks.findIndex((t) => t.k === 'point');
    if (firstDigit < firstDollar) fail('CUR_MUST_BEFORE_DIGIT', "Currency characters must appear before digits in the number format.");
    if (firstPoint !== -1 && firstPoint < firstDollar) fail('CUR_MUST_BEFORE_DEC', 'Currency characters must appear before any decimal point in the number format.');
    toks.forEach((t, i) => {
      if (t.k !== 'group') return;
      const before = firstPoint === -1 || i < firstPoint;
      if (before) {
        const g = t.toks;
        g.forEach((x, j) => {
          if (x.k === 'comma' && (j === 0 || j === g.length - 1 || g[j - 1]!.k === 'comma' || g[j + 1]!.k === 'comma'))
            fail('CONT_THOUSANDS_SEPS', 'Thousands separators (, or G) must have digits in between them in the number format.');
        });
      } else if (t.toks.length > t.digits.length)
        fail('THOUSANDS_SEPS_MUST_BEFORE_DEC', 'Thousands separators (, or G) may not appear after the decimal point in the number format.');
    });
    for (const k of ['point', 'sign', 'minus', 'dollar', 'close']) {
      if (toks.filter((t) => t.k === k).length > 1)
        fail('WRONG_NUM_TOKEN', `At most one ${TOKEN_NAMES[k]} is allowed in the number format.`);
    }
    // [ PR ] [ MI | S ] [ $ ] [ digits ] [ . | D ] [ digits ] [ $ ] [ PR | MI | S ]
    const order: string[][] = [['open'], ['minus', 'sign'], ['dollar'], ['group'], ['point'], ['group'], ['dollar'], ['minus', 'sign', 'close']];
    let i = 0;
    for (const allowed of order) if (i < toks.length && allowed.includes(toks[i]!.k)) i++;
    if (i < toks.length) {
      const t = toks[i]!;
      const name = t.k === 'bad' ? `character '${t.c}''` : (TOKEN_NAMES[t.k] ?? t.k);
      fail('UNEXPECTED_TOKEN', `Found the unexpected ${name} in the format string; the structure of the valid format is [MI|S] [$] [0|9|G|,]* [.|D] [0|9]* [$] [PR|MI|S].`);
    }
  }

  /** Parses `input`; null when it does not match the format. Returns [unscaled, scale=this.scale]. */
  parse(input: string): bigint | null {
    let before = '';
    let after = '';
    let reachedPoint = false;
    let opened = false;
    let closed = false;
    let negate = false;
    let idx = 0;
    for (const t of this.tokens) {
      const ch = idx < input.length ? input[idx] : undefined;
      switch (t.k) {
        case 'group': {
          const sizes: number[] = [];
          let cur = 0;
          for (;;) {
            if (idx >= input.length) {
              sizes.unshift(cur);
              break;
            }
            const c = input[idx]!;
            if (/\s/.test(c)) idx++;
            else if (c >= '0' && c <= '9') {
              cur++;
              if (reachedPoint) after += c;
              else before += c;
              idx++;
            } else if (c === ',') {
              sizes.unshift(cur);
              cur = 0;
              idx++;
            } else {
              sizes.unshift(cur);
              break;
            }
          }
          const expected = [...t.digits].reverse();
          if (sizes.length > expected.length) return null;
          for (let i = 0; i < expected.length; i++) {
            const got = sizes[i] ?? 0;
            const e = expected[i]!;
            if (e.exact ? got !== e.n : got > e.n) return null;
          }
          break;
        }
        case 'point':
          if (ch === '.') {
            reachedPoint = true;
            idx++;
          }
          break;
        case 'dollar':
          if (ch !== undefined) {
            if (ch !== '$') return null;
            idx++;
          }
          break;
        case 'sign':
          if (ch === '+') idx++;
          else if (ch === '-') {
            negate = !negate;
            idx++;
          }
          break;
        case 'minus':
          if (ch === '-') {
            negate = !negate;
            idx++;
          }
          break;
        case 'open':
          if (ch === '<') {
            if (opened) return null;
            opened = true;
            idx++;
          }
          break;
        case 'close':
          if (ch === '>') {
            if (!opened) return null;
            closed = true;
            negate = !negate;
            idx++;
          }
          break;
        default:
          break;
      }
    }
    if (idx < input.length || opened !== closed || (before === '' && after === '')) return null;
    const unscaled = BigInt((before || '0') + after.padEnd(this.scale, '0'));
    return negate ? -unscaled : unscaled;
  }

  /** Formats a decimal value; null when its digits do not fit (never in practice: overflow shows as #). */
  render(unscaled: bigint, scale: number): string | null {
    const negative = unscaled < 0n;
    const plain = formatDecimal(negative ? -unscaled : unscaled, scale);
    const [intText, fracText = ''] = plain.split('.');
    let before = intText!.replace(/^0+/, '');
    let after = fracText.replace(/0+$/, '');
    let digitsBefore = 0;
    let digitsAfter = 0;
    let seenPoint = false;
    for (const t of this.tokens) {
      if (t.k === 'point') seenPoint = true;
      if (t.k !== 'group') continue;
      const n = t.digits.reduce((a, d) => a + d.n, 0);
      if (seenPoint) digitsAfter += n;
      else digitsBefore += n;
    }
    if (digitsBefore < before.length || digitsAfter < after.length) {
      before = '#'.repeat(digitsBefore);
      after = '#'.repeat(digitsAfter);
    }
    before = ' '.repeat(digitsBefore - before.length) + before;
    after = after + '0'.repeat(digitsAfter - after.length);
    const out: string[] = [];
    let bi = 0;
    let ai = 0;
    let reachedPoint = false;
    const last = () => out[out.length - 1];
    // Appends `c`, moving it left past any padding spaces so signs hug the digits.
    const addHugging = (c: string) => {
      out.push(c);
      for (let i = out.length - 1; i >= 1 && out[i - 1] === ' ' && out[i] === c; i--) {
        out[i] = ' ';
        out[i - 1] = c;
      }
    };
    // Appends a padding space, moving it left of a sign or bracket that precedes it.
    const addSpace = () => {
      out.push(' ');
      for (let i = out.length - 1; i >= 1 && (out[i - 1] === '+' || out[i - 1] === '-' || out[i - 1] === '<') && out[i] === ' '; i--) {
        out[i] = out[i - 1]!;
        out[i - 1] = ' ';
      }
    };
    const stripLonePoint = () => {
      const i = out.indexOf('.');
      if (i !== -1 && (i === out.length - 1 || out[i + 1] === ' ')) out[i] = ' ';
    };
    for (const t of this.tokens) {
      switch (t.k) {
        case 'group':
          for (const g of t.toks) {
            if (g.k === 'comma') {
              if (out.length && /[0-9]/.test(last()!)) out.push(',');
              else addSpace();
            } else if (!reachedPoint) {
              for (let i = 0; i < g.n; i++) {
                const c = before[bi++]!;
                if (c === ' ' && g.exact) out.push('0');
                else if (c === ' ') addSpace();
                else out.push(c);
              }
            } else for (let i = 0; i < g.n; i++) out.push(after[ai++]!);
          }
          break;
        case 'point':
          if (out.length && last() === ' ') out[out.length - 1] = '0';
          out.push('.');
          reachedPoint = true;
          break;
        case 'dollar':
          out.push('$');
          break;
        case 'sign':
          stripLonePoint();
          addHugging(negative ? '-' : '+');
          break;
        case 'minus':
          if (negative) {
            stripLonePoint();
            addHugging('-');
          } else out.push(' ');
          break;
        case 'open':
          if (negative) out.push('<');
          break;
        case 'close':
          stripLonePoint();
          if (negative) addHugging('>');
          else out.push(' ', ' ');
          break;
        default:
          break;
      }
    }
    if (bi < before.length || ai < after.length) return null;
    stripLonePoint();
    const s = out.join('');
    return s === '' || s === '+' || s === '-' ? '0' : s;
  }
}

/** The format argument of to_number/to_char: a constant string, parsed and validated once. */
function constantFormat(fmt: RExpr, fnSql: string): NumberFormat | null {
  if (fmt.k !== 'lit') throw dataTypeMismatch('NON_FOLDABLE_INPUT', fnSql, `the input format should be a foldable "STRING" expression; however, got "${fmt.sql}".`);
  if (fmt.value === null) return null;
  const nf = new NumberFormat(String(fmt.value).toUpperCase());
  nf.validate();
  return nf;
}

for (const [name, tolerant] of [
  ['to_number', false],
  ['try_to_number', true],
] as const) {
  register({
    name,
    arity: [2, 2],
    resolve(args, ctx, called) {
      const fnSql = callSql(called, args);
      const coerced = coerceArgs(called, args, ['string', 'string'], ctx);
      const nf = constantFormat(coerced[1]!, fnSql);
      return { args: coerced, type: nf ? nf.decimalType : T.decimal(38, 18), nullable: true, opts: { nf } };
    },
    row([s], _ctx, node) {
      const nf = node.opts?.nf as NumberFormat | null;
      if (!nf) return null;
      const v = nf.parse(s as string);
      if (v === null && !tolerant) throw formatMismatch('"STRING"', s as string, nf.pattern);
      return v;
    },
  });
}

/** [unscaled, scale] of a numeric value: exact for integers and decimals, Java-repr digits for doubles. */
function decimalOf(t: DataType, v: unknown): [bigint, number] | null {
  if (t.type === 'decimal') return [BigInt(v as bigint), t.scale];
  if (typeof v === 'bigint') return [v, 0];
  if (t.type === 'float' || t.type === 'double') return Number.isFinite(v as number) ? parseDecimal(String(v)) : null;
  return [BigInt(v as number), 0];
}

function binaryFormat(f: string): 'base64' | 'hex' | 'utf-8' | undefined {
  const x = f.toLowerCase();
  return x === 'base64' ? 'base64' : x === 'hex' ? 'hex' : x === 'utf-8' || x === 'utf8' ? 'utf-8' : undefined;
}

function resolveToChar(args: RExpr[], ctx: ResolveContext, called: string) {
  const [v, fmt] = args as [RExpr, RExpr];
  const vt = v.type.type;
  const fnSql = callSql(called, args);
  if (vt === 'date' || vt === 'timestamp' || vt === 'timestamp_ntz') {
    const df = lookupFunction('date_format')!;
    const r = df.resolve(args, ctx, 'date_format');
    return { ...r, opts: { ...r.opts, mode: 'datetime' }, sql: callSql('date_format', args) };
  }
  if (vt === 'binary') {
    if (fmt.k !== 'lit' || fmt.value === null) throw dataTypeMismatch('NON_FOLDABLE_INPUT', fnSql, `the input format should be a foldable "STRING" expression; however, got "${fmt.sql}".`);
    const bf = binaryFormat(String(fmt.value));
    if (!bf)
      throw dataTypeMismatch('INVALID_ARG_VALUE', fnSql, `The format must be a case-insensitive string literal of 'base64', 'hex', 'utf-8', but got '${String(fmt.value)}'.`);
    // Spark rewrites to base64()/hex()/decode(); to_varchar keeps its own name.
    const sql = called === 'to_varchar' ? `to_varchar(${v.sql})` : bf === 'base64' ? `base64(${v.sql})` : bf === 'hex' ? `hex(${v.sql})` : `decode(${v.sql}, ${fmt.sql})`;
    return { args: [v], type: T.string, nullable: v.nullable, opts: { mode: bf }, sql };
  }
  let num = v;
  if (vt === 'string' || vt === 'null') num = castTo(v, T.decimal(38, 18), ctx);
  else if (!isNumeric(v.type)) throw unexpectedInputType(fnSql, 0, '"DECIMAL"', v);
  const [, f] = coerceArgs(called, [num, fmt], ['any', 'string'], ctx);
  const nf = constantFormat(f!, fnSql);
  return { args: [num, f!], type: T.string, nullable: true, opts: { mode: 'number', nf }, sql: callSql('to_char', args) };
}

register(
  {
    name: 'to_char',
    arity: [2, 2],
    resolve: resolveToChar,
    row(vals, ctx, node) {
      const mode = node.opts?.mode;
      if (mode === 'datetime') return lookupFunction('date_format')!.row!(vals, ctx, node);
      const v = vals[0];
      if (mode === 'base64') return Buffer.from(v as Uint8Array).toString('base64');
      if (mode === 'hex') return Buffer.from(v as Uint8Array).toString('hex').toUpperCase();
      if (mode === 'utf-8') return new TextDecoder().decode(v as Uint8Array);
      const nf = node.opts?.nf as NumberFormat | null;
      const d = decimalOf(node.args[0]!.type, v);
      if (!nf || !d) return null;
      const out = nf.render(d[0], d[1]);
      if (out === null) throw formatMismatch(`"DECIMAL"`, formatDecimal(d[0], d[1]), nf.pattern);
      return out;
    },
  },
  'to_varchar',
);

// format_number(x, d | pattern): Java DecimalFormat with HALF_EVEN rounding.
interface DecimalPattern {
  minInt: number;
  minFrac: number;
  maxFrac: number;
  grouping: number;
}
function decimalPattern(p: string): DecimalPattern {
  const [intPart = '', fracPart = ''] = p.split('.');
  const digits = intPart.replace(/[^#0,]/g, '');
  const lastComma = digits.lastIndexOf(',');
  return {
    minInt: (digits.match(/0/g) ?? []).length,
    minFrac: (fracPart.match(/0/g) ?? []).length,
    maxFrac: (fracPart.match(/[0#]/g) ?? []).length,
    grouping: lastComma < 0 ? 0 : digits.length - lastComma - 1,
  };
}
/** Exact decimal expansion of a double (what java.text.DecimalFormat rounds). */
function exactDouble(x: number): [bigint, number] {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp !== 0) mant |= 1n << 52n;
  const e = (exp === 0 ? 1 : exp) - 1075;
  const sign = bits >> 63n ? -1n : 1n;
  if (e >= 0) return [sign * (mant << BigInt(e)), 0];
  return [sign * mant * 5n ** BigInt(-e), -e];
}
function roundHalfEven(unscaled: bigint, scale: number, to: number): bigint {
  if (to >= scale) return unscaled * 10n ** BigInt(to - scale);
  const div = 10n ** BigInt(scale - to);
  const neg = unscaled < 0n;
  const a = neg ? -unscaled : unscaled;
  let q = a / div;
  const r = a % div;
  if (r * 2n > div || (r * 2n === div && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}
function formatWithPattern(u: bigint, scale: number, p: DecimalPattern): string {
  let r = roundHalfEven(u, scale, p.maxFrac);
  const neg = r < 0n;
  if (neg) r = -r;
  let text = formatDecimal(r, p.maxFrac);
  let [ip = '', fp = ''] = text.split('.');
  while (fp.length > p.minFrac && fp.endsWith('0')) fp = fp.slice(0, -1);
  ip = ip.replace(/^0+/, '').padStart(p.minInt, '0');
  if (p.grouping > 0) ip = ip.replace(new RegExp(`\\B(?=(\\d{${p.grouping}})+(?!\\d))`, 'g'), ',');
  text = fp ? `${ip}.${fp}` : ip;
  if (text === '') text = '0';
  return (neg && /[1-9]/.test(text) ? '-' : '') + text;
}
register({
  name: 'format_number',
  arity: [2, 2],
  resolve(args, ctx, called) {
    const fnSql = callSql(called, args);
    const x = args[0]!;
    if (!isNumeric(x.type) && x.type.type !== 'null') throw unexpectedInputType(fnSql, 0, '"NUMERIC"', x);
    const d = args[1]!;
    const dArg = d.type.type === 'string' ? d : coerceArgs(called, [d], [T.int], ctx)[0]!;
    const xArg = x.type.type === 'null' ? castTo(x, T.double, ctx) : x;
    return { args: [xArg, dArg], type: T.string, nullable: true };
  },
  row([x, d], _ctx, node) {
    let p: DecimalPattern;
    if (typeof d === 'string') p = d === '' ? decimalPattern('#,###,###,###,###,###,##0') : decimalPattern(d);
    else {
      if ((d as number) < 0) return null;
      p = { minInt: 1, minFrac: d as number, maxFrac: d as number, grouping: 3 };
    }
    const t = node.args[0]!.type;
    if ((t.type === 'double' || t.type === 'float') && !Number.isFinite(x as number)) return Number.isNaN(x) ? 'NaN' : (x as number) > 0 ? '∞' : '-∞';
    const [u, s] = t.type === 'double' || t.type === 'float' ? exactDouble(x as number) : decimalOf(t, x)!;
    return formatWithPattern(u, s, p);
  },
});
