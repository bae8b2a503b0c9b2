import { FrameDecoder, type DecodedFrame, type FrameDecoderOptions } from './frame-decoder';
import { CqlProtocolError, ProtocolErrorCodes } from './protocol-error';
import { SegmentDecoder } from './segment-decoder';

/**
 * The inbound side of a v5 connection once it is ready: segments in, frames out. The
 * payloads of consecutive segments form the frame stream, so a frame spread over
 * several segments is reassembled by the frame decoder; a self-contained segment must
 * end on a frame boundary (CQL_PROTOCOL otherwise).
 */
export class SegmentedFrameDecoder {
  private readonly segments: SegmentDecoder;
  private readonly frames: FrameDecoder;
  /** The last segment was self-contained: the frame decoder must be empty before the next. */
  private mustBeAligned = false;

  constructor(compression: 'lz4' | null, options: FrameDecoderOptions = {}) {
    this.segments = new SegmentDecoder(compression);
    this.frames = new FrameDecoder({ ...options, version: options.version ?? 5 });
  }

  /** Bytes held by either stage. */
  get bufferedBytes(): number {
    return this.segments.bufferedBytes + this.frames.bufferedBytes;
  }

  push(chunk: Buffer): void {
    this.segments.push(chunk);
  }

  next(): DecodedFrame | null {
    for (;;) {
      const frame = this.frames.next();
      if (frame !== null) return frame;
      const segment = this.segments.next();
      if (segment === null) return null;
      if (this.mustBeAligned && this.frames.bufferedBytes > 0) {
        throw new CqlProtocolError(ProtocolErrorCodes.PROTOCOL, 'a self-contained v5 segment ended inside a frame');
      }
      if (segment.selfContained && this.frames.bufferedBytes > 0) {
        throw new CqlProtocolError(ProtocolErrorCodes.PROTOCOL, 'a self-contained v5 segment started inside a frame');
      }
      this.mustBeAligned = segment.selfContained;
      this.frames.push(segment.payload);
    }
  }
}
