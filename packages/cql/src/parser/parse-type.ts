/** CQL types as written in DDL, CAST and type hints (Cassandra's `comparatorType`). */
import type { QualifiedName, RawType } from './ast-common';
import { parseSimpleName } from './parse-names';
import { NATIVE_TYPE_KEYWORDS, RESERVED_TYPE_NAMES } from './keywords';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

/** Parses one type: native, collection, tuple, `frozen<…>`, `[ks.]udt` or `'custom.Class'`. */
export function parseType(c: TokenCursor): RawType {
  c.enter();
  const t = c.peek();
  let type: RawType;
  if (t.kind === TokenKind.String) {
    c.next();
    type = { kind: 'custom', className: t.text };
  } else if (t.kind === TokenKind.Word && c.atPunct('<', 1) && isParameterizedName(t.text)) {
    type = parseParameterized(c);
  } else if (t.kind === TokenKind.Word && NATIVE_TYPE_KEYWORDS.has(t.text) && !c.atPunct('.', 1)) {
    c.next();
    type = { kind: 'native', name: t.text };
  } else {
    type = parseUdtName(c);
  }
  c.leave();
  return type;
}

function isParameterizedName(word: string): boolean {
  return word === 'frozen' || word === 'list' || word === 'set' || word === 'map' || word === 'tuple';
}

function parseParameterized(c: TokenCursor): RawType {
  const head = c.next().text;
  c.expectPunct('<');
  let type: RawType;
  switch (head) {
    case 'frozen':
      type = { kind: 'frozen', inner: parseType(c) };
      break;
    case 'list':
      type = { kind: 'list', element: parseType(c) };
      break;
    case 'set':
      type = { kind: 'set', element: parseType(c) };
      break;
    case 'map': {
      const key = parseType(c);
      c.expectPunct(',');
      type = { kind: 'map', key, value: parseType(c) };
      break;
    }
    default: {
      const elements = [parseType(c)];
      while (c.acceptPunct(',')) elements.push(parseType(c));
      type = { kind: 'tuple', elements };
    }
  }
  c.expectPunct('>');
  return type;
}

/** `[keyspace.]name` of a user-defined type; unquoted names reserved for future types are refused. */
function parseUdtName(c: TokenCursor): RawType {
  const { keyspace, name } = parseUserTypeName(c);
  return { kind: 'udt', keyspace, name };
}

/**
 * The name of a user-defined type (in a type, or in CREATE/ALTER/DROP TYPE): native type
 * names and the names Cassandra keeps for future types are refused unless quoted.
 */
export function parseUserTypeName(c: TokenCursor): QualifiedName {
  const keyspace = c.atPunct('.', 1) ? parseSimpleName(c, 'keyspace') : undefined;
  if (keyspace !== undefined) c.next();
  const t = c.peek();
  const name = parseSimpleName(c, 'type');
  if (t.kind === TokenKind.Word && (RESERVED_TYPE_NAMES.has(name) || NATIVE_TYPE_KEYWORDS.has(name))) {
    throw c.errorAt(t, `Invalid (reserved) user type name ${name}`);
  }
  return { keyspace, name };
}
