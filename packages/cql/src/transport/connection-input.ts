import { FrameDecoder, type DecodedFrame } from '../protocol/frame-decoder';
import { decompressV4Body } from '../protocol/lz4-compression';
import { FrameFlag } from '../protocol/opcodes';
import { CqlProtocolError, ProtocolErrorCodes } from '../protocol/protocol-error';
import { SegmentedFrameDecoder } from '../protocol/segmented-frame-decoder';

/**
 * The inbound side of one connection: socket reads in, request frames out. Plain frames
 * until READY/AUTHENTICATE on a v5 connection, segments after (`switchToSegments` hands
 * the bytes already received to the segment decoder). At most one frame (bounded by
 * `maxFrameBodyBytes`, checked from its header) plus one socket read is buffered.
 *
 * `next()` throws CqlProtocolError when the byte stream cannot be trusted any more (bad
 * header, oversized frame, CRC mismatch): the connection answers if it can and closes.
 * `body()` throws CqlProtocolError (with the frame's stream) for a body that cannot be
 * decompressed; the framing is intact, so only that request fails.
 */
export class ConnectionInput {
  private plain: FrameDecoder;
  private segmented: SegmentedFrameDecoder | null = null;
  private compression: 'lz4' | null = null;

  constructor(private readonly maxFrameBodyBytes: number) {
    this.plain = new FrameDecoder({ maxBodyBytes: maxFrameBodyBytes });
  }

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.segmented === null ? this.plain.bufferedBytes : this.segmented.bufferedBytes;
  }

  push(chunk: Buffer): void {
    if (this.segmented === null) this.plain.push(chunk);
    else this.segmented.push(chunk);
  }

  next(): DecodedFrame | null {
    return this.segmented === null ? this.plain.next() : this.segmented.next();
  }

  /** Fixes the connection's version after its first frame: later frames must carry it. */
  setVersion(version: number): void {
    this.plain.setVersion(version);
  }

  /** v3/v4 bodies flagged compressed are lz4-decoded from now on. */
  setCompression(compression: 'lz4' | null): void {
    this.compression = compression;
  }

  /** From now on the input is v5 segments (compressed with `compression` if negotiated). */
  switchToSegments(compression: 'lz4' | null): void {
    const rest = this.plain.takeRemaining();
    this.segmented = new SegmentedFrameDecoder(compression, { maxBodyBytes: this.maxFrameBodyBytes, version: 5 });
    this.segmented.push(rest);
    // Leftover plain decoder state is dead; a fresh one keeps `bufferedBytes` honest.
    this.plain = new FrameDecoder({ maxBodyBytes: this.maxFrameBodyBytes, version: 5 });
  }

  /** The frame's message bytes: decompressed when flagged (v3/v4 with lz4 negotiated). */
  body(frame: DecodedFrame): Buffer {
    const { header } = frame;
    if ((header.flags & FrameFlag.COMPRESSION) === 0) return frame.body;
    if (this.compression === null || header.version >= 5) {
      throw new CqlProtocolError(
        ProtocolErrorCodes.PROTOCOL,
        header.version >= 5
          ? 'frame has the compression flag set; v5 compresses segments, not frames'
          : 'frame has the compression flag set but no compression was negotiated in STARTUP',
        { stream: header.stream, version: header.version },
      );
    }
    try {
      return decompressV4Body(frame.body, this.maxFrameBodyBytes);
    } catch (err) {
      // The lz4 binding may throw its own errors on garbage: every failure here is the client's.
      const message = err instanceof Error ? err.message : String(err);
      throw new CqlProtocolError(ProtocolErrorCodes.PROTOCOL, `malformed compressed frame body: ${message}`, {
        stream: header.stream,
        version: header.version,
        cause: err,
      });
    }
  }
}
