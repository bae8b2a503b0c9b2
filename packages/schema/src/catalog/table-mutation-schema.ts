import type { MutationSchema } from '../mutation/table-comparators';
import type { TableMetadata } from './table-metadata';

/**
 * What the mutation model needs to know about a table (build `TableComparators` from it
 * once per schema version): the clustering types in order (reversed for DESC columns, as
 * the column types already are) and every regular and static column with its type — plus
 * the dropped columns not re-added, so data written before an ALTER TABLE … DROP still
 * decodes from memtables, SSTables and the commitlog (queries never select them).
 */
export function tableMutationSchema(table: TableMetadata): MutationSchema {
  const live = new Set(table.columns.map((c) => c.name));
  const dropped = table.droppedColumns.filter((d) => !live.has(d.name));
  return {
    clusteringTypes: table.clustering.map((c) => c.type),
    columns: [...table.columns.map((c) => ({ name: c.name, type: c.type })), ...dropped.map((d) => ({ name: d.name, type: d.type }))],
  };
}
