import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { diskForDirectory, parseIoProperties } from '@charybdis/core';

// The node reads conf/io_properties.yaml (written by tools/iotune) with this YAML parser
// and core's validation; the shipped example must pass both.
describe('conf/io_properties.yaml.example', () => {
  test('is valid and models what it says', () => {
    const file = path.resolve(__dirname, '..', '..', '..', 'conf', 'io_properties.yaml.example');
    const props = parseIoProperties(parse(fs.readFileSync(file, 'utf8')), 'conf/io_properties.yaml.example');
    expect(props.disks).toHaveLength(2);
    expect(diskForDirectory(props, '/var/lib/charybdis/data').readBandwidthBytesPerSec).toBe(545 * 2 ** 20);
    expect(diskForDirectory(props, '/var/lib/charybdis/commitlog').writeIops).toBe(180_000);
  });
});
