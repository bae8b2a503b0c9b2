/**
 * The CQL lexer and parser: `parseCqlStatement(text)` → AST + bind markers. See
 * docs/cql-parser.md.
 */
export { parseCqlStatement } from './parse-cql-statement';
export { tokenizeCql } from './lexer';
export { TokenKind } from './token';
export type { Token } from './token';
export { CQL_SYNTAX_ERROR } from './cql-syntax-error';
export { ParserLimits } from './parser-limits';
export { RESERVED_KEYWORDS, isReservedKeyword } from './keywords';
export { cqlTypeText } from './cql-type-text';
export type { Statement, ParsedStatement } from './statement';
export type * from './ast-common';
export type * from './ast-dml';
export type * from './ast-schema';
export type * from './ast-auth';
