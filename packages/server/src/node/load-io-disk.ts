import fs from 'node:fs';
import { parse } from 'yaml';
import type { IoDiskProperties } from '@charybdis/core';
import { CharybdisError, DEFAULT_IO_DISK, diskForDirectory, hasErrorCode, parseIoProperties } from '@charybdis/core';

/** The disk model the shards' I/O queues use, and what the node should say about it. */
export interface LoadedIoDisk {
  disk: IoDiskProperties;
  /** Set when the defaults are in use: the one warning the node logs at start. */
  warning: string | null;
}

/**
 * Reads io_properties_file (ScyllaDB's format, written by tools/iotune) and picks the
 * entry covering the first data directory. A missing file is not an error: the defaults
 * are used and the caller warns once. A file that exists but is invalid stops the node
 * (CHARYBDIS_IO_PROPERTIES_INVALID, naming the file and the field).
 */
export function loadIoDisk(file: string, dataDirectory: string): LoadedIoDisk {
  const defaults = `default disk figures (${DEFAULT_IO_DISK.readIops} read IOPS, ${Math.round(DEFAULT_IO_DISK.readBandwidthBytesPerSec / 1e6)} MB/s)`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') {
      throw new CharybdisError('CHARYBDIS_IO_PROPERTIES_INVALID', `cannot read io_properties_file ${file}: ${(err as Error).message}`, { cause: err });
    }
    return {
      disk: DEFAULT_IO_DISK,
      warning: `io_properties_file ${file} does not exist: the I/O scheduler uses ${defaults}; run \`npm run iotune\` to measure this disk`,
    };
  }
  let props;
  try {
    props = parseIoProperties(parse(text) as unknown, file);
  } catch (err) {
    // parseIoProperties' messages already name the file and field; YAML's do not.
    const message = hasErrorCode(err, 'IO_INVALID_PROPERTIES') ? (err as Error).message : `${file}: ${(err as Error).message.split('\n')[0]}`;
    throw new CharybdisError('CHARYBDIS_IO_PROPERTIES_INVALID', message, { cause: err });
  }
  const disk = diskForDirectory(props, dataDirectory);
  return {
    disk,
    warning: disk.isDefault ? `no disk in ${file} covers ${dataDirectory}: the I/O scheduler uses ${defaults}` : null,
  };
}
