import { hasErrorCode } from '@charybdis/core';
import { TypeErrorCodes } from '../types/type-error-codes';
import { uuidStringToBytes } from '../types/uuid-codecs';
import { ByteWriter } from './byte-writer';
import type { Cell } from './cell';
import type { DeletionTime } from './deletion-time';
import { invalidMutationError } from './invalid-mutation-error';
import type { PartitionUpdate } from './partition-update';
import type { ClusteringPrefix } from '../types/clustering-comparator';
import type { ColumnData, Row } from './row';

/**
 * The binary form of a PartitionUpdate (for the commitlog and cross-shard messages),
 * version 1. Layout in docs/mutation-model.md; in short: a version byte and a u32 body
 * length, then the table id, key, token, a base timestamp every other timestamp is a
 * zigzag varint delta from, the names of the columns used, and the partition deletion,
 * static row, rows and range tombstones. Integrity (CRC) is the container's job.
 */
export const PARTITION_UPDATE_FORMAT_VERSION = 1;

/** Size of the header: version byte + u32 body length. */
export const PARTITION_UPDATE_HEADER_BYTES = 5;

/** The byte that starts a cell: its kind. */
export const CellKindByte = { Live: 0, Expiring: 1, Tombstone: 2, Counter: 3 } as const;

/** The byte after a column's index: single-cell, or multi-cell with or without a collection tombstone. */
export const ColumnKindByte = { Simple: 0, Complex: 1, ComplexWithDeletion: 2 } as const;

export const PARTITION_FLAG_DELETION = 0x01;
export const PARTITION_FLAG_STATIC = 0x02;
export const ROW_FLAG_MARKER = 0x01;
export const ROW_FLAG_MARKER_TTL = 0x02;
export const ROW_FLAG_DELETION = 0x04;
export const RT_FLAG_START_EXCLUSIVE = 0x01;
export const RT_FLAG_END_EXCLUSIVE = 0x02;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function checkTimestamp(ts: bigint): bigint {
  if (typeof ts !== 'bigint' || ts < INT64_MIN || ts > INT64_MAX) throw invalidMutationError(`timestamp ${String(ts)} is not a signed 64-bit bigint`);
  return ts;
}

function checkU32(what: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw invalidMutationError(`${what} ${v} is not an unsigned 32-bit integer`);
  return v;
}

/** The smallest timestamp in the update (checking each), or 0 when it has none: the base of the deltas. */
// Plain loops without closures: this runs for every write, every partition flushed or compacted.
function minOf(min: bigint | undefined, ts: bigint): bigint {
  checkTimestamp(ts);
  return min === undefined || ts < min ? ts : min;
}

function minColumnTimestamp(min: bigint | undefined, cols: readonly ColumnData[]): bigint | undefined {
  for (const c of cols) {
    if (c.kind === 'simple') min = minOf(min, c.cell.timestampUs);
    else {
      if (c.deletion !== undefined) min = minOf(min, c.deletion.markedForDeleteAtUs);
      for (const e of c.cells) min = minOf(min, e.cell.timestampUs);
    }
  }
  return min;
}

/** The smallest timestamp in the update (checking each), or 0 when it has none: the base of the deltas. */
function minTimestamp(update: PartitionUpdate): bigint {
  let min: bigint | undefined;
  if (update.partitionDeletion !== undefined) min = minOf(min, update.partitionDeletion.markedForDeleteAtUs);
  if (update.staticRow !== undefined) min = minColumnTimestamp(min, update.staticRow.columns);
  for (const r of update.rows) {
    if (r.marker !== undefined) min = minOf(min, r.marker.timestampUs);
    if (r.deletion !== undefined) min = minOf(min, r.deletion.markedForDeleteAtUs);
    min = minColumnTimestamp(min, r.columns);
  }
  for (const rt of update.rangeTombstones) min = minOf(min, rt.deletion.markedForDeleteAtUs);
  return min ?? 0n;
}

/**
 * The bytes of a table id. Consecutive updates almost always belong to one table (a flush,
 * a compaction, a batch), so the last conversion is remembered: a pure memo of a pure
 * function, not state anyone observes.
 */
const tableIdMemo = { id: '', bytes: Buffer.alloc(0) };
function tableIdBytes(id: string): Buffer {
  if (id !== tableIdMemo.id) {
    tableIdMemo.bytes = Buffer.from(uuidStringToBytes('table id', id));
    tableIdMemo.id = id;
  }
  return tableIdMemo.bytes;
}

/** UTF-8 bytes of column names, remembered (a schema has few; bounded anyway). */
const columnNameBytes = new Map<string, Buffer>();
const MAX_REMEMBERED_COLUMN_NAMES = 4096;
function nameBytes(name: string): Buffer {
  let b = columnNameBytes.get(name);
  if (b === undefined) {
    if (columnNameBytes.size >= MAX_REMEMBERED_COLUMN_NAMES) columnNameBytes.clear();
    b = Buffer.from(name, 'utf8');
    columnNameBytes.set(name, b);
  }
  return b;
}

function addColumnNames(names: Set<string>, columns: readonly ColumnData[]): void {
  for (const c of columns) names.add(c.column);
}

/**
 * One encode at a time (encoding is synchronous), so one instance serves every call and
 * keeps its buffer, name set and index between calls: an encode allocates its result.
 */
class Encoder {
  private readonly out = new ByteWriter(1024);
  private base = 0n;
  private readonly columnIndex = new Map<string, number>();
  private readonly names = new Set<string>();

  encode(update: PartitionUpdate): Buffer {
    this.out.reset();
    this.columnIndex.clear();
    this.names.clear();
    this.base = minTimestamp(update);
    const names = this.names;
    if (update.staticRow !== undefined) addColumnNames(names, update.staticRow.columns);
    for (const r of update.rows) addColumnNames(names, r.columns);
    const sortedNames = [...names].sort();
    for (let i = 0; i < sortedNames.length; i++) this.columnIndex.set(sortedNames[i]!, i);

    const w = this.out;
    w.u8(PARTITION_UPDATE_FORMAT_VERSION);
    w.u32(0); // body length, patched below
    w.bytes(tableIdBytes(update.tableId));
    w.lengthPrefixed(update.partitionKey);
    w.i64(checkTimestamp(update.token));
    w.i64(this.base);
    w.uvarint(sortedNames.length);
    for (const name of sortedNames) w.lengthPrefixed(nameBytes(name));
    w.u8((update.partitionDeletion !== undefined ? PARTITION_FLAG_DELETION : 0) | (update.staticRow !== undefined ? PARTITION_FLAG_STATIC : 0));
    if (update.partitionDeletion !== undefined) this.deletion(update.partitionDeletion);
    if (update.staticRow !== undefined) this.columns(update.staticRow.columns);
    w.uvarint(update.rows.length);
    for (const row of update.rows) this.row(row);
    w.uvarint(update.rangeTombstones.length);
    for (const rt of update.rangeTombstones) {
      w.u8((rt.start.kind === 'exclStart' ? RT_FLAG_START_EXCLUSIVE : 0) | (rt.end.kind === 'exclEnd' ? RT_FLAG_END_EXCLUSIVE : 0));
      this.prefix(rt.start.prefix);
      this.prefix(rt.end.prefix);
      this.deletion(rt.deletion);
    }
    w.patchU32(1, w.offset - PARTITION_UPDATE_HEADER_BYTES);
    return w.finish();
  }

  private timestamp(ts: bigint): void {
    this.out.svarint(ts - this.base);
  }

  private deletion(d: DeletionTime): void {
    this.timestamp(d.markedForDeleteAtUs);
    this.out.uvarint(checkU32('local deletion time', d.localDeletionTimeSeconds));
  }

  private prefix(prefix: ClusteringPrefix): void {
    this.out.uvarint(prefix.length);
    for (const component of prefix) this.out.lengthPrefixed(component);
  }

  private row(row: Row): void {
    const w = this.out;
    const ttl = row.marker?.ttlSeconds;
    if ((ttl === undefined) !== (row.marker?.localExpirationTimeSeconds === undefined)) {
      throw invalidMutationError('a row marker needs both ttlSeconds and localExpirationTimeSeconds, or neither');
    }
    w.u8(
      (row.marker !== undefined ? ROW_FLAG_MARKER : 0) | (ttl !== undefined ? ROW_FLAG_MARKER_TTL : 0) | (row.deletion !== undefined ? ROW_FLAG_DELETION : 0),
    );
    this.prefix(row.clustering);
    if (row.marker !== undefined) {
      this.timestamp(row.marker.timestampUs);
      if (ttl !== undefined) {
        w.uvarint(checkU32('marker TTL', ttl));
        w.uvarint(checkU32('marker expiry', row.marker.localExpirationTimeSeconds!));
      }
    }
    if (row.deletion !== undefined) this.deletion(row.deletion);
    this.columns(row.columns);
  }

  private columns(columns: readonly ColumnData[]): void {
    const w = this.out;
    w.uvarint(columns.length);
    for (const c of columns) {
      w.uvarint(this.columnIndex.get(c.column)!);
      if (c.kind === 'simple') {
        w.u8(ColumnKindByte.Simple);
        this.cell(c.cell);
      } else {
        w.u8(c.deletion === undefined ? ColumnKindByte.Complex : ColumnKindByte.ComplexWithDeletion);
        if (c.deletion !== undefined) this.deletion(c.deletion);
        w.uvarint(c.cells.length);
        for (const e of c.cells) {
          w.lengthPrefixed(e.path);
          this.cell(e.cell);
        }
      }
    }
  }

  private cell(cell: Cell): void {
    const w = this.out;
    switch (cell.kind) {
      case 'live':
        w.u8(CellKindByte.Live);
        this.timestamp(cell.timestampUs);
        w.lengthPrefixed(cell.value);
        break;
      case 'expiring':
        w.u8(CellKindByte.Expiring);
        this.timestamp(cell.timestampUs);
        w.uvarint(checkU32('TTL', cell.ttlSeconds));
        w.uvarint(checkU32('expiry', cell.localDeletionTimeSeconds));
        w.lengthPrefixed(cell.value);
        break;
      case 'tombstone':
        w.u8(CellKindByte.Tombstone);
        this.timestamp(cell.timestampUs);
        w.uvarint(checkU32('local deletion time', cell.localDeletionTimeSeconds));
        break;
      case 'counter':
        w.u8(CellKindByte.Counter);
        this.timestamp(cell.timestampUs);
        w.uvarint(cell.shards.length);
        for (const s of cell.shards) {
          w.bytes(uuidStringToBytes('counter id', s.counterId));
          w.svarint(checkTimestamp(s.clock));
          w.svarint(checkTimestamp(s.count));
        }
        break;
    }
  }
}

const encoder = new Encoder();

/**
 * Encodes a normalized partition update (`normalizePartitionUpdate` / merge output) in the
 * version-1 binary form. The decoder checks the normalized form's order invariants, so an
 * update with unsorted rows or overlapping range tombstones encodes but does not decode.
 * Throws `SCHEMA_INVALID_MUTATION` for values the format cannot hold (a timestamp outside
 * int64, a local time outside u32, a malformed table or counter id).
 */
export function encodePartitionUpdate(update: PartitionUpdate): Buffer {
  try {
    return encoder.encode(update);
  } catch (err) {
    // A malformed UUID string comes from the type layer; report it as what it is here.
    if (hasErrorCode(err, TypeErrorCodes.INVALID_VALUE)) throw invalidMutationError((err as Error).message, err);
    throw err;
  }
}
