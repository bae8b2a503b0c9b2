import * as fs from 'node:fs/promises';
import { CharybdisError } from '@charybdis/core';
import { FILE_SIZE_GRANULE_BYTES, MIN_FILE_SIZE_BYTES } from './cli-options';
import { IotuneErrorCode } from './iotune-error-codes';
import { formatBytes } from './units';

/** Free space iotune always leaves on the filesystem: at least this much … */
export const FREE_SPACE_MARGIN_MIN_BYTES = 256 * 2 ** 20;
/** … and at least this fraction of the filesystem's size. */
export const FREE_SPACE_MARGIN_FRACTION = 0.05;

/** Space on a filesystem as statfs(2) reports it to an unprivileged user. */
export interface FreeSpace {
  /** Bytes an unprivileged process may still allocate (f_bavail × f_bsize). */
  availableBytes: number;
  /** Size of the filesystem (f_blocks × f_bsize). */
  totalBytes: number;
}

/** The chosen test file size; `shrunk` when the default was reduced to fit. */
export interface TestFileSize {
  sizeBytes: number;
  shrunk: boolean;
  /** The free space kept untouched. */
  marginBytes: number;
}

/** statfs of the directory's filesystem. */
export async function freeSpace(dir: string): Promise<FreeSpace> {
  const s = await fs.statfs(dir);
  return { availableBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

/**
 * Picks the test file size so that the filesystem keeps a margin of free space
 * (max(256 MiB, 5% of its size)): never fill a disk that may hold a live node's data.
 * The default size shrinks to what fits, down to 1 MiB; a size the user asked for is
 * kept or refused. Refusal is IOTUNE_NO_SPACE with the numbers in the message.
 */
export function chooseTestFileSize(request: { requestedBytes: number; isDefault: boolean; dir: string }, space: FreeSpace): TestFileSize {
  const marginBytes = Math.max(FREE_SPACE_MARGIN_MIN_BYTES, Math.ceil(space.totalBytes * FREE_SPACE_MARGIN_FRACTION));
  const usableBytes = Math.floor(Math.max(0, space.availableBytes - marginBytes) / FILE_SIZE_GRANULE_BYTES) * FILE_SIZE_GRANULE_BYTES;
  if (request.requestedBytes <= usableBytes) return { sizeBytes: request.requestedBytes, shrunk: false, marginBytes };
  if (request.isDefault && usableBytes >= MIN_FILE_SIZE_BYTES) return { sizeBytes: usableBytes, shrunk: true, marginBytes };
  const wanted = request.isDefault ? MIN_FILE_SIZE_BYTES : request.requestedBytes;
  throw new CharybdisError(
    IotuneErrorCode.noSpace,
    `not enough free space in ${request.dir} for a ${formatBytes(wanted)} test file: ` +
      `${formatBytes(space.availableBytes)} available and iotune leaves ${formatBytes(marginBytes)} free` +
      (request.isDefault ? '' : '; try a smaller --file-size'),
  );
}
