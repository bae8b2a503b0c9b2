import { CharybdisError } from '@charybdis/core';
import { BOTTOM_BOUND, SYSTEM_SCHEMA_TABLES, TOP_BOUND, schemaFromPartitions } from '@charybdis/schema';
import type { PartitionUpdate, Schema } from '@charybdis/schema';
import type { PagingState, RangeReadCommand } from '@charybdis/storage';
import type { DataAccess } from '../execution/execution-types';
import { SCHEMA_LOAD_ERROR, resultPartitionToUpdate } from './result-partition-update';

/** Rows per page when reading a system_schema table at start-up. */
export const SCHEMA_LOAD_PAGE_ROWS = 1000;
/**
 * Pages per system_schema table before start-up gives up: the catalog's own limits
 * (10000 tables of at most 1024 columns) fit well within it; more means corrupt data.
 */
export const MAX_SCHEMA_LOAD_PAGES = 20_000;

async function readWholeTable(data: DataAccess, tableId: string, nowSeconds: number): Promise<PartitionUpdate[]> {
  const out: PartitionUpdate[] = [];
  let pagingState: PagingState | undefined;
  for (let page = 0; page < MAX_SCHEMA_LOAD_PAGES; page++) {
    const command: RangeReadCommand = {
      slices: [{ start: BOTTOM_BOUND, end: TOP_BOUND }],
      reversed: false,
      rowLimit: SCHEMA_LOAD_PAGE_ROWS,
      nowSeconds,
      ...(pagingState === undefined ? {} : { pagingState }),
    };
    const result = await data.readRange(tableId, command);
    for (const p of result.partitions) out.push(resultPartitionToUpdate(tableId, p));
    if (result.pagingState === null) return out;
    pagingState = result.pagingState;
  }
  throw new CharybdisError(SCHEMA_LOAD_ERROR, `system_schema table ${tableId} has more than ${MAX_SCHEMA_LOAD_PAGES} pages of ${SCHEMA_LOAD_PAGE_ROWS} rows`);
}

/**
 * Reads the persisted schema at start-up: every system_schema table, all pages, through
 * `data` (the real tables, not the virtual ones), rebuilt with schemaFromPartitions. The
 * system keyspaces are hard-coded, so a node with an empty system_schema gets them alone.
 * Throws SCHEMA_CORRUPT_SCHEMA when the rows do not describe a schema.
 */
export async function loadSchema(data: DataAccess, nowMs: number = Date.now()): Promise<Schema> {
  const nowSeconds = Math.floor(nowMs / 1000);
  const partitions = new Map<string, readonly PartitionUpdate[]>();
  for (const [name, table] of SYSTEM_SCHEMA_TABLES) partitions.set(name, await readWholeTable(data, table.id, nowSeconds));
  return schemaFromPartitions(partitions);
}
