import * as path from 'node:path';
import { hasErrorCode } from '../src/errors';
import {
  DEFAULT_IO_DISK,
  IoCostModel,
  IoQueueErrorCode,
  defaultIoProperties,
  diskForDirectory,
  parseIoProperties,
  perShardDisk,
} from '../src/io/queue';
import type { IoDiskProperties } from '../src/io/queue';


function validDisk(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mountpoint: '/var/lib/charybdis',
    read_iops: 95000,
    read_bandwidth: 571473920,
    write_iops: 85000,
    write_bandwidth: 534773760,
    ...overrides,
  };
}

/** The error message parseIoProperties throws for `doc` (fails the test if it does not throw the right code). */
function problemWith(doc: unknown, source?: string): string {
  try {
    parseIoProperties(doc, source);
  } catch (err) {
    expect(hasErrorCode(err, IoQueueErrorCode.invalidProperties)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('parseIoProperties accepted the document');
}

describe('parseIoProperties', () => {
  test('a valid ScyllaDB-format document gives the disk model', () => {
    const props = parseIoProperties({ disks: [validDisk()] }, '/etc/charybdis/io_properties.yaml');
    expect(props.isDefault).toBe(false);
    expect(props.disks).toEqual([
      {
        mountpoints: ['/var/lib/charybdis'],
        readIops: 95000,
        readBandwidthBytesPerSec: 571473920,
        writeIops: 85000,
        writeBandwidthBytesPerSec: 534773760,
        isDefault: false,
      },
    ]);
  });

  test('quantities may carry Seastar\'s binary suffixes, and the optional Seastar fields are kept', () => {
    const props = parseIoProperties({
      disks: [
        validDisk({
          read_bandwidth: '545M',
          write_iops: '85k',
          write_bandwidth: '1GiB',
          write_saturation_length: '64k',
          physical_block_size: 4096,
        }),
      ],
    });
    const disk = props.disks[0] as IoDiskProperties;
    expect(disk.readBandwidthBytesPerSec).toBe(545 * 2 ** 20);
    expect(disk.writeIops).toBe(85 * 1024);
    expect(disk.writeBandwidthBytesPerSec).toBe(2 ** 30);
    expect(disk.writeSaturationLengthBytes).toBe(65536);
    expect(disk.physicalBlockSizeBytes).toBe(4096);
    expect(disk.readSaturationLengthBytes).toBeUndefined();
  });

  test('a missing field is named, with the source', () => {
    const { write_iops: _dropped, ...rest } = validDisk();
    expect(problemWith({ disks: [validDisk(), rest] }, 'conf/io_properties.yaml')).toBe('conf/io_properties.yaml: disks[1].write_iops is missing');
    const { mountpoint: _mp, ...noMount } = validDisk();
    expect(problemWith({ disks: [noMount] })).toBe('io_properties: disks[0].mountpoint is missing');
  });

  test('a value of the wrong type is named with what was found', () => {
    expect(problemWith({ disks: [validDisk({ read_iops: 'fast' })] })).toMatch(/^io_properties: disks\[0\]\.read_iops must be a positive number .*got "fast"$/);
    expect(problemWith({ disks: [validDisk({ read_bandwidth: true })] })).toMatch(/disks\[0\]\.read_bandwidth must be .*got boolean true/);
    expect(problemWith({ disks: [validDisk({ write_bandwidth: { value: 1 } })] })).toMatch(/disks\[0\]\.write_bandwidth must be .*got a mapping/);
    expect(problemWith({ disks: [validDisk({ write_iops: null })] })).toMatch(/disks\[0\]\.write_iops is missing/);
    expect(problemWith({ disks: [validDisk({ mountpoint: 42 })] })).toMatch(/disks\[0\]\.mountpoint must be a path, got number 42/);
    expect(problemWith({ disks: [validDisk({ read_iops: '12.5M' })] })).toMatch(/read_iops must be/);
  });

  test('negative, zero and non-finite rates are refused', () => {
    expect(problemWith({ disks: [validDisk({ read_iops: -5 })] })).toMatch(/disks\[0\]\.read_iops must be a positive number.*got number -5/);
    expect(problemWith({ disks: [validDisk({ write_bandwidth: 0 })] })).toMatch(/disks\[0\]\.write_bandwidth must be a positive number/);
    expect(problemWith({ disks: [validDisk({ write_iops: Number.POSITIVE_INFINITY })] })).toMatch(/write_iops must be/);
    expect(problemWith({ disks: [validDisk({ read_iops: '-5' })] })).toMatch(/read_iops must be/);
  });

  test('unknown keys are refused, in an entry and at the top level', () => {
    expect(problemWith({ disks: [validDisk({ read_ipos: 1000 })] })).toMatch(/^io_properties: disks\[0\]\.read_ipos is not a known key \(known: mountpoint, /);
    expect(problemWith({ disks: [validDisk()], cpus: {} })).toBe('io_properties: cpus is not a known section (only "disks" is)');
  });

  test('the document shape is checked', () => {
    expect(problemWith(null)).toMatch(/document must be a mapping with a "disks" list, got null/);
    expect(problemWith('disks: []')).toMatch(/document must be a mapping/);
    expect(problemWith([validDisk()])).toMatch(/document must be a mapping.*got a list/);
    expect(problemWith({})).toMatch(/disks must be a non-empty list, got nothing/);
    expect(problemWith({ disks: [] })).toMatch(/disks must be a non-empty list/);
    expect(problemWith({ disks: validDisk() })).toMatch(/disks must be a non-empty list, got a mapping/);
    expect(problemWith({ disks: ['/var/lib'] })).toMatch(/disks\[0\] must be a mapping, got "\/var\/lib"/);
  });

  test('mountpoints must be absolute, given once, and not repeated across entries', () => {
    expect(problemWith({ disks: [validDisk({ mountpoint: 'data' })] })).toMatch(/disks\[0\]\.mountpoint must be an absolute path, got data/);
    expect(problemWith({ disks: [validDisk({ mountpoints: ['/a'] })] })).toMatch(/disks\[0\] has both mountpoint and mountpoints/);
    const { mountpoint: _mp, ...noMount } = validDisk();
    expect(problemWith({ disks: [{ ...noMount, mountpoints: [] }] })).toMatch(/disks\[0\]\.mountpoints must be a non-empty list/);
    expect(problemWith({ disks: [{ ...noMount, mountpoints: ['/a', 7] }] })).toMatch(/disks\[0\]\.mountpoints\[1\] must be a path/);
    expect(problemWith({ disks: [validDisk({ mountpoint: '/data' }), validDisk({ mountpoint: '/data/' })] })).toBe(
      'io_properties: disks[1] repeats mountpoint /data (already in disks[0])',
    );
  });
});

describe('diskForDirectory', () => {
  const props = parseIoProperties({
    disks: [
      validDisk({ mountpoint: '/', read_iops: 1 }),
      validDisk({ mountpoint: '/var/lib', read_iops: 2 }),
      validDisk({ mountpoint: '/var/lib/charybdis', read_iops: 3 }),
      { ...validDisk({ read_iops: 4 }), mountpoint: undefined, mountpoints: ['/mnt/nvme0', '/mnt/nvme1/'] },
    ].map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined))),
  });

  test('the longest mountpoint that is a prefix of the directory wins', () => {
    expect(diskForDirectory(props, '/var/lib/charybdis/data').readIops).toBe(3);
    expect(diskForDirectory(props, '/var/lib/charybdis').readIops).toBe(3);
    expect(diskForDirectory(props, '/var/lib/other').readIops).toBe(2);
    expect(diskForDirectory(props, '/home/me').readIops).toBe(1);
    expect(diskForDirectory(props, '/mnt/nvme1/commitlog').readIops).toBe(4);
  });

  test('prefixes match whole path segments, and paths are normalised', () => {
    expect(diskForDirectory(props, '/var/lib/charybdis-backup').readIops).toBe(2);
    expect(diskForDirectory(props, '/var/lib/charybdis/../other/').readIops).toBe(2);
    expect(diskForDirectory(props, '/var//lib/charybdis/./data').readIops).toBe(3);
  });

  test('a relative directory is resolved against the working directory', () => {
    expect(diskForDirectory(props, 'data').readIops).toBe(diskForDirectory(props, path.resolve('data')).readIops);
  });

  test('no covering entry, or no file at all, gives the flagged defaults', () => {
    const onlyData = parseIoProperties({ disks: [validDisk({ mountpoint: '/srv/data' })] });
    const fallback = diskForDirectory(onlyData, '/var/lib/charybdis');
    expect(fallback).toBe(DEFAULT_IO_DISK);
    expect(fallback.isDefault).toBe(true);
    expect(diskForDirectory(onlyData, '/srv/data/ks').isDefault).toBe(false);
    const none = defaultIoProperties();
    expect(none.isDefault).toBe(true);
    expect(diskForDirectory(none, '/anything')).toBe(DEFAULT_IO_DISK);
    expect(DEFAULT_IO_DISK).toMatchObject({ readIops: 100_000, readBandwidthBytesPerSec: 1e9, writeIops: 100_000, writeBandwidthBytesPerSec: 1e9 });
  });
});

describe('IoCostModel', () => {
  const disk = parseIoProperties({
    disks: [validDisk({ read_iops: 100_000, read_bandwidth: 1_000_000_000, write_iops: 50_000, write_bandwidth: 500_000_000 })],
  }).disks[0] as IoDiskProperties;

  test('a request costs 1/iops + bytes/bandwidth of device time, in µs', () => {
    const model = new IoCostModel(disk, 1);
    expect(model.costUs({ kind: 'read', sizeBytes: 0 })).toBeCloseTo(10);
    expect(model.costUs({ kind: 'read', sizeBytes: 4096 })).toBeCloseTo(10 + 4.096);
    expect(model.costUs({ kind: 'write', sizeBytes: 131072 })).toBeCloseTo(20 + 262.144);
    expect(model.maxInFlightCostUs).toBe(1000);
  });

  test('maxRequestSizeBytes is the largest 4 KiB multiple that fits the window', () => {
    const model = new IoCostModel(disk, 1);
    const read = model.maxRequestSizeBytes('read');
    expect(read % 4096).toBe(0);
    expect(model.costUs({ kind: 'read', sizeBytes: read })).toBeLessThanOrEqual(1000);
    expect(model.costUs({ kind: 'read', sizeBytes: read + 4096 })).toBeGreaterThan(1000);
    expect(model.maxRequestSizeBytes('write')).toBeLessThan(read);
    // A disk too slow for the window still gets a usable minimum.
    const slow = new IoCostModel({ ...disk, readIops: 100 }, 1);
    expect(slow.maxRequestSizeBytes('read')).toBe(4096);
  });

  test('bad latency goals and malformed requests are refused', () => {
    expect(() => new IoCostModel(disk, 0)).toThrow(expect.objectContaining({ code: IoQueueErrorCode.invalidOption }) as Error);
    expect(() => new IoCostModel({ ...disk, writeIops: 0 }, 1)).toThrow(expect.objectContaining({ code: IoQueueErrorCode.invalidOption }) as Error);
    const model = new IoCostModel(disk, 1);
    for (const bad of [{ kind: 'trim', sizeBytes: 1 }, { kind: 'read', sizeBytes: -1 }, { kind: 'read', sizeBytes: 1.5 }]) {
      expect(() => model.costUs(bad as never)).toThrow(expect.objectContaining({ code: IoQueueErrorCode.invalidRequest }) as Error);
    }
  });
});

describe('perShardDisk', () => {
  test('divides every rate by the shard count, so N shards together keep one window in the device', () => {
    const disk = diskForDirectory(parseIoProperties({ disks: [validDisk()] }), '/var/lib/charybdis');
    const share = perShardDisk(disk, 4);
    expect(share).toMatchObject({
      mountpoints: ['/var/lib/charybdis'],
      readIops: 95000 / 4,
      readBandwidthBytesPerSec: 571473920 / 4,
      writeIops: 85000 / 4,
      writeBandwidthBytesPerSec: 534773760 / 4,
      isDefault: false,
    });
    const whole = new IoCostModel(disk, 1);
    const quarter = new IoCostModel(share, 1);
    expect(quarter.costUs({ kind: 'read', sizeBytes: 4096 })).toBeCloseTo(4 * whole.costUs({ kind: 'read', sizeBytes: 4096 }));
    expect(perShardDisk(disk, 1)).toEqual(disk);
    expect(() => perShardDisk(disk, 0)).toThrow(expect.objectContaining({ code: IoQueueErrorCode.invalidOption }) as Error);
  });
});
