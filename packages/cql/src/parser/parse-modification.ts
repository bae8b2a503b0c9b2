/** INSERT, UPDATE, DELETE and BATCH. */
import type { Term } from './ast-common';
import type {
  Assignment,
  BatchStatement,
  ColumnTarget,
  DeleteStatement,
  InsertStatement,
  ModificationStatement,
  StatementCondition,
  UpdateStatement,
  UsingClause,
} from './ast-dml';
import { atFunctionCall, parseIdentifierTuple, parseQualifiedName } from './parse-names';
import { parseIntValue } from './parse-select';
import { atBindMarker, parseBindMarker, parseTerm, parseTermList } from './parse-term';
import { parseColumnTarget, parseConditions, parseWhereClause } from './parse-where';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

const NO_USING: UsingClause = { ttl: undefined, timestamp: undefined, timeout: undefined };
const NO_CONDITION: StatementCondition = { kind: 'none' };

/** `USING TTL t AND TIMESTAMP t AND TIMEOUT d` (any order), or the empty clause. */
function parseUsing(c: TokenCursor): UsingClause {
  if (!c.acceptWord('using')) return NO_USING;
  let ttl: Term | undefined;
  let timestamp: Term | undefined;
  let timeout: Term | undefined;
  do {
    const t = c.peek();
    if (!c.acceptWord('ttl') && !c.acceptWord('timestamp') && !c.acceptWord('timeout')) {
      throw c.mismatched('K_TTL, K_TIMESTAMP or K_TIMEOUT');
    }
    const seen = t.text === 'ttl' ? ttl : t.text === 'timestamp' ? timestamp : timeout;
    if (seen !== undefined) throw c.errorAt(t, `duplicate ${t.text.toUpperCase()} in USING clause`);
    if (t.text === 'ttl') ttl = parseIntValue(c);
    else if (t.text === 'timestamp') timestamp = parseIntValue(c);
    else timeout = parseTerm(c);
  } while (c.acceptWord('and'));
  return { ttl, timestamp, timeout };
}

/** `IF EXISTS` or `IF conditions` after UPDATE/DELETE's WHERE clause. */
function parseUpdateCondition(c: TokenCursor): StatementCondition {
  if (!c.acceptWord('if')) return NO_CONDITION;
  if (c.acceptWord('exists')) return { kind: 'ifExists' };
  return { kind: 'if', conditions: parseConditions(c) };
}

/** After INSERT: `INTO t (cols) VALUES (terms) | JSON v [DEFAULT NULL|UNSET] [IF NOT EXISTS] [USING …]`. */
export function parseInsert(c: TokenCursor): InsertStatement {
  c.expectWord('into');
  const table = parseQualifiedName(c, 'table');
  let values: InsertStatement['values'];
  if (c.acceptWord('json')) {
    const json = atBindMarker(c) ? parseBindMarker(c) : parseJsonString(c);
    let defaultUnset = false;
    if (c.acceptWord('default')) {
      if (c.acceptWord('unset')) defaultUnset = true;
      else c.expectWord('null');
    }
    values = { kind: 'json', json, defaultUnset };
  } else {
    const columns = parseIdentifierTuple(c);
    c.expectWord('values');
    values = { kind: 'values', columns, terms: parseTermList(c, '(', ')') };
  }
  const condition: StatementCondition = c.acceptIfNotExists() ? { kind: 'ifNotExists' } : NO_CONDITION;
  return { kind: 'insert', table, values, condition, using: parseUsing(c) };
}

function parseJsonString(c: TokenCursor): Term {
  const t = c.peek();
  if (t.kind !== TokenKind.String) throw c.mismatched('STRING_LITERAL');
  c.next();
  return { kind: 'constant', type: 'string', text: t.text };
}

/** After UPDATE: `t [USING …] SET assignments WHERE … [IF …]`. */
export function parseUpdate(c: TokenCursor): UpdateStatement {
  const table = parseQualifiedName(c, 'table');
  const using = parseUsing(c);
  c.expectWord('set');
  const assignments: Assignment[] = [];
  do assignments.push(parseAssignment(c));
  while (c.acceptPunct(','));
  c.expectWord('where');
  const where = parseWhereClause(c);
  return { kind: 'update', table, using, assignments, where, condition: parseUpdateCondition(c) };
}

/** `c = t`, `c = c + t`, `c = t + c`, `c = c - t`, `c += t`, `c -= t`, `c[k] = t`, `c.f = t`. */
function parseAssignment(c: TokenCursor): Assignment {
  const target = parseColumnTarget(c);
  const column = target.column;
  if (target.kind === 'column') {
    if (c.acceptPunct('+=')) return { kind: 'add', column, value: parseTerm(c) };
    if (c.acceptPunct('-=')) return { kind: 'subtract', column, value: parseTerm(c) };
  }
  c.expectPunct('=');
  if (target.kind === 'column' && c.isIdentifier() && !atFunctionCall(c)) return parseSelfOperation(c, column);
  const value = parseTerm(c);
  if (target.kind === 'column' && c.atPunct('+')) {
    c.next();
    const at = c.peek();
    if (c.identifier() !== column) throw c.errorAt(at, `Only expressions of the form X = <value> + X are supported.`);
    return { kind: 'prepend', column, value };
  }
  return { kind: 'set', target, value };
}

/** `c = c + t`, `c = c - t` (also `c = c -1`, which the lexer reads as `c`, `-1`). */
function parseSelfOperation(c: TokenCursor, column: string): Assignment {
  const at = c.peek();
  if (c.identifier() !== column) throw c.errorAt(at, `Only expressions of the form X = X + <value> are supported.`);
  if (c.acceptPunct('+')) return { kind: 'add', column, value: parseTerm(c) };
  if (c.acceptPunct('-')) return { kind: 'subtract', column, value: parseTerm(c) };
  const t = c.peek();
  if ((t.kind === TokenKind.Integer || t.kind === TokenKind.Float) && t.text.startsWith('-')) {
    c.next();
    const type = t.kind === TokenKind.Integer ? 'integer' : 'float';
    return { kind: 'subtract', column, value: { kind: 'constant', type, text: t.text.slice(1) } };
  }
  throw c.noViable();
}

/** After DELETE: `[targets] FROM t [USING TIMESTAMP t] WHERE … [IF …]`. */
export function parseDelete(c: TokenCursor): DeleteStatement {
  const targets: ColumnTarget[] = [];
  if (!c.atWord('from')) {
    do targets.push(parseColumnTarget(c));
    while (c.acceptPunct(','));
  }
  c.expectWord('from');
  const table = parseQualifiedName(c, 'table');
  const using = parseUsing(c);
  c.expectWord('where');
  const where = parseWhereClause(c);
  return { kind: 'delete', targets, table, using, where, condition: parseUpdateCondition(c) };
}

/** After BEGIN: `[UNLOGGED | COUNTER] BATCH [USING …] statements APPLY BATCH`. */
export function parseBatch(c: TokenCursor): BatchStatement {
  let type: BatchStatement['type'] = 'logged';
  if (c.acceptWord('unlogged')) type = 'unlogged';
  else if (c.acceptWord('counter')) type = 'counter';
  c.expectWord('batch');
  const using = parseUsing(c);
  const statements: ModificationStatement[] = [];
  while (!c.atWord('apply')) {
    statements.push(parseBatchChild(c));
    c.acceptPunct(';');
  }
  c.next();
  c.expectWord('batch');
  return { kind: 'batch', type, using, statements };
}

function parseBatchChild(c: TokenCursor): ModificationStatement {
  if (c.acceptWord('insert')) return parseInsert(c);
  if (c.acceptWord('update')) return parseUpdate(c);
  if (c.acceptWord('delete')) return parseDelete(c);
  throw c.mismatched('K_INSERT, K_UPDATE, K_DELETE or K_APPLY');
}
