/** CREATE/ALTER TABLE and CREATE MATERIALIZED VIEW. */
import type { Constant } from './ast-common';
import type {
  AlterTableAction,
  AlterTableStatement,
  ColumnDefinition,
  CreateMaterializedViewStatement,
  CreateTableStatement,
  PrimaryKeyDefinition,
  Rename,
} from './ast-schema';
import { parseQualifiedName } from './parse-names';
import { NO_TABLE_OPTIONS, parseProperties, parseTableOptions } from './parse-properties';
import { parseSelection } from './parse-selectors';
import { parseType } from './parse-type';
import { parseWhereClause } from './parse-where';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

/** After CREATE TABLE: `[IF NOT EXISTS] t (definitions) [WITH options]`. */
export function parseCreateTable(c: TokenCursor): CreateTableStatement {
  const ifNotExists = c.acceptIfNotExists();
  const table = parseQualifiedName(c, 'table');
  const columns: ColumnDefinition[] = [];
  const primaryKeys: PrimaryKeyDefinition[] = [];
  c.expectPunct('(');
  let first = true;
  do {
    // Cassandra's grammar makes every definition after a comma optional: a trailing comma
    // and empty ones (`(a int, , b int)`) are accepted; an empty list `()` is a syntax error.
    if (!first && c.atPunct(')')) break;
    if (!first && c.atPunct(',')) continue;
    first = false;
    if (c.acceptWord('primary')) {
      c.expectWord('key');
      primaryKeys.push(parsePrimaryKeyClause(c));
      continue;
    }
    const column = parseColumnDefinition(c);
    columns.push(column);
    if (c.acceptWord('primary')) {
      c.expectWord('key');
      primaryKeys.push({ partitionKey: [column.name], clustering: [] });
    }
  } while (c.acceptPunct(','));
  c.expectPunct(')');
  const options = c.acceptWord('with') ? parseTableOptions(c) : NO_TABLE_OPTIONS;
  return { kind: 'createTable', table, ifNotExists, columns, primaryKeys, options };
}

/** `name type [STATIC]`. */
function parseColumnDefinition(c: TokenCursor): ColumnDefinition {
  const name = c.identifier();
  const type = parseType(c);
  const isStatic = c.acceptWord('static');
  return { name, type, isStatic };
}

/** `((a, b), c, d)` or `(a, c, d)`, after PRIMARY KEY. */
function parsePrimaryKeyClause(c: TokenCursor): PrimaryKeyDefinition {
  c.expectPunct('(');
  const partitionKey: string[] = [];
  if (c.acceptPunct('(')) {
    do partitionKey.push(c.identifier());
    while (c.acceptPunct(','));
    c.expectPunct(')');
  } else {
    partitionKey.push(c.identifier());
  }
  const clustering: string[] = [];
  while (c.acceptPunct(',')) clustering.push(c.identifier());
  c.expectPunct(')');
  return { partitionKey, clustering };
}

/** After ALTER TABLE: `[IF EXISTS] t ADD … | DROP … | RENAME … | ALTER c TYPE t | WITH …`. */
export function parseAlterTable(c: TokenCursor): AlterTableStatement {
  const ifExists = c.acceptIfExists();
  const table = parseQualifiedName(c, 'table');
  let action: AlterTableAction;
  if (c.acceptWord('add')) {
    action = parseAddColumns(c);
  } else if (c.acceptWord('drop')) {
    action = parseDropColumns(c);
  } else if (c.acceptWord('rename')) {
    const ifExistsRename = c.acceptIfExists();
    action = { kind: 'renameColumns', ifExists: ifExistsRename, renames: parseRenames(c) };
  } else if (c.acceptWord('alter')) {
    const column = c.identifier();
    c.expectWord('type');
    action = { kind: 'alterColumnType', column, type: parseType(c) };
  } else if (c.acceptWord('with')) {
    action = { kind: 'withProperties', properties: parseProperties(c) };
  } else {
    throw c.noViable();
  }
  return { kind: 'alterTable', table, ifExists, action };
}

function parseAddColumns(c: TokenCursor): AlterTableAction {
  const ifNotExists = c.acceptIfNotExists();
  const columns: ColumnDefinition[] = [];
  if (c.acceptPunct('(')) {
    do columns.push(parseColumnDefinition(c));
    while (c.acceptPunct(','));
    c.expectPunct(')');
  } else {
    columns.push(parseColumnDefinition(c));
  }
  return { kind: 'addColumns', ifNotExists, columns };
}

function parseDropColumns(c: TokenCursor): AlterTableAction {
  if (c.atWord('compact') && c.atWord('storage', 1)) {
    c.next();
    c.next();
    return { kind: 'dropCompactStorage' };
  }
  const ifExists = c.acceptIfExists();
  const columns: string[] = [];
  if (c.acceptPunct('(')) {
    do columns.push(c.identifier());
    while (c.acceptPunct(','));
    c.expectPunct(')');
  } else {
    columns.push(c.identifier());
  }
  let timestamp: Constant | undefined;
  if (c.acceptWord('using')) {
    c.expectWord('timestamp');
    const t = c.peek();
    if (t.kind !== TokenKind.Integer) throw c.mismatched('INTEGER');
    c.next();
    timestamp = { kind: 'constant', type: 'integer', text: t.text };
  }
  return { kind: 'dropColumns', ifExists, columns, timestamp };
}

/** `a TO b (AND c TO d)*`. */
export function parseRenames(c: TokenCursor): Rename[] {
  const renames: Rename[] = [];
  do {
    const from = c.identifier();
    c.expectWord('to');
    renames.push({ from, to: c.identifier() });
  } while (c.acceptWord('and'));
  return renames;
}

/**
 * After CREATE MATERIALIZED VIEW: `[IF NOT EXISTS] v AS SELECT selection FROM t
 * [WHERE …] PRIMARY KEY (…) [WITH options]`.
 */
export function parseCreateView(c: TokenCursor): CreateMaterializedViewStatement {
  const ifNotExists = c.acceptIfNotExists();
  const view = parseQualifiedName(c, 'materialized view');
  c.expectWord('as');
  c.expectWord('select');
  const { wildcard, selectors } = parseSelection(c);
  c.expectWord('from');
  const baseTable = parseQualifiedName(c, 'table');
  let where: CreateMaterializedViewStatement['where'] = [];
  let whereText = '';
  if (c.acceptWord('where')) {
    const mark = c.mark();
    where = parseWhereClause(c);
    whereText = c.sourceSince(mark);
  }
  c.expectWord('primary');
  c.expectWord('key');
  const primaryKey = parsePrimaryKeyClause(c);
  const options = c.acceptWord('with') ? parseTableOptions(c) : NO_TABLE_OPTIONS;
  return { kind: 'createMaterializedView', view, ifNotExists, wildcard, selectors, baseTable, where, whereText, primaryKey, options };
}
