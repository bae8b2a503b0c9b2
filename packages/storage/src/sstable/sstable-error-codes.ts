import { CharybdisError } from '@charybdis/core';

/** Stable codes of the SSTable CharybdisErrors (test them with `hasErrorCode`). */
export const SSTableErrorCodes = {
  /** A component whose bytes fail a checksum, a length or a format check; the message names the file (and offset). */
  CORRUPT: 'SSTABLE_CORRUPT',
  /** A component listed by the TOC (or the TOC itself) is missing. */
  MISSING_COMPONENT: 'SSTABLE_MISSING_COMPONENT',
  /** `append` of a partition not strictly after the previous one in partition order. */
  OUT_OF_ORDER: 'SSTABLE_OUT_OF_ORDER',
  /** `append` of an update that holds nothing, or `finish` of a writer with no partition. */
  EMPTY: 'SSTABLE_EMPTY',
  /** Use of a reader or writer after close/finish/abort. */
  CLOSED: 'SSTABLE_CLOSED',
  /** Invalid writer/reader option, or an update of another table than the first one appended. */
  INVALID_ARGUMENT: 'SSTABLE_INVALID_ARGUMENT',
} as const;

export type SSTableErrorCode = (typeof SSTableErrorCodes)[keyof typeof SSTableErrorCodes];

/** An SSTABLE_CORRUPT error naming the file and, when meaningful, the offset in it. */
export function sstableCorrupt(path: string, offset: number | null, problem: string, cause?: unknown): CharybdisError {
  const where = offset === null ? path : `${path} at offset ${offset}`;
  return new CharybdisError(SSTableErrorCodes.CORRUPT, `Corrupt SSTable component ${where}: ${problem}`, cause === undefined ? undefined : { cause });
}
