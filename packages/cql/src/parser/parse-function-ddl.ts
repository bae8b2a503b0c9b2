/** CREATE/DROP FUNCTION and AGGREGATE (user-defined functions). */
import type { RawType, Term } from './ast-common';
import type { CreateAggregateStatement, CreateFunctionStatement, DropFunctionStatement, FunctionArgument } from './ast-schema';
import { parseFunctionName } from './parse-names';
import { parseTerm } from './parse-term';
import { parseType } from './parse-type';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

/**
 * After CREATE [OR REPLACE] FUNCTION: `[IF NOT EXISTS] f (arg type, …) (CALLED | RETURNS
 * NULL) ON NULL INPUT RETURNS type LANGUAGE lang AS 'body'`.
 */
export function parseCreateFunction(c: TokenCursor, orReplace: boolean): CreateFunctionStatement {
  const ifNotExists = c.acceptIfNotExists();
  const name = parseFunctionName(c);
  const args: FunctionArgument[] = [];
  c.expectPunct('(');
  if (!c.atPunct(')')) {
    do {
      const argName = c.identifier();
      args.push({ name: argName, type: parseType(c) });
    } while (c.acceptPunct(','));
  }
  c.expectPunct(')');
  let calledOnNullInput: boolean;
  if (c.acceptWord('called')) {
    calledOnNullInput = true;
  } else {
    c.expectWord('returns');
    c.expectWord('null');
    calledOnNullInput = false;
  }
  c.expectWord('on');
  c.expectWord('null');
  c.expectWord('input');
  c.expectWord('returns');
  const returnType = parseType(c);
  c.expectWord('language');
  const language = c.identifier();
  c.expectWord('as');
  const body = expectString(c);
  return { kind: 'createFunction', name, orReplace, ifNotExists, args, calledOnNullInput, returnType, language, body };
}

/**
 * After CREATE [OR REPLACE] AGGREGATE: `[IF NOT EXISTS] a (types) SFUNC f STYPE type
 * [REDUCEFUNC f] [FINALFUNC f] [INITCOND term]`.
 */
export function parseCreateAggregate(c: TokenCursor, orReplace: boolean): CreateAggregateStatement {
  const ifNotExists = c.acceptIfNotExists();
  const name = parseFunctionName(c);
  const argTypes = parseTypeList(c);
  c.expectWord('sfunc');
  const stateFunction = c.identifier();
  c.expectWord('stype');
  const stateType = parseType(c);
  const reduceFunction = c.acceptWord('reducefunc') ? c.identifier() : undefined;
  const finalFunction = c.acceptWord('finalfunc') ? c.identifier() : undefined;
  const initCondition: Term | undefined = c.acceptWord('initcond') ? parseTerm(c) : undefined;
  return { kind: 'createAggregate', name, orReplace, ifNotExists, argTypes, stateFunction, stateType, finalFunction, reduceFunction, initCondition };
}

/** After DROP FUNCTION / DROP AGGREGATE: `[IF EXISTS] f [(types)]`. */
export function parseDropFunction(c: TokenCursor, aggregate: boolean): DropFunctionStatement {
  const ifExists = c.acceptIfExists();
  const name = parseFunctionName(c);
  const argTypes = c.atPunct('(') ? parseTypeList(c) : undefined;
  return { kind: 'dropFunction', aggregate, name, ifExists, argTypes };
}

/** `(type, …)`, possibly empty. */
export function parseTypeList(c: TokenCursor): RawType[] {
  c.expectPunct('(');
  const types: RawType[] = [];
  if (c.acceptPunct(')')) return types;
  do types.push(parseType(c));
  while (c.acceptPunct(','));
  c.expectPunct(')');
  return types;
}

/** A string literal (function body, passwords, class names). */
export function expectString(c: TokenCursor): string {
  const t = c.peek();
  if (t.kind !== TokenKind.String) throw c.mismatched('STRING_LITERAL');
  c.next();
  return t.text;
}
