import type { ColumnSpec, MutationSchema } from '../mutation/table-comparators';
import type { TableMetadata } from './table-metadata';

/**
 * What the mutation model needs to know about a table (build `TableComparators` from it
 * once per schema version): the clustering types in order (reversed for DESC columns, as
 * the column types already are) and every regular and static column with its type — plus
 * the dropped columns not re-added, so data written before an ALTER TABLE … DROP still
 * decodes from memtables, SSTables and the commitlog (queries never select them). Every
 * column ever dropped carries its drop time, so reads ignore its older cells (a column
 * dropped and re-added comes back empty, as in Cassandra).
 */
export function tableMutationSchema(table: TableMetadata): MutationSchema {
  const droppedAt = new Map(table.droppedColumns.map((d) => [d.name, d.droppedAtUs]));
  const live = new Set(table.columns.map((c) => c.name));
  const dropped = table.droppedColumns.filter((d) => !live.has(d.name));
  const spec = (name: string, type: ColumnSpec['type']): ColumnSpec => {
    const at = droppedAt.get(name);
    return at === undefined ? { name, type } : { name, type, droppedAtUs: at };
  };
  return {
    clusteringTypes: table.clustering.map((c) => c.type),
    columns: [...table.columns.map((c) => spec(c.name, c.type)), ...dropped.map((d) => spec(d.name, d.type))],
  };
}
