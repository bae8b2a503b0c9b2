import type { PartitionUpdate, Schema } from '@charybdis/schema';
import type { SchemaChange } from '../protocol/response-types';
import type {
  AlterKeyspaceStatement,
  AlterTableStatement,
  AlterTypeStatement,
  CreateIndexStatement,
  CreateKeyspaceStatement,
  CreateTableStatement,
  CreateTypeStatement,
  DropStatement,
} from '../parser/ast-schema';

/** The DDL statements the schema service applies (plain AST data: they cross shards as is). */
export type DdlStatement =
  | CreateKeyspaceStatement
  | AlterKeyspaceStatement
  | CreateTableStatement
  | AlterTableStatement
  | CreateTypeStatement
  | AlterTypeStatement
  | CreateIndexStatement
  | (DropStatement & { readonly target: 'keyspace' | 'table' | 'type' | 'index' });

/** One DDL to apply: the statement and the keyspace of the session that sent it. Plain data. */
export interface DdlRequest {
  readonly statement: DdlStatement;
  readonly sessionKeyspace: string | null;
}

/** What the DDL runs with, chosen by the shard that serializes DDL. */
export interface DdlContext {
  /** The DDL's write timestamp (system_schema cells, dropped columns' time). */
  readonly timestampUs: bigint;
  /** The cluster's datacenters (NetworkTopologyStrategy's replication_factor shorthand). */
  readonly datacenters?: readonly string[];
}

/** A validated schema change: the schema after it, its event, and the system_schema writes. */
export interface SchemaChangePlan {
  readonly after: Schema;
  readonly change: SchemaChange;
  readonly mutations: readonly PartitionUpdate[];
}
