import { cqlSyntaxError } from './cql-syntax-error';
import { ParserLimits } from './parser-limits';
import { TokenKind } from './token';
import type { Token } from './token';

// Character codes the scanner dispatches on (charCodeAt comparisons, no regex per char).
const NL = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const DQUOTE = 34;
const DOLLAR = 36;
const SQUOTE = 39;
const STAR = 42;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const EQ = 61;
const LT = 60;
const GT = 62;
const BANG = 33;
const UPPER_P = 80;
const UNDERSCORE = 95;
const MICRO = 0xb5;

/** Single-character punctuation. `-`, `+`, `.`, `<`, `>`, `!` are handled apart. */
const SINGLE_PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ';', ':', '=', '*', '%', '/']);

/** ISO 8601 durations (Cassandra's DURATION rule); only tried on words starting with `P`. */
const ISO_DURATION =
  /^-?P(?:\d+W|(?:\d+Y(?:\d+M)?(?:\d+D)?|\d+M(?:\d+D)?|\d+D)(?:T(?:\d+H(?:\d+M)?(?:\d+S)?|\d+M(?:\d+S)?|\d+S))?|T(?:\d+H(?:\d+M)?(?:\d+S)?|\d+M(?:\d+S)?|\d+S))$/;
/** ISO 8601 "alternative format", `P0001-02-03T04:05:06` (at most 21 characters with its sign). */
const ISO_ALT_DURATION = /^-?P\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;
const ISO_ALT_DURATION_MAX_LENGTH = 21;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 122;
}

function isIdentChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === UNDERSCORE;
}

function isHexDigit(c: number): boolean {
  const l = c | 0x20;
  return isDigit(c) || (l >= 97 && l <= 102);
}

/** Lower-cased letter code (only meaningful for ASCII letters). */
function lower(c: number): number {
  return c | 0x20;
}

/**
 * Splits a CQL statement into tokens (ending with an `Eof` token). Pure and
 * allocation-light: one object per token, strings only for token texts. Throws
 * `CQL_SYNTAX` with a `line L:C` position on a character that starts no token, an
 * unterminated string, quoted name or comment, or a malformed number.
 */
export function tokenizeCql(source: string): Token[] {
  if (source.length > ParserLimits.MAX_STATEMENT_LENGTH) {
    throw cqlSyntaxError(1, 0, `statement too long: ${source.length} characters, the limit is ${ParserLimits.MAX_STATEMENT_LENGTH}`);
  }
  return new Lexer(source).run();
}

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private readonly tokens: Token[] = [];
  /** Line and column of the multi-line token being scanned (strings, quoted names). */
  private pendingLine = 0;
  private pendingColumn = 0;

  constructor(private readonly src: string) {}

  run(): Token[] {
    const src = this.src;
    while (this.skipBlanksAndComments()) {
      const c = src.charCodeAt(this.pos);
      if (isLetter(c)) this.word();
      else if (isDigit(c)) this.numberLike();
      else if (c === SQUOTE) this.quotedString();
      else if (c === DQUOTE) this.quotedName();
      else if (c === DOLLAR && src.charCodeAt(this.pos + 1) === DOLLAR) this.dollarString();
      else if (c === MINUS) this.minus();
      else this.punct(c);
    }
    this.tokens.push(this.make(TokenKind.Eof, '', this.pos, this.pos));
    return this.tokens;
  }

  private make(kind: TokenKind, text: string, start: number, end: number): Token {
    return { kind, text, start, end, line: this.line, column: start - this.lineStart };
  }

  private push(kind: TokenKind, text: string, start: number): void {
    this.tokens.push(this.make(kind, text, start, this.pos));
  }

  private fail(at: number, detail: string): never {
    throw cqlSyntaxError(this.line, at - this.lineStart, detail);
  }

  /** Records the line breaks in src[from, to) so later positions are right. */
  private countLines(from: number, to: number): void {
    let i = this.src.indexOf('\n', from);
    while (i !== -1 && i < to) {
      this.line++;
      this.lineStart = i + 1;
      i = this.src.indexOf('\n', i + 1);
    }
  }

  /** Skips whitespace and comments; returns false at the end of the input. */
  private skipBlanksAndComments(): boolean {
    const src = this.src;
    for (;;) {
      if (this.pos >= src.length) return false;
      const c = src.charCodeAt(this.pos);
      if (c === SPACE || c === TAB || c === CR) {
        this.pos++;
      } else if (c === NL) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if ((c === MINUS && src.charCodeAt(this.pos + 1) === MINUS) || (c === SLASH && src.charCodeAt(this.pos + 1) === SLASH)) {
        const eol = src.indexOf('\n', this.pos);
        this.pos = eol === -1 ? src.length : eol;
      } else if (c === SLASH && src.charCodeAt(this.pos + 1) === STAR) {
        const close = src.indexOf('*/', this.pos + 2);
        if (close === -1) this.fail(this.pos, 'unterminated comment: missing */');
        this.countLines(this.pos, close);
        this.pos = close + 2;
      } else {
        return true;
      }
    }
  }

  /** An identifier or keyword, or a literal spelled with letters (booleans, NaN, UUIDs, ISO durations). */
  private word(): void {
    const src = this.src;
    const start = this.pos;
    if (this.tryUuid()) return;
    let end = start + 1;
    while (end < src.length && isIdentChar(src.charCodeAt(end))) end++;
    const raw = src.slice(start, end);
    if (src.charCodeAt(start) === UPPER_P && this.tryIsoDuration(start, raw)) return;
    this.pos = end;
    const text = raw.toLowerCase();
    if (text === 'true' || text === 'false') this.push(TokenKind.Boolean, text, start);
    else if (text === 'nan' || text === 'infinity') this.push(TokenKind.Float, raw, start);
    else this.push(TokenKind.Word, text, start);
  }

  /**
   * `P…` / `-P…` ISO 8601 durations, which are spelled like identifiers; `word` is the
   * identifier-shaped text at `start` (with its `-`, if any).
   */
  private tryIsoDuration(start: number, word: string): boolean {
    const alternative = ISO_ALT_DURATION.exec(this.src.slice(start, start + ISO_ALT_DURATION_MAX_LENGTH));
    if (alternative !== null && !isIdentChar(this.src.charCodeAt(start + alternative[0].length))) {
      this.pos = start + alternative[0].length;
    } else if (ISO_DURATION.test(word)) {
      this.pos = start + word.length;
    } else {
      return false;
    }
    this.push(TokenKind.Duration, this.src.slice(start, this.pos), start);
    return true;
  }

  /** An unquoted UUID (8-4-4-4-12 hex digits) at the current position. */
  private tryUuid(): boolean {
    const src = this.src;
    const start = this.pos;
    if (start + 36 > src.length) return false;
    if (src.charCodeAt(start + 8) !== MINUS || src.charCodeAt(start + 13) !== MINUS) return false;
    if (src.charCodeAt(start + 18) !== MINUS || src.charCodeAt(start + 23) !== MINUS) return false;
    for (let i = 0; i < 36; i++) {
      if (i === 8 || i === 13 || i === 18 || i === 23) continue;
      if (!isHexDigit(src.charCodeAt(start + i))) return false;
    }
    if (isIdentChar(src.charCodeAt(start + 36))) return false;
    this.pos = start + 36;
    this.push(TokenKind.Uuid, src.slice(start, this.pos), start);
    return true;
  }

  /** A token starting with a digit: UUID, hex blob, integer, float or duration. */
  private numberLike(): void {
    const src = this.src;
    const start = this.pos;
    if (this.tryUuid()) return;
    if (src.charCodeAt(start) === ZERO && lower(src.charCodeAt(start + 1)) === 120 /* x */) {
      let end = start + 2;
      while (end < src.length && isHexDigit(src.charCodeAt(end))) end++;
      if (isIdentChar(src.charCodeAt(end))) this.badNumber(start, end);
      this.pos = end;
      this.push(TokenKind.Hex, src.slice(start, end), start);
      return;
    }
    this.number(start, start);
  }

  /** `-` starts a negative number, `-NaN`, `-Infinity`, a negative ISO duration, `-=` or is an operator. */
  private minus(): void {
    const src = this.src;
    const start = this.pos;
    const next = src.charCodeAt(start + 1);
    if (isDigit(next)) {
      this.number(start, start + 1);
      return;
    }
    if (isLetter(next)) {
      let end = start + 2;
      while (end < src.length && isIdentChar(src.charCodeAt(end))) end++;
      const raw = src.slice(start, end);
      const word = raw.toLowerCase();
      if (word === '-nan' || word === '-infinity') {
        this.pos = end;
        this.push(TokenKind.Float, raw, start);
        return;
      }
      if (next === UPPER_P && this.tryIsoDuration(start, raw)) return;
    }
    if (next === EQ) {
      this.pos = start + 2;
      this.push(TokenKind.Punct, '-=', start);
      return;
    }
    this.pos = start + 1;
    this.push(TokenKind.Punct, '-', start);
  }

  /** Integer, float (fraction and/or exponent) or unit duration (`1h30m`), digits at `digitsAt`. */
  private number(start: number, digitsAt: number): void {
    const src = this.src;
    let end = digitsAt;
    while (end < src.length && isDigit(src.charCodeAt(end))) end++;
    let kind: TokenKind = TokenKind.Integer;
    const c = src.charCodeAt(end);
    if (c === DOT && src.charCodeAt(end + 1) !== DOT) {
      // `1.` and `1.5` are floats; `1..3` is an integer followed by the range operator.
      kind = TokenKind.Float;
      end++;
      while (end < src.length && isDigit(src.charCodeAt(end))) end++;
      end = this.exponent(end);
    } else if (lower(c) === 101 /* e */) {
      const afterExponent = this.exponent(end);
      if (afterExponent !== end) kind = TokenKind.Float;
      end = afterExponent;
    } else if (isLetter(c) || c === MICRO) {
      const durationEnd = this.durationUnits(end);
      if (durationEnd !== -1) {
        kind = TokenKind.Duration;
        end = durationEnd;
      }
    }
    if (isIdentChar(src.charCodeAt(end)) || src.charCodeAt(end) === MICRO) this.badNumber(start, end);
    this.pos = end;
    this.push(kind, src.slice(start, end), start);
  }

  /** Consumes `e[+-]digits` at `at` if present; returns the new end. */
  private exponent(at: number): number {
    const src = this.src;
    if (lower(src.charCodeAt(at)) !== 101) return at;
    let i = at + 1;
    const sign = src.charCodeAt(i);
    if (sign === PLUS || sign === MINUS) i++;
    if (!isDigit(src.charCodeAt(i))) return at;
    while (i < src.length && isDigit(src.charCodeAt(i))) i++;
    return i;
  }

  /**
   * After the leading digits of a duration: `unit (digits unit)*`, units y, mo, w, d, h,
   * m, s, ms, us, µs, ns (any case). Returns the end, or -1 when this is no duration.
   */
  private durationUnits(at: number): number {
    const src = this.src;
    let i = at;
    for (;;) {
      const unitEnd = this.unit(i);
      if (unitEnd === -1) return -1;
      i = unitEnd;
      if (!isDigit(src.charCodeAt(i))) return i;
      while (i < src.length && isDigit(src.charCodeAt(i))) i++;
    }
  }

  private unit(at: number): number {
    const src = this.src;
    const c = src.charCodeAt(at);
    const n = lower(src.charCodeAt(at + 1));
    switch (c === MICRO ? c : lower(c)) {
      case 121 /* y */:
      case 119 /* w */:
      case 100 /* d */:
      case 104 /* h */:
      case 115 /* s */:
        return at + 1;
      case 109 /* m */:
        return n === 111 /* o */ || n === 115 /* s */ ? at + 2 : at + 1;
      case 117 /* u */:
      case 110 /* n */:
      case MICRO:
        return n === 115 ? at + 2 : -1;
      default:
        return -1;
    }
  }

  private badNumber(start: number, end: number): never {
    let stop = end;
    while (stop < this.src.length && isIdentChar(this.src.charCodeAt(stop))) stop++;
    this.fail(start, `invalid number '${this.src.slice(start, stop)}'`);
  }

  /** `'…'` with `''` standing for one quote. */
  private quotedString(): void {
    const start = this.pos;
    this.pushPending(TokenKind.String, this.delimited(SQUOTE, "'", 'string literal'), start);
  }

  /** `"…"` with `""` standing for one quote; case is kept. */
  private quotedName(): void {
    const start = this.pos;
    const name = this.delimited(DQUOTE, '"', 'quoted identifier');
    if (name.length === 0) throw cqlSyntaxError(this.pendingLine, this.pendingColumn, 'empty quoted identifier ""');
    this.pushPending(TokenKind.QuotedName, name, start);
  }

  /**
   * Scans a `q…q` token with a doubled `q` as the escape and returns its content. The
   * token may span lines: its own position is saved in `pending*` before the line
   * counters move past it.
   */
  private delimited(q: number, quote: string, what: string): string {
    const src = this.src;
    const start = this.pos;
    this.pendingLine = this.line;
    this.pendingColumn = start - this.lineStart;
    let text = '';
    let from = start + 1;
    for (;;) {
      const close = src.indexOf(quote, from);
      if (close === -1) throw cqlSyntaxError(this.pendingLine, this.pendingColumn, `unterminated ${what}: missing closing ${quote}`);
      text += src.slice(from, close);
      if (src.charCodeAt(close + 1) !== q) {
        this.pos = close + 1;
        break;
      }
      text += quote;
      from = close + 2;
    }
    this.countLines(start, this.pos);
    return text;
  }

  /** `$$…$$`: no escapes, may span lines. */
  private dollarString(): void {
    const src = this.src;
    const start = this.pos;
    const close = src.indexOf('$$', start + 2);
    if (close === -1) this.fail(start, 'unterminated string literal: missing closing $$');
    this.pendingLine = this.line;
    this.pendingColumn = start - this.lineStart;
    this.countLines(start, close);
    this.pos = close + 2;
    this.pushPending(TokenKind.String, src.slice(start + 2, close), start);
  }

  private pushPending(kind: TokenKind, text: string, start: number): void {
    this.tokens.push({ kind, text, start, end: this.pos, line: this.pendingLine, column: this.pendingColumn });
  }

  private punct(c: number): void {
    const src = this.src;
    const start = this.pos;
    const next = src.charCodeAt(start + 1);
    let text: string;
    if (c === DOT) text = next === DOT ? '..' : '.';
    else if (c === LT) text = next === EQ ? '<=' : '<';
    else if (c === GT) text = next === EQ ? '>=' : '>';
    else if (c === PLUS) text = next === EQ ? '+=' : '+';
    else if (c === BANG && next === EQ) text = '!=';
    else if (c === 63 /* ? */) {
      this.pos++;
      this.push(TokenKind.QMark, '?', start);
      return;
    } else {
      text = src[start]!;
      if (!SINGLE_PUNCT.has(text)) {
        const ch = String.fromCodePoint(src.codePointAt(start)!);
        this.fail(start, `no viable alternative at character '${ch}'`);
      }
    }
    this.pos += text.length;
    this.push(TokenKind.Punct, text, start);
  }
}
