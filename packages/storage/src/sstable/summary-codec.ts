import { SSTableByteReader } from './sstable-byte-reader';
import { SSTableByteWriter } from './sstable-byte-writer';
import { beginComponentFrame, checkComponentFrame, sealComponentFrame } from './component-frame';
import { SSTableMagic } from './sstable-format';

/**
 * The Summary component (pure codec), loaded whole at open: one entry per Index page (its
 * first token and key, where the page is) and the size of the Index file, so a lookup
 * binary-searches memory and reads one page.
 *
 *     u32 magic | u32 version | uv interval | uv Index size | uv page count
 *     | per page: i64 first token, uv key length, key, uv page position, uv page length
 *     | u32 crc32c of all before
 */
export interface SSTableSummary {
  readonly interval: number;
  readonly indexSizeBytes: number;
  readonly firstTokens: BigInt64Array;
  readonly firstKeys: readonly Buffer[];
  readonly pagePositions: Float64Array;
  readonly pageLengths: Float64Array;
}

export function encodeSummary(s: SSTableSummary): Buffer {
  const w = new SSTableByteWriter(64 + s.firstKeys.length * 32);
  beginComponentFrame(w, SSTableMagic.Summary);
  w.uvarint(s.interval);
  w.uvarint(s.indexSizeBytes);
  w.uvarint(s.firstKeys.length);
  for (let i = 0; i < s.firstKeys.length; i++) {
    w.i64(s.firstTokens[i]!);
    w.lengthPrefixed(s.firstKeys[i]!);
    w.uvarint(s.pagePositions[i]!);
    w.uvarint(s.pageLengths[i]!);
  }
  return sealComponentFrame(w);
}

/** Checks and decodes a Summary read from `path`; pages must tile the Index after its header. */
export function decodeSummary(bytes: Buffer, path: string, indexHeaderBytes: number): SSTableSummary {
  checkComponentFrame(bytes, path, SSTableMagic.Summary, 16);
  const r = new SSTableByteReader(bytes, path, 0, 8, bytes.length - 4);
  const interval = r.uvarint('summary interval');
  const indexSizeBytes = r.uvarint('Index size');
  const n = r.count('Summary entries', 11);
  const firstTokens = new BigInt64Array(n);
  const firstKeys: Buffer[] = [];
  const pagePositions = new Float64Array(n);
  const pageLengths = new Float64Array(n);
  let next = indexHeaderBytes;
  for (let i = 0; i < n; i++) {
    firstTokens[i] = r.i64('page first token');
    firstKeys.push(Buffer.from(r.lengthPrefixed('page first key')));
    pagePositions[i] = r.uvarint('page position');
    pageLengths[i] = r.uvarint('page length');
    if (pagePositions[i] !== next || pageLengths[i]! < 8) throw r.corrupt(`Index page ${i} at ${pagePositions[i]} (${pageLengths[i]} bytes) does not follow the previous one (${next})`);
    next += pageLengths[i]!;
  }
  if (interval < 1 || n === 0 || next !== indexSizeBytes) throw r.corrupt(`Index pages end at ${next}, the Index is ${indexSizeBytes} bytes (${n} pages, interval ${interval})`);
  if (r.remaining !== 0) throw r.corrupt(`${r.remaining} bytes after the last Summary entry`);
  return { interval, indexSizeBytes, firstTokens, firstKeys, pagePositions, pageLengths };
}
