import type { ErrorCode } from './opcodes';
import type { ColumnSpec, RowsMetadata } from './result-metadata';

/** Write types of WriteTimeout / WriteFailure errors, as the drivers know them. */
export type WriteType = 'SIMPLE' | 'BATCH' | 'UNLOGGED_BATCH' | 'COUNTER' | 'BATCH_LOG' | 'CAS' | 'VIEW' | 'CDC';

/** One replica's failure in a ReadFailure / WriteFailure (v5 sends them as a map). */
export interface ReplicaFailure {
  /** 4 or 16 address bytes. */
  address: Uint8Array;
  /** Cassandra's RequestFailureReason code (0 unknown, 1 too many tombstones...). */
  reasonCode: number;
}

type Code = typeof ErrorCode;

/** Error codes whose body is only the code and the message. */
export type SimpleErrorCode =
  | Code['SERVER_ERROR']
  | Code['PROTOCOL_ERROR']
  | Code['BAD_CREDENTIALS']
  | Code['OVERLOADED']
  | Code['IS_BOOTSTRAPPING']
  | Code['TRUNCATE_ERROR']
  | Code['SYNTAX_ERROR']
  | Code['UNAUTHORIZED']
  | Code['INVALID']
  | Code['CONFIG_ERROR']
  | Code['CDC_WRITE_FAILURE'];

/** Fields shared by the replica-count errors. */
interface ReplicaCounts {
  consistency: number;
  received: number;
  blockFor: number;
}

/**
 * The body of an ERROR response: the code, the message, and the extra fields that code
 * carries (specification §9). Plain data.
 */
export type ErrorResponse =
  | { code: SimpleErrorCode; message: string }
  | { code: Code['UNAVAILABLE']; message: string; consistency: number; required: number; alive: number }
  | ({ code: Code['WRITE_TIMEOUT']; message: string; writeType: WriteType; contentions?: number } & ReplicaCounts)
  | ({ code: Code['READ_TIMEOUT']; message: string; dataPresent: boolean } & ReplicaCounts)
  | ({ code: Code['READ_FAILURE']; message: string; failures: readonly ReplicaFailure[]; dataPresent: boolean } & ReplicaCounts)
  | ({ code: Code['WRITE_FAILURE']; message: string; failures: readonly ReplicaFailure[]; writeType: WriteType } & ReplicaCounts)
  | ({ code: Code['CAS_WRITE_UNKNOWN']; message: string } & ReplicaCounts)
  | { code: Code['FUNCTION_FAILURE']; message: string; keyspace: string; function: string; argTypes: readonly string[] }
  | { code: Code['ALREADY_EXISTS']; message: string; keyspace: string; table: string }
  | { code: Code['UNPREPARED']; message: string; id: Uint8Array };

/** What a schema change touched (RESULT Schema_change and EVENT SCHEMA_CHANGE). */
export type SchemaChange =
  | { change: SchemaChangeType; target: 'KEYSPACE'; keyspace: string }
  | { change: SchemaChangeType; target: 'TABLE' | 'TYPE'; keyspace: string; name: string }
  | { change: SchemaChangeType; target: 'FUNCTION' | 'AGGREGATE'; keyspace: string; name: string; argTypes: readonly string[] };

export type SchemaChangeType = 'CREATED' | 'UPDATED' | 'DROPPED';

/** An address with its port, for events. */
export interface EventAddress {
  address: Uint8Array;
  port: number;
}

/** A server-pushed EVENT (sent on stream −1). */
export type ServerEvent =
  | { type: 'TOPOLOGY_CHANGE'; change: 'NEW_NODE' | 'REMOVED_NODE' | 'MOVED_NODE'; node: EventAddress }
  | { type: 'STATUS_CHANGE'; change: 'UP' | 'DOWN'; node: EventAddress }
  | { type: 'SCHEMA_CHANGE'; schema: SchemaChange };

/** A Prepared result. */
export interface PreparedResult {
  kind: 'prepared';
  id: Uint8Array;
  /** v5: identifies the result metadata; required in v5, ignored before. */
  resultMetadataId?: Uint8Array | null;
  bindColumns: readonly ColumnSpec[];
  /** For each partition key column, in key order, the index of its bind marker (v4+). */
  pkIndexes: readonly number[];
  /** The result set's columns; null for statements without rows (sent as No_metadata). */
  resultColumns: readonly ColumnSpec[] | null;
}

/**
 * The body of a RESULT response. `rows` here is the convenience form (every cell already
 * serialized); the hot path streams rows through `RowsEncoder` instead.
 */
export type ResultBody =
  | { kind: 'void' }
  | { kind: 'rows'; metadata: RowsMetadata; rows: readonly (readonly (Uint8Array | null)[])[] }
  | { kind: 'setKeyspace'; keyspace: string }
  | PreparedResult
  | { kind: 'schemaChange'; schema: SchemaChange };

/** Any response the server sends. */
export type Response =
  | { kind: 'error'; error: ErrorResponse }
  | { kind: 'ready' }
  | { kind: 'authenticate'; authenticator: string }
  | { kind: 'supported'; options: ReadonlyMap<string, readonly string[]> }
  | { kind: 'authChallenge'; token: Uint8Array | null }
  | { kind: 'authSuccess'; token: Uint8Array | null }
  | { kind: 'result'; result: ResultBody }
  | { kind: 'event'; event: ServerEvent };

/** Header-level facts of one response frame. */
export interface ResponseFrameInfo {
  version: number;
  /** The request's stream id; −1 for events. */
  stream: number;
  /** Set the Tracing flag and put this [uuid] first in the body. */
  tracingId?: Uint8Array | null;
  /** Set the Warning flag and put these [string list] warnings after the tracing id. */
  warnings?: readonly string[] | null;
  /** Set the Custom payload flag and put this [bytes map] after the warnings. */
  customPayload?: ReadonlyMap<string, Uint8Array | null> | null;
}
