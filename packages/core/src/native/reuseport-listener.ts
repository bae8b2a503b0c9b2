import { CharybdisError } from '../errors';
import { nativeBinding } from './native-addon';

/** Options of {@link createReusePortListener}. */
export interface ReusePortListenerOptions {
  /** Numeric IPv4 or IPv6 address. */
  host: string;
  port: number;
  backlog?: number;
  /**
   * When > 0, attach a classic-BPF program to the port's reuseport group that sends each
   * new connection to socket index (client source port % bpfShardCount); sockets are indexed
   * in the order they started listening, so shards must open them in shard order.
   */
  bpfShardCount?: number;
}

/** True when this thread can create SO_REUSEPORT listeners (the addon is loaded). */
export function reusePortAvailable(): boolean {
  return nativeBinding() !== null;
}

/**
 * Creates a listening, non-blocking TCP socket with SO_REUSEPORT (and optionally the
 * source-port BPF program) and returns its file descriptor, for `net.Server.listen({ fd })`.
 * The caller owns the fd: hand it to a server or release it with {@link closeListenerFd}.
 *
 * Node 20 cannot set SO_REUSEPORT itself, so there is no TypeScript equivalent: without the
 * addon this throws CHARYBDIS_REUSEPORT_UNAVAILABLE and the caller uses its fallback
 * (server: one ordinary listener on shard 0). Socket errors keep their errno name in
 * `code` (EADDRINUSE, EACCES, EADDRNOTAVAIL, …).
 */
export function createReusePortListener(opts: ReusePortListenerOptions): number {
  const native = nativeBinding();
  if (native === null) {
    throw new CharybdisError(
      'CHARYBDIS_REUSEPORT_UNAVAILABLE',
      'SO_REUSEPORT listeners need the native addon, which is not loaded',
    );
  }
  return native.createReusePortListener(opts.host, opts.port, opts.backlog ?? 1024, opts.bpfShardCount ?? 0);
}

/** Closes a listener fd that was never handed to a net.Server. */
export function closeListenerFd(fd: number): void {
  nativeBinding()?.closeFd(fd);
}
