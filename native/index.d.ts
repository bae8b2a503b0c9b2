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
}

export interface NativeLoadResult {
  binding: NativeBinding | null;
  path: string;
  error: string | null;
}

export function loadNative(): NativeLoadResult;
export const addonPath: string;
