import { CharybdisError } from '@charybdis/core';
import { liveCell } from '@charybdis/schema';
import type { ColumnData, PartitionUpdate, Row } from '@charybdis/schema';
import type { ResultColumn, ResultPartition, ResultRow } from '@charybdis/storage';

/** Code of a read result that cannot be turned back into an update (a counter in a schema table). */
export const SCHEMA_LOAD_ERROR = 'CQL_SCHEMA_LOAD';

function columnData(c: ResultColumn): ColumnData {
  switch (c.kind) {
    case 'simple':
      return { kind: 'simple', column: c.column, cell: liveCell(c.writetimeUs, c.value) };
    case 'collection':
      return { kind: 'complex', column: c.column, cells: c.elements.map((e) => ({ path: e.path, cell: liveCell(e.writetimeUs, e.value) })) };
    case 'counter':
      throw new CharybdisError(SCHEMA_LOAD_ERROR, `Unexpected counter column ${c.column} in a schema table`);
  }
}

function newestWrite(row: ResultRow): bigint {
  let ts = 0n;
  for (const c of row.cells) {
    if (c.kind === 'collection') for (const e of c.elements) ts = e.writetimeUs > ts ? e.writetimeUs : ts;
    else if (c.writetimeUs > ts) ts = c.writetimeUs;
  }
  return ts;
}

/**
 * A read result's live data as a PartitionUpdate of live cells (each at its writetime,
 * with a row marker so that rows with no cell stay alive), for code that rebuilds state
 * from what a read returns (loadSchema → schemaFromPartitions). TTLs are not kept:
 * system_schema has none.
 */
export function resultPartitionToUpdate(tableId: string, partition: ResultPartition): PartitionUpdate {
  const rows: Row[] = partition.rows.map((r) => ({ clustering: r.clustering, marker: { timestampUs: newestWrite(r) }, columns: r.cells.map(columnData) }));
  const staticRow = partition.staticRow === undefined ? undefined : { columns: partition.staticRow.cells.map(columnData) };
  return { tableId, partitionKey: partition.partitionKey, token: partition.token, ...(staticRow === undefined ? {} : { staticRow }), rows, rangeTombstones: [] };
}
