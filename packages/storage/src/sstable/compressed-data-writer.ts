import { AppendWriter, crc32c } from '@charybdis/core';
import type { DmaFile } from '@charybdis/core';
import { lz4Block } from './lz4-block';
import { CHUNK_CRC_BYTES, DATA_STAGING_BYTES } from './sstable-format';
import { SSTABLE_APPEND_CHUNK_BYTES, finishAppendedFile } from './sstable-files';

/** Where the chunks of a finished Data file are: what Statistics records as compression info. */
export interface CompressionInfo {
  readonly chunkSizeBytes: number;
  /** Bytes of the uncompressed stream (the partition records). */
  readonly uncompressedLength: number;
  /** Size of the Data file. */
  readonly compressedLength: number;
  /** File offset of each chunk, increasing; chunk i ends (with its crc) where chunk i+1 starts. */
  readonly chunkOffsets: readonly number[];
}

/**
 * The Data component's output stream: partition records are copied into an uncompressed
 * chunk buffer; each full chunk is lz4-compressed (stored raw when that does not make it
 * smaller) and framed with its crc32c into a staging buffer, which goes to the file's
 * AppendWriter once it holds DATA_STAGING_BYTES. `write` is synchronous: it only returns a
 * promise when it handed the staging buffer to the file, and the caller must await that
 * promise before the next call (the staging buffer is reused; this is also the
 * backpressure). Keeps the chunk offsets and the running crc32c of the whole file (the
 * Digest). Memory: one chunk, the staging buffer and the AppendWriter's buffers, whatever
 * the size of the table.
 *
 * Owned by one SSTableWriter.
 */
export class CompressedDataWriter {
  readonly chunkSizeBytes: number;
  readonly #writer: AppendWriter;
  readonly #file: DmaFile;
  readonly #chunk: Buffer;
  readonly #staging: Buffer;
  #staged = 0;
  #fill = 0;
  #uncompressed = 0;
  #compressed = 0;
  #digest = 0;
  readonly #offsets: number[] = [];

  constructor(file: DmaFile, chunkSizeBytes: number) {
    this.#file = file;
    this.chunkSizeBytes = chunkSizeBytes;
    this.#writer = new AppendWriter(file, { chunkSizeBytes: SSTABLE_APPEND_CHUNK_BYTES });
    this.#chunk = Buffer.allocUnsafe(chunkSizeBytes);
    // Room for a full staging area plus one more framed chunk.
    this.#staging = Buffer.allocUnsafe(DATA_STAGING_BYTES + lz4Block.bound(chunkSizeBytes) + CHUNK_CRC_BYTES);
  }

  /** Position in the uncompressed stream of the next byte written. */
  get position(): number {
    return this.#uncompressed;
  }

  /** Bytes of Data produced so far (compressed, whole chunks, staged or written). */
  get compressedBytesWritten(): number {
    return this.#compressed;
  }

  /**
   * Appends bytes to the uncompressed stream (copied: `bytes` may be reused at once).
   * Returns null, or a promise to await before the next call when staged chunks went to the file.
   */
  write(bytes: Uint8Array): Promise<void> | null {
    let offset = 0;
    let pending: Promise<void> | null = null;
    while (offset < bytes.length) {
      const n = Math.min(bytes.length - offset, this.chunkSizeBytes - this.#fill);
      this.#chunk.set(n === bytes.length ? bytes : bytes.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      this.#uncompressed += n;
      if (this.#fill === this.chunkSizeBytes) {
        this.#stageChunk();
        // A record longer than the staging area waits for the file between its chunks.
        if (this.#staged >= DATA_STAGING_BYTES) {
          if (offset < bytes.length) return this.#flushStagingThenWrite(bytes.subarray(offset));
          pending = this.#flushStaging();
        }
      }
    }
    return pending;
  }

  async #flushStagingThenWrite(rest: Uint8Array): Promise<void> {
    // `rest` is a view of the caller's bytes, which the caller keeps until this resolves.
    await this.#flushStaging();
    const more = this.write(rest);
    if (more !== null) await more;
  }

  #stageChunk(): void {
    const input = this.#chunk.subarray(0, this.#fill);
    const out = this.#staging.subarray(this.#staged);
    let stored = lz4Block.compress(input, out);
    // Incompressible: store the chunk as it is. A stored length equal to the chunk's
    // uncompressed length is how the reader knows (lz4 output is never kept unless shorter).
    if (stored <= 0 || stored >= input.length) {
      input.copy(out);
      stored = input.length;
    }
    out.writeUInt32LE(crc32c(out.subarray(0, stored)), stored);
    this.#offsets.push(this.#compressed);
    const framed = stored + CHUNK_CRC_BYTES;
    this.#staged += framed;
    this.#compressed += framed;
    this.#fill = 0;
  }

  async #flushStaging(): Promise<void> {
    const bytes = this.#staging.subarray(0, this.#staged);
    this.#digest = crc32c(bytes, this.#digest);
    await this.#writer.append(bytes);
    this.#staged = 0;
  }

  /** Writes the last partial chunk, cuts, syncs and closes the file; returns where the chunks are and the Digest. */
  async finish(): Promise<{ info: CompressionInfo; digest: number }> {
    if (this.#fill > 0) this.#stageChunk();
    if (this.#staged > 0) await this.#flushStaging();
    const compressedLength = await finishAppendedFile(this.#writer, this.#file);
    return {
      info: { chunkSizeBytes: this.chunkSizeBytes, uncompressedLength: this.#uncompressed, compressedLength, chunkOffsets: this.#offsets },
      digest: this.#digest,
    };
  }

  /** Abandons the file (abort): stops the writer and closes the file, ignoring their errors. */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => undefined);
    await this.#file.close().catch(() => undefined);
  }
}
