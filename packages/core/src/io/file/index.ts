/**
 * Files for the storage engine over an `IoBackend`: `DmaFile` (positional, O_DIRECT-aware,
 * errors naming the file, a dispatch seam for the I/O queue, fault injection) and
 * `AppendWriter` (small appends batched into aligned chunks). Design: README.md here.
 */
export { DmaFile } from './dma-file';
export type { DmaFileOptions, IoFaults } from './dma-file-options';
export type { IoRequest, IoRequestKind, IoDispatch, IoExecute } from './io-request';
export { AppendWriter, DEFAULT_APPEND_CHUNK_BYTES, DEFAULT_APPEND_WRITES_IN_FLIGHT } from './append-writer';
export type { AppendWriterOptions } from './append-writer';
export { toIoError } from './to-io-error';
export type { IoErrorContext } from './to-io-error';
