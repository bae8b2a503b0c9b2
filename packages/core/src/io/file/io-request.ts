/** The operations a `DmaFile` sends down to its backend. */
export type IoRequestKind = 'read' | 'write' | 'fdatasync' | 'fsync' | 'fallocate';

/**
 * One operation on its way from a `DmaFile` to the backend: plain data (one shape for
 * every kind, so the code that handles it stays monomorphic) that an I/O scheduler can
 * inspect to classify and cost it. A long transfer that comes back short is continued by
 * the DmaFile with a new request for the rest, so every piece is dispatched on its own.
 */
export interface IoRequest {
  readonly kind: IoRequestKind;
  /** File the request is for (used in error messages and by fault injection). */
  readonly path: string;
  readonly fd: number;
  /**
   * read: the memory the kernel fills; write: the bytes it copies out. Owned by the I/O
   * layer from dispatch until the request settles: nobody may touch it meanwhile. Null for
   * fdatasync, fsync and fallocate.
   */
  readonly buf: Uint8Array | null;
  /** File position of a read or write, start of a fallocate range; 0 for syncs. */
  readonly position: number;
  /** Bytes moved (read, write) or reserved (fallocate); 0 for syncs. */
  readonly length: number;
}

/** Issues a request to the backend; resolves with the bytes transferred (0 for syncs and fallocate). */
export type IoExecute = (request: IoRequest) => Promise<number>;

/**
 * A wrapper between a `DmaFile` and its backend, e.g. the shard's fair I/O queue: it
 * receives every request with the function that really executes it, and may hold the
 * request back (queue it per I/O class, charge its cost, bound the requests in the device)
 * before calling `execute(request)` exactly once and passing on its result or error.
 */
export type IoDispatch = (request: IoRequest, execute: IoExecute) => Promise<number>;
