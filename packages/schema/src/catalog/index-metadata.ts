import { isCounterType, isMultiCellType, unreversedType } from '../types/cql-type';
import type { CqlType } from '../types/cql-type';
import { invalidDefinition } from './catalog-error-codes';
import { referencesDuration } from './cql-type-walk';
import { compareNames, isValidSchemaName } from './schema-names';
import { findColumn, isCounterTable } from './table-metadata';
import type { ColumnMetadata, IndexMetadata, TableMetadata } from './table-metadata';

/** What an index covers: a column's value, or a collection's keys, values, entries or whole (frozen) value. */
export type IndexTargetKind = 'simple' | 'keys' | 'values' | 'entries' | 'full';

/** One target of CREATE INDEX, as the statement names it. */
export interface IndexTargetSpec {
  readonly kind: IndexTargetKind;
  readonly column: string;
}

/** CREATE [CUSTOM] INDEX at the level of the statement. */
export interface IndexDefinition {
  /** Undefined: `<table>_<column>_idx` (with `_1`, `_2`… when taken). */
  readonly name: string | undefined;
  readonly targets: readonly IndexTargetSpec[];
  /** `USING 'class'` of a CUSTOM index. */
  readonly customClass?: string;
  /** WITH OPTIONS = {…} of a CUSTOM index. */
  readonly options?: Readonly<Record<string, string>>;
}

/** A column name as CQL prints it: bare when lower-case alphanumeric, else double-quoted. */
function cqlName(name: string): string {
  return /^[a-z][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1).replace(/""/g, '"') : text;
}

/** The `target` option as Cassandra stores it: `v`, `keys(m)`, `values(m)`, `entries(m)`, `full(f)`. */
export function indexTargetOption(target: IndexTargetSpec): string {
  return target.kind === 'simple' ? cqlName(target.column) : `${target.kind}(${cqlName(target.column)})`;
}

/** Parses a `target` option back (the inverse of indexTargetOption); undefined for a CUSTOM index's free-form target. */
export function parseIndexTarget(option: string): IndexTargetSpec | undefined {
  const m = /^(keys|values|entries|full)\((.+)\)$/.exec(option);
  if (m !== null) return { kind: m[1] as IndexTargetKind, column: unquote(m[2]!) };
  if (option.length === 0 || option.includes(',')) return undefined;
  return { kind: 'simple', column: unquote(option) };
}

/** The target of an index (undefined for a CUSTOM index whose target is not one column). */
export function indexTarget(index: IndexMetadata): IndexTargetSpec | undefined {
  const option = index.options.target;
  return option === undefined ? undefined : parseIndexTarget(option);
}

/** Cassandra's default index name: `<table>_<column>_idx` without non-word characters. */
function defaultIndexName(table: TableMetadata, column: string, taken: ReadonlySet<string>): string {
  const base = `${table.name}_${column}_idx`.replace(/\W/g, '');
  if (!taken.has(base)) return base;
  for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

function collectionWhat(type: CqlType): string {
  return type.kind === 'native' ? 'duration columns' : type.kind === 'tuple' ? 'tuples containing durations' : type.kind === 'udt' ? 'UDTs containing durations' : 'collections containing durations';
}

function isCollection(type: CqlType): boolean {
  return type.kind === 'list' || type.kind === 'set' || type.kind === 'map';
}

/** The target a bare column name means: `values(c)` for a non-frozen collection, else the column itself. */
function effectiveTarget(target: IndexTargetSpec, type: CqlType): IndexTargetSpec {
  if (target.kind === 'simple' && isCollection(type) && isMultiCellType(type)) return { kind: 'values', column: target.column };
  return target;
}

function checkTarget(table: TableMetadata, target: IndexTargetSpec, column: ColumnMetadata | undefined): IndexTargetSpec {
  if (column === undefined) throw invalidDefinition(`Column '${target.column}' doesn't exist`);
  const type = unreversedType(column.type);
  const name = cqlName(column.name);
  if (referencesDuration(type)) throw invalidDefinition(`Secondary indexes are not supported on ${collectionWhat(type)}`);
  if (isCounterType(type)) throw invalidDefinition('Secondary indexes on counter tables are not supported');
  if (column.kind === 'partition_key' && table.partitionKey.length === 1) {
    throw invalidDefinition(`Cannot create secondary index on the only partition key column ${name}`);
  }
  if (type.kind === 'udt' && isMultiCellType(type)) throw invalidDefinition(`Secondary indexes are not supported on non-frozen UDTs (column ${name})`);
  const t = effectiveTarget(target, type);
  const multiCell = isMultiCellType(type);
  if (t.kind === 'full') {
    if (!isCollection(type) || multiCell) throw invalidDefinition('full() indexes can only be created on frozen collections');
    return t;
  }
  if (t.kind === 'simple') {
    return t;
  }
  if (!isCollection(type)) throw invalidDefinition(`Cannot create ${t.kind}() index on ${name}. Non-collection columns only support simple indexes`);
  if (!multiCell) throw invalidDefinition(`Cannot create ${t.kind}() index on frozen column ${name}. Frozen collections only support full() indexes`);
  if ((t.kind === 'keys' || t.kind === 'entries') && type.kind !== 'map') {
    throw invalidDefinition(`Cannot create index on ${t.kind} of column ${name} with non-map type`);
  }
  return t;
}

function sameTarget(a: IndexMetadata, b: IndexMetadata): boolean {
  return a.kind === b.kind && a.options.target === b.options.target && a.options.class_name === b.options.class_name;
}

/**
 * Adds an index to `table`, with Cassandra's rules and messages: a valid name (the table
 * name rules) free in the keyspace (`keyspaceTables` are the keyspace's tables), one known
 * target column (several only for CUSTOM), no counter or duration column, not the only
 * partition key column, `keys()`/`values()`/`entries()` only on non-frozen collections
 * (`keys`/`entries` on maps), `full()` only on frozen ones, static columns allowed, and not
 * the target of an existing index. Returns null when the name is taken and `ifNotExists`
 * (or the same target is already indexed and `ifNotExists`). Index metadata is only a
 * definition: queries on an indexed column are answered by a filtered scan for now.
 */
export function addIndex(table: TableMetadata, keyspaceTables: readonly TableMetadata[], def: IndexDefinition, ifNotExists: boolean): TableMetadata | null {
  const taken = new Set(keyspaceTables.flatMap((t) => (t.indexes ?? []).map((i) => i.name)));
  if (isCounterTable(table)) throw invalidDefinition('Secondary indexes on counter tables are not supported');
  const custom = def.customClass !== undefined;
  if (def.targets.length === 0 && !custom) throw invalidDefinition('Only CUSTOM indexes can be created without specifying a target column');
  if (def.targets.length > 1 && !custom) throw invalidDefinition('Only CUSTOM indexes support multiple columns');
  const targets = def.targets.map((t) => checkTarget(table, t, findColumn(table, t.column)));
  const first = def.targets[0];
  const name = def.name ?? defaultIndexName(table, first?.column ?? 'custom', taken);
  if (!isValidSchemaName(name)) throw invalidDefinition(`Index name must not be empty, more than 192 characters long, or contain non-alphanumeric-underscore characters (got '${name}')`);
  if (taken.has(name)) {
    if (ifNotExists) return null;
    throw invalidDefinition(`Index ${name} already exists`); // InvalidRequest, as ScyllaDB answers
  }
  const target = targets.map(indexTargetOption).join(',');
  const options: Record<string, string> = custom ? { ...(def.options ?? {}), class_name: def.customClass, target } : { target };
  const index: IndexMetadata = Object.freeze({ name, kind: custom ? 'CUSTOM' : 'COMPOSITES', options: Object.freeze(options) });
  const existing = (table.indexes ?? []).find((i) => sameTarget(i, index));
  if (existing !== undefined) {
    if (ifNotExists) return null;
    throw invalidDefinition(`Index ${name} is a duplicate of existing index ${existing.name}`);
  }
  const indexes = [...(table.indexes ?? []), index].sort((a, b) => compareNames(a.name, b.name));
  return Object.freeze({ ...table, indexes });
}

/** The table holding index `name` among a keyspace's tables, or undefined. */
export function tableOfIndex(keyspaceTables: readonly TableMetadata[], name: string): TableMetadata | undefined {
  return keyspaceTables.find((t) => (t.indexes ?? []).some((i) => i.name === name));
}

/** `table` without index `name`. */
export function dropIndex(table: TableMetadata, name: string): TableMetadata {
  const { indexes: before, ...rest } = table;
  const indexes = (before ?? []).filter((i) => i.name !== name);
  return Object.freeze(indexes.length > 0 ? { ...rest, indexes } : rest);
}

/** The indexes of `table` whose target is column `column` (a dropped column must have none). */
export function indexesOnColumn(table: TableMetadata, column: string): IndexMetadata[] {
  return (table.indexes ?? []).filter((i) => indexTarget(i)?.column === column);
}
