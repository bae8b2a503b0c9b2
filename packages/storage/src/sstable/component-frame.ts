import { crc32c } from '@charybdis/core';
import type { SSTableByteWriter } from './sstable-byte-writer';
import { sstableCorrupt } from './sstable-error-codes';
import { SSTABLE_FORMAT_VERSION } from './sstable-format';

/** Starts a binary metadata component: u32 magic, u32 format version. */
export function beginComponentFrame(w: SSTableByteWriter, magic: number): void {
  w.u32(magic);
  w.u32(SSTABLE_FORMAT_VERSION);
}

/** Ends a binary metadata component: u32 crc32c of every byte before it. */
export function sealComponentFrame(w: SSTableByteWriter): Buffer {
  w.u32(crc32c(w.view()));
  return w.finish();
}

/**
 * Checks the frame every binary metadata component shares: at least `minBytes`, magic and
 * format version at the start, crc32c of everything before the last 4 bytes in them.
 */
export function checkComponentFrame(bytes: Buffer, path: string, magic: number, minBytes: number): void {
  if (bytes.length < minBytes) throw sstableCorrupt(path, 0, `${bytes.length} bytes, too short (at least ${minBytes})`);
  const end = bytes.length - 4;
  const expected = bytes.readUInt32LE(end);
  const actual = crc32c(bytes.subarray(0, end));
  if (expected !== actual) throw sstableCorrupt(path, end, `checksum mismatch (crc32c 0x${actual.toString(16)}, expected 0x${expected.toString(16)})`);
  if (bytes.readUInt32LE(0) !== magic) throw sstableCorrupt(path, 0, `bad magic 0x${bytes.readUInt32LE(0).toString(16)}`);
  const version = bytes.readUInt32LE(4);
  if (version !== SSTABLE_FORMAT_VERSION) throw sstableCorrupt(path, 4, `unknown format version ${version} (expected ${SSTABLE_FORMAT_VERSION})`);
}
