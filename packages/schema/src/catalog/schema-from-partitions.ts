import { mergeManyPartitionUpdates } from '../mutation/merge-partition-updates';
import type { PartitionUpdate } from '../mutation/partition-update';
import { rowHasLiveData } from '../mutation/purge-partition-update';
import type { Row } from '../mutation/row';
import { codecFor } from '../types/codec-for';
import { nativeType, reversedType } from '../types/cql-type';
import type { CqlType, UdtType } from '../types/cql-type';
import { parseCqlType } from '../types/cql-type-parser';
import type { CqlValue } from '../types/value-codec';
import { corruptSchema } from './catalog-error-codes';
import type { KeyspaceMetadata } from './keyspace-metadata';
import { sortedRecord } from './option-values';
import type { ReplicationParams } from './replication';
import { Schema } from './schema';
import { SYSTEM_SCHEMA_COMPARATORS } from './schema-mutations';
import { compareNames } from './schema-names';
import { SYSTEM_SCHEMA_TABLES } from './system-schema-tables';
import type { ClusteringOrder, ColumnKind, ColumnMetadata, DroppedColumn, IndexMetadata, TableMetadata } from './table-metadata';
import type { TableOptions } from './table-options';
import type { KeyspaceDefinition } from './user-types';

/** One live system_schema row: every column's value by name (clustering columns included). */
type DecodedRow = Readonly<Record<string, CqlValue>>;

/** Rows of each system_schema table, by keyspace name. */
type RowsByKeyspace = Map<string, Map<string, DecodedRow[]>>;

const TEXT = codecFor(nativeType('text'));

/** A row's value of `column`; a missing value means rows this code did not write. */
function req(row: DecodedRow, column: string): CqlValue {
  const v = row[column];
  if (v === undefined || v === null) throw corruptSchema(`a system_schema row has no value for column ${column}`);
  return v;
}

function decodeRow(tableName: string, row: Row): DecodedRow {
  const table = SYSTEM_SCHEMA_TABLES.get(tableName)!;
  const out: Record<string, CqlValue> = {};
  table.clustering.forEach((c, i) => (out[c.name] = codecFor(c.type).deserialize(row.clustering[i]!)));
  for (const data of row.columns) {
    if (data.kind !== 'simple' || data.cell.kind !== 'live') continue; // schema cells never expire
    const column = table.columns.find((c) => c.name === data.column);
    if (column !== undefined) out[column.name] = codecFor(column.type).deserialize(data.cell.value);
  }
  return out;
}

function collectRows(partitions: ReadonlyMap<string, readonly PartitionUpdate[]>): RowsByKeyspace {
  const out: RowsByKeyspace = new Map();
  for (const [tableName, updates] of partitions) {
    const comparators = SYSTEM_SCHEMA_COMPARATORS.get(tableName);
    if (comparators === undefined) throw corruptSchema(`system_schema.${tableName} is not a schema table`);
    const byKey = new Map<string, PartitionUpdate[]>();
    for (const u of updates) {
      const k = Buffer.from(u.partitionKey).toString('hex');
      byKey.set(k, [...(byKey.get(k) ?? []), u]);
    }
    for (const group of byKey.values()) {
      // Merging normalizes: rows a deletion shadows are gone, so what is left is live.
      const merged = mergeManyPartitionUpdates(group, comparators);
      const keyspace = TEXT.deserialize(merged.partitionKey) as string;
      const rows = merged.rows.filter((r) => rowHasLiveData(r, 0)).map((r) => decodeRow(tableName, r));
      if (!out.has(keyspace)) out.set(keyspace, new Map());
      out.get(keyspace)!.set(tableName, rows);
    }
  }
  return out;
}

function stringRecord(value: CqlValue): Readonly<Record<string, string>> {
  return sortedRecord([...(value as ReadonlyMap<string, string>)]);
}

function resolveUserTypes(keyspace: string, rows: readonly DecodedRow[]): Map<string, UdtType> {
  const raw = new Map(rows.map((r) => [req(r, 'type_name') as string, r]));
  const done = new Map<string, UdtType>();
  const pending = new Set<string>();
  const resolve = (name: string): UdtType | undefined => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const row = raw.get(name);
    if (row === undefined) return undefined;
    if (pending.has(name)) throw corruptSchema(`user type ${keyspace}.${name} contains itself`);
    pending.add(name);
    const names = req(row, 'field_names') as string[];
    const types = req(row, 'field_types') as string[];
    if (names.length !== types.length) throw corruptSchema(`user type ${keyspace}.${name} has ${names.length} field names and ${types.length} field types`);
    const fields = names.map((n, i) => ({ name: n, type: parseType(types[i]!, keyspace, resolve) }));
    const type: UdtType = Object.freeze({ kind: 'udt', keyspace, name, fields, frozen: false });
    pending.delete(name);
    done.set(name, type);
    return type;
  };
  for (const name of raw.keys()) resolve(name);
  return done;
}

function parseType(text: string, keyspace: string, resolve: (name: string) => UdtType | undefined): CqlType {
  return parseCqlType(text, { resolveUdt: (ks, name) => (ks === undefined || ks === keyspace ? resolve(name) : undefined) });
}

function tableOptions(row: DecodedRow): TableOptions {
  const extensions = [...(req(row, 'extensions') as ReadonlyMap<string, Uint8Array>)].map(([k, v]): [string, Uint8Array] => [k, new Uint8Array(v)]);
  return Object.freeze({
    additional_write_policy: req(row, 'additional_write_policy') as string,
    bloom_filter_fp_chance: req(row, 'bloom_filter_fp_chance') as number,
    caching: stringRecord(req(row, 'caching')),
    cdc: req(row, 'cdc') as boolean,
    comment: req(row, 'comment') as string,
    compaction: stringRecord(req(row, 'compaction')),
    compression: stringRecord(req(row, 'compression')),
    crc_check_chance: req(row, 'crc_check_chance') as number,
    default_time_to_live: req(row, 'default_time_to_live') as number,
    extensions: sortedRecord(extensions),
    gc_grace_seconds: req(row, 'gc_grace_seconds') as number,
    max_index_interval: req(row, 'max_index_interval') as number,
    memtable_flush_period_in_ms: req(row, 'memtable_flush_period_in_ms') as number,
    min_index_interval: req(row, 'min_index_interval') as number,
    read_repair: req(row, 'read_repair') as string,
    speculative_retry: req(row, 'speculative_retry') as string,
  });
}

function columnMetadata(row: DecodedRow, type: CqlType): ColumnMetadata {
  const order = (req(row, 'clustering_order') as string).toUpperCase() as ClusteringOrder;
  return { name: req(row, 'column_name') as string, type: order === 'DESC' ? reversedType(type) : type, kind: req(row, 'kind') as ColumnKind, position: req(row, 'position') as number, order };
}

function indexMetadata(row: DecodedRow): IndexMetadata {
  return Object.freeze({ name: req(row, 'index_name') as string, kind: req(row, 'kind') as IndexMetadata['kind'], options: stringRecord(req(row, 'options')) });
}

function buildTable(
  keyspace: string,
  row: DecodedRow,
  columnRows: readonly DecodedRow[],
  droppedRows: readonly DecodedRow[],
  indexRows: readonly DecodedRow[],
  types: Map<string, UdtType>,
): TableMetadata {
  const name = req(row, 'table_name') as string;
  const resolve = (n: string): UdtType | undefined => types.get(n);
  const columns = columnRows.map((c) => columnMetadata(c, parseType(req(c, 'type') as string, keyspace, resolve)));
  const ofKind = (kind: ColumnKind): ColumnMetadata[] => columns.filter((c) => c.kind === kind).sort((a, b) => a.position - b.position);
  const partitionKey = ofKind('partition_key');
  if (partitionKey.length === 0) throw corruptSchema(`table ${keyspace}.${name} has no partition key column`);
  const droppedColumns = droppedRows.map(
    (d): DroppedColumn => ({
      name: req(d, 'column_name') as string,
      type: parseType(req(d, 'type') as string, keyspace, resolve),
      kind: d.kind === 'static' ? 'static' : 'regular',
      droppedAtUs: BigInt((req(d, 'dropped_time') as Date).getTime()) * 1000n,
    }),
  );
  const indexes = indexRows.map(indexMetadata).sort((a, b) => compareNames(a.name, b.name));
  return Object.freeze({
    keyspace,
    name,
    id: req(row, 'id') as string,
    partitionKey,
    clustering: ofKind('clustering'),
    columns: columns.filter((c) => c.kind === 'regular' || c.kind === 'static').sort((a, b) => compareNames(a.name, b.name)),
    options: tableOptions(row),
    droppedColumns: droppedColumns.sort((a, b) => compareNames(a.name, b.name)),
    ...(indexes.length > 0 ? { indexes } : {}),
  });
}

function buildKeyspace(name: string, rows: Map<string, DecodedRow[]>): KeyspaceDefinition | undefined {
  const ksRow = rows.get('keyspaces')?.[0];
  if (ksRow === undefined) return undefined; // rows of a dropped keyspace, or none at all
  const types = resolveUserTypes(name, rows.get('types') ?? []);
  const keyspace: KeyspaceMetadata = Object.freeze({
    name,
    replication: stringRecord(req(ksRow, 'replication')) as ReplicationParams,
    durableWrites: req(ksRow, 'durable_writes') as boolean,
    userTypes: [...types.values()].sort((a, b) => compareNames(a.name, b.name)),
  });
  const of = (table: string, tableName: string): DecodedRow[] => (rows.get(table) ?? []).filter((r) => r.table_name === tableName);
  const tables = (rows.get('tables') ?? []).map((t) => {
    const tableName = req(t, 'table_name') as string;
    return buildTable(name, t, of('columns', tableName), of('dropped_columns', tableName), of('indexes', tableName), types);
  });
  return { keyspace, tables };
}

/**
 * Rebuilds the schema from the content of the system_schema tables: `partitions` holds,
 * by system_schema table name, the stored partition updates (any number per keyspace, in
 * any order; they are merged here with the storage merge rules). The system keyspaces are
 * hard-coded and rows about them are ignored, as are rows of a keyspace that has no
 * keyspaces row. Throws SCHEMA_CORRUPT_SCHEMA (with the cause) when rows do not describe a
 * valid schema.
 */
export function schemaFromPartitions(partitions: ReadonlyMap<string, readonly PartitionUpdate[]>): Schema {
  const rows = collectRows(partitions);
  const defs: KeyspaceDefinition[] = [];
  for (const [name, tables] of rows) {
    if (Schema.isSystemKeyspace(name)) continue;
    try {
      const def = buildKeyspace(name, tables);
      if (def !== undefined) defs.push(def);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'SCHEMA_CORRUPT_SCHEMA') throw err;
      throw corruptSchema(`system_schema rows of keyspace ${name} do not describe a valid schema: ${(err as Error).message}`, err);
    }
  }
  return Schema.of(defs);
}
