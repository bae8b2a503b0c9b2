import type { IoBackend, IoBackendKind } from './io-backend';
import { DEFAULT_RING_ENTRIES } from './io-constants';
import { IoUringBackend } from './io-uring-backend';
import { ThreadPoolBackend } from './thread-pool-backend';

/** Options of {@link createIoBackend}. */
export interface CreateIoBackendOptions {
  /**
   * 'auto' (default): io_uring when it works in this thread, else the thread pool.
   * 'io_uring': io_uring or throw IO_URING_UNAVAILABLE. 'threadpool': the thread pool.
   */
  prefer?: 'auto' | IoBackendKind;
  /** Entries of this thread's ring, if this call creates it (default 256). */
  ringEntries?: number;
  /** Eager submission threshold of this thread's ring, if this call creates it (default 8). */
  ringSubmitBatch?: number;
}

/** The chosen backend and a one-line reason, for the node's start-up log. */
export interface IoBackendSelection {
  backend: IoBackend;
  kind: IoBackendKind;
  reason: string;
}

/**
 * Picks the disk I/O backend of the calling thread (a shard): io_uring when the addon is
 * loaded and the kernel accepts a ring here (probed by creating it: seccomp policies,
 * io_uring_disabled and old kernels only show up then), otherwise libuv's thread pool.
 * Says which and why. Call once per shard at start-up and pass the backend down.
 */
export function createIoBackend(options: CreateIoBackendOptions = {}): IoBackendSelection {
  const prefer = options.prefer ?? 'auto';
  if (prefer === 'threadpool') {
    return { backend: new ThreadPoolBackend(), kind: 'threadpool', reason: 'thread-pool backend requested' };
  }
  const ring = { entries: options.ringEntries ?? DEFAULT_RING_ENTRIES, submitBatch: options.ringSubmitBatch };
  if (prefer === 'io_uring') {
    const backend = IoUringBackend.create(ring);
    return { backend, kind: 'io_uring', reason: `io_uring requested; ring of ${backend.entries} entries` };
  }
  const probe = IoUringBackend.probe(ring);
  if (probe.available) {
    const backend = IoUringBackend.create(ring);
    return {
      backend,
      kind: 'io_uring',
      reason:
        `io_uring available; ring of ${backend.entries} entries, submit batch ${backend.submitBatch}, ` +
        'completions on the event loop (eventfd + uv_poll)',
    };
  }
  return {
    backend: new ThreadPoolBackend(),
    kind: 'threadpool',
    reason: `io_uring unavailable (${probe.reason ?? 'unknown'}); using libuv's thread pool`,
  };
}
