import { crc32c } from '@charybdis/core';
import type { DmaFile } from '@charybdis/core';
import type { CompressionInfo } from './compressed-data-writer';
import { lz4Block } from './lz4-block';
import { CHUNK_CRC_BYTES } from './sstable-format';
import { sstableCorrupt } from './sstable-error-codes';
import { readFileRange } from './sstable-files';

/** Raw (compressed, framed) bytes of chunks [first, first + count) read in one request. */
interface RawWindow {
  readonly first: number;
  readonly count: number;
  readonly bytes: Buffer;
  /** File offset of bytes[0]. */
  readonly offset: number;
}

/**
 * Reads the uncompressed Data stream of one SSTable: maps a position to its chunk
 * (compression info from Statistics), reads the chunk with an aligned request, checks its
 * crc32c and decompresses it. A cursor keeps one window of raw chunks (one chunk for point
 * reads, up to `readAheadChunks` for sequential scans) and the last decompressed chunk, so
 * its memory is bounded by (readAheadChunks + 1) chunks. Not shared between concurrent
 * scans: each scan gets its own cursor (`SSTableReader` keeps one for point reads).
 */
export class DataCursor {
  #window: RawWindow | null = null;
  /** The next window, being read while the current one is decoded (sequential cursors only). */
  #ahead: { first: number; promise: Promise<RawWindow> } | null = null;
  #chunkIndex = -1;
  #chunk: Buffer = Buffer.alloc(0);

  constructor(
    private readonly file: DmaFile,
    private readonly info: CompressionInfo,
    private readonly readAheadChunks: number,
  ) {}

  /**
   * The bytes [position, position + length) when they lie in the chunk decompressed last
   * (a view; no await), else null: the caller then uses `read`.
   */
  readLoaded(position: number, length: number): Buffer | null {
    const start = position - this.#chunkIndex * this.info.chunkSizeBytes;
    if (this.#chunkIndex < 0 || start < 0 || start + length > this.#chunk.length) return null;
    return this.#chunk.subarray(start, start + length);
  }

  /** Exactly the bytes [position, position + length) of the uncompressed stream. */
  async read(position: number, length: number): Promise<Buffer> {
    if (position < 0 || position + length > this.info.uncompressedLength) {
      throw sstableCorrupt(this.file.path, null, `read of [${position}, ${position + length}) past the end of the data (${this.info.uncompressedLength} bytes uncompressed)`);
    }
    const size = this.info.chunkSizeBytes;
    const first = Math.floor(position / size);
    const chunk = await this.#decompressed(first);
    const start = position - first * size;
    // Within one chunk: a view of the cached chunk (the caller copies what it keeps).
    if (start + length <= chunk.length) return chunk.subarray(start, start + length);
    const out = Buffer.allocUnsafe(length);
    let done = chunk.copy(out, 0, start);
    for (let i = first + 1; done < length; i++) {
      const c = await this.#decompressed(i);
      done += c.copy(out, done, 0, Math.min(c.length, length - done));
    }
    return out;
  }

  async #decompressed(index: number): Promise<Buffer> {
    if (index === this.#chunkIndex) return this.#chunk;
    const w = this.#window !== null && index >= this.#window.first && index < this.#window.first + this.#window.count ? this.#window : await this.#load(index);
    this.#window = w;
    this.#chunk = decodeChunk(this.file.path, this.info, index, w);
    this.#chunkIndex = index;
    return this.#chunk;
  }

  async #load(index: number): Promise<RawWindow> {
    const ahead = this.#ahead;
    this.#ahead = null;
    const w = ahead !== null && ahead.first === index ? await ahead.promise : await this.#readWindow(index);
    // A sequential cursor reads the next window while this one is consumed: at most two
    // windows in memory, and the disk busy while the CPU decodes.
    const next = w.first + w.count;
    if (this.readAheadChunks > 1 && next < this.info.chunkOffsets.length) {
      const promise = this.#readWindow(next);
      // Its failure, if any, is reported when (and only if) the window is needed.
      promise.catch(() => undefined);
      this.#ahead = { first: next, promise };
    }
    return w;
  }

  #readWindow(index: number): Promise<RawWindow> {
    const count = Math.min(this.readAheadChunks, this.info.chunkOffsets.length - index);
    return readRawWindow(this.file, this.info, index, count);
  }
}

/** The offset where chunk `i` ends (its crc included). */
function chunkEnd(info: CompressionInfo, i: number): number {
  return i + 1 < info.chunkOffsets.length ? info.chunkOffsets[i + 1]! : info.compressedLength;
}

/** Reads the framed bytes of chunks [first, first + count) in one aligned request. */
export async function readRawWindow(file: DmaFile, info: CompressionInfo, first: number, count: number): Promise<RawWindow> {
  const offset = info.chunkOffsets[first]!;
  const bytes = await readFileRange(file, offset, chunkEnd(info, first + count - 1) - offset);
  return { first, count, bytes, offset };
}

/** Uncompressed length of chunk `i` (all chunks are full but the last). */
function chunkLength(info: CompressionInfo, i: number): number {
  const n = info.chunkOffsets.length;
  return i < n - 1 ? info.chunkSizeBytes : info.uncompressedLength - (n - 1) * info.chunkSizeBytes;
}

/** Checks chunk `index` of `window` against its crc32c and decompresses it into a new buffer. */
export function decodeChunk(path: string, info: CompressionInfo, index: number, window: RawWindow): Buffer {
  const offset = info.chunkOffsets[index]!;
  const framed = window.bytes.subarray(offset - window.offset, chunkEnd(info, index) - window.offset);
  const stored = framed.length - CHUNK_CRC_BYTES;
  if (stored <= 0) throw sstableCorrupt(path, offset, `chunk ${index} is ${framed.length} bytes, too short for its checksum`);
  const expected = framed.readUInt32LE(stored);
  const actual = crc32c(framed.subarray(0, stored));
  if (expected !== actual) {
    throw sstableCorrupt(path, offset, `chunk ${index} checksum mismatch (crc32c 0x${actual.toString(16)}, expected 0x${expected.toString(16)})`);
  }
  const length = chunkLength(info, index);
  if (stored === length) return Buffer.from(framed.subarray(0, stored));
  if (stored > length) throw sstableCorrupt(path, offset, `chunk ${index} stores ${stored} bytes for ${length} uncompressed`);
  const out = Buffer.allocUnsafe(length);
  const n = lz4Block.decompress(framed.subarray(0, stored), out);
  if (n !== length) throw sstableCorrupt(path, offset, `chunk ${index} decompresses to ${n} bytes, expected ${length}`);
  return out;
}
