import { Schema } from '@charybdis/schema';
import type { ExecutionContext, PreparedStatement, StatementResult } from '../execution/execution-types';
import type { TruncateStatement, UseStatement } from '../parser/ast-dml';
import type { Statement } from '../parser/statement';
import { CharybdisError } from '@charybdis/core';
import { ExecutionErrorCodes } from '../execution/execution-types';
import { effectiveKeyspace, invalidRequest, notSupported } from './ddl-errors';
import type { DdlStatement } from './schema-change-plan';
import type { SchemaStatementRunner } from './schema-statement-runner';

const VOID: StatementResult = Object.freeze({ kind: 'void' });

/** A statement without bind markers or result columns (DDL, USE, TRUNCATE). */
function plainStatement(statement: Statement, keyspace: string | null, table: string | null, execute: (ctx: ExecutionContext) => Promise<StatementResult>): PreparedStatement {
  return { statementKind: statement.kind, boundVariables: [], partitionKeyBindIndexes: [], resultColumns: null, keyspace, table, execute };
}

/** True for the DDL the schema service applies (keyspaces, tables, types, indexes). */
export function isDdlStatement(statement: Statement): statement is DdlStatement {
  switch (statement.kind) {
    case 'createKeyspace':
    case 'alterKeyspace':
    case 'createTable':
    case 'alterTable':
    case 'createType':
    case 'alterType':
    case 'createIndex':
      return true;
    case 'drop':
      return statement.target === 'keyspace' || statement.target === 'table' || statement.target === 'type' || statement.target === 'index';
    default:
      return false;
  }
}

/**
 * Prepares a DDL: executing it sends the statement (plain AST data) and the session's
 * keyspace at prepare time (the prepared id includes that keyspace) to the schema service.
 */
export function prepareDdl(statement: DdlStatement, sessionKeyspace: string | null, runner: SchemaStatementRunner): PreparedStatement {
  const request = { statement, sessionKeyspace };
  return plainStatement(statement, sessionKeyspace, null, async () => {
    const change = await runner.executeDdl(request);
    return change === null ? VOID : { kind: 'schemaChange', change };
  });
}

/** USE: an existing keyspace becomes the session's ("Keyspace 'x' does not exist" otherwise). */
export function prepareUse(statement: UseStatement): PreparedStatement {
  const result: StatementResult = { kind: 'setKeyspace', keyspace: statement.keyspace };
  return plainStatement(statement, statement.keyspace, null, (ctx) => {
    if (ctx.schema.keyspace(statement.keyspace) === undefined) return Promise.reject(invalidRequest(`Keyspace '${statement.keyspace}' does not exist`));
    ctx.session.keyspace = statement.keyspace;
    return Promise.resolve(result);
  });
}

/** TRUNCATE: the table must exist (Cassandra's validateTable messages) and not be a system table. */
export function prepareTruncate(statement: TruncateStatement, sessionKeyspace: string | null, runner: SchemaStatementRunner): PreparedStatement {
  const keyspace = effectiveKeyspace(statement.table.keyspace, sessionKeyspace);
  const name = statement.table.name;
  return plainStatement(statement, keyspace, name, async (ctx) => {
    if (ctx.schema.keyspace(keyspace) === undefined) throw invalidRequest(`keyspace ${keyspace} does not exist`);
    const table = ctx.schema.table(keyspace, name);
    if (table === undefined) throw invalidRequest(`table ${name} does not exist`);
    if (Schema.isSystemKeyspace(keyspace)) throw new CharybdisError(ExecutionErrorCodes.UNAUTHORIZED, `${keyspace} keyspace is not user-modifiable.`);
    await runner.truncate(table.id);
    return VOID;
  });
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  createMaterializedView: 'Materialized views are not supported yet',
  alterMaterializedView: 'Materialized views are not supported yet',
  createTrigger: 'Triggers are not supported',
  dropTrigger: 'Triggers are not supported',
  createFunction: 'User-defined functions are not supported yet',
  createAggregate: 'User-defined aggregates are not supported yet',
  dropFunction: 'User-defined functions and aggregates are not supported yet',
  createRole: 'Roles are not supported yet (authentication and authorization come later)',
  alterRole: 'Roles are not supported yet (authentication and authorization come later)',
  dropRole: 'Roles are not supported yet (authentication and authorization come later)',
  createUser: 'Users are not supported yet (authentication and authorization come later)',
  alterUser: 'Users are not supported yet (authentication and authorization come later)',
  dropUser: 'Users are not supported yet (authentication and authorization come later)',
  grantRole: 'Roles are not supported yet (authentication and authorization come later)',
  revokeRole: 'Roles are not supported yet (authentication and authorization come later)',
  grantPermissions: 'Permissions are not supported yet (authentication and authorization come later)',
  revokePermissions: 'Permissions are not supported yet (authentication and authorization come later)',
  listPermissions: 'Permissions are not supported yet (authentication and authorization come later)',
  listRoles: 'Roles are not supported yet (authentication and authorization come later)',
  listUsers: 'Users are not supported yet (authentication and authorization come later)',
};

/** The NOT_SUPPORTED error of a statement we parse but do not run (indexes, views, UDFs, auth…). */
export function unsupportedStatementError(statement: Statement): CharybdisError {
  if (statement.kind === 'drop') {
    return notSupported('Materialized views are not supported yet');
  }
  return notSupported(UNSUPPORTED[statement.kind] ?? `${statement.kind} statements are not supported yet`);
}
