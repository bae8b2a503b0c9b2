import type { ClusteringPrefix } from '@charybdis/schema';

/**
 * What a read returns: live data only, in the shapes the CQL layer serializes directly
 * (values are the stored bytes, already in the protocol's encoding; counters are given as
 * their 8-byte bigint encoding). Plain data, so results cross shards as they are.
 */

/** A live single-cell value with what `writetime()` and `ttl()` report. */
export interface ResultSimpleColumn {
  readonly kind: 'simple';
  readonly column: string;
  readonly value: Uint8Array;
  readonly writetimeUs: bigint;
  /** Seconds left to live at the read's `nowSeconds` (what CQL `TTL()` returns); null for a cell without TTL. */
  readonly ttlSeconds: number | null;
}

/** A live counter: its total (sum of shard counts) as an 8-byte big-endian bigint, and the number. */
export interface ResultCounterColumn {
  readonly kind: 'counter';
  readonly column: string;
  /** The total in CQL `counter`/`bigint` encoding (8 bytes, big-endian two's complement). */
  readonly value: Uint8Array;
  readonly total: bigint;
  readonly writetimeUs: bigint;
}

/** One live element of a multi-cell column: list (path a timeuuid), set (path the element, value empty), map (path the key), UDT field (path its 2-byte position). */
export interface ResultElement {
  readonly path: Uint8Array;
  readonly value: Uint8Array;
  readonly writetimeUs: bigint;
  /** As in {@link ResultSimpleColumn}. */
  readonly ttlSeconds: number | null;
}

/** A non-frozen collection or UDT with at least one live element, elements in path order. */
export interface ResultCollectionColumn {
  readonly kind: 'collection';
  readonly column: string;
  readonly elements: readonly ResultElement[];
}

/** One column's live data in a result row. */
export type ResultColumn = ResultSimpleColumn | ResultCounterColumn | ResultCollectionColumn;

/**
 * A live row: its clustering (`[]` for the static row) and its selected columns with live
 * data, sorted by column name. `cells` may be empty: a row exists when its marker or any
 * of its cells (selected or not) is live.
 */
export interface ResultRow {
  readonly clustering: ClusteringPrefix;
  readonly cells: readonly ResultColumn[];
}

/** One partition of a result: its static row (see StaticRowMode) and its live rows in the read's order. */
export interface ResultPartition {
  readonly partitionKey: Uint8Array;
  readonly token: bigint;
  readonly staticRow?: ResultRow;
  readonly rows: readonly ResultRow[];
}
