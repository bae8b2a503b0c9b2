// Files the disk benchmarks share: where to put them and how to fill them once.
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allocateAligned, ThreadPoolBackend } from '../src/io/backend';
import { DmaFile } from '../src/io/file';

/** statfs f_type of tmpfs, which has no O_DIRECT. */
const TMPFS_MAGIC = 0x01021994;

/**
 * The folder for benchmark files: IO_BENCH_DIR, else the OS temp folder unless it is a
 * tmpfs (no O_DIRECT there), in which case ./data/tmp. Files are kept between runs.
 */
export function benchDir(): string {
  const chosen = process.env.IO_BENCH_DIR ?? os.tmpdir();
  fs.mkdirSync(chosen, { recursive: true });
  if (fs.statfsSync(chosen).type === TMPFS_MAGIC && process.env.IO_BENCH_DIR === undefined) {
    const fallback = path.join(process.cwd(), 'data', 'tmp');
    fs.mkdirSync(fallback, { recursive: true });
    return path.join(fallback, 'charybdis-bench');
  }
  return path.join(chosen, 'charybdis-bench');
}

/**
 * Writes `file` once with random bytes, so reads hit real blocks (not holes) and writes
 * overwrite allocated ones; an existing file of the right size is reused.
 */
export async function ensureBenchFile(file: string, sizeBytes: number, label: string): Promise<void> {
  if (fs.existsSync(file) && fs.statSync(file).size === sizeBytes) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  process.stderr.write(`${label}: writing ${sizeBytes >> 20} MiB to ${file} (once)\n`);
  const backend = new ThreadPoolBackend();
  const f = await DmaFile.open(backend, file, { create: true, truncate: true, direct: true });
  const chunk = 1 << 20;
  const bufs = Array.from({ length: 4 }, () => randomFillSync(allocateAligned(chunk)));
  for (let pos = 0; pos < sizeBytes; pos += chunk * bufs.length) {
    await Promise.all(bufs.map((b, i) => (pos + i * chunk < sizeBytes ? f.write(pos + i * chunk, b) : Promise.resolve(0))));
  }
  await f.fdatasync();
  await f.close();
  await backend.close();
}
