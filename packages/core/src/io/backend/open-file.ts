import fs from 'node:fs';

/** Options of {@link openFile}. */
export interface OpenFileOptions {
  /** O_DIRECT (bypass the page cache); falls back to buffered I/O where the filesystem refuses it. */
  direct?: boolean;
  /** O_CREAT (mode 0644). */
  create?: boolean;
  /** O_TRUNC. */
  truncate?: boolean;
  /** O_RDONLY instead of O_RDWR. */
  readOnly?: boolean;
}

/** An open descriptor and how it was opened. */
export interface OpenedFile {
  fd: number;
  /** True when the descriptor has O_DIRECT. */
  direct: boolean;
  /** Why O_DIRECT was asked for and not used (null when it was used or not asked for). */
  directFallbackReason: string | null;
}

/**
 * Opens `path` (on libuv's thread pool: opening is rare, metadata-heavy and not worth a
 * ring slot) with O_CLOEXEC and the requested flags. With `direct`, a filesystem that
 * refuses O_DIRECT (EINVAL at open, e.g. tmpfs before Linux 6.6, some FUSE and network
 * filesystems) gets the file opened again without it, and the reason is reported in
 * `directFallbackReason` so the caller can log it. Rejects with the errno error
 * (ENOENT, EACCES, ...); `DmaFile.open` converts it to a CharybdisError naming the path.
 *
 * The caller owns the descriptor and closes it.
 */
export async function openFile(path: string, options: OpenFileOptions = {}): Promise<OpenedFile> {
  const c = fs.constants;
  let flags = options.readOnly === true ? c.O_RDONLY : c.O_RDWR;
  if (options.create === true) flags |= c.O_CREAT;
  if (options.truncate === true) flags |= c.O_TRUNC;
  if (options.direct !== true) return { fd: await open(path, flags), direct: false, directFallbackReason: null };
  if (c.O_DIRECT === undefined) {
    return { fd: await open(path, flags), direct: false, directFallbackReason: 'O_DIRECT is not defined on this platform' };
  }
  try {
    return { fd: await open(path, flags | c.O_DIRECT), direct: true, directFallbackReason: null };
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EINVAL') throw err;
    const fd = await open(path, flags);
    return { fd, direct: false, directFallbackReason: `the filesystem refused O_DIRECT for ${path} (EINVAL); using buffered I/O` };
  }
}

function open(path: string, flags: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    fs.open(path, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd)));
  });
}
