/** The raw addon as compiled from native/src (see native/README.md). */
export interface NativeBinding {
  /** CRC-32C (Castagnoli) of `data`, continuing from `seed` (0 for a fresh checksum). */
  crc32c(data: Uint8Array, seed: number): number;
  /**
   * Creates a non-blocking TCP socket with SO_REUSEADDR and SO_REUSEPORT, binds it to
   * `host:port`, listens with `backlog`, and returns its file descriptor. When
   * `bpfShardCount` > 0 it first attaches a classic-BPF program to the reuseport group that
   * steers each new connection to socket index (client source port % bpfShardCount).
   * Throws an Error whose `code` is the errno name (EADDRINUSE, EACCES, …).
   */
  createReusePortListener(host: string, port: number, backlog: number, bpfShardCount: number): number;
  /** Closes a file descriptor that was never handed to libuv. */
  closeFd(fd: number): void;
  /**
   * Bytes to skip from the start of `buf` to reach an address that is a multiple of
   * `alignment` (a power of two); 0 when `buf` is already aligned.
   */
  alignmentOffset(buf: Uint8Array, alignment: number): number;
  /**
   * Creates the calling environment's io_uring (one per main thread / worker; later calls
   * report the existing ring) with `entries` submission slots. Never throws for an
   * unavailable io_uring (built without liburing, kernel too old, seccomp, RLIMIT_MEMLOCK):
   * returns `ok: false` with the errno name and the reason. Requests are submitted once
   * per event-loop turn and, besides, as soon as `submitBatch` of them are prepared
   * (default 8; 0 = only once per turn).
   */
  ioUringSetup(entries: number, submitBatch?: number): IoUringSetupResult;
  /**
   * Positional read of `buf.length` bytes at `position` into `buf`, resolving with the
   * bytes read (short at end of file). The caller must keep `buf` alive and untouched until
   * the promise settles (the ring holds a reference to its ArrayBuffer so GC cannot free
   * it). Rejects with an Error whose `code` is the errno name (EIO, EBADF, EINVAL, ...).
   */
  ioUringRead(fd: number, buf: Uint8Array, position: number): Promise<number>;
  /** Positional write of `buf` at `position`; resolves with the bytes written. Same rules as ioUringRead. */
  ioUringWrite(fd: number, buf: Uint8Array, position: number): Promise<number>;
  /** fsync(2), or fdatasync(2) when `dataOnly`. */
  ioUringFsync(fd: number, dataOnly: boolean): Promise<void>;
  /** fallocate(2) with `mode` (0: allocate and extend the size). */
  ioUringFallocate(fd: number, mode: number, offset: number, length: number): Promise<void>;
  /**
   * Submits the requests queued so far with one io_uring_enter and returns how many went
   * to the kernel. Optional: queued requests are submitted automatically once per
   * event-loop turn (before libuv polls) and after every reap.
   */
  ioUringSubmit(): number;
  /** Counters of this environment's ring. */
  ioUringStats(): IoUringStats;
}

export interface IoUringSetupResult {
  ok: boolean;
  /** Submission-queue entries of the ring (0 when not ok). */
  entries: number;
  /** Prepared requests that trigger an immediate submission (0: once per loop turn only). */
  submitBatch: number;
  /** errno name of the failure (ENOSYS when built without liburing), null when ok. */
  code: string | null;
  reason: string | null;
}

export interface IoUringStats {
  entries: number;
  submitBatch: number;
  /** Requests prepared or submitted and not yet completed (at most `entries`). */
  inRing: number;
  /** Requests waiting for a free ring slot. */
  waiting: number;
  /** io_uring_enter calls that submitted something (batches). */
  enterCalls: number;
  /** SQEs submitted. */
  submitted: number;
  /** Requests settled. */
  completed: number;
  /** Wake-ups of the eventfd poll handle (reap passes). */
  reapWakeups: number;
}

export interface NativeLoadResult {
  binding: NativeBinding | null;
  path: string;
  error: string | null;
}

export function loadNative(): NativeLoadResult;
export const addonPath: string;
