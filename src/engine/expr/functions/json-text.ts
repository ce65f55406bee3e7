/**
 * A JSON reader/writer shaped like Jackson as Spark configures it: numbers keep their source text
 * (so `1.0`, big integers and decimals survive), objects keep key order and duplicates, single-quoted
 * strings are accepted, and output is compact with Jackson's escaping.
 */

export interface JNum {
  num: string;
}
export interface JObj {
  entries: [string, JVal][];
}
export type JVal = null | boolean | string | JNum | JVal[] | JObj;

export const isNum = (v: JVal): v is JNum => typeof v === 'object' && v !== null && 'num' in v;
export const isObj = (v: JVal): v is JObj => typeof v === 'object' && v !== null && 'entries' in v;

export interface JsonReadOptions {
  allowNumericLeadingZeros?: boolean;
  allowSingleQuotes?: boolean;
  allowNonNumericNumbers?: boolean;
}

class Reader {
  i = 0;
  constructor(
    readonly s: string,
    readonly o: JsonReadOptions,
  ) {}

  fail(): never {
    throw new SyntaxError(`malformed JSON at ${this.i}`);
  }

  ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  value(): JVal {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || (c === "'" && this.o.allowSingleQuotes !== false)) return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    if (this.o.allowNonNumericNumbers !== false) {
      for (const word of ['NaN', 'Infinity', '+Infinity', '-Infinity']) {
        if (this.s.startsWith(word, this.i)) {
          this.i += word.length;
          return { num: word };
        }
      }
    }
    return this.fail();
  }

  object(): JObj {
    this.i++;
    const entries: [string, JVal][] = [];
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { entries };
    }
    for (;;) {
      this.ws();
      const q = this.s[this.i];
      if (q !== '"' && !(q === "'" && this.o.allowSingleQuotes !== false)) this.fail();
      const k = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail();
      this.i++;
      entries.push([k, this.value()]);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return { entries };
      if (c !== ',') this.fail();
    }
  }

  array(): JVal[] {
    this.i++;
    const out: JVal[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail();
    }
  }

  string(): string {
    const quote = this.s[this.i++];
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) this.fail();
      if (c === quote) return out;
      if (c === '\\') {
        const e = this.s[this.i++];
        const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === 'u') {
          const h = this.s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail();
          out += String.fromCharCode(Number.parseInt(h, 16));
          this.i += 4;
        } else if (e !== undefined && simple[e] !== undefined) out += simple[e];
        else this.fail();
      } else if (c < ' ') this.fail();
      else out += c;
    }
  }

  number(): JNum {
    const m = /^-?(\d+)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i));
    if (!m) this.fail();
    if (m[1]!.length > 1 && m[1]!.startsWith('0') && !this.o.allowNumericLeadingZeros) this.fail();
    this.i += m[0].length;
    return { num: m[0] };
  }
}

/** Parses one JSON value (trailing text is ignored, as Jackson's first-token read does); throws SyntaxError. */
export function readJson(s: string, o: JsonReadOptions = {}): JVal {
  const r = new Reader(s, o);
  const v = r.value();
  return v;
}

/** The value, or undefined when the text is not JSON. */
export function tryReadJson(s: string, o: JsonReadOptions = {}): JVal | undefined {
  try {
    return readJson(s, o);
  } catch {
    return undefined;
  }
}

/** Jackson's string escaping: quotes, backslash and control characters only. */
export function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20) {
      const named: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
      out += named[c] ?? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

export function writeJson(v: JVal): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return jsonString(v);
  if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`;
  if (isNum(v)) return v.num;
  return `{${v.entries.map(([k, x]) => `${jsonString(k)}:${writeJson(x)}`).join(',')}}`;
}
