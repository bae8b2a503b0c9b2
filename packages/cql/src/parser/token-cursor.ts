import type { CharybdisError } from '@charybdis/core';
import type { BindMarker, BindMarkerInfo } from './ast-common';
import { cqlSyntaxError } from './cql-syntax-error';
import { isReservedKeyword } from './keywords';
import { ParserLimits } from './parser-limits';
import { TokenKind } from './token';
import type { Token } from './token';

/**
 * The parser's view of the token list: lookahead, keyword and punctuation matching with
 * Cassandra-style errors, bind marker numbering and the nesting-depth guard. The grammar
 * itself lives in the `parse-*.ts` functions, which all take a cursor. One cursor parses
 * one statement and is then dropped.
 */
export class TokenCursor {
  private pos = 0;
  private depth = 0;
  readonly markers: BindMarkerInfo[] = [];

  constructor(
    readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  /** The token `ahead` positions from the current one (the Eof token past the end). */
  peek(ahead = 0): Token {
    const i = this.pos + ahead;
    return this.tokens[i < this.tokens.length ? i : this.tokens.length - 1]!;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== TokenKind.Eof) this.pos++;
    return t;
  }

  /** The current position, for `sourceSince` (the tokens are never re-read). */
  mark(): number {
    return this.pos;
  }

  /** The source text from the token at `mark` up to the last consumed token. */
  sourceSince(mark: number): string {
    const first = this.tokens[mark]!;
    const last = this.tokens[this.pos - 1]!;
    return this.pos > mark ? this.source.slice(first.start, last.end) : '';
  }

  atWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === TokenKind.Word && t.text === word;
  }

  acceptWord(word: string): boolean {
    if (!this.atWord(word)) return false;
    this.pos++;
    return true;
  }

  expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.mismatched(`K_${word.toUpperCase()}`);
  }

  atPunct(symbol: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === TokenKind.Punct && t.text === symbol;
  }

  acceptPunct(symbol: string): boolean {
    if (!this.atPunct(symbol)) return false;
    this.pos++;
    return true;
  }

  expectPunct(symbol: string): void {
    if (!this.acceptPunct(symbol)) throw this.mismatched(`'${symbol}'`);
  }

  atKind(kind: TokenKind, ahead = 0): boolean {
    return this.peek(ahead).kind === kind;
  }

  /** True for a token usable as an identifier: a quoted name or a non-reserved word. */
  isIdentifier(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === TokenKind.QuotedName || (t.kind === TokenKind.Word && !isReservedKeyword(t.text));
  }

  /** Consumes an identifier (column, table, keyspace, field, …) and returns its normalised name. */
  identifier(): string {
    if (!this.isIdentifier()) throw this.noViable(this.peek(), true);
    return this.next().text;
  }

  /** `IF NOT EXISTS` when present. */
  acceptIfNotExists(): boolean {
    if (!this.atWord('if')) return false;
    this.pos++;
    this.expectWord('not');
    this.expectWord('exists');
    return true;
  }

  /** `IF EXISTS` when present. */
  acceptIfExists(): boolean {
    if (!this.atWord('if')) return false;
    this.pos++;
    this.expectWord('exists');
    return true;
  }

  /** Allocates the next bind marker (`name` for `:name`), numbered in text order. */
  newMarker(at: Token, name: string | undefined): BindMarker {
    const index = this.markers.length;
    if (index >= ParserLimits.MAX_BIND_MARKERS) {
      throw this.errorAt(at, `too many bind markers: the limit is ${ParserLimits.MAX_BIND_MARKERS}`);
    }
    this.markers.push({ index, name, line: at.line, column: at.column });
    return { kind: 'bindMarker', index, name };
  }

  /** Enters one nesting level (parenthesis, collection, call, type parameter). */
  enter(): void {
    if (++this.depth > ParserLimits.MAX_NESTING_DEPTH) {
      throw this.errorAt(this.peek(), `statement nested too deeply: the limit is ${ParserLimits.MAX_NESTING_DEPTH} levels`);
    }
  }

  leave(): void {
    this.depth--;
  }

  /** The input as Cassandra quotes it in messages: the token's spelling, or `<EOF>`. */
  display(t: Token): string {
    return t.kind === TokenKind.Eof ? '<EOF>' : this.source.slice(t.start, t.end);
  }

  errorAt(t: Token, detail: string): CharybdisError {
    return cqlSyntaxError(t.line, t.column, detail);
  }

  /** `mismatched input 'x' expecting WHAT` at the current token. */
  mismatched(expecting: string): CharybdisError {
    const t = this.peek();
    return this.errorAt(t, `mismatched input '${this.display(t)}' expecting ${expecting}`);
  }

  /**
   * `no viable alternative at input 'x'` at the current token (or `t`). `wantedName` adds
   * a hint when `t` is a reserved keyword where a name was expected.
   */
  noViable(t: Token = this.peek(), wantedName = false): CharybdisError {
    const hint = wantedName ? this.reservedHint(t) : '';
    return this.errorAt(t, `no viable alternative at input '${this.display(t)}'${hint}`);
  }

  /** Points out the usual cause of a surprising error: a reserved keyword used as a name. */
  private reservedHint(t: Token): string {
    if (t.kind !== TokenKind.Word || !isReservedKeyword(t.text)) return '';
    return ` ('${t.text}' is a reserved keyword; write "${t.text}" to use it as a name)`;
  }
}
