import type { SchemaChange } from '../protocol/response-types';
import type { DdlRequest } from './schema-change-plan';

/**
 * What executing a schema statement needs from the node: the schema service (one per
 * shard) implements it by forwarding DDL to the shard that serializes schema changes.
 */
export interface SchemaStatementRunner {
  /** Applies a DDL everywhere; the change, or null when it changed nothing (Void result). */
  executeDdl(request: DdlRequest): Promise<SchemaChange | null>;
  /** Empties the table on every shard (TRUNCATE). */
  truncate(tableId: string): Promise<void>;
}
