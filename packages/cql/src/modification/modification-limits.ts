/**
 * Bounds of modification statements (CONVENTIONS: put a limit on everything).
 */

/** Largest partition key or clustering component, in bytes (Cassandra's FBUtilities.MAX_UNSIGNED_SHORT). */
export const MAX_KEY_LENGTH_BYTES = 0xffff;

/** Most partition keys, or clusterings, an IN cartesian product may produce (ScyllaDB's max_*_key_restrictions_per_query default). */
export const MAX_CARTESIAN_PRODUCT_SIZE = 100;

/** Largest cell value a statement may write (the protocol's [bytes] limit: a signed int32 length). */
export const MAX_VALUE_LENGTH_BYTES = 0x7fff_ffff;

/** Counter updates waiting for the same node's counter locks before new ones are refused as Overloaded. */
export const MAX_PENDING_COUNTER_UPDATES = 10_000;

/** Estimated size above which a multi-partition BATCH is refused (ScyllaDB's batch_size_fail_threshold_in_kb default, 1024). */
export const BATCH_SIZE_FAIL_THRESHOLD_BYTES = 1024 * 1024;

/** Statements in one BATCH. */
export const MAX_BATCH_STATEMENTS = 65_535;

/** Largest INSERT JSON document, in characters, and its deepest nesting. */
export const MAX_JSON_LENGTH_CHARS = 16 * 1024 * 1024;
export const MAX_JSON_DEPTH = 64;
