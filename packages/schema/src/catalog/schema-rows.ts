import { codecFor } from '../types/codec-for';
import { cqlTypeToString } from '../types/cql-type';
import type { CqlValue } from '../types/value-codec';
import { compareBytesUnsigned } from '../types/compare-bytes';
import type { KeyspaceDefinition } from './user-types';
import { SYSTEM_SCHEMA_TABLES } from './system-schema-tables';
import type { ColumnMetadata, TableMetadata } from './table-metadata';
import { isCounterTable } from './table-metadata';

/** One row of a system_schema table, encoded: clustering values and cells (sorted by column name). */
export interface EncodedSchemaRow {
  readonly clustering: readonly Uint8Array[];
  readonly cells: readonly (readonly [string, Uint8Array])[];
  /** The clustering as hex, for matching rows of two versions. */
  readonly key: string;
}

/** Encoded rows by system_schema table name (tables without rows are absent). */
export type KeyspaceSchemaRows = ReadonlyMap<string, readonly EncodedSchemaRow[]>;

type RowImage = readonly [clustering: readonly CqlValue[], cells: Readonly<Record<string, CqlValue>>];

function recordToMap<V extends CqlValue>(r: Readonly<Record<string, V>>): Map<CqlValue, CqlValue> {
  return new Map(Object.entries(r));
}

function tableRow(t: TableMetadata): RowImage {
  const o = t.options;
  const flags = isCounterTable(t) ? ['compound', 'counter'] : ['compound'];
  return [
    [t.name],
    {
      additional_write_policy: o.additional_write_policy,
      bloom_filter_fp_chance: o.bloom_filter_fp_chance,
      caching: recordToMap(o.caching),
      cdc: o.cdc,
      comment: o.comment,
      compaction: recordToMap(o.compaction),
      compression: recordToMap(o.compression),
      crc_check_chance: o.crc_check_chance,
      dclocal_read_repair_chance: 0,
      default_time_to_live: o.default_time_to_live,
      extensions: recordToMap(o.extensions),
      flags,
      gc_grace_seconds: o.gc_grace_seconds,
      id: t.id,
      max_index_interval: o.max_index_interval,
      memtable_flush_period_in_ms: o.memtable_flush_period_in_ms,
      min_index_interval: o.min_index_interval,
      read_repair: o.read_repair,
      read_repair_chance: 0,
      speculative_retry: o.speculative_retry,
    },
  ];
}

function columnRow(t: TableMetadata, c: ColumnMetadata): RowImage {
  return [
    [t.name, c.name],
    {
      clustering_order: c.order.toLowerCase(),
      column_name_bytes: Buffer.from(c.name, 'utf8'),
      kind: c.kind,
      position: c.position,
      // A DESC column's type is stored unreversed; clustering_order carries the order.
      type: cqlTypeToString(c.type),
    },
  ];
}

/** The row images of one keyspace in each system_schema table (Cassandra's SchemaKeyspace layout). */
function rowImages(def: KeyspaceDefinition): Map<string, RowImage[]> {
  const ks = def.keyspace;
  const out = new Map<string, RowImage[]>();
  out.set('keyspaces', [[[], { durable_writes: ks.durableWrites, replication: recordToMap(ks.replication) }]]);
  out.set(
    'types',
    ks.userTypes.map((u) => [[u.name], { field_names: u.fields.map((f) => f.name), field_types: u.fields.map((f) => cqlTypeToString(f.type)) }]),
  );
  out.set('tables', def.tables.map(tableRow));
  out.set(
    'columns',
    def.tables.flatMap((t) => [...t.partitionKey, ...t.clustering, ...t.columns].map((c) => columnRow(t, c))),
  );
  out.set(
    'dropped_columns',
    def.tables.flatMap((t) =>
      t.droppedColumns.map((d): RowImage => [[t.name, d.name], { dropped_time: d.droppedAtUs / 1000n, kind: d.kind, type: cqlTypeToString(d.type) }]),
    ),
  );
  out.set(
    'indexes',
    def.tables.flatMap((t) => (t.indexes ?? []).map((i): RowImage => [[t.name, i.name], { kind: i.kind, options: recordToMap(i.options) }])),
  );
  return out;
}

function encodeRow(table: TableMetadata, [clustering, cells]: RowImage): EncodedSchemaRow {
  const ck = clustering.map((v, i) => codecFor(table.clustering[i]!.type).serialize(v) as Uint8Array);
  const encoded = table.columns
    .filter((c) => cells[c.name] !== undefined)
    .map((c): [string, Uint8Array] => [c.name, codecFor(c.type).serialize(cells[c.name]!)]);
  return { clustering: ck, cells: encoded, key: ck.map((b) => Buffer.from(b).toString('hex')).join(':') };
}

function compareClusterings(a: EncodedSchemaRow, b: EncodedSchemaRow): number {
  for (let i = 0; i < Math.min(a.clustering.length, b.clustering.length); i++) {
    const c = compareBytesUnsigned(a.clustering[i]!, b.clustering[i]!);
    if (c !== 0) return c;
  }
  return a.clustering.length - b.clustering.length;
}

/**
 * The rows a keyspace (with its tables and types) occupies in the system_schema tables,
 * encoded with the tables' codecs and sorted by clustering. These are what schema
 * mutations write and what the schema version digests.
 */
export function keyspaceSchemaRows(def: KeyspaceDefinition): KeyspaceSchemaRows {
  const out = new Map<string, EncodedSchemaRow[]>();
  for (const [name, images] of rowImages(def)) {
    if (images.length === 0) continue;
    const table = SYSTEM_SCHEMA_TABLES.get(name)!;
    out.set(name, images.map((img) => encodeRow(table, img)).sort(compareClusterings));
  }
  return out;
}
