import { CharybdisError } from '@charybdis/core';

/**
 * The stable error codes of `sstabledump`. The CLI prints the message of any error on
 * stderr and exits 1. Errors of the SSTable itself keep the storage engine's codes
 * (SSTABLE_CORRUPT naming the file, SSTABLE_MISSING_COMPONENT). Codes are part of the
 * tool's interface: do not rename them.
 */
export const SSTableDumpErrorCode = {
  /** A bad command line: no file, unknown option, option without its value. */
  usage: 'SSTABLEDUMP_USAGE',
  /** The file named on the command line does not exist (or is not a regular file). */
  fileNotFound: 'SSTABLEDUMP_FILE_NOT_FOUND',
  /** The file is not a component of an SSTable (its name is not `cha-<generation>-<Component>`). */
  notAnSSTable: 'SSTABLEDUMP_NOT_AN_SSTABLE',
  /** The --schema file is missing, not JSON, or not a valid table schema. */
  invalidSchema: 'SSTABLEDUMP_INVALID_SCHEMA',
  /** The schema is valid but does not describe this SSTable (columns, clustering, key or value types). */
  schemaMismatch: 'SSTABLEDUMP_SCHEMA_MISMATCH',
  /** A -k/-x key that does not parse as the partition key type. */
  invalidKey: 'SSTABLEDUMP_INVALID_KEY',
} as const;

/** One of the {@link SSTableDumpErrorCode} values. */
export type SSTableDumpErrorCodeValue = (typeof SSTableDumpErrorCode)[keyof typeof SSTableDumpErrorCode];

/** A CharybdisError of the tool, with the cause attached when there is one. */
export function dumpError(code: SSTableDumpErrorCodeValue, message: string, cause?: unknown): CharybdisError {
  return new CharybdisError(code, message, cause === undefined ? undefined : { cause });
}
