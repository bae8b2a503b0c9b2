import * as path from 'node:path';
import { CharybdisError } from '../../errors';
import { IoQueueErrorCode } from './io-queue-errors';
import { parseIoQuantity } from './parse-io-quantity';

/**
 * The disk model of one device, from one entry of io_properties.yaml (written by
 * `tools/iotune`, format of ScyllaDB/Seastar). Rates are what the device sustains with a
 * deep queue: requests per second and bytes per second.
 */
export interface IoDiskProperties {
  /** Absolute paths on this device (`mountpoint`, or Seastar's `mountpoints` list). */
  readonly mountpoints: readonly string[];
  readonly readIops: number;
  readonly readBandwidthBytesPerSec: number;
  readonly writeIops: number;
  readonly writeBandwidthBytesPerSec: number;
  /** Optional Seastar fields, validated and kept for the file layer; the scheduler does not use them. */
  readonly readSaturationLengthBytes?: number;
  readonly writeSaturationLengthBytes?: number;
  readonly physicalBlockSizeBytes?: number;
  /**
   * True when these are {@link DEFAULT_IO_DISK}'s numbers, not a measurement: no
   * io_properties was given, or no entry covers the directory. The node warns once.
   */
  readonly isDefault: boolean;
}

/** A validated io_properties document. */
export interface IoProperties {
  readonly disks: readonly IoDiskProperties[];
  /** True when no file was given and `disks` is just {@link DEFAULT_IO_DISK}. */
  readonly isDefault: boolean;
}

/**
 * What a disk is assumed to do when nothing was measured: an SSD-ish 100k IOPS and 1 GB/s
 * each way. Run `tools/iotune`: a slower real disk gets deeper device queues (worse
 * latency) under these numbers, a faster one is under-used.
 */
export const DEFAULT_IO_DISK: IoDiskProperties = Object.freeze({
  mountpoints: Object.freeze(['/']),
  readIops: 100_000,
  readBandwidthBytesPerSec: 1_000_000_000,
  writeIops: 100_000,
  writeBandwidthBytesPerSec: 1_000_000_000,
  isDefault: true,
});

/** The model used when there is no io_properties file: {@link DEFAULT_IO_DISK} alone. */
export function defaultIoProperties(): IoProperties {
  return { disks: [DEFAULT_IO_DISK], isDefault: true };
}

const REQUIRED_RATES = ['read_iops', 'read_bandwidth', 'write_iops', 'write_bandwidth'] as const;
const OPTIONAL_LENGTHS = ['read_saturation_length', 'write_saturation_length', 'physical_block_size'] as const;
const KNOWN_DISK_KEYS: ReadonlySet<string> = new Set(['mountpoint', 'mountpoints', ...REQUIRED_RATES, ...OPTIONAL_LENGTHS]);
/** Most entries in `disks` (Seastar's limit on I/O queues is far lower in practice). */
export const IO_PROPERTIES_MAX_DISKS = 64;

/**
 * Validates a parsed io_properties document (the object YAML parsing gives) and returns the
 * disk model. The format is ScyllaDB's:
 *
 * ```yaml
 * disks:
 *   - mountpoint: /var/lib/charybdis
 *     read_iops: 95000
 *     read_bandwidth: 545M      # bytes/s; a number or digits with k/M/G/T (binary)
 *     write_iops: 85000
 *     write_bandwidth: 510M
 * ```
 *
 * Strict: an unknown key, a missing or non-positive rate, a relative or repeated
 * mountpoint is IO_INVALID_PROPERTIES, with a message naming `source` (e.g. the file path)
 * and the field (`disks[1].write_iops`). Reading and YAML-parsing the file is the
 * caller's job (the server does it), so this stays pure and testable.
 */
export function parseIoProperties(doc: unknown, source = 'io_properties'): IoProperties {
  const fail = (field: string, problem: string): never => {
    throw new CharybdisError(IoQueueErrorCode.invalidProperties, `${source}: ${field} ${problem}`);
  };
  if (!isPlainObject(doc)) fail('document', `must be a mapping with a "disks" list, got ${describe(doc)}`);
  const top = doc as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (key !== 'disks') fail(key, 'is not a known section (only "disks" is)');
  }
  const disks = top['disks'];
  if (!Array.isArray(disks) || disks.length === 0) fail('disks', `must be a non-empty list, got ${describe(disks)}`);
  const list = disks as unknown[];
  if (list.length > IO_PROPERTIES_MAX_DISKS) fail('disks', `has ${list.length} entries, more than ${IO_PROPERTIES_MAX_DISKS}`);
  const seen = new Map<string, string>();
  const out = list.map((entry, i) => {
    const disk = parseDisk(entry, `disks[${i}]`, fail);
    for (const mp of disk.mountpoints) {
      const first = seen.get(mp);
      if (first !== undefined) fail(`disks[${i}]`, `repeats mountpoint ${mp} (already in ${first})`);
      seen.set(mp, `disks[${i}]`);
    }
    return disk;
  });
  return { disks: out, isDefault: false };
}

function parseDisk(entry: unknown, at: string, fail: (field: string, problem: string) => never): IoDiskProperties {
  if (!isPlainObject(entry)) fail(at, `must be a mapping, got ${describe(entry)}`);
  const e = entry as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (!KNOWN_DISK_KEYS.has(key)) fail(`${at}.${key}`, `is not a known key (known: ${[...KNOWN_DISK_KEYS].join(', ')})`);
  }
  const rate = (key: string): number => {
    const value = e[key];
    if (value === undefined || value === null) return fail(`${at}.${key}`, 'is missing');
    const n = parseIoQuantity(value);
    if (n === undefined) return fail(`${at}.${key}`, `must be a positive number (or digits with k/M/G/T), got ${describe(value)}`);
    return n;
  };
  const optional = (key: string): number | undefined => (e[key] === undefined ? undefined : rate(key));
  const readSaturationLengthBytes = optional('read_saturation_length');
  const writeSaturationLengthBytes = optional('write_saturation_length');
  const physicalBlockSizeBytes = optional('physical_block_size');
  return {
    mountpoints: parseMountpoints(e, at, fail),
    readIops: rate('read_iops'),
    readBandwidthBytesPerSec: rate('read_bandwidth'),
    writeIops: rate('write_iops'),
    writeBandwidthBytesPerSec: rate('write_bandwidth'),
    ...(readSaturationLengthBytes !== undefined ? { readSaturationLengthBytes } : {}),
    ...(writeSaturationLengthBytes !== undefined ? { writeSaturationLengthBytes } : {}),
    ...(physicalBlockSizeBytes !== undefined ? { physicalBlockSizeBytes } : {}),
    isDefault: false,
  };
}

function parseMountpoints(e: Record<string, unknown>, at: string, fail: (field: string, problem: string) => never): string[] {
  const single = e['mountpoint'];
  const many = e['mountpoints'];
  const checkPath = (value: unknown, field: string): string => {
    if (typeof value !== 'string' || value.length === 0) return fail(field, `must be a path, got ${describe(value)}`);
    if (!path.isAbsolute(value)) return fail(field, `must be an absolute path, got ${value}`);
    return normalizeDir(value);
  };
  if (single !== undefined && many !== undefined) return fail(at, 'has both mountpoint and mountpoints; give one');
  if (single !== undefined) return [checkPath(single, `${at}.mountpoint`)];
  if (many === undefined) return fail(`${at}.mountpoint`, 'is missing');
  if (!Array.isArray(many) || many.length === 0) return fail(`${at}.mountpoints`, `must be a non-empty list of paths, got ${describe(many)}`);
  return many.map((value, i) => checkPath(value, `${at}.mountpoints[${i}]`));
}

/** An absolute path without `.`/`..` segments or a trailing slash (except the root). */
export function normalizeDir(dir: string): string {
  const normalized = path.resolve(dir);
  return normalized.length > 1 && normalized.endsWith(path.sep) ? normalized.slice(0, -1) : normalized;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return `a ${typeof value === 'object' ? 'mapping' : typeof value}`;
}
