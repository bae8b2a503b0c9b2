/**
 * The lexical tokens of CQL. A token is plain data; its `text` is already normalised
 * (unquoted words lower-cased, string and quoted-name escapes resolved) so the parser
 * never re-reads the source, except to quote the original spelling in an error message.
 */
export const TokenKind = {
  /** An unquoted identifier or keyword; `text` is lower-cased. */
  Word: 0,
  /** A `"quoted"` identifier; `text` is exact, `""` unescaped. */
  QuotedName: 1,
  /** A `'string'` or `$$string$$`; `text` is the content, `''` unescaped. */
  String: 2,
  /** `-?[0-9]+`; `text` is the raw spelling. */
  Integer: 3,
  /** A decimal with a fraction and/or an exponent, or `NaN`, `Infinity`, `-NaN`, `-Infinity`. */
  Float: 4,
  /** `true` / `false`, any case; `text` is lower-cased. */
  Boolean: 5,
  /** `0x…` blob literal; `text` is the raw spelling. */
  Hex: 6,
  /** An unquoted UUID; `text` is the raw spelling. */
  Uuid: 7,
  /** A duration literal (`1h30m`, `P1D`, `PT2H`, `P0001-02-03T04:05:06`). */
  Duration: 8,
  /** An operator or punctuation; `text` is the symbol (`(`, `<=`, `..`, `+=`, …). */
  Punct: 9,
  /** `?`, a positional bind marker. */
  QMark: 10,
  /** End of input. */
  Eof: 11,
} as const;

export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** One token with its position: `line` is 1-based, `column` 0-based (as Cassandra's messages). */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset of the first character in the statement text. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
  readonly line: number;
  readonly column: number;
}
