import { CharybdisError } from '@charybdis/core';
import { ExecutionErrorCodes } from '../execution/execution-types';

/**
 * An AlreadyExists error (protocol 0x2400): the keyspace and, for a table, the table the
 * protocol body carries. `table` is '' for a keyspace, as the specification says.
 */
export class AlreadyExistsError extends CharybdisError {
  readonly keyspace: string;
  readonly table: string;

  constructor(message: string, keyspace: string, table: string) {
    super(ExecutionErrorCodes.ALREADY_EXISTS, message);
    this.keyspace = keyspace;
    this.table = table;
  }
}

/** An InvalidRequest (0x2200) error. */
export function invalidRequest(message: string): CharybdisError {
  return new CharybdisError(ExecutionErrorCodes.INVALID, message);
}

/** A "not supported yet" error (0x2200 with that wording). */
export function notSupported(message: string): CharybdisError {
  return new CharybdisError(ExecutionErrorCodes.NOT_SUPPORTED, message);
}

/** Cassandra's message for a table whose keyspace is neither given nor set by USE. */
export const NO_KEYSPACE_MESSAGE = 'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename';

/** The keyspace a statement on `name` is about: its own, else the session's; Invalid when neither. */
export function effectiveKeyspace(keyspace: string | undefined, sessionKeyspace: string | null): string {
  const ks = keyspace ?? sessionKeyspace;
  if (ks === null || ks === undefined) throw invalidRequest(NO_KEYSPACE_MESSAGE);
  return ks;
}
