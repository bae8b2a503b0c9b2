import { ByteAccumulator } from './byte-accumulator';
import { lz4DecompressExact } from './lz4-compression';
import { CqlProtocolError, ProtocolErrorCodes } from './protocol-error';
import { crc24, segmentCrc32 } from './segment-checksums';
import {
  COMPRESSED_SEGMENT_HEADER_BYTES,
  SEGMENT_HEADER_CRC_BYTES,
  SEGMENT_PAYLOAD_CRC_BYTES,
  UNCOMPRESSED_SEGMENT_HEADER_BYTES,
} from './segment-encoder';

/** A decoded v5 segment. */
export interface Segment {
  /** The (decompressed) payload: whole frames when self-contained, else part of one frame. */
  payload: Buffer;
  selfContained: boolean;
}

interface SegmentHeader {
  headerBytes: number;
  payloadLength: number;
  uncompressedLength: number;
  selfContained: boolean;
}

/**
 * Splits the v5 byte stream into segments, checking both CRCs and decompressing lz4
 * payloads. Incremental: `push(chunk)` what the socket delivers, then `next()` until null.
 * A segment is at most 8 + 131071 + 4 bytes, so at most one segment (plus the current
 * read) is ever buffered. A CRC mismatch throws CQL_SEGMENT_CRC and a malformed lz4
 * payload CQL_PROTOCOL; the stream cannot be resynchronised, so the connection must close.
 */
export class SegmentDecoder {
  private readonly input = new ByteAccumulator();
  private header: SegmentHeader | null = null;
  private failure: CqlProtocolError | null = null;

  constructor(private readonly compression: 'lz4' | null = null) {}

  /** Bytes received and not returned as segments yet. */
  get bufferedBytes(): number {
    return this.input.length;
  }

  push(chunk: Buffer): void {
    this.input.push(chunk);
  }

  next(): Segment | null {
    if (this.failure !== null) throw this.failure;
    try {
      return this.decodeNext();
    } catch (err) {
      if (err instanceof CqlProtocolError) this.failure = err;
      throw err;
    }
  }

  private decodeNext(): Segment | null {
    let header = this.header;
    if (header === null) {
      header = this.readHeader();
      if (header === null) return null;
      this.header = header;
    }
    const start = header.headerBytes + SEGMENT_HEADER_CRC_BYTES;
    const total = start + header.payloadLength + SEGMENT_PAYLOAD_CRC_BYTES;
    const bytes = this.input.peek(total);
    if (bytes === null) return null;
    this.input.consume(total);
    this.header = null;
    const raw = bytes.subarray(start, start + header.payloadLength);
    const expected = bytes.readUInt32LE(start + header.payloadLength);
    const actual = segmentCrc32(raw);
    if (actual !== expected) {
      throw new CqlProtocolError(
        ProtocolErrorCodes.SEGMENT_CRC,
        `v5 segment payload CRC32 mismatch (received 0x${hex(expected)}, computed 0x${hex(actual)}): the stream is corrupt`,
      );
    }
    const payload =
      header.uncompressedLength > 0 ? lz4DecompressExact(raw, header.uncompressedLength, 'v5 segment payload') : raw;
    return { payload, selfContained: header.selfContained };
  }

  private readHeader(): SegmentHeader | null {
    const headerBytes = this.compression === null ? UNCOMPRESSED_SEGMENT_HEADER_BYTES : COMPRESSED_SEGMENT_HEADER_BYTES;
    const b = this.input.peek(headerBytes + SEGMENT_HEADER_CRC_BYTES);
    if (b === null) return null;
    const expected = b[headerBytes]! | (b[headerBytes + 1]! << 8) | (b[headerBytes + 2]! << 16);
    const actual = crc24(b, 0, headerBytes);
    if (actual !== expected) {
      throw new CqlProtocolError(
        ProtocolErrorCodes.SEGMENT_CRC,
        `v5 segment header CRC24 mismatch (received 0x${hex(expected)}, computed 0x${hex(actual)}): the stream is corrupt`,
      );
    }
    const payloadLength = b[0]! | (b[1]! << 8) | ((b[2]! & 1) << 16);
    if (this.compression === null) {
      return { headerBytes, payloadLength, uncompressedLength: 0, selfContained: (b[2]! & 0x02) !== 0 };
    }
    const uncompressedLength = (b[2]! >> 1) | (b[3]! << 7) | ((b[4]! & 0x3) << 15);
    return { headerBytes, payloadLength, uncompressedLength, selfContained: (b[4]! & 0x04) !== 0 };
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(6, '0');
}
