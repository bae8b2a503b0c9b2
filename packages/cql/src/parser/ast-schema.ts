/**
 * AST of the schema statements: keyspaces, tables, types, indexes, materialized views,
 * triggers, functions and aggregates. The parser checks syntax only; rules that need
 * the schema or span clauses (exactly one PRIMARY KEY, known options, …) belong to the
 * statement that executes the AST.
 */
import type { Constant, FunctionName, Property, QualifiedName, RawType, Term } from './ast-common';
import type { Ordering, Relation, Selector } from './ast-dml';

export interface CreateKeyspaceStatement {
  readonly kind: 'createKeyspace';
  readonly keyspace: string;
  readonly ifNotExists: boolean;
  readonly properties: readonly Property[];
}

export interface AlterKeyspaceStatement {
  readonly kind: 'alterKeyspace';
  readonly keyspace: string;
  readonly ifExists: boolean;
  readonly properties: readonly Property[];
}

/** One column of CREATE TABLE / ALTER TABLE ADD. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: RawType;
  readonly isStatic: boolean;
}

/** `PRIMARY KEY ((a, b), c, d)`, or a column's inline `PRIMARY KEY` (one partition key column). */
export interface PrimaryKeyDefinition {
  readonly partitionKey: readonly string[];
  readonly clustering: readonly string[];
}

/** The `WITH` part of CREATE TABLE / CREATE MATERIALIZED VIEW. */
export interface TableOptions {
  readonly properties: readonly Property[];
  readonly clusteringOrder: readonly Ordering[];
  readonly compactStorage: boolean;
}

export interface CreateTableStatement {
  readonly kind: 'createTable';
  readonly table: QualifiedName;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDefinition[];
  /**
   * Every primary key definition found, inline or as a clause, in text order. A valid
   * statement has exactly one; the executor reports zero or several.
   */
  readonly primaryKeys: readonly PrimaryKeyDefinition[];
  readonly options: TableOptions;
}

export interface Rename {
  readonly from: string;
  readonly to: string;
}

export type AlterTableAction =
  | { readonly kind: 'addColumns'; readonly ifNotExists: boolean; readonly columns: readonly ColumnDefinition[] }
  | { readonly kind: 'dropColumns'; readonly ifExists: boolean; readonly columns: readonly string[]; readonly timestamp: Constant | undefined }
  | { readonly kind: 'renameColumns'; readonly ifExists: boolean; readonly renames: readonly Rename[] }
  | { readonly kind: 'alterColumnType'; readonly column: string; readonly type: RawType }
  | { readonly kind: 'withProperties'; readonly properties: readonly Property[] }
  | { readonly kind: 'dropCompactStorage' };

export interface AlterTableStatement {
  readonly kind: 'alterTable';
  readonly table: QualifiedName;
  readonly ifExists: boolean;
  readonly action: AlterTableAction;
}

export interface UdtFieldDefinition {
  readonly name: string;
  readonly type: RawType;
}

export interface CreateTypeStatement {
  readonly kind: 'createType';
  readonly type: QualifiedName;
  readonly ifNotExists: boolean;
  readonly fields: readonly UdtFieldDefinition[];
}

export type AlterTypeAction =
  | { readonly kind: 'addField'; readonly ifNotExists: boolean; readonly field: UdtFieldDefinition }
  | { readonly kind: 'renameFields'; readonly ifExists: boolean; readonly renames: readonly Rename[] }
  | { readonly kind: 'alterFieldType'; readonly field: string; readonly type: RawType };

export interface AlterTypeStatement {
  readonly kind: 'alterType';
  readonly type: QualifiedName;
  readonly ifExists: boolean;
  readonly action: AlterTypeAction;
}

/** What an index covers: `c`, `keys(c)`, `values(c)`, `entries(c)`, `full(c)`, or ScyllaDB's `(p1, p2)` partition key of a local index. */
export type IndexTarget =
  | { readonly kind: 'simple' | 'keys' | 'values' | 'entries' | 'full'; readonly column: string }
  | { readonly kind: 'partitionKey'; readonly columns: readonly string[] };

export interface CreateIndexStatement {
  readonly kind: 'createIndex';
  readonly custom: boolean;
  /** Undefined when the statement names no index (the executor derives one). */
  readonly name: string | undefined;
  readonly ifNotExists: boolean;
  readonly table: QualifiedName;
  readonly targets: readonly IndexTarget[];
  /** `USING 'class'` of a custom index. */
  readonly using: string | undefined;
  readonly properties: readonly Property[];
}

export interface CreateMaterializedViewStatement {
  readonly kind: 'createMaterializedView';
  readonly view: QualifiedName;
  readonly ifNotExists: boolean;
  readonly wildcard: boolean;
  readonly selectors: readonly Selector[];
  readonly baseTable: QualifiedName;
  readonly where: readonly Relation[];
  /** The WHERE clause as written (system_schema.views.where_clause shows it). */
  readonly whereText: string;
  readonly primaryKey: PrimaryKeyDefinition;
  readonly options: TableOptions;
}

export interface AlterMaterializedViewStatement {
  readonly kind: 'alterMaterializedView';
  readonly view: QualifiedName;
  readonly ifExists: boolean;
  readonly properties: readonly Property[];
}

export interface CreateTriggerStatement {
  readonly kind: 'createTrigger';
  readonly name: string;
  readonly ifNotExists: boolean;
  readonly table: QualifiedName;
  readonly className: string;
}

export interface FunctionArgument {
  readonly name: string;
  readonly type: RawType;
}

export interface CreateFunctionStatement {
  readonly kind: 'createFunction';
  readonly name: FunctionName;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly args: readonly FunctionArgument[];
  /** `CALLED ON NULL INPUT` (true) or `RETURNS NULL ON NULL INPUT` (false). */
  readonly calledOnNullInput: boolean;
  readonly returnType: RawType;
  readonly language: string;
  readonly body: string;
}

export interface CreateAggregateStatement {
  readonly kind: 'createAggregate';
  readonly name: FunctionName;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly argTypes: readonly RawType[];
  readonly stateFunction: string;
  readonly stateType: RawType;
  readonly finalFunction: string | undefined;
  /** ScyllaDB's `REDUCEFUNC`. */
  readonly reduceFunction: string | undefined;
  readonly initCondition: Term | undefined;
}

/** DROP of a named schema object: keyspace, table, type, index, view or trigger. */
export interface DropStatement {
  readonly kind: 'drop';
  readonly target: 'keyspace' | 'table' | 'type' | 'index' | 'materializedView';
  /** For a keyspace, `name.name` is the keyspace and `name.keyspace` is undefined. */
  readonly name: QualifiedName;
  readonly ifExists: boolean;
}

export interface DropTriggerStatement {
  readonly kind: 'dropTrigger';
  readonly name: string;
  readonly ifExists: boolean;
  readonly table: QualifiedName;
}

/** DROP FUNCTION / DROP AGGREGATE, optionally with the argument types of one overload. */
export interface DropFunctionStatement {
  readonly kind: 'dropFunction';
  readonly aggregate: boolean;
  readonly name: FunctionName;
  readonly ifExists: boolean;
  /** Undefined when no `(types)` was given (drops the only overload). */
  readonly argTypes: readonly RawType[] | undefined;
}

/** What a DESCRIBE statement names (Cassandra 4.0's server-side DESCRIBE). */
export type DescribeTarget =
  | { readonly kind: 'schema' }
  | { readonly kind: 'keyspaces' }
  | { readonly kind: 'keyspace'; readonly keyspace: string | undefined; readonly only: boolean }
  | { readonly kind: 'tables' }
  | { readonly kind: 'table'; readonly name: QualifiedName }
  | { readonly kind: 'types' }
  | { readonly kind: 'type'; readonly name: QualifiedName }
  | { readonly kind: 'index'; readonly name: QualifiedName }
  | { readonly kind: 'functions' | 'aggregates' | 'cluster' }
  /** `DESCRIBE name`: a keyspace, else a table (or index) of the session's keyspace. */
  | { readonly kind: 'element'; readonly name: QualifiedName };

/** `DESCRIBE | DESC [FULL] target [WITH INTERNALS]`. */
export interface DescribeStatement {
  readonly kind: 'describe';
  readonly target: DescribeTarget;
  /** FULL: DESCRIBE SCHEMA includes the system keyspaces. */
  readonly full: boolean;
}

export type SchemaStatement =
  | DescribeStatement
  | CreateKeyspaceStatement
  | AlterKeyspaceStatement
  | CreateTableStatement
  | AlterTableStatement
  | CreateTypeStatement
  | AlterTypeStatement
  | CreateIndexStatement
  | CreateMaterializedViewStatement
  | AlterMaterializedViewStatement
  | CreateTriggerStatement
  | CreateFunctionStatement
  | CreateAggregateStatement
  | DropStatement
  | DropTriggerStatement
  | DropFunctionStatement;
