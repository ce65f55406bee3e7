/**
 * Token cursor shared by the recursive-descent parsers (data types → expressions → queries →
 * statements each extend the previous layer). Errors always point at the token where parsing
 * stopped, which is where Spark's ANTLR parser reports them in the common cases.
 */
import type { PerennialError } from '../../core/errors.js';
import { syntaxErrorAt } from './parse-error.js';
import { type Token, tokenize } from './tokenizer.js';

export class ParserBase {
  protected readonly toks: Token[];
  protected pos = 0;

  constructor(
    protected readonly sql: string,
    tokens?: Token[],
  ) {
    this.toks = tokens ?? tokenize(sql);
  }

  protected get tok(): Token {
    return this.toks[this.pos] as Token;
  }

  protected peek(k = 1): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)] as Token;
  }

  protected advance(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  protected atEnd(): boolean {
    return this.tok.kind === 'eof';
  }

  /** Unquoted word `kw` at offset k (keywords never match backticked identifiers). */
  protected isKw(kw: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && t.upper === kw;
  }

  protected isAnyKw(kws: readonly string[], k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && kws.includes(t.upper);
  }

  /** Consumes the keyword sequence when all of it is present. */
  protected acceptKw(...seq: string[]): boolean {
    for (let i = 0; i < seq.length; i++) if (!this.isKw(seq[i] as string, i)) return false;
    this.pos += seq.length;
    return true;
  }

  protected expectKw(...seq: string[]): void {
    for (const kw of seq) {
      if (!this.isKw(kw)) this.fail();
      this.pos++;
    }
  }

  protected isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === op;
  }

  protected acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  protected expectOp(op: string): void {
    if (!this.isOp(op)) this.fail();
    this.pos++;
  }

  protected syntaxError(t: Token = this.tok): PerennialError {
    return syntaxErrorAt(this.sql, t.start, t.text);
  }

  protected fail(t: Token = this.tok): never {
    throw this.syntaxError(t);
  }

  protected isIdentifier(k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' || t.kind === 'quotedIdent';
  }

  /** Any word or backticked name (keywords included: Spark's default mode reserves almost nothing). */
  protected identifier(): string {
    const t = this.tok;
    if (t.kind !== 'word' && t.kind !== 'quotedIdent') this.fail();
    this.pos++;
    return t.value;
  }

  protected multipartIdentifier(): string[] {
    const parts = [this.identifier()];
    while (this.isOp('.') && this.isIdentifier(1)) {
      this.pos++;
      parts.push(this.identifier());
    }
    return parts;
  }

  /** `(a, b, c)` */
  protected identifierList(): string[] {
    this.expectOp('(');
    const out = [this.identifier()];
    while (this.acceptOp(',')) out.push(this.identifier());
    this.expectOp(')');
    return out;
  }

  protected stringLiteral(): string {
    const t = this.tok;
    if (t.kind !== 'string') this.fail();
    let s = '';
    while (this.tok.kind === 'string') s += this.advance().value;
    return s;
  }

  /** Optional `;` then end of input. */
  protected expectEnd(): void {
    while (this.acceptOp(';')) {
      /* trailing semicolons */
    }
    if (!this.atEnd()) this.fail();
  }

  /** `>` that may be the first half of a `>>` / `>>>` token (nested `array<array<int>>`). */
  protected expectCloseAngle(): void {
    const t = this.tok;
    if (t.kind === 'op' && t.text === '>') {
      this.pos++;
      return;
    }
    if (t.kind === 'op' && (t.text === '>>' || t.text === '>>>')) {
      const rest = t.text.slice(1);
      this.toks[this.pos] = { ...t, text: rest, value: rest, upper: rest, start: t.start + 1 };
      return;
    }
    this.fail();
  }
}
