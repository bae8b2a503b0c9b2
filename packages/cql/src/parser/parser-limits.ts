/**
 * Bounds on what the CQL parser accepts. The native protocol already bounds a frame, but
 * the parser is also used on text from other places (cqlsh files, schema tables), so it
 * keeps its own limits; each overrun is a clean `CQL_SYNTAX` error.
 */
export const ParserLimits = {
  /** Longest statement text, in UTF-16 code units (1 MiB of ASCII). */
  MAX_STATEMENT_LENGTH: 1024 * 1024,
  /**
   * Deepest nesting of parentheses, collections, function calls and types. The parser is
   * recursive, so this is what stands between `((((…` and a stack overflow.
   */
  MAX_NESTING_DEPTH: 100,
  /** Most bind markers in one statement: the protocol counts values with a `[short]`. */
  MAX_BIND_MARKERS: 65535,
} as const;
