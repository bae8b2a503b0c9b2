import type { CounterTarget } from '../modification/counter-updates';
import type { CqlType, PartitionUpdate, Schema } from '@charybdis/schema';
import type { RangeReadCommand, ReadCommand, SinglePartitionReadResult } from '@charybdis/storage';
import type { RangePage } from '@charybdis/coordinator';
import type { ParsedStatement } from '../parser/statement';
import type { WireValue } from '../protocol/frame-reader';
import type { ColumnSpec } from '../protocol/result-metadata';
import type { SchemaChange } from '../protocol/response-types';

/**
 * The contract between the parts of statement execution (terms, modifications, SELECT,
 * schema statements, the query processor) and the transport. Shapes only.
 */

/** How statements reach data on this node (a coordinator StorageProxy fits). */
export interface DataAccess {
  mutateAll(updates: readonly PartitionUpdate[]): Promise<void>;
  read(tableId: string, partitionKey: Uint8Array, token: bigint, command: ReadCommand): Promise<SinglePartitionReadResult>;
  readRange(tableId: string, command: RangeReadCommand): Promise<RangePage>;
}

/** The client's session on one connection. `keyspace` changes with USE. */
export interface ClientSession {
  keyspace: string | null;
  readonly protocolVersion: number;
  /** The role the connection logged in as (PasswordAuthenticator); null or absent: anonymous (AllowAllAuthenticator). */
  user?: string | null;
}

/** The per-request options (from the protocol's QueryParameters), normalised. */
export interface QueryOptions {
  readonly consistency: number;
  /** Bound values by marker index (named values already placed by the query processor). */
  readonly values: readonly WireValue[];
  /** Page size; null or ≤ 0: no paging (all rows). */
  readonly pageSize: number | null;
  /** The opaque paging state the client sent back, or null. */
  readonly pagingState: Uint8Array | null;
  /** Client default timestamp in µs, or null (server time). USING TIMESTAMP overrides. */
  readonly timestampUs: bigint | null;
  /** v5 now_in_seconds, or null. */
  readonly nowInSeconds: number | null;
}

/** What executing one statement needs. */
export interface ExecutionContext {
  readonly schema: Schema;
  readonly data: DataAccess;
  readonly session: ClientSession;
  readonly options: QueryOptions;
  /** Server wall clock in ms, read once per request. */
  readonly nowMs: number;
  /**
   * This shard's counter write state (counter id and the locks that serialize counter
   * read-before-write), one per shard from the composition root. Optional: without it a
   * prepared statement uses a state of its own (see modification/counter-locks.ts).
   */
  readonly counters?: CounterWriteState;
  /**
   * This shard's time-UUID source for list element cell paths, shared by every statement
   * so that appends and prepends of successive statements keep their order (Cassandra's
   * process-wide UUIDGen). Optional: without it a prepared statement uses its own (order is
   * then only guaranteed between executions of the same prepared statement).
   */
  readonly timeUuids?: TimeUuidSource;
}

/** Increasing version-1 UUIDs (the TimeUuidGenerator of terms/time-uuids.ts implements it). */
export interface TimeUuidSource {
  /** `count` increasing timeuuids at `nowMs` or later, above every earlier one. */
  next(nowMs: number, count: number): Uint8Array[];
  /** `count` increasing timeuuids below every earlier prepend and every append. */
  nextPrepend(nowMs: number, count: number): Uint8Array[];
}

/** What counter updates need from the node (see modification/counter-locks.ts for the implementation). */
export interface CounterWriteState {
  /** This node's counter id (a UUID string): the shard of the counter cells this node updates. */
  readonly counterId: string;
  /** Runs `fn` holding the locks named by `keys` (any order; duplicates allowed); throws CQL_OVERLOADED when too many wait. */
  withLocks<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T>;
  /**
   * When present, applies counter increments on the shards owning their partitions (each
   * under that shard's locks), instead of reading and writing them from this shard.
   */
  applyCounters?(targets: readonly CounterTarget[], nowSeconds: number): Promise<void>;
}

/** A statement's result before protocol encoding. Cell values are serialized bytes (or null). */
export type StatementResult =
  | { readonly kind: 'void' }
  | {
      readonly kind: 'rows';
      readonly columns: readonly ColumnSpec[];
      readonly rows: readonly (readonly (Uint8Array | null)[])[];
      /** Opaque; null on the last page. */
      readonly pagingState: Uint8Array | null;
    }
  | { readonly kind: 'setKeyspace'; readonly keyspace: string }
  | { readonly kind: 'schemaChange'; readonly change: SchemaChange };

/** A bind variable of a prepared statement: its receiver (for the Prepared metadata and value validation). */
export interface BoundVariable {
  readonly keyspace: string;
  readonly table: string;
  /** Column name, or `[limit]`, `[ttl]`, `[timestamp]`, `partition key`… as Cassandra names special receivers, or the marker's `:name`. */
  readonly name: string;
  readonly type: CqlType;
}

/**
 * A statement prepared once per schema version and executed many times: everything that
 * does not depend on the bound values is computed at prepare time (column positions,
 * routing key extraction, encoders, result column specs) — DESIGN §5a.
 */
export interface PreparedStatement {
  readonly statementKind: ParsedStatement['statement']['kind'];
  readonly boundVariables: readonly BoundVariable[];
  /** For the Prepared result: bind indexes of the partition key columns in key order, when every pk column is bound by `pk = ?`; else empty. */
  readonly partitionKeyBindIndexes: readonly number[];
  /** Result columns (SELECT); null for statements without rows. */
  readonly resultColumns: readonly ColumnSpec[] | null;
  /** The keyspace and table the statement is about (for the Prepared metadata's global spec), when it has one. */
  readonly keyspace: string | null;
  readonly table: string | null;
  execute(ctx: ExecutionContext): Promise<StatementResult>;
}

/** Stable codes of execution errors; the query processor maps them to protocol errors in one place. */
export const ExecutionErrorCodes = {
  /** Protocol 0x2200 Invalid: a statement that cannot run as written (unknown column, wrong value type, missing pk restriction…). */
  INVALID: 'CQL_INVALID',
  /** 0x2300 Config error. */
  CONFIG: 'CQL_CONFIG',
  /** 0x2400 Already exists; `keyspace`/`table` in the error's details. */
  ALREADY_EXISTS: 'CQL_ALREADY_EXISTS',
  /** 0x2100 Unauthorized. */
  UNAUTHORIZED: 'CQL_UNAUTHORIZED',
  /** 0x1001 Overloaded. */
  OVERLOADED: 'CQL_OVERLOADED',
  /** 0x2200 with "not supported yet" wording, for features we do not have yet (LWT, secondary indexes…). */
  NOT_SUPPORTED: 'CQL_NOT_SUPPORTED',
} as const;
