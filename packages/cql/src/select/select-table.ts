import type { ColumnKind, CqlType, TableMetadata } from '@charybdis/schema';
import { allColumns, ClusteringComparator, codecFor, unreversedType } from '@charybdis/schema';
import type { ValueCodec } from '@charybdis/schema';
import { invalidRequest } from './select-errors';

/** One column of the table as SELECT sees it: where its value sits in a row view. */
export interface SelectColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Position in the partition key or clustering; -1 otherwise. */
  readonly position: number;
  /** The value type (a DESC clustering column's base type). */
  readonly type: CqlType;
  /** True for a DESC clustering column. */
  readonly reversed: boolean;
  readonly codec: ValueCodec;
  /** Index in a row view: partition key, clustering, then regular and static columns in table order. */
  readonly index: number;
}

/**
 * A table's columns precomputed once per prepared statement: lookups by name, the
 * clustering comparator, and the index of every column in a row view (Cassandra's
 * wildcard order: partition key, clustering, then the other columns by name).
 */
export class SelectTable {
  readonly columns: readonly SelectColumn[];
  readonly partitionKey: readonly SelectColumn[];
  readonly clustering: readonly SelectColumn[];
  readonly clusteringComparator: ClusteringComparator;
  /** Orders partition key component lists by value (the order of `IN` partitions in results). */
  readonly partitionKeyComparator: ClusteringComparator;
  /** `SELECT *` order: partition key, clustering, static, then regular columns (each by name). */
  readonly wildcardColumns: readonly SelectColumn[];
  readonly hasStatic: boolean;
  private readonly byName: ReadonlyMap<string, SelectColumn>;

  constructor(readonly metadata: TableMetadata) {
    this.columns = allColumns(metadata).map((c, index) => ({
      name: c.name,
      kind: c.kind,
      position: c.position,
      type: unreversedType(c.type),
      reversed: c.type.kind === 'reversed',
      codec: codecFor(unreversedType(c.type)),
      index,
    }));
    this.partitionKey = this.columns.filter((c) => c.kind === 'partition_key');
    this.clustering = this.columns.filter((c) => c.kind === 'clustering');
    this.clusteringComparator = new ClusteringComparator(metadata.clustering.map((c) => c.type));
    this.partitionKeyComparator = new ClusteringComparator(metadata.partitionKey.map((c) => c.type));
    this.wildcardColumns = [
      ...this.columns.filter((c) => c.kind !== 'regular' && c.kind !== 'static'),
      ...this.columns.filter((c) => c.kind === 'static'),
      ...this.columns.filter((c) => c.kind === 'regular'),
    ];
    this.hasStatic = this.columns.some((c) => c.kind === 'static');
    this.byName = new Map(this.columns.map((c) => [c.name, c]));
  }

  get keyspace(): string {
    return this.metadata.keyspace;
  }

  get name(): string {
    return this.metadata.name;
  }

  /** The column `name`, or Cassandra's "Undefined column name" error. */
  column(name: string): SelectColumn {
    const c = this.byName.get(name);
    if (c === undefined) throw invalidRequest(`Undefined column name ${quoteName(name)}`);
    return c;
  }

  find(name: string): SelectColumn | undefined {
    return this.byName.get(name);
  }
}

/** A column name as CQL prints it: bare when lower-case alphanumeric, else double-quoted. */
export function quoteName(name: string): string {
  return /^[a-z][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The partition key bytes: one column = its value; several = CompositeType (u16 length, bytes, 0x00 each). */
export function serializePartitionKey(components: readonly Uint8Array[]): Uint8Array {
  if (components.length === 1) return components[0]!;
  let size = 0;
  for (const c of components) size += 3 + c.length;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const c of components) {
    out[pos] = c.length >>> 8;
    out[pos + 1] = c.length & 0xff;
    out.set(c, pos + 2);
    pos += 2 + c.length;
    out[pos++] = 0;
  }
  return out;
}

/** The components of a partition key (the inverse of serializePartitionKey). */
export function splitPartitionKey(key: Uint8Array, count: number): Uint8Array[] {
  if (count === 1) return [key];
  const out: Uint8Array[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 2 > key.length) throw invalidRequest('Invalid composite partition key');
    const len = (key[pos]! << 8) | key[pos + 1]!;
    if (pos + 2 + len + 1 > key.length) throw invalidRequest('Invalid composite partition key');
    out.push(key.subarray(pos + 2, pos + 2 + len));
    pos += 3 + len;
  }
  return out;
}
