import { CharybdisError } from '@charybdis/core';
import { cqlTypeToString, isCounterType, isMultiCellType, reversedType } from '../types/cql-type';
import type { CqlType } from '../types/cql-type';
import { CatalogErrorCodes, invalidDefinition } from './catalog-error-codes';
import { MAX_COLUMNS_PER_TABLE } from './catalog-limits';
import { referencesDuration } from './cql-type-walk';
import { optionString } from './option-values';
import type { RawOptions } from './option-values';
import { checkIdentifier, checkKeyspaceName, checkTableName, compareNames } from './schema-names';
import { isCanonicalUuid, randomTableId } from './schema-uuids';
import type { ColumnMetadata, TableMetadata } from './table-metadata';
import { parseTableOptions } from './table-options';

/** One column of a CREATE TABLE, its type already resolved (UDTs included). */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: CqlType;
  readonly static?: boolean;
}

/** CREATE TABLE at the level of the statement, after parsing. */
export interface TableDefinition {
  readonly keyspace: string;
  readonly name: string;
  /** A UUID string; omitted: `options.id` (`WITH id = …`), else a random v4 id. */
  readonly id?: string;
  readonly columns: readonly ColumnDefinition[];
  /** The partition key column names, in order. */
  readonly partitionKey: readonly string[];
  /** The clustering columns, in order, with their CLUSTERING ORDER (ASC by default). */
  readonly clustering: readonly { readonly name: string; readonly order?: 'ASC' | 'DESC' }[];
  /** The WITH properties (see parseTableOptions). */
  readonly options?: RawOptions;
}

/** Rejects a non-frozen UDT with non-frozen collection fields (Cassandra cannot store it). */
export function checkNonFrozenUdtFields(type: CqlType, column?: string): void {
  if (type.kind === 'udt' && !type.frozen && type.fields.some((f) => isMultiCellType(f.type))) {
    const suffix = column === undefined ? '' : ` for column ${column}`;
    throw invalidDefinition(`Non-frozen UDTs with nested non-frozen collections are not supported${suffix}`);
  }
}

function checkPrimaryKeyColumn(name: string, type: CqlType | undefined, def: TableDefinition, seen: Set<string>): CqlType {
  if (type === undefined) throw invalidDefinition(`Unknown column '${name}' referenced in PRIMARY KEY for table '${def.name}'`);
  if (seen.has(name)) throw invalidDefinition(`Duplicate column '${name}' in PRIMARY KEY clause for table '${def.name}'`);
  seen.add(name);
  if (isMultiCellType(type)) {
    const what = type.kind === 'udt' ? 'user-defined type' : 'collection type';
    throw invalidDefinition(`Invalid non-frozen ${what} ${cqlTypeToString(type)} for PRIMARY KEY column '${name}'`);
  }
  if (isCounterType(type)) throw invalidDefinition(`counter type is not supported for PRIMARY KEY column '${name}'`);
  if (referencesDuration(type)) throw invalidDefinition(`duration type is not supported for PRIMARY KEY column '${name}'`);
  if (def.columns.some((c) => c.name === name && c.static === true)) throw invalidDefinition(`Static column '${name}' cannot be part of the PRIMARY KEY`);
  return type;
}

function declaredTypes(def: TableDefinition): Map<string, CqlType> {
  if (def.columns.length > MAX_COLUMNS_PER_TABLE) throw invalidDefinition(`Table '${def.name}' has more than ${MAX_COLUMNS_PER_TABLE} columns`);
  const types = new Map<string, CqlType>();
  for (const c of def.columns) {
    checkIdentifier('Column', c.name);
    if (types.has(c.name)) throw invalidDefinition(`Duplicate column '${c.name}' declaration for table '${def.name}'`);
    checkNonFrozenUdtFields(c.type);
    types.set(c.name, c.type);
  }
  return types;
}

function checkCounters(def: TableDefinition, regular: readonly ColumnMetadata[], defaultTtl: number): void {
  if (!def.columns.some((c) => isCounterType(c.type))) return;
  if (regular.some((c) => !isCounterType(c.type))) throw invalidDefinition('Cannot mix counter and non counter columns in the same table');
  if (defaultTtl > 0) throw invalidDefinition('Cannot set default_time_to_live on a table with counters');
}

/**
 * Builds a table from CREATE TABLE, with Cassandra 4's rules and messages: valid names,
 * no duplicate columns, primary key columns declared once and not multi-cell, counter,
 * duration or static; static columns only with clustering columns; counter columns not
 * mixed with others (and no default TTL); valid options. Errors are
 * SCHEMA_INVALID_DEFINITION (InvalidRequest), SCHEMA_INVALID_OPTION / SCHEMA_UNKNOWN_OPTION
 * for options.
 */
export function createTableMetadata(def: TableDefinition): TableMetadata {
  checkKeyspaceName(def.keyspace);
  checkTableName(def.name);
  const { id: idOption, ...rawOptions } = def.options ?? {};
  const givenId = def.id ?? (idOption === undefined ? undefined : optionString('id', idOption));
  if (givenId !== undefined && !isCanonicalUuid(givenId.toLowerCase())) {
    throw new CharybdisError(CatalogErrorCodes.INVALID_OPTION, `Invalid table id '${givenId}': expected a UUID`);
  }
  const types = declaredTypes(def);
  if (def.partitionKey.length === 0) throw invalidDefinition(`No PRIMARY KEY specifed for table '${def.name}' (exactly one required)`);
  const seen = new Set<string>();
  const partitionKey = def.partitionKey.map((name, position): ColumnMetadata => {
    const type = checkPrimaryKeyColumn(name, types.get(name), def, seen);
    return { name, type, kind: 'partition_key', position, order: 'NONE' };
  });
  const clustering = def.clustering.map(({ name, order }, position): ColumnMetadata => {
    const type = checkPrimaryKeyColumn(name, types.get(name), def, seen);
    const desc = order === 'DESC';
    return { name, type: desc ? reversedType(type) : type, kind: 'clustering', position, order: desc ? 'DESC' : 'ASC' };
  });
  const columns = def.columns
    .filter((c) => !seen.has(c.name))
    .map((c): ColumnMetadata => ({ name: c.name, type: c.type, kind: c.static === true ? 'static' : 'regular', position: -1, order: 'NONE' }))
    .sort((a, b) => compareNames(a.name, b.name));
  if (clustering.length === 0 && columns.some((c) => c.kind === 'static')) {
    throw invalidDefinition('Static columns are only useful (and thus allowed) if the table has at least one clustering column');
  }
  const options = parseTableOptions(rawOptions);
  checkCounters(def, columns, options.default_time_to_live);
  return Object.freeze({
    keyspace: def.keyspace,
    name: def.name,
    id: givenId?.toLowerCase() ?? randomTableId(),
    partitionKey,
    clustering,
    columns,
    options,
    droppedColumns: [],
  });
}
