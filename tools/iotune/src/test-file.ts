import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { IoBackend } from '@charybdis/core';
import { DmaFile, hasErrorCode, IoErrorCodes } from '@charybdis/core';

/** Name of the test file inside the evaluation directory (the pid keeps two runs apart). */
export function testFilePath(dir: string): string {
  return path.join(dir, `.iotune-test-file.${process.pid}.tmp`);
}

/** How the test file was set up, for warnings and the summary. */
export interface TestFileInfo {
  path: string;
  /** Opened with O_DIRECT (false: the filesystem refused it and the file is buffered). */
  direct: boolean;
  directFallbackReason: string | null;
  /** False when the filesystem has no fallocate (EOPNOTSUPP); the space check still applies. */
  preallocated: boolean;
}

/**
 * Creates the test file of `sizeBytes` in `dir`, runs `use` on it and always removes it.
 * The name is unlinked right after opening, before any data is written: the open
 * descriptor keeps the file alive, and the kernel frees its space when the descriptor is
 * closed, which happens even if iotune is killed (SIGKILL, a crash), so no test file is
 * ever left behind. The file is preallocated with fallocate so that a full disk shows up
 * as IO_ENOSPC before the measurement and the sequential write measures writing, not
 * block allocation. `use` must not leave I/O running: the file is closed after it.
 */
export async function withTestFile<T>(
  backend: IoBackend,
  dir: string,
  sizeBytes: number,
  use: (file: DmaFile, info: TestFileInfo) => Promise<T>,
): Promise<T> {
  const filePath = testFilePath(dir);
  const file = await DmaFile.open(backend, filePath, { direct: true, create: true, truncate: true });
  let removed = false;
  try {
    await fs.unlink(filePath);
    removed = true;
    let preallocated = true;
    try {
      await file.fallocate(0, sizeBytes);
    } catch (err) {
      if (!(hasErrorCode(err, IoErrorCodes.ERROR) && hasErrorCode((err as Error).cause, 'EOPNOTSUPP'))) throw err;
      preallocated = false;
    }
    return await use(file, { path: filePath, direct: file.direct, directFallbackReason: file.directFallbackReason, preallocated });
  } finally {
    if (!removed) await fs.rm(filePath, { force: true });
    await file.close();
  }
}
