import { CharybdisError } from '@charybdis/core';
import { CQL_ENCODE } from './body-writer';
import { FRAME_HEADER_BYTES } from './frame-codec';
import { lz4Bound, lz4CompressInto } from './lz4-compression';
import { crc24, segmentCrc32 } from './segment-checksums';

/** Largest payload of a v5 segment (17 bits). */
export const MAX_SEGMENT_PAYLOAD_BYTES = 128 * 1024 - 1;
/** Header of an uncompressed segment: 17-bit length + self-contained flag. */
export const UNCOMPRESSED_SEGMENT_HEADER_BYTES = 3;
/** Header of an lz4 segment: 17-bit compressed length, 17-bit uncompressed length, flag. */
export const COMPRESSED_SEGMENT_HEADER_BYTES = 5;
/** CRC24 after the header, CRC32 after the payload. */
export const SEGMENT_HEADER_CRC_BYTES = 3;
export const SEGMENT_PAYLOAD_CRC_BYTES = 4;

/**
 * Writes a segment header and its CRC24 at `at`; returns the offset of the payload.
 * `uncompressedLength` is used only by compressed headers (0 = payload sent as is).
 */
export function writeSegmentHeader(
  out: Buffer,
  at: number,
  compressed: boolean,
  payloadLength: number,
  uncompressedLength: number,
  selfContained: boolean,
): number {
  const sc = selfContained ? 1 : 0;
  out[at] = payloadLength & 0xff;
  out[at + 1] = (payloadLength >> 8) & 0xff;
  let headerBytes = UNCOMPRESSED_SEGMENT_HEADER_BYTES;
  if (!compressed) {
    out[at + 2] = ((payloadLength >> 16) & 1) | (sc << 1);
  } else {
    // Bits 0-16 compressed length, 17-33 uncompressed length, 34 self-contained.
    out[at + 2] = ((payloadLength >> 16) & 1) | ((uncompressedLength & 0x7f) << 1);
    out[at + 3] = (uncompressedLength >> 7) & 0xff;
    out[at + 4] = ((uncompressedLength >> 15) & 0x3) | (sc << 2);
    headerBytes = COMPRESSED_SEGMENT_HEADER_BYTES;
  }
  const crc = crc24(out, at, headerBytes);
  out[at + headerBytes] = crc & 0xff;
  out[at + headerBytes + 1] = (crc >> 8) & 0xff;
  out[at + headerBytes + 2] = (crc >> 16) & 0xff;
  return at + headerBytes + SEGMENT_HEADER_CRC_BYTES;
}

/**
 * Wraps outgoing v5 frames into segments (specification v5 §2): whole frames are packed
 * together into self-contained segments of up to 128 KiB − 1 payload bytes; a frame that
 * does not fit in one is cut into segments that are not self-contained. With lz4 each
 * payload is compressed when that makes it smaller, else sent as is.
 */
export class SegmentEncoder {
  private plan: number[] = [];

  constructor(private readonly compression: 'lz4' | null = null) {}

  /** Segments for `frames`, which must hold whole frames back to back. */
  encode(frames: Uint8Array): Buffer {
    const plan = this.planSegments(frames);
    const headerBytes = this.compression === null ? UNCOMPRESSED_SEGMENT_HEADER_BYTES : COMPRESSED_SEGMENT_HEADER_BYTES;
    const perSegment = headerBytes + SEGMENT_HEADER_CRC_BYTES + SEGMENT_PAYLOAD_CRC_BYTES;
    let size = 0;
    for (let i = 0; i < plan.length; i += 3) {
      const len = plan[i + 1]! - plan[i]!;
      size += perSegment + (this.compression === null ? len : Math.max(len, lz4Bound(len)));
    }
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (let i = 0; i < plan.length; i += 3) {
      at = this.writeSegment(out, at, frames.subarray(plan[i], plan[i + 1]), plan[i + 2] === 1);
    }
    return out.subarray(0, at);
  }

  /** Fills `plan` with (start, end, selfContained) triples. */
  private planSegments(frames: Uint8Array): number[] {
    const plan = this.plan;
    plan.length = 0;
    const view = Buffer.from(frames.buffer, frames.byteOffset, frames.byteLength);
    let groupStart = 0;
    let pos = 0;
    while (pos < frames.length) {
      if (frames.length - pos < FRAME_HEADER_BYTES) throw incomplete(pos);
      const frameEnd = pos + FRAME_HEADER_BYTES + view.readInt32BE(pos + 5);
      if (frameEnd > frames.length || frameEnd < pos + FRAME_HEADER_BYTES) throw incomplete(pos);
      if (frameEnd - groupStart <= MAX_SEGMENT_PAYLOAD_BYTES) {
        pos = frameEnd;
        continue;
      }
      if (pos > groupStart) plan.push(groupStart, pos, 1);
      if (frameEnd - pos > MAX_SEGMENT_PAYLOAD_BYTES) {
        for (let s = pos; s < frameEnd; s += MAX_SEGMENT_PAYLOAD_BYTES) {
          plan.push(s, Math.min(frameEnd, s + MAX_SEGMENT_PAYLOAD_BYTES), 0);
        }
        groupStart = frameEnd;
      } else {
        groupStart = pos;
      }
      pos = frameEnd;
    }
    if (pos > groupStart) plan.push(groupStart, pos, 1);
    return plan;
  }

  private writeSegment(out: Buffer, at: number, payload: Uint8Array, selfContained: boolean): number {
    let payloadAt: number;
    let length = payload.length;
    if (this.compression === null) {
      payloadAt = writeSegmentHeader(out, at, false, length, 0, selfContained);
      out.set(payload, payloadAt);
    } else {
      payloadAt = at + COMPRESSED_SEGMENT_HEADER_BYTES + SEGMENT_HEADER_CRC_BYTES;
      const n = lz4CompressInto(payload, out, payloadAt);
      if (n > 0 && n < payload.length) {
        length = n;
        writeSegmentHeader(out, at, true, n, payload.length, selfContained);
      } else {
        out.set(payload, payloadAt);
        writeSegmentHeader(out, at, true, length, 0, selfContained);
      }
    }
    const crc = segmentCrc32(out.subarray(payloadAt, payloadAt + length));
    out.writeUInt32LE(crc, payloadAt + length);
    return payloadAt + length + SEGMENT_PAYLOAD_CRC_BYTES;
  }
}

function incomplete(offset: number): CharybdisError {
  return new CharybdisError(CQL_ENCODE, `segment encoder input has an incomplete frame at offset ${offset}`);
}
