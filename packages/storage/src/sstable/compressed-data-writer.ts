import { AppendWriter, crc32c } from '@charybdis/core';
import type { DmaFile } from '@charybdis/core';
import { lz4Block } from './lz4-block';
import { CHUNK_CRC_BYTES } from './sstable-format';
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
 * smaller) and appended with its crc32c to the file. It keeps the chunk offsets and the
 * running crc32c of the whole file (the Digest). Memory: one chunk, its compressed form
 * and the AppendWriter's buffers, whatever the size of the table.
 *
 * Owned by one SSTableWriter; calls must not overlap (each is awaited).
 */
export class CompressedDataWriter {
  readonly chunkSizeBytes: number;
  readonly #writer: AppendWriter;
  readonly #file: DmaFile;
  readonly #chunk: Buffer;
  readonly #out: Buffer;
  #fill = 0;
  #uncompressed = 0;
  #digest = 0;
  readonly #offsets: number[] = [];

  constructor(file: DmaFile, chunkSizeBytes: number) {
    this.#file = file;
    this.chunkSizeBytes = chunkSizeBytes;
    this.#writer = new AppendWriter(file, { chunkSizeBytes: SSTABLE_APPEND_CHUNK_BYTES });
    this.#chunk = Buffer.allocUnsafe(chunkSizeBytes);
    this.#out = Buffer.allocUnsafe(lz4Block.bound(chunkSizeBytes) + CHUNK_CRC_BYTES);
  }

  /** Position in the uncompressed stream of the next byte written. */
  get position(): number {
    return this.#uncompressed;
  }

  /** Bytes of Data written to the file so far (compressed, whole chunks). */
  get compressedBytesWritten(): number {
    return this.#writer.position;
  }

  /** Appends bytes to the uncompressed stream; `bytes` may be reused once this resolves. */
  async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const n = Math.min(bytes.length - offset, this.chunkSizeBytes - this.#fill);
      this.#chunk.set(n === bytes.length ? bytes : bytes.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      this.#uncompressed += n;
      if (this.#fill === this.chunkSizeBytes) await this.#writeChunk();
    }
  }

  async #writeChunk(): Promise<void> {
    const input = this.#chunk.subarray(0, this.#fill);
    let stored = lz4Block.compress(input, this.#out);
    // Incompressible: store the chunk as it is. A stored length equal to the chunk's
    // uncompressed length is how the reader knows (lz4 output is never kept unless shorter).
    if (stored <= 0 || stored >= input.length) {
      input.copy(this.#out);
      stored = input.length;
    }
    this.#out.writeUInt32LE(crc32c(this.#out.subarray(0, stored)), stored);
    const framed = this.#out.subarray(0, stored + CHUNK_CRC_BYTES);
    this.#offsets.push(this.#writer.position);
    this.#digest = crc32c(framed, this.#digest);
    await this.#writer.append(framed);
    this.#fill = 0;
  }

  /** Writes the last partial chunk, cuts, syncs and closes the file; returns where the chunks are and the Digest. */
  async finish(): Promise<{ info: CompressionInfo; digest: number }> {
    if (this.#fill > 0) await this.#writeChunk();
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
