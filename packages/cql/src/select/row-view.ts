import type { ResultColumn, ResultElement, ResultPartition, ResultRow } from '@charybdis/storage';
import type { WireValue } from '../protocol/frame-reader';
import { splitPartitionKey } from './select-table';
import type { SelectColumn, SelectTable } from './select-table';

/**
 * One CQL row as selectors and filters read it: per table column (by SelectColumn.index)
 * its serialized value (collections in the protocol's encoding), write time and TTL. One
 * view is reused for every row of an execution, so rows cost no per-row object beyond
 * what the storage result already holds.
 */
export class RowView {
  readonly values: (Uint8Array | null)[];
  readonly writetimesUs: (bigint | null)[];
  readonly ttlsSeconds: (number | null)[];
  /** Per non-frozen collection column, its live elements (writetime/ttl of one element). */
  readonly elements: (readonly ResultElement[] | null)[];
  /** The execution's bound values (subscripts with bind markers in the selection). */
  params: readonly WireValue[] = [];
  /** The partition key bytes and token of the row's partition. */
  partitionKey: Uint8Array = new Uint8Array(0);
  token = 0n;
  /** The request's server time, for functions such as now(). */
  nowMs = 0;

  constructor(private readonly table: SelectTable) {
    const n = table.columns.length;
    this.values = new Array<Uint8Array | null>(n).fill(null);
    this.writetimesUs = new Array<bigint | null>(n).fill(null);
    this.ttlsSeconds = new Array<number | null>(n).fill(null);
    this.elements = new Array<readonly ResultElement[] | null>(n).fill(null);
  }

  /** Loads the partition key components and the static row (when given). */
  setPartition(partition: ResultPartition): void {
    this.partitionKey = partition.partitionKey;
    this.token = partition.token;
    const pk = this.table.partitionKey;
    const parts = splitPartitionKey(partition.partitionKey, pk.length);
    for (let i = 0; i < pk.length; i++) this.values[pk[i]!.index] = parts[i]!;
    for (const c of this.table.columns) if (c.kind === 'static') this.clear(c.index);
    if (partition.staticRow !== undefined) this.setCells(partition.staticRow.cells);
  }

  /** Loads a row's clustering and regular cells (static values stay from setPartition); null = the static-only row. */
  setRow(row: ResultRow | null): void {
    const ck = this.table.clustering;
    for (let i = 0; i < ck.length; i++) this.values[ck[i]!.index] = row === null ? null : (row.clustering[i] ?? null);
    for (const c of this.table.columns) if (c.kind === 'regular') this.clear(c.index);
    if (row !== null) this.setCells(row.cells);
  }

  private clear(index: number): void {
    this.values[index] = null;
    this.writetimesUs[index] = null;
    this.ttlsSeconds[index] = null;
    this.elements[index] = null;
  }

  private setCells(cells: readonly ResultColumn[]): void {
    for (const cell of cells) {
      const column = this.table.find(cell.column);
      if (column === undefined) continue;
      const i = column.index;
      switch (cell.kind) {
        case 'simple':
          this.values[i] = cell.value;
          this.writetimesUs[i] = cell.writetimeUs;
          this.ttlsSeconds[i] = cell.ttlSeconds;
          break;
        case 'counter':
          this.values[i] = cell.value;
          this.writetimesUs[i] = cell.writetimeUs;
          this.ttlsSeconds[i] = null;
          break;
        case 'collection':
          this.values[i] = serializeMultiCell(column, cell.elements);
          this.elements[i] = cell.elements;
          this.writetimesUs[i] = null;
          this.ttlsSeconds[i] = null;
          break;
      }
    }
  }
}

function writeInt32(out: Uint8Array, pos: number, n: number): number {
  out[pos] = (n >>> 24) & 0xff;
  out[pos + 1] = (n >>> 16) & 0xff;
  out[pos + 2] = (n >>> 8) & 0xff;
  out[pos + 3] = n & 0xff;
  return pos + 4;
}

/** Encodes items as a collection: int32 count, then [int32 length][bytes] each (null = -1, tuples/UDTs only). */
function encodeItems(items: readonly (Uint8Array | null)[], withCount: boolean, count: number): Uint8Array {
  let size = withCount ? 4 : 0;
  for (const it of items) size += 4 + (it?.length ?? 0);
  const out = new Uint8Array(size);
  let pos = withCount ? writeInt32(out, 0, count) : 0;
  for (const it of items) {
    pos = writeInt32(out, pos, it === null ? -1 : it.length);
    if (it !== null) {
      out.set(it, pos);
      pos += it.length;
    }
  }
  return out;
}

/** A non-frozen collection or UDT's live elements as the protocol value of its type. */
export function serializeMultiCell(column: SelectColumn, elements: readonly ResultElement[]): Uint8Array {
  const t = column.type;
  switch (t.kind) {
    case 'list':
      return encodeItems(elements.map((e) => e.value), true, elements.length);
    case 'set':
      return encodeItems(elements.map((e) => e.path), true, elements.length);
    case 'map': {
      const items: Uint8Array[] = [];
      for (const e of elements) items.push(e.path, e.value);
      return encodeItems(items, true, elements.length);
    }
    case 'udt': {
      const fields: (Uint8Array | null)[] = new Array<Uint8Array | null>(t.fields.length).fill(null);
      for (const e of elements) {
        const at = (e.path[0]! << 8) | e.path[1]!;
        if (at < fields.length) fields[at] = e.value;
      }
      return encodeItems(fields, false, 0);
    }
    default:
      return elements[0]?.value ?? new Uint8Array(0);
  }
}
