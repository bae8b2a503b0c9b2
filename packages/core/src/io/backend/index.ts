/**
 * Disk I/O backends (the layer under `io/file`): the native io_uring backend, the libuv
 * thread-pool fallback, the choice between them, aligned buffers and O_DIRECT opening.
 */
export type { IoBackend, IoBackendKind } from './io-backend';
export { IoUringBackend } from './io-uring-backend';
export type { IoUringBackendOptions, IoUringProbe } from './io-uring-backend';
export { ThreadPoolBackend } from './thread-pool-backend';
export { createIoBackend } from './create-io-backend';
export type { CreateIoBackendOptions, IoBackendSelection } from './create-io-backend';
export { allocateAligned } from './allocate-aligned';
export { isBufferAligned } from './is-buffer-aligned';
export { openFile } from './open-file';
export type { OpenFileOptions, OpenedFile } from './open-file';
export { IoErrorCodes } from './io-error-codes';
export type { IoErrorCode } from './io-error-codes';
export { DMA_ALIGNMENT, DEFAULT_RING_ENTRIES, DEFAULT_SUBMIT_BATCH } from './io-constants';
