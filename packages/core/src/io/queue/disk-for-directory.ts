import * as path from 'node:path';
import type { IoDiskProperties, IoProperties } from './io-properties';
import { DEFAULT_IO_DISK, normalizeDir } from './io-properties';

/**
 * The disk model that covers `directory` (e.g. a data or commitlog directory): the entry
 * whose mountpoint is the longest prefix of it, on path-segment boundaries (`/var/lib`
 * covers `/var/lib/charybdis`, not `/var/libx`). A relative `directory` is resolved
 * against the process's working directory; symlinks are not followed (pass a real path if
 * the data directory is a link onto another device). When no entry covers it, the result
 * is {@link DEFAULT_IO_DISK} with `isDefault: true`, so the node can warn once.
 */
export function diskForDirectory(properties: IoProperties, directory: string): IoDiskProperties {
  const dir = normalizeDir(directory);
  let best: IoDiskProperties | undefined;
  let bestLength = -1;
  for (const disk of properties.disks) {
    for (const mountpoint of disk.mountpoints) {
      if (mountpoint.length > bestLength && covers(mountpoint, dir)) {
        best = disk;
        bestLength = mountpoint.length;
      }
    }
  }
  return best ?? DEFAULT_IO_DISK;
}

function covers(mountpoint: string, dir: string): boolean {
  if (dir === mountpoint) return true;
  const prefix = mountpoint.endsWith(path.sep) ? mountpoint : mountpoint + path.sep;
  return dir.startsWith(prefix);
}
