import fs from 'node:fs';
import { AppendWriter, CharybdisError, DmaFile, IoErrorCodes, hasErrorCode } from '@charybdis/core';
import type { SSTableIo } from './sstable-types';
import { SSTableErrorCodes, sstableCorrupt } from './sstable-error-codes';

/** Chunk size of the AppendWriters of the streamed components (Data, Index). */
export const SSTABLE_APPEND_CHUNK_BYTES = 256 * 1024;

/**
 * Opens one component through the shard's I/O queue in `io.ioClass` when `io.shardIo` is
 * given, else straight on `io.backend`; O_DIRECT (buffered where the filesystem refuses).
 * A missing file is SSTABLE_MISSING_COMPONENT when reading.
 */
export async function openSSTableFile(io: SSTableIo, path: string, mode: 'read' | 'create'): Promise<DmaFile> {
  const options = mode === 'create' ? { direct: true, create: true, truncate: true } : { direct: true, readOnly: true };
  try {
    if (io.shardIo !== undefined) return await io.shardIo.open(path, io.ioClass, options);
    if (io.backend !== undefined) return await DmaFile.open(io.backend, path, options);
  } catch (err) {
    if (mode === 'read' && hasErrorCode(err, IoErrorCodes.NOT_FOUND)) {
      throw new CharybdisError(SSTableErrorCodes.MISSING_COMPONENT, `SSTable component ${path} is missing`, { cause: err });
    }
    throw err;
  }
  throw new CharybdisError(SSTableErrorCodes.INVALID_ARGUMENT, `SSTable io for ${path}: give shardIo or backend`);
}

/**
 * Ends a component written through an AppendWriter: flushes (an O_DIRECT flush pads the
 * last block with zeros), cuts the file back to its logical length so that every
 * component's size is exact (readers rely on it to detect truncation), fdatasyncs (which
 * also makes the new size durable) and closes the file.
 */
export async function finishAppendedFile(writer: AppendWriter, file: DmaFile): Promise<number> {
  const length = writer.position;
  await writer.close();
  await new Promise<void>((resolve, reject) => fs.ftruncate(file.fd, length, (err) => (err ? reject(err) : resolve())));
  await file.fdatasync();
  await file.close();
  return length;
}

/** Suffix of the TOC while it is written (renamed to the TOC's name once durable). */
export const TOC_TEMP_SUFFIX = '.tmp';

/** Writes a whole small component (Summary, Filter, Statistics, Digest, TOC), durable when it resolves. */
export async function writeWholeFile(io: SSTableIo, path: string, bytes: Uint8Array): Promise<void> {
  const file = await openSSTableFile(io, path, 'create');
  try {
    const writer = new AppendWriter(file, { chunkSizeBytes: SSTABLE_APPEND_CHUNK_BYTES });
    await writer.append(bytes);
    await finishAppendedFile(writer, file);
  } catch (err) {
    await file.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Reads `[position, position + length)` of `file` with aligned requests (as O_DIRECT wants)
 * and returns exactly those bytes; a file that ends before them is SSTABLE_CORRUPT (a
 * truncated component).
 */
export async function readFileRange(file: DmaFile, position: number, length: number): Promise<Buffer> {
  const a = file.alignment;
  const from = position - (position % a);
  const end = position + length;
  const to = end % a === 0 ? end : end + a - (end % a);
  const buf = await file.read(from, to - from);
  if (buf.length < end - from) {
    throw sstableCorrupt(file.path, position, `truncated: ${length} bytes needed, the file ends at ${from + buf.length}`);
  }
  return buf.subarray(position - from, end - from);
}

/** The whole content of a small component file. */
export async function readWholeFile(file: DmaFile): Promise<Buffer> {
  const size = await file.size();
  return size === 0 ? Buffer.alloc(0) : readFileRange(file, 0, size);
}

/** fsync of a directory: makes creations, links and unlinks in it durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.promises.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Unlinks `path`; a file already gone is fine. */
export async function removeFileIfExists(path: string): Promise<void> {
  try {
    await fs.promises.unlink(path);
  } catch (err) {
    if (!hasErrorCode(err, 'ENOENT')) throw err;
  }
}
