import type { OpenFileOptions } from '../backend/open-file';
import type { IoDispatch, IoRequest, IoRequestKind } from './io-request';

/**
 * Fault injection for tests: called right before each request reaches the backend
 * (after any dispatch wrapper, so schedulers see injected failures like real ones).
 * Returning an Error fails that request with it, as if the kernel had returned it: give it
 * an errno `code` ('EIO', 'ENOSPC', ...) and it is converted like a real one (IO_EIO,
 * IO_ENOSPC, ...). Return null to let the request through.
 */
export interface IoFaults {
  beforeOp(op: IoRequestKind, path: string, request: IoRequest): Error | null;
}

/** Options of `DmaFile.open`. */
export interface DmaFileOptions extends OpenFileOptions {
  /** Fault injection hook (tests only). */
  faults?: IoFaults;
  /**
   * Wraps every request on its way to the backend (the seam for the fair I/O queue); see
   * {@link IoDispatch}. Without it requests go straight to the backend.
   */
  dispatch?: IoDispatch;
}
