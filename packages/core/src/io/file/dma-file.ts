import fs from 'node:fs';
import { CharybdisError } from '../../errors';
import { ErrorCodes } from '../../util/error-codes';
import { Gate } from '../../util/gate';
import { allocateAligned } from '../backend/allocate-aligned';
import type { IoBackend } from '../backend/io-backend';
import { DMA_ALIGNMENT } from '../backend/io-constants';
import { IoErrorCodes } from '../backend/io-error-codes';
import { isBufferAligned } from '../backend/is-buffer-aligned';
import { openFile } from '../backend/open-file';
import type { OpenedFile } from '../backend/open-file';
import type { DmaFileOptions, IoFaults } from './dma-file-options';
import type { IoDispatch, IoExecute, IoRequest, IoRequestKind } from './io-request';
import { toIoError } from './to-io-error';

const ZERO = (): number => 0;

/**
 * A file for the storage engine's direct I/O (Seastar's `file` opened with
 * `open_file_dma`): positional reads and writes, syncs and preallocation over an
 * {@link IoBackend}, optionally O_DIRECT.
 *
 * - O_DIRECT files (`direct`): position, length and buffer address of every transfer must
 *   be multiples of `alignment` (4096); violations fail with IO_MISALIGNED before anything
 *   is submitted. Use `allocateAligned` or `read()`, which allocates aligned memory. Where
 *   the filesystem refuses O_DIRECT the file is opened buffered and `directFallbackReason`
 *   says why; the alignment rules are then not enforced.
 * - Reads never return bytes that are not in the file: a read past end of file returns
 *   the short count (`readInto`) or a shorter buffer (`read`, empty at or past EOF), and
 *   `readInto` zero-fills the part of the buffer past the count.
 * - Every failure is a CharybdisError with a code from `IoErrorCodes` (IO_ENOSPC, IO_EIO,
 *   IO_NOT_FOUND, IO_MISALIGNED, IO_CLOSED, IO_ERROR) and a message naming the operation
 *   and the path; the errno error is the `cause`. A failed request fails alone: the
 *   backend keeps serving the others.
 * - Every operation goes through {@link DmaFile.submit}, which hands the request to the
 *   `dispatch` wrapper (the fair I/O queue's seam) when one is given, then to
 *   {@link DmaFile.execute} (fault hook, backend). A subclass may override either.
 *
 * Ownership: a DmaFile belongs to the shard (thread) that opened it, as does its backend.
 * Buffers passed to `readInto`/`write` belong to the I/O until the returned promise
 * settles: do not modify, reuse or transfer them meanwhile.
 */
export class DmaFile {
  readonly path: string;
  readonly fd: number;
  /** True when the descriptor has O_DIRECT. */
  readonly direct: boolean;
  /** Why O_DIRECT was asked for and not used; null otherwise. */
  readonly directFallbackReason: string | null;
  /** Required alignment of transfers: DMA_ALIGNMENT (4096) for O_DIRECT files, 1 otherwise. */
  readonly alignment: number;
  readonly backend: IoBackend;
  readonly #faults: IoFaults | undefined;
  readonly #dispatch: IoDispatch | undefined;
  readonly #execute: IoExecute = (request) => this.execute(request);
  readonly #gate = new Gate('dma file');
  #closing: Promise<void> | undefined;

  /**
   * Opens `path` with `options` (see `openFile`: O_DIRECT when asked and supported) and
   * returns the file; rejects with IO_NOT_FOUND when the file or a directory is missing
   * (and `create` is not set, or the directory is missing), IO_ERROR otherwise, naming
   * the path.
   */
  static async open(backend: IoBackend, path: string, options: DmaFileOptions = {}): Promise<DmaFile> {
    let opened: OpenedFile;
    try {
      opened = await openFile(path, options);
    } catch (err) {
      throw toIoError(err, { op: 'open', path, direct: options.direct === true });
    }
    return new DmaFile(backend, path, opened, options);
  }

  /** Wraps a descriptor already opened with `openFile`; the DmaFile takes ownership of it. */
  constructor(backend: IoBackend, path: string, opened: OpenedFile, options: DmaFileOptions = {}) {
    this.backend = backend;
    this.path = path;
    this.fd = opened.fd;
    this.direct = opened.direct;
    this.directFallbackReason = opened.directFallbackReason;
    this.alignment = opened.direct ? DMA_ALIGNMENT : 1;
    this.#faults = options.faults;
    this.#dispatch = options.dispatch;
  }

  /** Operations of this file issued and not yet settled. */
  get inFlight(): number {
    return this.#gate.count;
  }

  /**
   * Reads up to `length` bytes at `position` into a new aligned Buffer, which the caller
   * owns. Shorter than `length` only at end of file (empty at or past it).
   */
  async read(position: number, length: number): Promise<Buffer> {
    checkNonNegative(this.path, 'length', length);
    const buf = allocateAligned(length, DMA_ALIGNMENT);
    const n = await this.readInto(position, buf);
    return n === length ? buf : buf.subarray(0, n);
  }

  /**
   * Reads `buf.length` bytes at `position` into `buf`; resolves with the count, which is
   * smaller only at end of file. Bytes of `buf` past the count are zeroed.
   */
  async readInto(position: number, buf: Uint8Array): Promise<number> {
    this.#checkTransfer('read', position, buf);
    this.#enter('read');
    let done = 0;
    try {
      while (done < buf.length) {
        const part = done === 0 ? buf : buf.subarray(done);
        const n = await this.submit(this.#request('read', part, position + done, part.length));
        if (n === 0) break;
        done += n;
        // An O_DIRECT read ends short of a block boundary only at end of file.
        if (n % this.alignment !== 0) break;
      }
    } catch (err) {
      throw toIoError(err, { op: 'read', path: this.path, direct: this.direct, position, length: buf.length });
    } finally {
      this.#gate.leave();
    }
    if (done < buf.length) buf.fill(0, done);
    return done;
  }

  /**
   * Writes all of `buf` at `position` (continuing after short writes); resolves with
   * `buf.length`. Rejects with IO_ENOSPC when the device is full, and so on.
   */
  async write(position: number, buf: Uint8Array): Promise<number> {
    this.#checkTransfer('write', position, buf);
    this.#enter('write');
    let done = 0;
    try {
      while (done < buf.length) {
        const part = done === 0 ? buf : buf.subarray(done);
        const n = await this.submit(this.#request('write', part, position + done, part.length));
        if (n <= 0 || n % this.alignment !== 0) {
          throw Object.assign(new Error(`short write: ${done + Math.max(n, 0)} of ${buf.length} bytes`), { code: 'EIO' });
        }
        done += n;
      }
    } catch (err) {
      throw toIoError(err, { op: 'write', path: this.path, direct: this.direct, position, length: buf.length });
    } finally {
      this.#gate.leave();
    }
    return done;
  }

  /** fdatasync(2): written data (and the size needed to read it back) is durable. */
  fdatasync(): Promise<void> {
    return this.#sync('fdatasync');
  }

  /** fsync(2): data and all metadata are durable. */
  fsync(): Promise<void> {
    return this.#sync('fsync');
  }

  /**
   * Reserves `[offset, offset + length)`, extending the file size if needed (fallocate(2)
   * mode 0; emulated with zero writes past EOF on the thread-pool backend, see there).
   */
  async fallocate(offset: number, length: number): Promise<void> {
    checkNonNegative(this.path, 'offset', offset);
    checkNonNegative(this.path, 'length', length);
    this.#enter('fallocate');
    try {
      await this.submit(this.#request('fallocate', null, offset, length));
    } catch (err) {
      throw toIoError(err, { op: 'fallocate', path: this.path, direct: this.direct, position: offset, length });
    } finally {
      this.#gate.leave();
    }
  }

  /** Current size in bytes (fstat on the thread pool: metadata, not a ring request). */
  async size(): Promise<number> {
    this.#enter('fstat');
    try {
      return await new Promise<number>((resolve, reject) => {
        fs.fstat(this.fd, (err, stats) => (err ? reject(err) : resolve(stats.size)));
      });
    } catch (err) {
      throw toIoError(err, { op: 'fstat', path: this.path, direct: this.direct });
    } finally {
      this.#gate.leave();
    }
  }

  /**
   * Refuses new operations (IO_CLOSED), waits for the ones in flight, then closes the
   * descriptor. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#gate.close();
      await new Promise<void>((resolve, reject) => {
        fs.close(this.fd, (err) => (err ? reject(toIoError(err, { op: 'close', path: this.path, direct: this.direct })) : resolve()));
      });
    })();
    return this.#closing;
  }

  /**
   * The single point every request of this file goes through on its way to the backend.
   * With a `dispatch` option the request goes to it (with {@link DmaFile.execute} as the
   * function that finally runs it), else straight to `execute`. Override to insert a
   * scheduler in a subclass instead. Resolves with the bytes transferred (0 for syncs and
   * fallocate); errors are raw here and converted by the public method that issued the
   * request.
   */
  protected submit(request: IoRequest): Promise<number> {
    return this.#dispatch === undefined ? this.execute(request) : this.#dispatch(request, this.#execute);
  }

  /** Runs the fault hook, then the backend call for `request`. */
  protected execute(request: IoRequest): Promise<number> {
    if (this.#faults !== undefined) {
      const injected = this.#faults.beforeOp(request.kind, request.path, request);
      if (injected !== null) return Promise.reject(injected);
    }
    const backend = this.backend;
    switch (request.kind) {
      case 'read':
        return backend.read(request.fd, request.buf!, request.position);
      case 'write':
        return backend.write(request.fd, request.buf!, request.position);
      case 'fdatasync':
        return backend.fdatasync(request.fd).then(ZERO);
      case 'fsync':
        return backend.fsync(request.fd).then(ZERO);
      case 'fallocate':
        return backend.fallocate(request.fd, request.position, request.length).then(ZERO);
    }
  }

  async #sync(kind: 'fdatasync' | 'fsync'): Promise<void> {
    this.#enter(kind);
    try {
      await this.submit(this.#request(kind, null, 0, 0));
    } catch (err) {
      throw toIoError(err, { op: kind, path: this.path, direct: this.direct });
    } finally {
      this.#gate.leave();
    }
  }

  #request(kind: IoRequestKind, buf: Uint8Array | null, position: number, length: number): IoRequest {
    return { kind, path: this.path, fd: this.fd, buf, position, length };
  }

  #enter(op: string): void {
    if (!this.#gate.tryEnter()) throw new CharybdisError(IoErrorCodes.CLOSED, `${op} of ${this.path}: the file is closed`);
  }

  #checkTransfer(op: 'read' | 'write', position: number, buf: Uint8Array): void {
    checkNonNegative(this.path, 'position', position);
    if (!this.direct) return;
    const a = this.alignment;
    let what: string | null = null;
    if (position % a !== 0) what = `position ${position}`;
    else if (buf.length % a !== 0) what = `length ${buf.length}`;
    else if (isBufferAligned(buf, a) === false) what = 'buffer address';
    if (what !== null) {
      throw new CharybdisError(
        IoErrorCodes.MISALIGNED,
        `${op} of ${this.path} at ${position} (${buf.length} bytes): ${what} is not a multiple of ${a}, ` +
          'which O_DIRECT requires (use allocateAligned for buffers)',
      );
    }
  }
}

function checkNonNegative(path: string, what: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${path}: ${what} must be a non-negative safe integer, got ${value}`);
  }
}
