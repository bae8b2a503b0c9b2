/**
 * Terms: the values written in a statement (constants, bind markers, collection, tuple
 * and UDT literals, function calls, type hints, NULL). Cassandra's `term`/`value`.
 */
import type { BindMarker, Constant, ConstantType, MapEntry, Term, UdtFieldValue } from './ast-common';
import { atFunctionCall, parseFunctionName } from './parse-names';
import { parseType } from './parse-type';
import { TokenKind } from './token';
import type { Token } from './token';
import type { TokenCursor } from './token-cursor';

/** The constant type of each literal token kind (undefined for non-literals). */
function constantType(kind: TokenKind): ConstantType | undefined {
  switch (kind) {
    case TokenKind.String:
      return 'string';
    case TokenKind.Integer:
      return 'integer';
    case TokenKind.Float:
      return 'float';
    case TokenKind.Boolean:
      return 'boolean';
    case TokenKind.Hex:
      return 'hex';
    case TokenKind.Uuid:
      return 'uuid';
    case TokenKind.Duration:
      return 'duration';
    default:
      return undefined;
  }
}

/** True when the current token is a literal constant. */
export function atConstant(c: TokenCursor): boolean {
  return constantType(c.peek().kind) !== undefined;
}

/** Consumes a literal constant, or fails with `no viable alternative`. */
export function parseConstant(c: TokenCursor): Constant {
  const t = c.peek();
  const type = constantType(t.kind);
  if (type === undefined) throw c.noViable();
  c.next();
  return { kind: 'constant', type, text: t.text };
}

/** True when the current token is `?` or `:name`. */
export function atBindMarker(c: TokenCursor): boolean {
  return c.atKind(TokenKind.QMark) || (c.atPunct(':') && c.isIdentifier(1));
}

/** Consumes `?` or `:name` and numbers it. */
export function parseBindMarker(c: TokenCursor): BindMarker {
  const t = c.next();
  if (t.kind === TokenKind.QMark) return c.newMarker(t, undefined);
  if (t.kind === TokenKind.Punct && t.text === ':') return c.newMarker(t, c.identifier());
  throw c.noViable(t);
}

/** Parses one term. */
export function parseTerm(c: TokenCursor): Term {
  const t = c.peek();
  const type = constantType(t.kind);
  if (type !== undefined) {
    c.next();
    return { kind: 'constant', type, text: t.text };
  }
  if (t.kind === TokenKind.QMark) return parseBindMarker(c);
  if (t.kind === TokenKind.Punct) return parsePunctuatedTerm(c, t);
  if (c.atWord('null')) {
    c.next();
    return { kind: 'null' };
  }
  if (atFunctionCall(c)) {
    c.enter();
    const name = parseFunctionName(c);
    const args = parseTermList(c, '(', ')');
    c.leave();
    return { kind: 'functionCall', name, args };
  }
  throw c.noViable();
}

function parsePunctuatedTerm(c: TokenCursor, t: Token): Term {
  switch (t.text) {
    case ':':
      return parseBindMarker(c);
    case '[': {
      c.enter();
      const elements = parseTermList(c, '[', ']');
      c.leave();
      return { kind: 'list', elements };
    }
    case '{':
      return parseBraces(c);
    case '(':
      return typeHintEnd(c) > 0 ? parseTypeHint(c) : parseTuple(c);
    default:
      throw c.noViable();
  }
}

/** `open [term (, term)*] close`. */
export function parseTermList(c: TokenCursor, open: string, close: string): Term[] {
  c.expectPunct(open);
  const terms: Term[] = [];
  if (c.acceptPunct(close)) return terms;
  do terms.push(parseTerm(c));
  while (c.acceptPunct(','));
  c.expectPunct(close);
  return terms;
}

/**
 * At `(`, the lookahead distance of the `)` closing a type hint — `(int)`, `(frozen<…>)`,
 * `(ks.udt)`, `("Udt")` — or -1 when this parenthesis opens something else. Identifiers
 * are not terms, so `(name)` in term position can only be a type hint.
 */
export function typeHintEnd(c: TokenCursor): number {
  if (c.atPunct('<', 2) && c.atKind(TokenKind.Word, 1)) return scanTypeParameters(c, 2);
  if (!c.isIdentifier(1)) return -1;
  if (c.atPunct(')', 2)) return 2;
  if (c.atPunct('.', 2) && c.isIdentifier(3) && c.atPunct(')', 4)) return 4;
  return -1;
}

/** Finds the `)` after a parameterized type starting with `<` at `ahead`, or -1. */
function scanTypeParameters(c: TokenCursor, ahead: number): number {
  let depth = 0;
  for (let i = ahead; ; i++) {
    const t = c.peek(i);
    if (t.kind === TokenKind.Eof) return -1;
    if (t.kind !== TokenKind.Punct) continue;
    if (t.text === '<') depth++;
    else if (t.text === '>') depth--;
    else if (t.text !== ',' && t.text !== '.') return -1;
    if (depth === 0) return c.atPunct(')', i + 1) ? i + 1 : -1;
  }
}

function parseTypeHint(c: TokenCursor): Term {
  c.enter();
  c.expectPunct('(');
  const type = parseType(c);
  c.expectPunct(')');
  const term = parseTerm(c);
  c.leave();
  return { kind: 'typeHint', type, term };
}

function parseTuple(c: TokenCursor): Term {
  c.enter();
  const elements = parseTermList(c, '(', ')');
  if (elements.length === 0) throw c.noViable();
  c.leave();
  return { kind: 'tuple', elements };
}

/** `{}`, `{t, …}` (set), `{k: v, …}` (map) or `{field: v, …}` (UDT: the keys are identifiers). */
function parseBraces(c: TokenCursor): Term {
  c.enter();
  c.expectPunct('{');
  let term: Term;
  if (c.acceptPunct('}')) {
    term = { kind: 'emptyBraces' };
  } else if (c.isIdentifier() && c.atPunct(':', 1)) {
    term = { kind: 'udt', fields: parseUdtFields(c) };
  } else {
    const first = parseTerm(c);
    term = c.atPunct(':') ? { kind: 'map', entries: parseMapEntries(c, first) } : { kind: 'set', elements: parseSetElements(c, first) };
  }
  c.leave();
  return term;
}

function parseUdtFields(c: TokenCursor): UdtFieldValue[] {
  const fields: UdtFieldValue[] = [];
  do {
    const name = c.identifier();
    c.expectPunct(':');
    fields.push({ name, value: parseTerm(c) });
  } while (c.acceptPunct(','));
  c.expectPunct('}');
  return fields;
}

function parseMapEntries(c: TokenCursor, firstKey: Term): MapEntry[] {
  let key = firstKey;
  const entries: MapEntry[] = [];
  for (;;) {
    c.expectPunct(':');
    entries.push({ key, value: parseTerm(c) });
    if (!c.acceptPunct(',')) break;
    key = parseTerm(c);
  }
  c.expectPunct('}');
  return entries;
}

function parseSetElements(c: TokenCursor, first: Term): Term[] {
  const elements = [first];
  while (c.acceptPunct(',')) elements.push(parseTerm(c));
  c.expectPunct('}');
  return elements;
}
