/**
 * Names in statements: `[keyspace.]table`, function names, role names. Each takes the
 * cursor at the name and leaves it after it.
 */
import type { FunctionName, QualifiedName } from './ast-common';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

/** A keyspace, table, type, index or view name; a bind marker there is a clear error. */
export function parseSimpleName(c: TokenCursor, what: string): string {
  const t = c.peek();
  if (t.kind === TokenKind.QMark || (c.atPunct(':') && c.isIdentifier(1))) {
    throw c.errorAt(t, `Bind variables cannot be used for ${what} names`);
  }
  return c.identifier();
}

/** `[keyspace.]name` of a table, type, index, view or trigger. */
export function parseQualifiedName(c: TokenCursor, what: string): QualifiedName {
  const first = parseSimpleName(c, c.atPunct('.', 1) ? 'keyspace' : what);
  if (!c.acceptPunct('.')) return { keyspace: undefined, name: first };
  return { keyspace: first, name: parseSimpleName(c, what) };
}

/** True when the cursor is at a function call: `name(`, `token(`, `ks.name(`. */
export function atFunctionCall(c: TokenCursor): boolean {
  if (!isFunctionNameToken(c, 0)) return false;
  if (c.atPunct('(', 1)) return true;
  return c.atPunct('.', 1) && isFunctionNameToken(c, 2) && c.atPunct('(', 3);
}

/** Function names are identifiers, plus the reserved word `token`. */
function isFunctionNameToken(c: TokenCursor, ahead: number): boolean {
  return c.isIdentifier(ahead) || c.atWord('token', ahead);
}

/** `[keyspace.]function`. */
export function parseFunctionName(c: TokenCursor): FunctionName {
  const first = functionNamePart(c);
  if (!c.acceptPunct('.')) return { keyspace: undefined, name: first };
  return { keyspace: first, name: functionNamePart(c) };
}

function functionNamePart(c: TokenCursor): string {
  if (c.atWord('token')) return c.next().text;
  return c.identifier();
}

/** A role or user name: an identifier (lower-cased unless quoted) or a string (exact). */
export function parseRoleName(c: TokenCursor): string {
  if (c.atKind(TokenKind.String)) return c.next().text;
  return c.identifier();
}

/** Comma-separated identifiers in parentheses: `(a, b, c)`. */
export function parseIdentifierTuple(c: TokenCursor): string[] {
  c.expectPunct('(');
  const names = [c.identifier()];
  while (c.acceptPunct(',')) names.push(c.identifier());
  c.expectPunct(')');
  return names;
}
