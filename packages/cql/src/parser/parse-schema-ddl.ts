/** Keyspaces, user types, indexes, triggers, ALTER MATERIALIZED VIEW and the DROP statements. */
import type {
  AlterKeyspaceStatement,
  AlterMaterializedViewStatement,
  AlterTypeAction,
  AlterTypeStatement,
  CreateIndexStatement,
  CreateKeyspaceStatement,
  CreateTriggerStatement,
  CreateTypeStatement,
  DropStatement,
  DropTriggerStatement,
  IndexTarget,
  UdtFieldDefinition,
} from './ast-schema';
import { parseQualifiedName, parseSimpleName } from './parse-names';
import { parseProperties } from './parse-properties';
import { parseRenames } from './parse-table-ddl';
import { parseType, parseUserTypeName } from './parse-type';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

/** After CREATE KEYSPACE: `[IF NOT EXISTS] ks [WITH properties]` (ScyllaDB makes WITH optional). */
export function parseCreateKeyspace(c: TokenCursor): CreateKeyspaceStatement {
  const ifNotExists = c.acceptIfNotExists();
  const keyspace = parseSimpleName(c, 'keyspace');
  const properties = c.acceptWord('with') ? parseProperties(c) : [];
  return { kind: 'createKeyspace', keyspace, ifNotExists, properties };
}

/** After ALTER KEYSPACE: `[IF EXISTS] ks WITH properties`. */
export function parseAlterKeyspace(c: TokenCursor): AlterKeyspaceStatement {
  const ifExists = c.acceptIfExists();
  const keyspace = parseSimpleName(c, 'keyspace');
  c.expectWord('with');
  return { kind: 'alterKeyspace', keyspace, ifExists, properties: parseProperties(c) };
}

/** After CREATE TYPE: `[IF NOT EXISTS] t (field type, …)`. */
export function parseCreateType(c: TokenCursor): CreateTypeStatement {
  const ifNotExists = c.acceptIfNotExists();
  const type = parseUserTypeName(c);
  const fields: UdtFieldDefinition[] = [];
  c.expectPunct('(');
  do {
    if (c.atPunct(')')) break; // a trailing comma, as in CREATE TABLE
    const name = c.identifier();
    fields.push({ name, type: parseType(c) });
  } while (c.acceptPunct(','));
  c.expectPunct(')');
  return { kind: 'createType', type, ifNotExists, fields };
}

/** After ALTER TYPE: `[IF EXISTS] t ADD [IF NOT EXISTS] f type | RENAME [IF EXISTS] a TO b … | ALTER f TYPE type`. */
export function parseAlterType(c: TokenCursor): AlterTypeStatement {
  const ifExists = c.acceptIfExists();
  const type = parseUserTypeName(c);
  let action: AlterTypeAction;
  if (c.acceptWord('add')) {
    const ifNotExists = c.acceptIfNotExists();
    const name = c.identifier();
    action = { kind: 'addField', ifNotExists, field: { name, type: parseType(c) } };
  } else if (c.acceptWord('rename')) {
    const renameIfExists = c.acceptIfExists();
    action = { kind: 'renameFields', ifExists: renameIfExists, renames: parseRenames(c) };
  } else if (c.acceptWord('alter')) {
    const field = c.identifier();
    c.expectWord('type');
    action = { kind: 'alterFieldType', field, type: parseType(c) };
  } else {
    throw c.noViable();
  }
  return { kind: 'alterType', type, ifExists, action };
}

/** After CREATE [CUSTOM] INDEX: `[IF NOT EXISTS] [name] ON t (targets) [USING 'class'] [WITH properties]`. */
export function parseCreateIndex(c: TokenCursor, custom: boolean): CreateIndexStatement {
  const ifNotExists = c.acceptIfNotExists();
  const name = c.atWord('on') ? undefined : parseSimpleName(c, 'index');
  c.expectWord('on');
  const table = parseQualifiedName(c, 'table');
  const targets: IndexTarget[] = [];
  c.expectPunct('(');
  if (!c.atPunct(')')) {
    do targets.push(parseIndexTarget(c));
    while (c.acceptPunct(','));
  }
  c.expectPunct(')');
  let using: string | undefined;
  if (c.acceptWord('using')) {
    const t = c.peek();
    if (t.kind !== TokenKind.String) throw c.mismatched('STRING_LITERAL');
    c.next();
    using = t.text;
  }
  const properties = c.acceptWord('with') ? parseProperties(c) : [];
  return { kind: 'createIndex', custom, name, ifNotExists, table, targets, using, properties };
}

const INDEX_TARGET_FUNCTIONS: ReadonlySet<string> = new Set(['keys', 'values', 'entries', 'full']);

function parseIndexTarget(c: TokenCursor): IndexTarget {
  const t = c.peek();
  if (t.kind === TokenKind.Word && INDEX_TARGET_FUNCTIONS.has(t.text) && c.atPunct('(', 1)) {
    c.next();
    c.next();
    const column = c.identifier();
    c.expectPunct(')');
    return { kind: t.text as 'keys' | 'values' | 'entries' | 'full', column };
  }
  if (c.acceptPunct('(')) {
    const columns: string[] = [];
    do columns.push(c.identifier());
    while (c.acceptPunct(','));
    c.expectPunct(')');
    return { kind: 'partitionKey', columns };
  }
  return { kind: 'simple', column: c.identifier() };
}

/** After CREATE TRIGGER: `[IF NOT EXISTS] name ON t USING 'class'`. */
export function parseCreateTrigger(c: TokenCursor): CreateTriggerStatement {
  const ifNotExists = c.acceptIfNotExists();
  const name = c.identifier();
  c.expectWord('on');
  const table = parseQualifiedName(c, 'table');
  c.expectWord('using');
  const t = c.peek();
  if (t.kind !== TokenKind.String) throw c.mismatched('STRING_LITERAL');
  c.next();
  return { kind: 'createTrigger', name, ifNotExists, table, className: t.text };
}

/** After ALTER MATERIALIZED VIEW: `[IF EXISTS] v WITH properties`. */
export function parseAlterView(c: TokenCursor): AlterMaterializedViewStatement {
  const ifExists = c.acceptIfExists();
  const view = parseQualifiedName(c, 'materialized view');
  c.expectWord('with');
  return { kind: 'alterMaterializedView', view, ifExists, properties: parseProperties(c) };
}

/** After DROP KEYSPACE|TABLE|TYPE|INDEX|MATERIALIZED VIEW: `[IF EXISTS] name`. */
export function parseDrop(c: TokenCursor, target: DropStatement['target']): DropStatement {
  const ifExists = c.acceptIfExists();
  const name = target === 'keyspace' ? { keyspace: undefined, name: parseSimpleName(c, 'keyspace') } : parseQualifiedName(c, target === 'materializedView' ? 'materialized view' : target);
  return { kind: 'drop', target, name, ifExists };
}

/** After DROP TRIGGER: `[IF EXISTS] name ON t`. */
export function parseDropTrigger(c: TokenCursor): DropTriggerStatement {
  const ifExists = c.acceptIfExists();
  const name = c.identifier();
  c.expectWord('on');
  return { kind: 'dropTrigger', name, ifExists, table: parseQualifiedName(c, 'table') };
}
