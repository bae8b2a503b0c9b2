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
} from './partition-update-encoder';

/**
 * The structure of one encoded update, as offsets into its bytes: what
 * {@link encodedUpdateCovers} compares. Rows keep the byte span of their encoded
 * clustering prefix (equal spans ⇔ equal components) and the column indexes they hold.
 */
interface UpdateShape {
  /** [start, end) of each column name, in the update's (sorted) name table. */
  readonly names: number[];
  /** Column indexes of the static row; null without one. */
  staticColumns: number[] | null;
  readonly rows: ShapeRow[];
  /** Any deletion (partition, range, row, collection, tombstone cell), collection or counter cell. */
  hasUnsupported: boolean;
}

interface ShapeRow {
  readonly clusteringStart: number;
  readonly clusteringEnd: number;
  readonly marker: boolean;
  readonly columns: number[];
}

/** Thrown (and caught) when the bytes end early or hold something unknown: the answer is then "no". */
const MALFORMED = new Error('malformed encoded update');

/** A minimal reader that skips values: no bigint, no copy. */
class ShapeScanner {
  pos = 0;
  constructor(readonly b: Uint8Array) {}

  u8(): number {
    if (this.pos >= this.b.length) throw MALFORMED;
    return this.b[this.pos++]!;
  }

  uvarint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const x = this.u8();
      v += (x & 0x7f) * scale;
      if ((x & 0x80) === 0) return v;
      scale *= 0x80;
    }
    throw MALFORMED;
  }

  skipVarint(): void {
    for (let i = 0; i < 10; i++) if ((this.u8() & 0x80) === 0) return;
    throw MALFORMED;
  }

  skip(n: number): void {
    if (n > this.b.length - this.pos) throw MALFORMED;
    this.pos += n;
  }

  skipLengthPrefixed(): void {
    this.skip(this.uvarint());
  }

  skipPrefix(): void {
    for (let n = this.uvarint(); n > 0; n--) this.skipLengthPrefixed();
  }
}

function scanShape(bytes: Uint8Array): UpdateShape {
  const s = new ShapeScanner(bytes);
  if (s.u8() !== PARTITION_UPDATE_FORMAT_VERSION) throw MALFORMED;
  s.pos = PARTITION_UPDATE_HEADER_BYTES;
  s.skip(16); // table id
  s.skipLengthPrefixed(); // key
  s.skip(16); // token, base timestamp
  const shape: UpdateShape = { names: [], staticColumns: null, rows: [], hasUnsupported: false };
  for (let n = s.uvarint(); n > 0; n--) {
    const len = s.uvarint();
    shape.names.push(s.pos, s.pos + len);
    s.skip(len);
  }
  const flags = s.u8();
  if (flags & PARTITION_FLAG_DELETION) {
    shape.hasUnsupported = true;
    return shape;
  }
  if (flags & PARTITION_FLAG_STATIC) shape.staticColumns = scanColumns(s, shape);
  for (let n = s.uvarint(); n > 0 && !shape.hasUnsupported; n--) {
    const rowFlags = s.u8();
    if (rowFlags & ROW_FLAG_DELETION) shape.hasUnsupported = true;
    const clusteringStart = s.pos;
    s.skipPrefix();
    const clusteringEnd = s.pos;
    const marker = (rowFlags & ROW_FLAG_MARKER) !== 0;
    if (marker) {
      s.skipVarint();
      if (rowFlags & ROW_FLAG_MARKER_TTL) {
        s.uvarint();
        s.uvarint();
      }
    }
    if (shape.hasUnsupported) return shape;
    shape.rows.push({ clusteringStart, clusteringEnd, marker, columns: scanColumns(s, shape) });
  }
  if (shape.hasUnsupported) return shape;
  if (s.uvarint() !== 0) shape.hasUnsupported = true; // range tombstones
  else if (s.pos !== bytes.length) throw MALFORMED;
  return shape;
}

/** The column indexes of a column list; flags collections, counters and tombstones as unsupported (and stops). */
function scanColumns(s: ShapeScanner, shape: UpdateShape): number[] {
  const out: number[] = [];
  for (let n = s.uvarint(); n > 0; n--) {
    out.push(s.uvarint());
    if (s.u8() !== ColumnKindByte.Simple) {
      shape.hasUnsupported = true;
      return out;
    }
    const kind = s.u8();
    s.skipVarint(); // timestamp
    if (kind === CellKindByte.Live) s.skipLengthPrefixed();
    else if (kind === CellKindByte.Expiring) {
      s.uvarint();
      s.uvarint();
      s.skipLengthPrefixed();
    } else {
      shape.hasUnsupported = true; // tombstone or counter cell
      return out;
    }
  }
  return out;
}

function sameBytes(b: Uint8Array, aStart: number, aEnd: number, c: Uint8Array, cStart: number, cEnd: number): boolean {
  if (aEnd - aStart !== cEnd - cStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (b[aStart + i] !== c[cStart + i]) return false;
  return true;
}

/** Whether every (mapped) index of `older` is in `newer`; both ascending. */
function columnsCovered(older: readonly number[], newer: readonly number[], map: readonly number[]): boolean {
  let j = 0;
  for (const o of older) {
    const want = map[o];
    if (want === undefined) return false;
    while (j < newer.length && newer[j]! < want) j++;
    if (j === newer.length || newer[j] !== want) return false;
  }
  return true;
}

/**
 * Whether merging the encoded updates `older` into `newer` (all as `encodePartitionUpdate`
 * writes them, same table and key) gives exactly `newer`, **given** that every timestamp in
 * each of `older` is strictly below every timestamp in `newer` — a precondition the caller
 * checks (compaction reads it from stored per-partition stats; it is not re-derived here).
 *
 * Then every cell and marker of an older update loses to its counterpart in `newer`, so the
 * merge is `newer` when each of them has one: every older row (same clustering bytes) is in
 * `newer`, with a marker if the older row has one and every simple column it has (by
 * name), likewise for the static row. Answered from the structure alone (names,
 * clusterings, column indexes; values and timestamps are skipped), with no allocation per
 * cell; `newer` is scanned once. Conservatively false when any of them holds a deletion of
 * any kind, a tombstone cell, a collection or a counter cell (their merge is not "the
 * newest wins"), or when bytes are malformed (the caller's full decode then reports it).
 * Byte-equality of clusterings is stricter than comparator equality, which only makes the
 * answer "no" more often.
 */
export function encodedUpdateCovers(newer: Uint8Array, older: readonly Uint8Array[]): boolean {
  try {
    const n = scanShape(newer);
    if (n.hasUnsupported) return false;
    for (const bytes of older) {
      const o = scanShape(bytes);
      if (o.hasUnsupported || !shapeCovers(newer, n, bytes, o)) return false;
    }
    return true;
  } catch (err) {
    if (err === MALFORMED) return false;
    throw err;
  }
}

/** Whether `n` (of `newer`) holds a counterpart of every row, marker and column of `o` (of `older`). */
function shapeCovers(newer: Uint8Array, n: UpdateShape, older: Uint8Array, o: UpdateShape): boolean {
  // Column names: both tables are sorted the same way and older's must be a subset of
  // newer's, so a forward walk finds each (map: older index → newer index).
  const map: number[] = [];
  let j = 0;
  for (let i = 0; i < o.names.length; i += 2) {
    while (j < n.names.length && !sameBytes(older, o.names[i]!, o.names[i + 1]!, newer, n.names[j]!, n.names[j + 1]!)) j += 2;
    if (j === n.names.length) return false;
    map.push(j / 2);
    j += 2;
  }
  if (o.staticColumns !== null && (n.staticColumns === null || !columnsCovered(o.staticColumns, n.staticColumns, map))) return false;
  // Rows: both in clustering order, so older's rows are a subsequence of newer's.
  let k = 0;
  for (const row of o.rows) {
    while (k < n.rows.length && !sameBytes(older, row.clusteringStart, row.clusteringEnd, newer, n.rows[k]!.clusteringStart, n.rows[k]!.clusteringEnd)) k++;
    if (k === n.rows.length) return false;
    const match = n.rows[k++]!;
    if (row.marker && !match.marker) return false;
    if (!columnsCovered(row.columns, match.columns, map)) return false;
  }
  return true;
}
