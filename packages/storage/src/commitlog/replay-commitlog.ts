import { DmaFile, hasErrorCode } from '@charybdis/core';
import type { IoBackend } from '@charybdis/core';
import { CommitlogErrorCodes } from './commitlog-error-codes';
import { SEGMENT_HEADER_BYTES, decodeSegmentHeader, readEntry, segmentCrcSeed } from './commitlog-format';
import type { CommitlogLogger } from './commitlog-options';
import type { ReplayPosition } from './replay-position';
import { listCommitlogDirectory } from './segment-files';

/** Options of {@link replayCommitlog}. */
export interface ReplayCommitlogOptions {
  backend: IoBackend;
  logger: CommitlogLogger;
  /** Entries before this position are skipped (already in SSTables). */
  from?: ReplayPosition;
  /** Segments with this id or above are not read (the running commitlog's own, still being written). */
  beforeSegmentId?: number;
}

/** What a replay found. */
export interface ReplayResult {
  segments: number;
  entries: number;
  /** Segments whose header or an entry was torn or corrupt (each logged with file and offset). */
  corruptSegments: number;
}

/**
 * Replays the commitlog segments of `directory` at start-up, in id order, calling
 * `onEntry(payload, position)` for every valid entry (awaited, in order). A segment ends at
 * zero-filled space (its preallocated, never written tail); a torn or corrupt entry also
 * ends it, with a warning naming the file and offset, and is never passed on. A segment
 * with a bad header is skipped with a warning. Recycled files are never read.
 *
 * Each segment is read whole into memory (at most one segment size) with buffered reads.
 * The payload passed to onEntry is a view of that buffer, valid until onEntry's promise
 * settles; copy it to keep it.
 */
export async function replayCommitlog(
  directory: string,
  onEntry: (payload: Uint8Array, position: ReplayPosition) => void | Promise<void>,
  options: ReplayCommitlogOptions,
): Promise<ReplayResult> {
  const { logger } = options;
  const result: ReplayResult = { segments: 0, entries: 0, corruptSegments: 0 };
  const { segments } = await listCommitlogDirectory(directory);
  for (const segment of segments) {
    if (options.from !== undefined && segment.id < options.from.segmentId) continue;
    if (options.beforeSegmentId !== undefined && segment.id >= options.beforeSegmentId) continue;
    result.segments++;
    const bytes = await readWhole(options.backend, segment.path);
    let seed: number;
    try {
      const header = decodeSegmentHeader(bytes, segment.path);
      if (header.segmentId !== segment.id) {
        // A recycled file renamed to this id whose new header never reached the disk.
        logger.warn({ path: segment.path, offset: 0, headerSegmentId: header.segmentId }, 'commitlog segment header names another segment id; segment skipped');
        result.corruptSegments++;
        continue;
      }
      seed = segmentCrcSeed(segment.id);
    } catch (err) {
      if (!hasErrorCode(err, CommitlogErrorCodes.BAD_SEGMENT_HEADER)) throw err;
      logger.warn({ path: segment.path, offset: 0, reason: (err as Error).message }, 'commitlog segment with a bad header skipped');
      result.corruptSegments++;
      continue;
    }
    let offset = SEGMENT_HEADER_BYTES;
    for (;;) {
      const read = readEntry(bytes, offset, seed);
      if (read.kind === 'end') break;
      if (read.kind === 'corrupt') {
        logger.warn(
          { code: CommitlogErrorCodes.CORRUPT_ENTRY, path: segment.path, offset, reason: read.reason },
          `commitlog: torn or corrupt entry in ${segment.path} at offset ${offset}; rest of the segment skipped`,
        );
        result.corruptSegments++;
        break;
      }
      const position = { segmentId: segment.id, offset };
      if (options.from === undefined || segment.id > options.from.segmentId || offset >= options.from.offset) {
        await onEntry(read.payload, position);
        result.entries++;
      }
      offset = read.nextOffset;
    }
  }
  logger.info({ directory, ...result }, 'commitlog replayed');
  return result;
}

async function readWhole(backend: IoBackend, filePath: string): Promise<Buffer> {
  const file = await DmaFile.open(backend, filePath, { readOnly: true });
  try {
    return await file.read(0, await file.size());
  } finally {
    await file.close();
  }
}
