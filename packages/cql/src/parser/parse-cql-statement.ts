/**
 * The parser's entry point: one CQL statement in, its AST and bind markers out.
 */
import type { Statement, ParsedStatement } from './statement';
import type { DescribeStatement, DescribeTarget } from './ast-schema';
import { tokenizeCql } from './lexer';
import { parseAlterRole, parseCreateRole, parseGrantOrRevoke, parseList, parseUser } from './parse-auth';
import { parseCreateAggregate, parseCreateFunction, parseDropFunction } from './parse-function-ddl';
import { parseBatch, parseDelete, parseInsert, parseUpdate } from './parse-modification';
import { parseQualifiedName, parseRoleName, parseSimpleName } from './parse-names';
import {
  parseAlterKeyspace,
  parseAlterType,
  parseAlterView,
  parseCreateIndex,
  parseCreateKeyspace,
  parseCreateTrigger,
  parseCreateType,
  parseDrop,
  parseDropTrigger,
} from './parse-schema-ddl';
import { parseSelect } from './parse-select';
import { parseAlterTable, parseCreateTable, parseCreateView } from './parse-table-ddl';
import { TokenKind } from './token';
import type { Token } from './token';
import { TokenCursor } from './token-cursor';

/**
 * Parses one CQL statement (Cassandra 4 / ScyllaDB dialect) into a plain-data AST. A
 * trailing `;` is allowed; anything after it is an error. Bind markers (`?`, `:name`) are
 * numbered in text order across the whole statement, USING and LIMIT included.
 *
 * Pure: no I/O, no schema access. Throws a `CharybdisError` with code `CQL_SYNTAX` and a
 * Cassandra-style message (`line 1:9 no viable alternative at input 'FORM'`, `line 1:14
 * mismatched input 'x' expecting K_FROM`) on any lexical or syntax error, and on input
 * beyond the limits of `ParserLimits`.
 */
export function parseCqlStatement(text: string): ParsedStatement {
  const c = new TokenCursor(text, tokenizeCql(text));
  const statement = parseStatement(c);
  c.acceptPunct(';');
  if (!c.atKind(TokenKind.Eof)) throw c.mismatched('EOF');
  return { statement, boundMarkers: c.markers };
}

function parseStatement(c: TokenCursor): Statement {
  const t = c.next();
  if (t.kind === TokenKind.Word) {
    switch (t.text) {
      case 'select':
        return parseSelect(c);
      case 'insert':
        return parseInsert(c);
      case 'update':
        return parseUpdate(c);
      case 'delete':
        return parseDelete(c);
      case 'begin':
        return parseBatch(c);
      case 'use':
        return { kind: 'use', keyspace: parseSimpleName(c, 'keyspace') };
      case 'truncate':
        if (!c.acceptWord('table')) c.acceptWord('columnfamily');
        return { kind: 'truncate', table: parseQualifiedName(c, 'table') };
      case 'create':
        return parseCreate(c);
      case 'alter':
        return parseAlter(c);
      case 'drop':
        return parseDropStatement(c);
      case 'grant':
        return parseGrantOrRevoke(c, true);
      case 'revoke':
        return parseGrantOrRevoke(c, false);
      case 'list':
        return parseList(c);
      case 'describe':
      case 'desc':
        return parseDescribe(c);
    }
  }
  throw c.noViable(t);
}

/** After DESCRIBE / DESC: `[FULL] target [WITH INTERNALS]` (Cassandra 4.0's grammar). */
function parseDescribe(c: TokenCursor): DescribeStatement {
  const full = c.acceptWord('full');
  const target = parseDescribeTarget(c);
  if (c.acceptWord('with')) c.expectWord('internals');
  return { kind: 'describe', target, full };
}

function parseDescribeTarget(c: TokenCursor): DescribeTarget {
  if (c.acceptWord('schema')) return { kind: 'schema' };
  if (c.acceptWord('cluster')) return { kind: 'cluster' };
  if (c.acceptWord('keyspaces')) return { kind: 'keyspaces' };
  if (c.acceptWord('tables') || c.acceptWord('columnfamilies')) return { kind: 'tables' };
  if (c.acceptWord('types')) return { kind: 'types' };
  if (c.acceptWord('functions')) return { kind: 'functions' };
  if (c.acceptWord('aggregates')) return { kind: 'aggregates' };
  const only = c.acceptWord('only');
  if (c.acceptWord('keyspace')) {
    return { kind: 'keyspace', keyspace: c.atKind(TokenKind.Eof) || c.atPunct(';') || c.atWord('with') ? undefined : parseSimpleName(c, 'keyspace'), only };
  }
  if (only) throw c.mismatched('K_KEYSPACE');
  if (c.acceptWord('table') || c.acceptWord('columnfamily')) return { kind: 'table', name: parseQualifiedName(c, 'table') };
  if (c.acceptWord('type')) return { kind: 'type', name: parseQualifiedName(c, 'type') };
  if (c.acceptWord('index')) return { kind: 'index', name: parseQualifiedName(c, 'index') };
  return { kind: 'element', name: parseQualifiedName(c, 'keyspace or table') };
}

function parseCreate(c: TokenCursor): Statement {
  const t = c.next();
  switch (keyword(t)) {
    case 'keyspace':
    case 'schema':
      return parseCreateKeyspace(c);
    case 'table':
    case 'columnfamily':
      return parseCreateTable(c);
    case 'index':
      return parseCreateIndex(c, false);
    case 'custom':
      c.expectWord('index');
      return parseCreateIndex(c, true);
    case 'type':
      return parseCreateType(c);
    case 'materialized':
      c.expectWord('view');
      return parseCreateView(c);
    case 'trigger':
      return parseCreateTrigger(c);
    case 'or':
      c.expectWord('replace');
      return parseCreateFunctionOrAggregate(c, true);
    case 'function':
    case 'aggregate':
      return t.text === 'function' ? parseCreateFunction(c, false) : parseCreateAggregate(c, false);
    case 'role':
      return parseCreateRole(c);
    case 'user':
      return parseUser(c, true);
  }
  throw c.noViable(t);
}

function parseCreateFunctionOrAggregate(c: TokenCursor, orReplace: boolean): Statement {
  if (c.acceptWord('function')) return parseCreateFunction(c, orReplace);
  if (c.acceptWord('aggregate')) return parseCreateAggregate(c, orReplace);
  throw c.mismatched('K_FUNCTION or K_AGGREGATE');
}

function parseAlter(c: TokenCursor): Statement {
  const t = c.next();
  switch (keyword(t)) {
    case 'keyspace':
    case 'schema':
      return parseAlterKeyspace(c);
    case 'table':
    case 'columnfamily':
      return parseAlterTable(c);
    case 'type':
      return parseAlterType(c);
    case 'materialized':
      c.expectWord('view');
      return parseAlterView(c);
    case 'role':
      return parseAlterRole(c);
    case 'user':
      return parseUser(c, false);
  }
  throw c.noViable(t);
}

function parseDropStatement(c: TokenCursor): Statement {
  const t = c.next();
  switch (keyword(t)) {
    case 'keyspace':
    case 'schema':
      return parseDrop(c, 'keyspace');
    case 'table':
    case 'columnfamily':
      return parseDrop(c, 'table');
    case 'type':
      return parseDrop(c, 'type');
    case 'index':
      return parseDrop(c, 'index');
    case 'materialized':
      c.expectWord('view');
      return parseDrop(c, 'materializedView');
    case 'trigger':
      return parseDropTrigger(c);
    case 'function':
    case 'aggregate':
      return parseDropFunction(c, t.text === 'aggregate');
    case 'role':
    case 'user': {
      const ifExists = c.acceptIfExists();
      const name = parseRoleName(c);
      return t.text === 'role' ? { kind: 'dropRole', role: name, ifExists } : { kind: 'dropUser', user: name, ifExists };
    }
  }
  throw c.noViable(t);
}

/** The keyword a token spells, or '' (a quoted name never is a keyword). */
function keyword(t: Token): string {
  return t.kind === TokenKind.Word ? t.text : '';
}
