import { encodedUpdateCovers } from '@charybdis/schema';
import { isUnchangedByPurge } from '../sstable/partition-stats';
import { PartitionRecordKind, RECORD_HEADER_BYTES } from '../sstable/sstable-format';
import type { RawPartition } from '../sstable/sstable-types';

/** The encoded update inside a small record (null for a large or inconsistent one). */
function smallRecordBody(raw: RawPartition): Uint8Array | null {
  const r = raw.record;
  if (raw.blockIndexOffset !== null || r.length < RECORD_HEADER_BYTES || r[0] !== PartitionRecordKind.Small) return null;
  const bodyLength = (r[1]! | (r[2]! << 8) | (r[3]! << 16)) + r[4]! * 0x1000000;
  return bodyLength === r.length - RECORD_HEADER_BYTES ? r.subarray(RECORD_HEADER_BYTES) : null;
}

/**
 * Among the versions of one partition found in several compaction inputs, the one that the
 * merge (and the purge at `nowSeconds`) would give back unchanged, or null. That is the
 * common overwrite: a newer version whose every timestamp is above every timestamp of the
 * others (their Index stats say so) — exact duplicates of it aside —, holding a counterpart
 * of each of their rows, markers and columns (`encodedUpdateCovers`, read from the records'
 * structure without decoding), with no deletion anywhere and nothing expired in it. Its record and stats are then
 * exactly what decoding, merging, purging and encoding would write, so compaction copies
 * it raw. Small records only (a large one would need its blocks scanned).
 */
export function supersedingVersion(versions: readonly RawPartition[], nowSeconds: number): RawPartition | null {
  let newest: RawPartition | null = null;
  for (const v of versions) {
    const s = v.stats;
    if (s.hasDeletions || s.minTimestampUs === null || s.maxTimestampUs === null) return null;
    if (newest === null || s.minTimestampUs > newest.stats.minTimestampUs!) newest = v;
  }
  if (newest === null || !isUnchangedByPurge(newest.stats, nowSeconds)) return null;
  const newestBody = smallRecordBody(newest);
  if (newestBody === null) return null;
  const floor = newest.stats.minTimestampUs!;
  const olderBodies: Uint8Array[] = [];
  for (const v of versions) {
    if (v === newest) continue;
    if (v.tableId !== newest.tableId) return null;
    const body = smallRecordBody(v);
    if (body === null) return null;
    // An exact duplicate (the same write in two SSTables: repair, streaming, a re-imported
    // SSTable) merges into itself: reconciling equal cells and markers gives them back.
    if (Buffer.compare(body, newestBody) === 0) continue;
    if (v.stats.maxTimestampUs! >= floor) return null;
    olderBodies.push(body);
  }
  return olderBodies.length === 0 || encodedUpdateCovers(newestBody, olderBodies) ? newest : null;
}
