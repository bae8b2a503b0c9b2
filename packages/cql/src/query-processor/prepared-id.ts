import { createHash } from 'node:crypto';
import { cqlTypeToString } from '@charybdis/schema';
import type { ColumnSpec } from '../protocol/result-metadata';

/**
 * A prepared statement's id, as Cassandra's QueryProcessor.computeId: the MD5 of the
 * keyspace (when the statement was prepared with one) followed by the query text, UTF-8.
 * Deterministic, so every node and every restart gives the same id (the Python driver
 * checks a re-prepare returns the same id).
 */
export function computePreparedId(keyspace: string | null, query: string): Buffer {
  return createHash('md5')
    .update(keyspace === null ? query : keyspace + query, 'utf8')
    .digest();
}

/**
 * The v5 result metadata id: an MD5 over the result columns (keyspace, table, name, type),
 * so it changes exactly when what a client decodes changes (Cassandra's
 * ResultMetadata.computeResultMetadataId does the same over the same fields). Statements
 * without rows get the digest of nothing.
 */
export function computeResultMetadataId(columns: readonly ColumnSpec[] | null): Buffer {
  const md5 = createHash('md5');
  for (const c of columns ?? []) {
    for (const part of [c.keyspace, c.table, c.name, cqlTypeToString(c.type)]) md5.update(part, 'utf8').update('\0');
  }
  return md5.digest();
}
