import type { CharybdisError } from '@charybdis/core';
import { hasErrorCode } from '@charybdis/core';
import type { BoundKind, ClusteringPrefix } from '../types/clustering-comparator';
import { TypeErrorCodes } from '../types/type-error-codes';
import { uuidBytesToString } from '../types/uuid-codecs';
import { ByteReader } from './byte-reader';
import { MAX_TTL_SECONDS } from './cell';
import type { Cell } from './cell';
import type { CounterShard } from './counter-shards';
import type { DeletionTime } from './deletion-time';
import type { LivenessInfo } from './liveness-info';
import { MutationErrorCodes } from './mutation-error-codes';
import type { PartitionUpdate } from './partition-update';
import {
  CellKindByte,
  ColumnKindByte,
  PARTITION_FLAG_DELETION,
  PARTITION_FLAG_STATIC,
  PARTITION_UPDATE_FORMAT_VERSION,
  PARTITION_UPDATE_HEADER_BYTES,
  ROW_FLAG_DELETION,
  ROW_FLAG_MARKER,
  ROW_FLAG_MARKER_TTL,
  RT_FLAG_END_EXCLUSIVE,
  RT_FLAG_START_EXCLUSIVE,
} from './partition-update-encoder';
import type { RangeTombstone } from './range-tombstone';
import type { ColumnData, ComplexCell, Row } from './row';
import type { ColumnComparators, TableComparators } from './table-comparators';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Smallest encodings, which bound element counts against the bytes left. */
const MIN_ROW_BYTES = 3;
const MIN_COLUMN_BYTES = 3;
const MIN_CELL_BYTES = 3;
const MIN_RT_BYTES = 5;
const MIN_SHARD_BYTES = 18;

/**
 * The string of a table id's bytes. Consecutive updates almost always belong to one table
 * (a scan, a compaction, a replay), so the last conversion is remembered, as the encoder
 * does: a pure memo of a pure function, not state anyone observes.
 */
const tableIdMemo = { bytes: Buffer.alloc(16, 0xff), id: uuidBytesToString(Buffer.alloc(16, 0xff)) };
function tableIdString(bytes: Buffer): string {
  const memo = tableIdMemo.bytes;
  for (let i = 0; i < 16; i++) {
    if (bytes[i] !== memo[i]) {
      tableIdMemo.id = uuidBytesToString(bytes);
      tableIdMemo.bytes = Buffer.from(bytes);
      break;
    }
  }
  return tableIdMemo.id;
}

class Decoder {
  private base = 0n;
  private columns: ColumnComparators[] = [];

  constructor(
    private readonly r: ByteReader,
    private readonly comparators: TableComparators,
    private readonly copyBytes: boolean,
  ) {}

  /** `view` itself, or a copy of it (see `DecodeOptions.copyBytes`). */
  private take(view: Buffer): Buffer {
    return this.copyBytes ? Buffer.from(view) : view;
  }

  decode(): PartitionUpdate {
    const r = this.r;
    const tableId = tableIdString(r.bytes(16, 'table id'));
    const partitionKey = this.take(r.lengthPrefixed('partition key'));
    const token = r.i64('token');
    this.base = r.i64('base timestamp');
    this.readColumnNames();
    const flags = r.u8('partition flags');
    if (flags & ~(PARTITION_FLAG_DELETION | PARTITION_FLAG_STATIC)) throw r.corrupt(`unknown partition flags 0x${flags.toString(16)}`);
    const update: {
      tableId: string;
      partitionKey: Uint8Array;
      token: bigint;
      partitionDeletion?: DeletionTime;
      staticRow?: { columns: ColumnData[] };
      rows: Row[];
      rangeTombstones: RangeTombstone[];
    } = { tableId, partitionKey, token, rows: [], rangeTombstones: [] };
    if (flags & PARTITION_FLAG_DELETION) update.partitionDeletion = this.deletion('partition deletion');
    if (flags & PARTITION_FLAG_STATIC) update.staticRow = { columns: this.columnList() };
    const rowCount = r.count('rows', MIN_ROW_BYTES);
    for (let i = 0; i < rowCount; i++) {
      const row = this.row();
      const previous = update.rows[update.rows.length - 1];
      if (previous !== undefined && this.comparators.clustering.compare(previous.clustering, row.clustering) >= 0) {
        throw r.corrupt(`row ${i} is not after row ${i - 1} in clustering order`);
      }
      update.rows.push(row);
    }
    const rtCount = r.count('range tombstones', MIN_RT_BYTES);
    for (let i = 0; i < rtCount; i++) update.rangeTombstones.push(this.rangeTombstone(update.rangeTombstones[i - 1]));
    return update;
  }

  private readColumnNames(): void {
    const r = this.r;
    const n = r.count('column names', 1);
    let previous: string | undefined;
    for (let i = 0; i < n; i++) {
      const raw = r.lengthPrefixed('column name');
      const known = this.comparators.columnByNameBytes(raw);
      if (known !== undefined) {
        // Exactly a column's UTF-8 name: valid UTF-8, in the table; only the order is left to check.
        if (previous !== undefined && known.name <= previous) throw r.corrupt(`column names out of order (${previous}, ${known.name})`);
        this.columns.push(known);
        previous = known.name;
        continue;
      }
      const name = raw.toString('utf8');
      if (!Buffer.from(name, 'utf8').equals(raw)) throw r.corrupt('column name is not valid UTF-8');
      if (previous !== undefined && name <= previous) throw r.corrupt(`column names out of order (${previous}, ${name})`);
      if (!this.comparators.hasColumn(name)) throw r.corrupt(`column ${name} is not in the table`);
      this.columns.push(this.comparators.column(name));
      previous = name;
    }
  }

  private timestamp(what: string): bigint {
    const ts = this.base + this.r.svarint(what);
    if (ts < INT64_MIN || ts > INT64_MAX) throw this.r.corrupt(`${what} ${ts} is outside int64`);
    return ts;
  }

  private int64(what: string): bigint {
    const v = this.r.svarint(what);
    if (v < INT64_MIN || v > INT64_MAX) throw this.r.corrupt(`${what} ${v} is outside int64`);
    return v;
  }

  private ttl(what: string): number {
    const ttl = this.r.uvarint(what);
    if (ttl < 1 || ttl > MAX_TTL_SECONDS) throw this.r.corrupt(`${what} ${ttl} is outside [1, ${MAX_TTL_SECONDS}]`);
    return ttl;
  }

  private deletion(what: string): DeletionTime {
    return { markedForDeleteAtUs: this.timestamp(`${what} timestamp`), localDeletionTimeSeconds: this.r.uvarint(`${what} local deletion time`) };
  }

  private prefix(what: string): Buffer[] {
    const n = this.r.count(`${what} components`, 1);
    if (n > this.comparators.clustering.size) {
      throw this.r.corrupt(`${what} has ${n} components for ${this.comparators.clustering.size} clustering columns`);
    }
    const out: Buffer[] = [];
    for (let i = 0; i < n; i++) out.push(this.take(this.r.lengthPrefixed(`${what} component ${i}`)));
    this.comparators.clustering.validate(out, false);
    return out;
  }

  private row(): Row {
    const r = this.r;
    const flags = r.u8('row flags');
    if (flags & ~(ROW_FLAG_MARKER | ROW_FLAG_MARKER_TTL | ROW_FLAG_DELETION)) throw r.corrupt(`unknown row flags 0x${flags.toString(16)}`);
    if (flags & ROW_FLAG_MARKER_TTL && !(flags & ROW_FLAG_MARKER)) throw r.corrupt('row flags give a marker TTL without a marker');
    const clustering: ClusteringPrefix = this.prefix('clustering');
    if (clustering.length !== this.comparators.clustering.size) {
      throw r.corrupt(`row clustering has ${clustering.length} components for ${this.comparators.clustering.size} clustering columns`);
    }
    const row: { clustering: ClusteringPrefix; marker?: LivenessInfo; deletion?: DeletionTime; columns: ColumnData[] } = { clustering, columns: [] };
    if (flags & ROW_FLAG_MARKER) {
      const timestampUs = this.timestamp('row marker timestamp');
      row.marker =
        flags & ROW_FLAG_MARKER_TTL
          ? { timestampUs, ttlSeconds: this.ttl('row marker TTL'), localExpirationTimeSeconds: r.uvarint('row marker expiry') }
          : { timestampUs };
    }
    if (flags & ROW_FLAG_DELETION) row.deletion = this.deletion('row deletion');
    row.columns = this.columnList();
    return row;
  }

  private columnList(): ColumnData[] {
    const r = this.r;
    const n = r.count('columns', MIN_COLUMN_BYTES);
    const out: ColumnData[] = [];
    let previousIndex = -1;
    for (let i = 0; i < n; i++) {
      const index = r.uvarint('column index');
      const spec = this.columns[index];
      if (spec === undefined) throw r.corrupt(`column index ${index} but only ${this.columns.length} column names`);
      if (index <= previousIndex) throw r.corrupt(`columns out of order (index ${index} after ${previousIndex})`);
      previousIndex = index;
      const kind = r.u8('column kind');
      if (kind === ColumnKindByte.Simple) {
        if (spec.multiCell) throw r.corrupt(`single-cell data for multi-cell column ${spec.name}`);
        out.push({ kind: 'simple', column: spec.name, cell: this.cell(spec) });
      } else if (kind === ColumnKindByte.Complex || kind === ColumnKindByte.ComplexWithDeletion) {
        if (!spec.multiCell) throw r.corrupt(`multi-cell data for single-cell column ${spec.name}`);
        const deletion = kind === ColumnKindByte.ComplexWithDeletion ? this.deletion('collection tombstone') : undefined;
        const cells = this.complexCells(spec);
        out.push(deletion === undefined ? { kind: 'complex', column: spec.name, cells } : { kind: 'complex', column: spec.name, deletion, cells });
      } else {
        throw r.corrupt(`unknown column kind ${kind}`);
      }
    }
    return out;
  }

  private complexCells(spec: ColumnComparators): ComplexCell[] {
    const r = this.r;
    const n = r.count('cells', MIN_CELL_BYTES);
    const out: ComplexCell[] = [];
    for (let i = 0; i < n; i++) {
      const path = this.take(r.lengthPrefixed('cell path'));
      spec.validatePath!(path);
      const previous = out[out.length - 1];
      if (previous !== undefined && spec.comparePaths!(previous.path, path) >= 0) throw r.corrupt(`cell paths of ${spec.name} out of order`);
      out.push({ path, cell: this.cell(spec) });
    }
    return out;
  }

  private cell(spec: ColumnComparators): Cell {
    const r = this.r;
    const kind = r.u8('cell kind');
    const counterColumn = spec.counter;
    switch (kind) {
      case CellKindByte.Live:
      case CellKindByte.Expiring: {
        if (counterColumn) throw r.corrupt(`regular cell in counter column ${spec.name}`);
        const timestampUs = this.timestamp('cell timestamp');
        if (kind === CellKindByte.Live) return { kind: 'live', timestampUs, value: this.take(r.lengthPrefixed('cell value')) };
        const ttlSeconds = this.ttl('cell TTL');
        const localDeletionTimeSeconds = r.uvarint('cell expiry');
        return { kind: 'expiring', timestampUs, value: this.take(r.lengthPrefixed('cell value')), ttlSeconds, localDeletionTimeSeconds };
      }
      case CellKindByte.Tombstone:
        return { kind: 'tombstone', timestampUs: this.timestamp('cell timestamp'), localDeletionTimeSeconds: r.uvarint('cell local deletion time') };
      case CellKindByte.Counter: {
        if (!counterColumn) throw r.corrupt(`counter cell in non-counter column ${spec.name}`);
        const timestampUs = this.timestamp('cell timestamp');
        const n = r.count('counter shards', MIN_SHARD_BYTES);
        const shards: CounterShard[] = [];
        for (let i = 0; i < n; i++) {
          const counterId = uuidBytesToString(r.bytes(16, 'counter id'));
          if (i > 0 && counterId <= shards[i - 1]!.counterId) throw r.corrupt('counter shards out of order');
          shards.push({ counterId, clock: this.int64('counter clock'), count: this.int64('counter count') });
        }
        return { kind: 'counter', timestampUs, shards };
      }
      default:
        throw r.corrupt(`unknown cell kind ${kind}`);
    }
  }

  private rangeTombstone(previous: RangeTombstone | undefined): RangeTombstone {
    const r = this.r;
    const flags = r.u8('range tombstone flags');
    if (flags & ~(RT_FLAG_START_EXCLUSIVE | RT_FLAG_END_EXCLUSIVE)) throw r.corrupt(`unknown range tombstone flags 0x${flags.toString(16)}`);
    const startKind: BoundKind = flags & RT_FLAG_START_EXCLUSIVE ? 'exclStart' : 'inclStart';
    const endKind: BoundKind = flags & RT_FLAG_END_EXCLUSIVE ? 'exclEnd' : 'inclEnd';
    const start = { kind: startKind, prefix: this.prefix('range tombstone start') };
    const end = { kind: endKind, prefix: this.prefix('range tombstone end') };
    const clustering = this.comparators.clustering;
    if (clustering.compareBounds(start, end) >= 0) throw r.corrupt('range tombstone ends before it starts');
    if (previous !== undefined && clustering.compareBounds(previous.end, start) > 0) throw r.corrupt('range tombstones overlap or are out of order');
    return { start, end, deletion: this.deletion('range tombstone') };
  }
}

/** Options of {@link decodePartitionUpdate}. */
export interface DecodeOptions {
  /**
   * false: the key, clustering components, cell paths and values are views into the input
   * instead of copies, so the update keeps the input's memory alive and sees any later
   * change to it. For callers that own bytes nobody rewrites and drop the update soon (a
   * compaction merging records of decompressed chunks that are never reused). Default true.
   */
  readonly copyBytes?: boolean;
}

/**
 * Decodes the binary form written by `encodePartitionUpdate`, checking it against the
 * table (`comparators`): column names and kinds, clustering arity and values, row, cell
 * path, range tombstone and counter shard order, value ranges. Any byte string gives
 * either an update or a `SCHEMA_CORRUPT_MUTATION` error saying what is wrong and where —
 * a truncated or padded input, an unknown version, a corrupt length — never a crash and
 * never an allocation larger than the input. Returned byte arrays are copies, unless
 * `options.copyBytes` is false.
 */
export function decodePartitionUpdate(bytes: Uint8Array, comparators: TableComparators, options?: DecodeOptions): PartitionUpdate {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = new ByteReader(buf);
  const version = header.u8('format version');
  if (version !== PARTITION_UPDATE_FORMAT_VERSION) throw header.corrupt(`unknown format version ${version} (expected ${PARTITION_UPDATE_FORMAT_VERSION})`);
  const bodyLength = header.u32('body length');
  if (bodyLength !== buf.length - PARTITION_UPDATE_HEADER_BYTES) {
    throw header.corrupt(`body length ${bodyLength} but ${buf.length - PARTITION_UPDATE_HEADER_BYTES} bytes follow the header`);
  }
  const r = new ByteReader(buf, PARTITION_UPDATE_HEADER_BYTES);
  let update: PartitionUpdate;
  try {
    update = new Decoder(r, comparators, options?.copyBytes ?? true).decode();
  } catch (err) {
    if (hasErrorCode(err, MutationErrorCodes.CORRUPT_MUTATION)) throw err;
    // A clustering value or cell path that its type rejects, met while checking order.
    if (hasErrorCode(err, TypeErrorCodes.INVALID_VALUE)) throw r.corrupt((err as CharybdisError).message, err);
    throw err;
  }
  if (r.remaining !== 0) throw r.corrupt(`${r.remaining} unexpected bytes after the last range tombstone`);
  return update;
}

/**
 * The table id of an encoded update, read without decoding the rest (commitlog replay
 * must find the table, and with it the comparators, before it can decode). Throws
 * SCHEMA_CORRUPT_MUTATION when the header is not that of a version-1 update.
 */
export function peekPartitionUpdateTableId(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = new ByteReader(buf);
  const version = header.u8('format version');
  if (version !== PARTITION_UPDATE_FORMAT_VERSION) throw header.corrupt(`unknown format version ${version} (expected ${PARTITION_UPDATE_FORMAT_VERSION})`);
  header.u32('body length');
  return uuidBytesToString(header.bytes(16, 'table id'));
}
