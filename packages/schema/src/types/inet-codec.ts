import { nativeType } from './cql-type';
import { describeValue } from './codec-support';
import { compareBytesUnsigned } from './compare-bytes';
import { invalidValueError } from './invalid-value-error';
import type { ValueCodec } from './value-codec';

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const p of parts) {
    // Decimal only, no leading zeros (which some parsers read as octal).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    octets.push(n);
  }
  return octets;
}

function parseGroups(text: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && allowTrailingIpv4 && p.includes('.')) {
      const v4 = parseIpv4(p);
      if (v4 === undefined) return undefined;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      words.push(parseInt(p, 16));
    }
  }
  return words;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  if (halves.length === 1) {
    const words = parseGroups(text, true);
    return words !== undefined && words.length === 8 ? words : undefined;
  }
  const head = parseGroups(halves[0]!, false);
  const tail = parseGroups(halves[1]!, true);
  if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** The 4 or 16 bytes of an IPv4 (dotted quad) or IPv6 address string. */
export function inetStringToBytes(value: unknown): Buffer {
  if (typeof value === 'string') {
    const v4 = parseIpv4(value);
    if (v4 !== undefined) return Buffer.from(v4);
    const v6 = value.includes(':') ? parseIpv6(value) : undefined;
    if (v6 !== undefined) {
      const out = Buffer.alloc(16);
      v6.forEach((w, i) => out.writeUInt16BE(w, i * 2));
      return out;
    }
  }
  throw invalidValueError('inet', `expected an IPv4 or IPv6 address string, got ${describeValue(value)}`);
}

/**
 * The text form of 4 or 16 address bytes: dotted quad, or RFC 5952 IPv6 (lowercase, the
 * longest run of two or more zero groups as `::`, IPv4-mapped addresses as ::ffff:a.b.c.d).
 */
export function inetBytesToString(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${Array.from(bytes.subarray(12)).join('.')}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function checkInet(bytes: Uint8Array): void {
  if (bytes.length !== 0 && bytes.length !== 4 && bytes.length !== 16) {
    throw invalidValueError('inet', `expected 4 (IPv4), 16 (IPv6) or 0 bytes, got ${bytes.length}`);
  }
}

/**
 * `inet`: JS string in and out; 4 bytes for IPv4, 16 for IPv6 (or empty: null). Ordered
 * by unsigned bytes (Cassandra's InetAddressType is BYTE_ORDER), so an IPv4 address and
 * an IPv6 address compare by their leading bytes, the shorter first on a tie.
 */
export function inetCodec(): ValueCodec<string> {
  return {
    type: nativeType('inet'),
    serialize: inetStringToBytes,
    deserialize(bytes: Uint8Array): string | null {
      checkInet(bytes);
      return bytes.length === 0 ? null : inetBytesToString(bytes);
    },
    validate: checkInet,
    compare: compareBytesUnsigned,
  };
}
