import { CharybdisError } from '@charybdis/core';

/**
 * Stable code of every error the CQL lexer and parser raise. The protocol layer maps it
 * to the native protocol's SyntaxException (0x2000).
 */
export const CQL_SYNTAX_ERROR = 'CQL_SYNTAX';

/**
 * Builds a syntax error whose message starts with Cassandra's `line L:C` prefix (line
 * 1-based, column 0-based), so that tools and tests matching Cassandra's or ScyllaDB's
 * messages (`no viable alternative at input`, `mismatched input … expecting …`) keep
 * working.
 */
export function cqlSyntaxError(line: number, column: number, detail: string): CharybdisError {
  return new CharybdisError(CQL_SYNTAX_ERROR, `line ${line}:${column} ${detail}`);
}
