/** Which implementation moves the bytes. */
export type IoBackendKind = 'io_uring' | 'threadpool';

/**
 * Asynchronous positional disk I/O on file descriptors, the layer under `DmaFile`.
 * Results are the kernel's: `read`/`write` resolve with the bytes transferred (a read
 * is short at end of file; a write can be short when the device fills up), and failures
 * reject with a Node-style errno error (`code` = 'ENOSPC', 'EIO', 'EBADF', 'EINVAL', …,
 * `errno`, `syscall`). Converting those into `CharybdisError`s that name the file is
 * `DmaFile`'s job; the backend does not know paths.
 *
 * Buffer ownership: from the call until the promise settles, the kernel (or a libuv
 * thread-pool thread) reads or writes `buf`. The caller owns it again only after
 * settlement; it must not modify a buffer being written, read one being filled, or
 * transfer/detach its ArrayBuffer meanwhile. Both backends keep the buffer reachable so
 * GC cannot free it early.
 *
 * Thread ownership: a backend belongs to the thread (shard) that created it and is used
 * only from there; completions are delivered on that thread's event loop.
 */
export interface IoBackend {
  readonly kind: IoBackendKind;
  /** Requests issued through this backend and not yet settled. */
  readonly inFlight: number;
  /** Reads `buf.length` bytes at `position` into `buf`; resolves with the bytes read (0 at or past EOF). */
  read(fd: number, buf: Uint8Array, position: number): Promise<number>;
  /** Writes `buf` at `position`; resolves with the bytes written. */
  write(fd: number, buf: Uint8Array, position: number): Promise<number>;
  /** fdatasync(2): data and the metadata needed to read it back (size), not timestamps. */
  fdatasync(fd: number): Promise<void>;
  /** fsync(2). */
  fsync(fd: number): Promise<void>;
  /**
   * Reserves space for `[offset, offset + length)` and extends the file size to cover it
   * when needed, like fallocate(2) with mode 0; existing data is unchanged. ENOSPC
   * surfaces here rather than on later writes into the range.
   */
  fallocate(fd: number, offset: number, length: number): Promise<void>;
  /**
   * Refuses new requests (they reject with IO_CLOSED) and resolves once every request
   * already issued through this backend has settled. Does not close any file.
   */
  close(): Promise<void>;
}
