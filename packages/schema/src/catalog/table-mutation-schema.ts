import type { MutationSchema } from '../mutation/table-comparators';
import type { TableMetadata } from './table-metadata';

/**
 * What the mutation model needs to know about a table (build `TableComparators` from it
 * once per schema version): the clustering types in order (reversed for DESC columns, as
 * the column types already are) and every regular and static column with its type.
 */
export function tableMutationSchema(table: TableMetadata): MutationSchema {
  return {
    clusteringTypes: table.clustering.map((c) => c.type),
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
  };
}
