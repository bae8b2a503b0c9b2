/**
 * The selection clause of SELECT (and CREATE MATERIALIZED VIEW): columns, aliases,
 * writetime/ttl, count(*), function calls, CAST, field and element/slice selection,
 * literals and arithmetic. Precedence: unary minus, then `* / %`, then `+ -`.
 */
import type { Term } from './ast-common';
import type { Selector, SelectorExpr } from './ast-dml';
import { isReservedKeyword } from './keywords';
import { atFunctionCall, parseFunctionName } from './parse-names';
import { parseTerm, typeHintEnd } from './parse-term';
import { parseType } from './parse-type';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

/** `*` or `selector (, selector)*`. */
export function parseSelection(c: TokenCursor): { wildcard: boolean; selectors: Selector[] } {
  if (c.acceptPunct('*')) return { wildcard: true, selectors: [] };
  const selectors: Selector[] = [];
  do {
    const expr = parseSelectorExpr(c);
    const alias = c.acceptWord('as') ? c.identifier() : undefined;
    selectors.push({ expr, alias });
  } while (c.acceptPunct(','));
  return { wildcard: false, selectors };
}

/** One selector expression (no alias). */
export function parseSelectorExpr(c: TokenCursor): SelectorExpr {
  c.enter();
  let left = parseMultiplicative(c, parseUnary(c));
  for (;;) {
    const t = c.peek();
    if (t.kind === TokenKind.Punct && (t.text === '+' || t.text === '-')) {
      c.next();
      left = { kind: 'arithmetic', operator: t.text, left, right: parseMultiplicative(c, parseUnary(c)) };
    } else if (isNegativeLiteral(c)) {
      // The lexer reads `a -1` as `a`, `-1` (as Cassandra's does): split it back.
      c.next();
      const positive: SelectorExpr = { kind: 'term', term: positiveConstant(t.kind, t.text.slice(1)) };
      left = { kind: 'arithmetic', operator: '-', left, right: parseMultiplicative(c, positive) };
    } else {
      break;
    }
  }
  c.leave();
  return left;
}

function isNegativeLiteral(c: TokenCursor): boolean {
  const t = c.peek();
  return (t.kind === TokenKind.Integer || t.kind === TokenKind.Float || t.kind === TokenKind.Duration) && t.text.startsWith('-');
}

function positiveConstant(kind: TokenKind, text: string): Term {
  const type = kind === TokenKind.Integer ? 'integer' : kind === TokenKind.Float ? 'float' : 'duration';
  return { kind: 'constant', type, text };
}

function parseMultiplicative(c: TokenCursor, first: SelectorExpr): SelectorExpr {
  let left = first;
  for (;;) {
    const t = c.peek();
    if (t.kind !== TokenKind.Punct || (t.text !== '*' && t.text !== '/' && t.text !== '%')) return left;
    c.next();
    left = { kind: 'arithmetic', operator: t.text, left, right: parseUnary(c) };
  }
}

function parseUnary(c: TokenCursor): SelectorExpr {
  if (!c.acceptPunct('-')) return parseModifiers(c, parsePrimary(c));
  c.enter();
  const arg = parseUnary(c);
  c.leave();
  return { kind: 'negation', arg };
}

/** `.field` and `[key]` / `[from..to]` after a selector. */
function parseModifiers(c: TokenCursor, receiver: SelectorExpr): SelectorExpr {
  let expr = receiver;
  for (;;) {
    if (c.acceptPunct('.')) {
      expr = { kind: 'field', receiver: expr, field: c.identifier() };
    } else if (c.acceptPunct('[')) {
      expr = parseSubscript(c, expr);
    } else {
      return expr;
    }
  }
}

function parseSubscript(c: TokenCursor, receiver: SelectorExpr): SelectorExpr {
  let expr: SelectorExpr;
  if (c.acceptPunct('..')) {
    expr = { kind: 'slice', receiver, from: undefined, to: parseTerm(c) };
  } else {
    const key = parseTerm(c);
    if (c.acceptPunct('..')) {
      const to = c.atPunct(']') ? undefined : parseTerm(c);
      expr = { kind: 'slice', receiver, from: key, to };
    } else {
      expr = { kind: 'element', receiver, key };
    }
  }
  c.expectPunct(']');
  return expr;
}

function parsePrimary(c: TokenCursor): SelectorExpr {
  const t = c.peek();
  if (t.kind === TokenKind.Word && c.atPunct('(', 1)) {
    const special = parseSpecialCall(c, t.text);
    if (special !== undefined) return special;
  }
  if (atFunctionCall(c)) {
    const name = parseFunctionName(c);
    return { kind: 'functionCall', name, args: parseSelectorArgs(c) };
  }
  if (c.isIdentifier()) return { kind: 'column', name: c.identifier() };
  if (c.atPunct('(')) return parseParenthesized(c);
  if (t.kind === TokenKind.Word && isReservedKeyword(t.text) && t.text !== 'null') throw c.noViable(t, true);
  return { kind: 'term', term: parseTerm(c) };
}

/** count(*), count(1), writetime(c | c[k] | c.f), ttl(…), CAST(x AS type); undefined for other calls. */
function parseSpecialCall(c: TokenCursor, word: string): SelectorExpr | undefined {
  if (word === 'count' && (c.atPunct('*', 2) || (c.atKind(TokenKind.Integer, 2) && c.peek(2).text === '1')) && c.atPunct(')', 3)) {
    c.next();
    c.next();
    c.next();
    c.next();
    return { kind: 'countRows' };
  }
  if (word !== 'writetime' && word !== 'ttl' && word !== 'cast') return undefined;
  c.next();
  c.expectPunct('(');
  let expr: SelectorExpr;
  if (word === 'cast') {
    const arg = parseSelectorExpr(c);
    c.expectWord('as');
    expr = { kind: 'cast', arg, type: parseType(c) };
  } else {
    const column = c.identifier();
    const kind = word === 'ttl' ? 'ttl' : 'writetime';
    if (c.acceptPunct('[')) {
      const key = parseTerm(c);
      c.expectPunct(']');
      expr = { kind, column, key };
    } else if (c.acceptPunct('.')) {
      expr = { kind, column, field: c.identifier() };
    } else {
      expr = { kind, column };
    }
  }
  c.expectPunct(')');
  return expr;
}

function parseSelectorArgs(c: TokenCursor): SelectorExpr[] {
  c.expectPunct('(');
  const args: SelectorExpr[] = [];
  if (c.acceptPunct(')')) return args;
  do args.push(parseSelectorExpr(c));
  while (c.acceptPunct(','));
  c.expectPunct(')');
  return args;
}

/** `(type) selector`, `(expr)` or a tuple `(a, b)`. */
function parseParenthesized(c: TokenCursor): SelectorExpr {
  const hintEnd = typeHintEnd(c);
  if (hintEnd > 0 && startsSelector(c, hintEnd + 1)) {
    c.expectPunct('(');
    const type = parseType(c);
    c.expectPunct(')');
    return { kind: 'typeHint', type, arg: parseModifiers(c, parsePrimary(c)) };
  }
  const elements = parseSelectorArgs(c);
  if (elements.length === 0) throw c.noViable();
  return elements.length === 1 ? elements[0]! : { kind: 'tuple', elements };
}

/** Whether the token `ahead` can start a selector (to tell `(int) x` from `(x)`). */
function startsSelector(c: TokenCursor, ahead: number): boolean {
  const t = c.peek(ahead);
  switch (t.kind) {
    case TokenKind.Eof:
      return false;
    case TokenKind.Punct:
      return t.text === '(' || t.text === '[' || t.text === '{' || t.text === ':';
    case TokenKind.Word:
      // `(a) AS b` aliases a parenthesized column rather than hinting a column named `as`.
      return (c.isIdentifier(ahead) && t.text !== 'as') || t.text === 'null' || t.text === 'token';
    default:
      return true;
  }
}
