import type { WireValue } from './frame-reader';

/** Parameters of QUERY and EXECUTE (specification §4.1.4). */
export interface QueryParameters {
  /** [consistency] code. */
  consistency: number;
  /** The raw flags (a byte before v5, an int in v5). */
  flags: number;
  /** Bound values (subarrays of the frame body), or null without the Values flag. */
  values: WireValue[] | null;
  /** Marker names, parallel to `values`, when the Names_for_values flag is set. */
  names: string[] | null;
  skipMetadata: boolean;
  /** Requested page size; null without the Page_size flag (≤ 0 means "no paging"). */
  pageSize: number | null;
  pagingState: Buffer | null;
  /** Serial [consistency] code for conditional updates, or null (SERIAL). */
  serialConsistency: number | null;
  /** Default write timestamp in microseconds, or null (server-assigned). */
  timestamp: bigint | null;
  /** v5: the keyspace to run in instead of the connection's. */
  keyspace: string | null;
  /** v5: "now" for TTL and function evaluation, in seconds since the epoch. */
  nowInSeconds: number | null;
}

/** One statement of a BATCH. */
export interface BatchEntry {
  /** The query string (kind 0) or null for a prepared statement. */
  query: string | null;
  /** The prepared id (kind 1) or null for a query string. */
  id: Buffer | null;
  values: WireValue[];
}

/** Present on the requests that may carry one (QUERY, PREPARE, EXECUTE, BATCH). */
export type CustomPayload = Map<string, Buffer | null> | null;

/** A decoded request: plain data whose byte fields are subarrays of the frame body. */
export type Request =
  | { kind: 'startup'; options: Map<string, string> }
  | { kind: 'authResponse'; token: Buffer | null }
  | { kind: 'options' }
  | { kind: 'query'; query: string; params: QueryParameters; customPayload: CustomPayload }
  | { kind: 'prepare'; query: string; keyspace: string | null; customPayload: CustomPayload }
  | {
      kind: 'execute';
      id: Buffer;
      /** v5: the id of the result metadata the client has; null before v5. */
      resultMetadataId: Buffer | null;
      params: QueryParameters;
      customPayload: CustomPayload;
    }
  | {
      kind: 'batch';
      /** 0 logged, 1 unlogged, 2 counter. */
      batchType: number;
      entries: BatchEntry[];
      consistency: number;
      flags: number;
      serialConsistency: number | null;
      timestamp: bigint | null;
      keyspace: string | null;
      nowInSeconds: number | null;
      customPayload: CustomPayload;
    }
  | { kind: 'register'; events: string[] };
