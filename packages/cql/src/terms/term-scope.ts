import type { Schema } from '@charybdis/schema';

/**
 * Where a term or statement is prepared: the schema snapshot it is prepared against and
 * the keyspace unqualified names (tables, user types) resolve in — the session keyspace,
 * or '' when the session has none.
 */
export interface TermScope {
  readonly schema: Schema;
  readonly keyspace: string;
}
