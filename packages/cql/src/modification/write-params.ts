import { expiringCell, liveCell, tombstoneCell } from '@charybdis/schema';
import type { Cell, ColumnData, ComplexCell, DeletionTime } from '@charybdis/schema';
import type { ResultElement } from '@charybdis/storage';
import type { TimeUuidSource } from '../execution/execution-types';

/**
 * What every cell of one statement execution shares (Cassandra's UpdateParameters): the
 * write timestamp, the TTL (0 = none), the server time, and the generator of list cell
 * paths.
 */
export interface WriteParams {
  readonly timestampUs: bigint;
  readonly ttlSeconds: number;
  /** Server time in seconds: local deletion times and TTL expiry. */
  readonly nowSeconds: number;
  readonly nowMs: number;
  readonly uuids: TimeUuidSource;
}

/** A row's current list elements, by column, for operations that read before writing. */
export type ExistingLists = ReadonlyMap<string, readonly ResultElement[]>;

/** A counter increment one operation asks for. */
export interface CounterIncrement {
  readonly column: string;
  readonly delta: bigint;
}

/** Where operations put what they write for one row. */
export interface RowSink {
  readonly columns: ColumnData[];
  readonly counters: CounterIncrement[];
}

/** A value cell: expiring with the statement's TTL, else live. */
export function valueCell(p: WriteParams, value: Uint8Array): Cell {
  return p.ttlSeconds > 0 ? expiringCell(p.timestampUs, value, p.ttlSeconds, p.nowSeconds) : liveCell(p.timestampUs, value);
}

export function deletedCell(p: WriteParams): Cell {
  return tombstoneCell(p.timestampUs, p.nowSeconds);
}

/** The deletion of a whole collection by DELETE (at the timestamp). */
export function deletionAt(p: WriteParams): DeletionTime {
  return { markedForDeleteAtUs: p.timestampUs, localDeletionTimeSeconds: p.nowSeconds };
}

/** The deletion an overwrite (`SET l = [...]`) writes: just before its own elements, so they survive it. */
export function overwriteDeletion(p: WriteParams): DeletionTime {
  return { markedForDeleteAtUs: p.timestampUs - 1n, localDeletionTimeSeconds: p.nowSeconds };
}

export function complexData(column: string, cells: ComplexCell[], deletion?: DeletionTime): ColumnData {
  return deletion === undefined ? { kind: 'complex', column, cells } : { kind: 'complex', column, deletion, cells };
}

/** A UDT field's cell path: its position as a 2-byte unsigned short. */
export function fieldPath(index: number): Uint8Array {
  return Uint8Array.of((index >> 8) & 0xff, index & 0xff);
}

export const EMPTY_VALUE: Uint8Array = new Uint8Array(0);
