import * as os from 'node:os';
import { findMountPoint, mountPointFromMountinfo } from '../src/mount-point';

const MOUNTINFO = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '40 27 259:1 / /var/lib rw,noatime shared:1 - xfs /dev/nvme0n1 rw',
  '41 27 259:2 / /var/lib/charybdis\\040data rw,noatime - xfs /dev/nvme1n1 rw',
  '42 27 0:30 / /var/libx rw - tmpfs tmpfs rw',
  '43 40 259:3 / /var/lib rw - ext4 /dev/sdb rw',
  'garbage',
].join('\n');

describe('mountPointFromMountinfo', () => {
  test('picks the longest whole-segment prefix', () => {
    expect(mountPointFromMountinfo(MOUNTINFO, '/var/libx/a')).toEqual({ path: '/var/libx', fsType: 'tmpfs', source: 'tmpfs' });
    expect(mountPointFromMountinfo(MOUNTINFO, '/home/me')).toEqual({ path: '/', fsType: 'ext4', source: '/dev/vda' });
  });

  test('decodes octal escapes in mount points', () => {
    expect(mountPointFromMountinfo(MOUNTINFO, '/var/lib/charybdis data/data')?.path).toBe('/var/lib/charybdis data');
  });

  test('takes the mount on top when a path is mounted over', () => {
    expect(mountPointFromMountinfo(MOUNTINFO, '/var/lib/other')).toMatchObject({ path: '/var/lib', source: '/dev/sdb' });
  });

  test('null when nothing parses', () => {
    expect(mountPointFromMountinfo('nonsense\n', '/x')).toBeNull();
  });
});

test('findMountPoint finds an absolute mount point that contains the directory', async () => {
  const dir = os.tmpdir();
  const mount = await findMountPoint(dir);
  expect(mount.path.startsWith('/')).toBe(true);
  expect(dir === mount.path || mount.path === '/' || dir.startsWith(`${mount.path}/`)).toBe(true);
});
