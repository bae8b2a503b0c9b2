import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasErrorCode, parseIoProperties } from '@charybdis/core';
import YAML from 'yaml';
import { renderIoProperties, writeFileAtomically } from '../src/io-properties-file';
import type { MeasuredDisk } from '../src/io-properties-file';
import { IotuneErrorCode } from '../src/iotune-error-codes';

const MEASURED: MeasuredDisk = {
  mountpoint: '/var/lib/charybdis',
  readIops: 95000.7,
  readBandwidthBytesPerSec: 545.5e6,
  writeIops: 85000.2,
  writeBandwidthBytesPerSec: 510e6,
};

const parse = (text: string): unknown => YAML.parse(text);

describe('renderIoProperties', () => {
  test('writes ScyllaDB format with integer rates and the header as comments', () => {
    const r = renderIoProperties(MEASURED, null, 'io.yaml', ' measured by iotune');
    expect(r.text.startsWith('# measured by iotune\n')).toBe(true);
    expect(parse(r.text)).toEqual({
      disks: [{ mountpoint: '/var/lib/charybdis', read_iops: 95000, read_bandwidth: 545500000, write_iops: 85000, write_bandwidth: 510000000 }],
    });
    expect(r).toMatchObject({ keptEntries: 0, replaced: false, previousProblem: null });
    expect(parseIoProperties(parse(r.text)).disks[0]!.readIops).toBe(95000);
  });

  test('keeps other disks as written and replaces the entry for this mount point', () => {
    const existing = [
      'disks:',
      '  - mountpoint: /var/lib/charybdis',
      '    read_iops: 1',
      '    read_bandwidth: 1M',
      '    write_iops: 1',
      '    write_bandwidth: 1M',
      '  - mountpoints: [/commitlog]',
      '    read_iops: 200000',
      '    read_bandwidth: 2G',
      '    write_iops: 180000',
      '    write_bandwidth: 1900M',
      '',
    ].join('\n');
    const r = renderIoProperties(MEASURED, existing, 'io.yaml', ' h');
    expect(r).toMatchObject({ keptEntries: 1, replaced: true, previousProblem: null });
    const doc = parse(r.text) as { disks: Record<string, unknown>[] };
    expect(doc.disks[0]).toMatchObject({ mountpoint: '/var/lib/charybdis', read_iops: 95000 });
    expect(doc.disks[1]).toEqual({ mountpoints: ['/commitlog'], read_iops: 200000, read_bandwidth: '2G', write_iops: 180000, write_bandwidth: '1900M' });
  });

  test('an entry listing this mount point among others keeps its list', () => {
    const existing = 'disks:\n  - mountpoints: [/a, /var/lib/charybdis]\n    read_iops: 1\n    read_bandwidth: 1\n    write_iops: 1\n    write_bandwidth: 1\n';
    const doc = parse(renderIoProperties(MEASURED, existing, 'io.yaml', ' h').text) as { disks: Record<string, unknown>[] };
    expect(doc.disks).toEqual([
      { mountpoints: ['/a', '/var/lib/charybdis'], read_iops: 95000, read_bandwidth: 545500000, write_iops: 85000, write_bandwidth: 510000000 },
    ]);
  });

  test('replaces an invalid existing file and says why', () => {
    const r = renderIoProperties(MEASURED, 'disks: [{ mountpoint: /x, read_iops: -1 }]\n', 'io.yaml', ' h');
    expect(r.previousProblem).toMatch(/^io\.yaml: disks\[0\]/);
    expect((parse(r.text) as { disks: unknown[] }).disks).toHaveLength(1);
  });

  test('a zero rate cannot be written', () => {
    let err: unknown;
    try {
      renderIoProperties({ ...MEASURED, writeIops: 0.4 }, null, 'io.yaml', ' h');
    } catch (e) {
      err = e;
    }
    expect(hasErrorCode(err, IotuneErrorCode.measurement)).toBe(true);
    expect((err as Error).message).toMatch(/write_iops/);
  });
});

test('writeFileAtomically replaces the file and leaves no temporary file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotune-unit-'));
  try {
    const file = path.join(dir, 'io.yaml');
    fs.writeFileSync(file, 'old');
    await writeFileAtomically(file, 'new\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
    expect(fs.readdirSync(dir)).toEqual(['io.yaml']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
