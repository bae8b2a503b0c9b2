import type { Schema } from '@charybdis/schema';
import type { PreparedStatement } from '../execution/execution-types';
import { isAuthStatement } from '../auth/is-auth-statement';
import type { ParsedStatement } from '../parser/statement';
import { isDdlStatement, prepareDdl, prepareTruncate, prepareUse, unsupportedStatementError } from '../schema-statements/prepare-schema-statement';
import type { SchemaStatementRunner } from '../schema-statements/schema-statement-runner';
import { prepareDescribe } from '../schema-statements/describe-statement';
import type { StatementPreparers } from './statement-preparers';
import type { AuthStatement } from '../parser/ast-auth';

/** How role and permission statements are prepared (the shard's ShardAuth). */
export interface AuthStatementPreparer {
  prepare(statement: AuthStatement): PreparedStatement;
}

/**
 * Prepares a parsed statement against one schema snapshot, in the keyspace of the session
 * (or the request's v5 keyspace): DML through the DML preparers, DDL, USE and TRUNCATE
 * here, role and permission statements by `auth`; statements we parse but do not run are
 * NOT_SUPPORTED.
 */
export function prepareParsedStatement(
  parsed: ParsedStatement,
  keyspace: string | null,
  schema: Schema,
  preparers: StatementPreparers,
  runner: SchemaStatementRunner,
  auth?: AuthStatementPreparer,
): PreparedStatement {
  const s = parsed.statement;
  const scope = { schema, keyspace: keyspace ?? '' };
  switch (s.kind) {
    case 'select':
      return preparers.prepareSelect(s, scope, parsed.boundMarkers);
    case 'insert':
    case 'update':
    case 'delete':
      return preparers.prepareModification(s, scope, parsed.boundMarkers);
    case 'batch':
      return preparers.prepareBatch(s, scope, parsed.boundMarkers);
    case 'use':
      return prepareUse(s);
    case 'truncate':
      return prepareTruncate(s, keyspace, runner);
    case 'describe':
      return prepareDescribe(s, keyspace, schema);
    default:
      if (isDdlStatement(s)) return prepareDdl(s, keyspace, runner);
      if (auth !== undefined && isAuthStatement(s)) return auth.prepare(s);
      throw unsupportedStatementError(s);
  }
}
