/**
 * Alignment, in bytes, of O_DIRECT transfers: file position, length and buffer address
 * must all be multiples of it. 4096 covers 4 KiB-sector devices and 4 KiB filesystem
 * blocks (the project's disks have 512-byte logical sectors, so this is conservative).
 */
export const DMA_ALIGNMENT = 4096;

/**
 * Submission-queue entries of each shard's io_uring: the most requests the ring holds at
 * once. More requests wait in the addon's queue until entries free; none fails for being
 * one too many. The fair I/O queue above keeps the device's real queue far shallower.
 */
export const DEFAULT_RING_ENTRIES = 256;

/**
 * io_uring: besides once per event-loop turn, prepared requests are submitted as soon as
 * this many are ready (see `IoUringBackendOptions.submitBatch`). Measured here with 32
 * random 4 KiB O_DIRECT reads in flight: once per turn only ~56k IOPS, 8 ~61-67k, fio ~70k.
 */
export const DEFAULT_SUBMIT_BATCH = 8;
