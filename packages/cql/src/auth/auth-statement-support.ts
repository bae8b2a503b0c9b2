import { CharybdisError } from '@charybdis/core';
import type { CqlType } from '@charybdis/schema';
import { SYSTEM_AUTH_KEYSPACE_NAME, codecFor } from '@charybdis/schema';
import type { CqlValue } from '@charybdis/schema';
import type { ExecutionContext, StatementResult } from '../execution/execution-types';
import { ExecutionErrorCodes } from '../execution/execution-types';
import type { ColumnSpec } from '../protocol/result-metadata';
import { unauthorized } from './auth-service';

export const VOID: StatementResult = Object.freeze({ kind: 'void' });

/** Cassandra's InvalidRequest (0x2200). */
export function invalid(message: string): CharybdisError {
  return new CharybdisError(ExecutionErrorCodes.INVALID, message);
}

/** The logged-in role, or Cassandra's refusal for an anonymous session (AllowAllAuthenticator). */
export function loggedInUser(ctx: ExecutionContext): string {
  const user = ctx.session.user ?? null;
  if (user === null) throw unauthorized('You have to be logged in and not anonymous to perform this request');
  return user;
}

/** Result columns of a LIST statement (keyspace system_auth, as Cassandra reports them). */
export function listColumns(table: string, columns: readonly (readonly [string, CqlType])[]): ColumnSpec[] {
  return columns.map(([name, type]) => ({ keyspace: SYSTEM_AUTH_KEYSPACE_NAME, table, name, type }));
}

/** A Rows result of JS values encoded by their column's type. */
export function rowsResult(columns: readonly ColumnSpec[], rows: readonly (readonly CqlValue[])[]): StatementResult {
  const codecs = columns.map((c) => codecFor(c.type));
  return {
    kind: 'rows',
    columns,
    rows: rows.map((row) => row.map((v, i) => (v === null ? null : codecs[i]!.serialize(v)))),
    pagingState: null,
  };
}
