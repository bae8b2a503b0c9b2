import { CharybdisError } from '@charybdis/core';
import { cqlTypeToString, cqlTypesEqual, isCounterType, isMultiCellType } from '../types/cql-type';
import { CatalogErrorCodes, invalidDefinition } from './catalog-error-codes';
import { MAX_COLUMNS_PER_TABLE } from './catalog-limits';
import { checkNonFrozenUdtFields } from './create-table-metadata';
import type { ColumnDefinition } from './create-table-metadata';
import { expandUserTypes } from './cql-type-walk';
import { indexTarget } from './index-metadata';
import type { RawOptions } from './option-values';
import { checkIdentifier, compareNames } from './schema-names';
import { allColumns, findColumn, isCounterTable } from './table-metadata';
import type { ColumnMetadata, DroppedColumn, TableMetadata } from './table-metadata';
import { parseTableOptions } from './table-options';

/** One ALTER TABLE change. */
export type TableChange =
  | { readonly kind: 'add'; readonly columns: readonly ColumnDefinition[] }
  /** `timestampUs` is the DDL's timestamp: data written at or before it is dropped. */
  | { readonly kind: 'drop'; readonly columns: readonly string[]; readonly timestampUs: bigint }
  | { readonly kind: 'rename'; readonly renames: readonly { readonly from: string; readonly to: string }[] }
  | { readonly kind: 'options'; readonly options: RawOptions };

function qualified(table: TableMetadata): string {
  return `${table.keyspace}.${table.name}`;
}

function checkReAdd(table: TableMetadata, col: ColumnDefinition, dropped: DroppedColumn): void {
  if (!cqlTypesEqual(expandUserTypes(col.type), dropped.type)) {
    throw invalidDefinition(
      `Cannot re-add previously dropped column '${col.name}' of type ${cqlTypeToString(col.type)}, incompatible with previous type ${cqlTypeToString(dropped.type)}`,
    );
  }
  const kind = col.static === true ? 'static' : 'regular';
  if (kind !== dropped.kind) {
    throw invalidDefinition(`Cannot re-add previously dropped column '${col.name}' of kind ${kind.toUpperCase()}, incompatible with previous kind ${dropped.kind.toUpperCase()}`);
  }
  if (isCounterTable(table)) throw invalidDefinition(`Cannot re-add previously dropped counter column ${col.name}`);
}

function addColumns(table: TableMetadata, added: readonly ColumnDefinition[]): TableMetadata {
  const columns = [...table.columns];
  const counterTable = isCounterTable(table);
  for (const col of added) {
    checkIdentifier('Column', col.name);
    if (findColumn(table, col.name) !== undefined || columns.some((c) => c.name === col.name)) {
      throw invalidDefinition(`Column with name '${col.name}' already exists`);
    }
    if (col.static === true && table.clustering.length === 0) {
      throw invalidDefinition('Static columns are only useful (and thus allowed) if the table has at least one clustering column');
    }
    checkNonFrozenUdtFields(col.type, col.name);
    const dropped = table.droppedColumns.find((d) => d.name === col.name);
    if (dropped !== undefined) checkReAdd(table, col, dropped);
    const counter = isCounterType(col.type);
    if (counterTable && !counter) throw invalidDefinition(`Cannot add a non counter column (${col.name}) in a counter table`);
    if (!counterTable && counter) throw invalidDefinition(`Cannot add a counter column (${col.name}) in a non counter table`);
    columns.push({ name: col.name, type: col.type, kind: col.static === true ? 'static' : 'regular', position: -1, order: 'NONE' });
  }
  if (table.partitionKey.length + table.clustering.length + columns.length > MAX_COLUMNS_PER_TABLE) {
    throw invalidDefinition(`Table '${table.name}' would have more than ${MAX_COLUMNS_PER_TABLE} columns`);
  }
  return { ...table, columns: columns.sort((a, b) => compareNames(a.name, b.name)) };
}

function dropColumns(table: TableMetadata, names: readonly string[], timestampUs: bigint): TableMetadata {
  // system_schema.dropped_columns keeps milliseconds: keep the model at that precision so
  // that it survives a restart unchanged. Round up, not down: a write made before the DROP
  // in the same millisecond must stay dropped (reads ignore the column's cells up to it).
  const below = ((timestampUs % 1000n) + 1000n) % 1000n;
  const droppedAtUs = below === 0n ? timestampUs : timestampUs - below + 1000n;
  let columns = table.columns;
  const dropped = new Map(table.droppedColumns.map((d) => [d.name, d]));
  for (const name of names) {
    const column = columns.find((c) => c.name === name);
    if (column === undefined) {
      if (findColumn(table, name) !== undefined) throw invalidDefinition(`Cannot drop PRIMARY KEY column ${name}`);
      throw invalidDefinition(`Column ${name} was not found in table '${qualified(table)}'`);
    }
    if (column.type.kind === 'udt' && isMultiCellType(column.type)) {
      throw invalidDefinition(`Cannot drop non-frozen column ${name} of user type ${cqlTypeToString(column.type)}`);
    }
    const dependent = (table.indexes ?? []).filter((i) => indexTarget(i)?.column === name);
    if (dependent.length > 0) {
      throw invalidDefinition(`Cannot drop column ${name} because it has dependent secondary indexes (${dependent.map((i) => i.name).join(', ')})`);
    }
    columns = columns.filter((c) => c !== column);
    dropped.set(name, { name, type: expandUserTypes(column.type), kind: column.kind === 'static' ? 'static' : 'regular', droppedAtUs });
  }
  const droppedColumns = [...dropped.values()].sort((a, b) => compareNames(a.name, b.name));
  return { ...table, columns, droppedColumns };
}

function renameColumns(table: TableMetadata, renames: readonly { readonly from: string; readonly to: string }[]): TableMetadata {
  let current = table;
  for (const { from, to } of renames) {
    checkIdentifier('Column', to);
    const column = findColumn(current, from);
    if (column === undefined) throw invalidDefinition(`Column ${from} was not found in table ${qualified(table)}`);
    if (column.kind !== 'partition_key' && column.kind !== 'clustering') throw invalidDefinition(`Cannot rename non PRIMARY KEY column ${from}`);
    if (findColumn(current, to) !== undefined) {
      throw invalidDefinition(`Cannot rename column ${from} to ${to} in table '${qualified(table)}'; another column with that name already exists`);
    }
    const rename = (c: ColumnMetadata): ColumnMetadata => (c.name === from ? { ...c, name: to } : c);
    current = { ...current, partitionKey: current.partitionKey.map(rename), clustering: current.clustering.map(rename) };
  }
  return current;
}

function alterOptions(table: TableMetadata, raw: RawOptions): TableMetadata {
  if (raw.id !== undefined) throw new CharybdisError(CatalogErrorCodes.INVALID_OPTION, 'Cannot alter table id.');
  const options = parseTableOptions(raw, table.options);
  if (isCounterTable(table) && options.default_time_to_live > 0) throw invalidDefinition('Cannot set default_time_to_live on a table with counters');
  return { ...table, options };
}

/**
 * Applies one ALTER TABLE change with Cassandra 4's rules and messages:
 * - ADD: the name is free; static columns need clustering columns; a non-frozen UDT
 *   cannot hold non-frozen collections; a previously dropped column comes back only with
 *   a compatible type and the same kind (never in a counter table); counter and
 *   non-counter columns do not mix;
 * - DROP: regular and static columns only (not a non-frozen UDT); recorded in
 *   `droppedColumns` with the DDL timestamp (ms precision);
 * - RENAME: primary key columns only, to a free name;
 * - options: as parseTableOptions over the current options (`id` cannot change).
 * The result keeps the table's id. Errors are SCHEMA_INVALID_DEFINITION / _OPTION.
 */
export function alterTable(table: TableMetadata, change: TableChange): TableMetadata {
  let altered: TableMetadata;
  switch (change.kind) {
    case 'add':
      altered = addColumns(table, change.columns);
      break;
    case 'drop':
      altered = dropColumns(table, change.columns, change.timestampUs);
      break;
    case 'rename':
      altered = renameColumns(table, change.renames);
      break;
    case 'options':
      altered = alterOptions(table, change.options);
      break;
  }
  if (allColumns(altered).length === 0) throw invalidDefinition(`Table '${table.name}' has no columns`);
  return Object.freeze(altered);
}
