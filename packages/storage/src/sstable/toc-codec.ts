import { crc32c } from '@charybdis/core';
import { sstableCorrupt } from './sstable-error-codes';
import { SSTABLE_COMPONENTS } from './sstable-file-names';
import { SSTABLE_FORMAT_VERSION } from './sstable-format';

const TOC_FIRST_LINE = `charybdis-sstable ${SSTABLE_FORMAT_VERSION}`;

/**
 * The TOC (text, pure codec): a first line naming the format and version, one component
 * name per line, then `crc32c <8 hex digits>` of every byte before that line.
 */
export function encodeToc(): Buffer {
  const body = [TOC_FIRST_LINE, ...SSTABLE_COMPONENTS].join('\n') + '\n';
  const crc = crc32c(Buffer.from(body, 'utf8')).toString(16).padStart(8, '0');
  return Buffer.from(`${body}crc32c ${crc}\n`, 'utf8');
}

/** Checks a TOC read from `path`: checksum, version, exactly the components this version has. */
export function checkToc(bytes: Buffer, path: string): void {
  const text = bytes.toString('latin1');
  const at = text.lastIndexOf('crc32c ', text.length - 2);
  const crcLine = /^crc32c ([0-9a-f]{8})\n$/.exec(at < 0 ? '' : text.slice(at));
  if (crcLine === null) throw sstableCorrupt(path, at < 0 ? 0 : at, 'no checksum line at the end of the TOC');
  const actual = crc32c(bytes.subarray(0, at));
  if (Number.parseInt(crcLine[1]!, 16) !== actual) throw sstableCorrupt(path, at, `TOC checksum mismatch (crc32c 0x${actual.toString(16)}, expected 0x${crcLine[1]})`);
  const lines = text.slice(0, at).split('\n').slice(0, -1);
  if (lines[0] !== TOC_FIRST_LINE) throw sstableCorrupt(path, 0, `TOC starts with ${JSON.stringify(lines[0])}, expected ${JSON.stringify(TOC_FIRST_LINE)}`);
  const listed = lines.slice(1).join(',');
  if (listed !== SSTABLE_COMPONENTS.join(',')) throw sstableCorrupt(path, null, `TOC lists ${listed}, expected ${SSTABLE_COMPONENTS.join(',')}`);
}
