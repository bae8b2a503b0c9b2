import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** The mount a directory lives on. */
export interface MountPoint {
  /** Absolute path where the filesystem is mounted (the io_properties `mountpoint`). */
  path: string;
  /** Filesystem type from /proc/self/mountinfo (ext4, xfs, tmpfs, …); null when unknown. */
  fsType: string | null;
  /** Mount source (device) from /proc/self/mountinfo; null when unknown. */
  source: string | null;
}

/** One line of /proc/self/mountinfo, the fields iotune needs. */
interface MountinfoEntry {
  mountPoint: string;
  fsType: string;
  source: string;
}

/** Filesystems held in memory: measuring them says nothing about a disk. */
export const MEMORY_FS_TYPES: ReadonlySet<string> = new Set(['tmpfs', 'ramfs', 'devtmpfs']);

/**
 * The mount holding `realDir` (an absolute path with symlinks resolved) according to the
 * text of /proc/self/mountinfo: the entry whose mount point is the longest whole-segment
 * prefix of the path; for a path mounted over several times, the last such line (the
 * mount on top). Null when no line parses or none covers the path.
 */
export function mountPointFromMountinfo(mountinfo: string, realDir: string): MountPoint | null {
  let best: MountinfoEntry | null = null;
  for (const line of mountinfo.split('\n')) {
    const entry = parseMountinfoLine(line);
    if (entry === null || !isPathPrefix(entry.mountPoint, realDir)) continue;
    if (best === null || entry.mountPoint.length >= best.mountPoint.length) best = entry;
  }
  return best === null ? null : { path: best.mountPoint, fsType: best.fsType, source: best.source };
}

/**
 * `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`:
 * field 5 is the mount point; after the optional fields and the `-` separator come the
 * filesystem type and the source. Paths escape space, tab, newline and backslash as
 * octal (`\040`).
 */
function parseMountinfoLine(line: string): MountinfoEntry | null {
  const fields = line.trim().split(' ');
  const dash = fields.indexOf('-', 6);
  if (fields.length < 7 || dash < 0 || dash + 2 >= fields.length) return null;
  const mountPoint = unescapeOctal(fields[4]!);
  if (!path.isAbsolute(mountPoint)) return null;
  return { mountPoint, fsType: fields[dash + 1]!, source: unescapeOctal(fields[dash + 2]!) };
}

function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** True when `prefix` is `dir` or one of its ancestors, matching whole segments. */
function isPathPrefix(prefix: string, dir: string): boolean {
  if (prefix === '/' || prefix === dir) return true;
  return dir.startsWith(prefix) && dir.charAt(prefix.length) === '/';
}

/**
 * Finds the mount point of the filesystem holding `dir` (which must exist): from
 * /proc/self/mountinfo when it is readable, otherwise by walking up from the directory
 * while the device number (`st_dev`) stays the same; the last directory on the same
 * device is the mount point (the filesystem type is then unknown).
 */
export async function findMountPoint(dir: string): Promise<MountPoint> {
  const realDir = await fs.realpath(dir);
  // Null when this is not Linux or /proc is not mounted: the device walk below then decides.
  const mountinfo = await fs.readFile('/proc/self/mountinfo', 'utf8').catch(() => null);
  const found = mountinfo === null ? null : mountPointFromMountinfo(mountinfo, realDir);
  if (found !== null) return found;
  return { path: await walkUpSameDevice(realDir), fsType: null, source: null };
}

async function walkUpSameDevice(realDir: string): Promise<string> {
  const dev = (await fs.stat(realDir)).dev;
  let current = realDir;
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current || (await fs.stat(parent)).dev !== dev) return current;
    current = parent;
  }
}
