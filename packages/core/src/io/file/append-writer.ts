import { CharybdisError } from '../../errors';
import { ErrorCodes } from '../../util/error-codes';
import { allocateAligned } from '../backend/allocate-aligned';
import { DMA_ALIGNMENT } from '../backend/io-constants';
import { IoErrorCodes } from '../backend/io-error-codes';
import type { DmaFile } from './dma-file';

/** Default size of the chunks an AppendWriter batches appends into. */
export const DEFAULT_APPEND_CHUNK_BYTES = 128 * 1024;
/** Default bound on full chunks being written while the next one fills. */
export const DEFAULT_APPEND_WRITES_IN_FLIGHT = 2;

/** Options of {@link AppendWriter}. */
export interface AppendWriterOptions {
  /** Chunk size, a multiple of 4096 (default 128 KiB). */
  chunkSizeBytes?: number;
  /** Full chunks written concurrently, 1 or more (default 2). Memory = (this + 1) chunks. */
  maxWritesInFlight?: number;
  /** File position of the first appended byte (default 0); a multiple of the file's alignment. */
  startPosition?: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Turns small appends into large aligned writes (a commitlog segment's or SSTable
 * writer's output stream). Appends are copied into the current chunk; a full chunk is
 * written as one request while the next one fills, with at most `maxWritesInFlight`
 * chunk writes outstanding (an append waits when that many are in flight: backpressure,
 * bounded memory of `maxWritesInFlight + 1` chunks).
 *
 * `flush()` writes the partial last chunk: on an O_DIRECT file padded with zeros to the
 * next 4096 boundary (the file then ends with padding past `position`), on a buffered
 * file exactly. Later appends keep filling the same chunk, and the next flush or the
 * chunk's final write rewrites it from the 4096-block that held the previous end. `sync()`
 * is `flush()` followed by `fdatasync`: when it resolves, everything appended before the
 * call is durable.
 *
 * Calls are executed in order (each waits for the previous one), so appends need not be
 * awaited one by one; awaiting them is what applies backpressure, and the bytes of an
 * append are copied only when its turn comes, so the caller must leave `data` untouched
 * until its promise resolves. After any failure the writer is broken: every later call
 * rejects with that first error (the file past the last successful sync is unspecified).
 *
 * Ownership: shard-local, like its DmaFile; the chunk buffers are owned by the writer and
 * by the I/O in flight. The writer does not close the file.
 */
export class AppendWriter {
  readonly file: DmaFile;
  readonly chunkSizeBytes: number;
  readonly maxWritesInFlight: number;
  /** Current chunk: bytes [0, #fill) hold appended data not yet in a full-chunk write. */
  #chunk: Buffer;
  /** File position of #chunk[0]. */
  #chunkPosition: number;
  #fill = 0;
  /** Bytes at the start of #chunk already written by a flush. */
  #flushed = 0;
  /** Chunk buffers whose writes completed, ready for reuse. */
  readonly #spare: Buffer[] = [];
  /** Full-chunk writes in flight, oldest first; they never reject (see #failure). */
  readonly #writing: Promise<void>[] = [];
  /** Serialises append/flush/sync/close. */
  #tail: Promise<void> = RESOLVED;
  #queued = 0;
  #failure: Error | undefined = undefined;
  #closed = false;

  constructor(file: DmaFile, options: AppendWriterOptions = {}) {
    const chunk = options.chunkSizeBytes ?? DEFAULT_APPEND_CHUNK_BYTES;
    const inFlight = options.maxWritesInFlight ?? DEFAULT_APPEND_WRITES_IN_FLIGHT;
    const start = options.startPosition ?? 0;
    if (!(Number.isSafeInteger(chunk) && chunk >= DMA_ALIGNMENT && chunk % DMA_ALIGNMENT === 0)) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `AppendWriter: chunkSizeBytes must be a positive multiple of ${DMA_ALIGNMENT}, got ${chunk}`);
    }
    if (!(Number.isInteger(inFlight) && inFlight >= 1)) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `AppendWriter: maxWritesInFlight must be >= 1, got ${inFlight}`);
    }
    if (!(Number.isSafeInteger(start) && start >= 0 && start % file.alignment === 0)) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `AppendWriter: startPosition must be a non-negative multiple of ${file.alignment}, got ${start}`);
    }
    this.file = file;
    this.chunkSizeBytes = chunk;
    this.maxWritesInFlight = inFlight;
    this.#chunk = allocateAligned(chunk, DMA_ALIGNMENT);
    this.#chunkPosition = start;
  }

  /** File position after the last appended byte (the logical length of the output). */
  get position(): number {
    return this.#chunkPosition + this.#fill;
  }

  /** Appends `data`; resolves once it is copied (and any backpressure wait is over). */
  append(data: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError('append'));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    // Fast path: nothing queued before us and the data fits without completing the chunk.
    if (this.#queued === 0 && this.#fill + data.length < this.chunkSizeBytes) {
      this.#chunk.set(data, this.#fill);
      this.#fill += data.length;
      return RESOLVED;
    }
    return this.#enqueue(() => this.#append(data));
  }

  /** Writes everything appended so far (the last chunk partial and padded); no fdatasync. */
  flush(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError('flush'));
    return this.#enqueue(() => this.#flush());
  }

  /** `flush()` then `fdatasync()`: everything appended before this call is durable when it resolves. */
  sync(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError('sync'));
    return this.#enqueue(async () => {
      await this.#flush();
      await this.file.fdatasync();
    });
  }

  /** Flushes and refuses further calls (IO_CLOSED). Does not sync or close the file. */
  close(): Promise<void> {
    if (this.#closed) return this.#tail;
    this.#closed = true;
    return this.#enqueue(() => this.#flush());
  }

  #enqueue(op: () => Promise<void>): Promise<void> {
    this.#queued++;
    const run = this.#tail.then(async () => {
      if (this.#failure !== undefined) throw this.#failure;
      try {
        await op();
      } catch (err) {
        this.#failure ??= asError(err);
        throw err;
      }
    });
    this.#tail = run.then(
      () => {
        this.#queued--;
      },
      () => {
        this.#queued--;
      },
    );
    return run;
  }

  async #append(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(data.length - offset, this.chunkSizeBytes - this.#fill);
      this.#chunk.set(offset === 0 && n === data.length ? data : data.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === this.chunkSizeBytes) await this.#writeFullChunk();
    }
  }

  /** Hands the full current chunk to a write and continues in a spare buffer. */
  async #writeFullChunk(): Promise<void> {
    // Backpressure first, so at most maxWritesInFlight writes are ever outstanding.
    while (this.#writing.length >= this.maxWritesInFlight) await this.#writing.shift();
    if (this.#failure !== undefined) throw this.#failure;
    const buf = this.#chunk;
    const from = alignDown(this.#flushed, this.file.alignment);
    const write = this.file.write(this.#chunkPosition + from, buf.subarray(from)).then(
      () => {
        this.#spare.push(buf);
      },
      (err: unknown) => {
        this.#failure ??= asError(err);
      },
    );
    this.#writing.push(write);
    this.#chunkPosition += this.chunkSizeBytes;
    this.#fill = 0;
    this.#flushed = 0;
    // A buffer whose write completed, or a new one while all are in flight: at most
    // maxWritesInFlight + 1 chunk buffers ever exist.
    this.#chunk = this.#spare.pop() ?? allocateAligned(this.chunkSizeBytes, DMA_ALIGNMENT);
  }

  async #flush(): Promise<void> {
    while (this.#writing.length > 0) await this.#writing.shift();
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#fill === this.#flushed) return;
    const a = this.file.alignment;
    const from = alignDown(this.#flushed, a);
    const to = alignUp(this.#fill, a);
    this.#chunk.fill(0, this.#fill, to);
    await this.file.write(this.#chunkPosition + from, this.#chunk.subarray(from, to));
    this.#flushed = this.#fill;
  }

  #closedError(op: string): CharybdisError {
    return new CharybdisError(IoErrorCodes.CLOSED, `${op} on a closed AppendWriter of ${this.file.path}`);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function alignDown(n: number, a: number): number {
  return n - (n % a);
}

function alignUp(n: number, a: number): number {
  const r = n % a;
  return r === 0 ? n : n + a - r;
}
