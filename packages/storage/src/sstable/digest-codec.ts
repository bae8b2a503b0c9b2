import { SSTableByteReader } from './sstable-byte-reader';
import { SSTableByteWriter } from './sstable-byte-writer';
import { beginComponentFrame, checkComponentFrame, sealComponentFrame } from './component-frame';
import { SSTableMagic } from './sstable-format';

/** The Digest component: frame header, u32 crc32c of the whole Data file, uv Data size, crc32c. */
export function encodeDigest(dataCrc: number, dataSizeBytes: number): Buffer {
  const w = new SSTableByteWriter(32);
  beginComponentFrame(w, SSTableMagic.Digest);
  w.u32(dataCrc);
  w.uvarint(dataSizeBytes);
  return sealComponentFrame(w);
}

export function decodeDigest(bytes: Buffer, path: string): { dataCrc: number; dataSizeBytes: number } {
  checkComponentFrame(bytes, path, SSTableMagic.Digest, 17);
  const r = new SSTableByteReader(bytes, path, 0, 8, bytes.length - 4);
  const dataCrc = r.u32('Data crc32c');
  const dataSizeBytes = r.uvarint('Data size');
  if (r.remaining !== 0) throw r.corrupt(`${r.remaining} unexpected bytes`);
  return { dataCrc, dataSizeBytes };
}
