import { ByteAccumulator } from './byte-accumulator';
import { DEFAULT_MAX_FRAME_BODY_BYTES, FRAME_HEADER_BYTES, RESPONSE_DIRECTION_BIT, type FrameHeader } from './frame-codec';
import { CqlProtocolError, ProtocolErrorCodes } from './protocol-error';
import { isSupportedProtocolVersion, unsupportedVersionMessage } from './protocol-version';

/** A complete frame: its header and its body (a subarray of the received bytes when possible). */
export interface DecodedFrame {
  header: FrameHeader;
  body: Buffer;
}

/** Options of a `FrameDecoder`. */
export interface FrameDecoderOptions {
  /** Largest body accepted; a longer one is refused from its header. */
  maxBodyBytes?: number;
  /** The connection's negotiated version, if already known. */
  version?: number | null;
}

/**
 * Splits a v3/v4/v5 frame stream (socket reads, or the payloads of v5 segments) into
 * frames. Feed it with `push(chunk)`, then call `next()` until it returns null.
 *
 * A frame that lies inside one chunk is returned as a subarray of it (no copy). The header
 * is validated before any of the body is waited for: a request with the response
 * direction bit, an unsupported version, a version other than the connection's, or a
 * body over `maxBodyBytes` throws a CqlProtocolError (code CQL_UNSUPPORTED_VERSION,
 * CQL_FRAME_TOO_LARGE or CQL_PROTOCOL) carrying the frame's stream id and version so the
 * caller can answer with a ProtocolError and close. The decoder stays failed afterwards.
 */
export class FrameDecoder {
  private readonly input = new ByteAccumulator();
  private readonly maxBodyBytes: number;
  private version: number | null;
  private failure: CqlProtocolError | null = null;
  private pendingHeader: FrameHeader | null = null;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_FRAME_BODY_BYTES;
    this.version = options.version ?? null;
  }

  /** Bytes received and not returned as frames yet. */
  get bufferedBytes(): number {
    return this.input.length;
  }

  /** Fixes the connection's version (after the first frame): later frames must carry it. */
  setVersion(version: number): void {
    this.version = version;
  }

  push(chunk: Buffer): void {
    this.input.push(chunk);
  }

  /** The next complete frame, or null until more bytes arrive. */
  next(): DecodedFrame | null {
    if (this.failure !== null) throw this.failure;
    try {
      return this.decodeNext();
    } catch (err) {
      if (err instanceof CqlProtocolError) this.failure = err;
      throw err;
    }
  }

  /** Hands over every byte not decoded yet (e.g. to a segment decoder after v5 STARTUP). */
  takeRemaining(): Buffer {
    this.pendingHeader = null;
    return this.input.takeAll();
  }

  private decodeNext(): DecodedFrame | null {
    let header = this.pendingHeader;
    if (header === null) {
      header = this.readHeader();
      if (header === null) return null;
      this.pendingHeader = header;
    }
    const body = this.input.peek(FRAME_HEADER_BYTES + header.bodyLength);
    if (body === null) return null;
    this.input.consume(FRAME_HEADER_BYTES + header.bodyLength);
    this.pendingHeader = null;
    return { header, body: body.subarray(FRAME_HEADER_BYTES) };
  }

  private readHeader(): FrameHeader | null {
    const input = this.input;
    if (input.length === 0) return null;
    const first = input.byteAt(0);
    const version = first & 0x7f;
    if (!isSupportedProtocolVersion(version)) {
      // v1/v2 stream ids are one byte; wait for them to answer on the right stream.
      const legacy = version === 1 || version === 2;
      if (input.length < (legacy ? 3 : 4)) return null;
      const hi = input.byteAt(2);
      const stream = legacy ? (hi << 24) >> 24 : (((hi << 8) | input.byteAt(3)) << 16) >> 16;
      throw new CqlProtocolError(ProtocolErrorCodes.UNSUPPORTED_VERSION, unsupportedVersionMessage(version), {
        stream,
        version,
      });
    }
    const bytes = input.peek(FRAME_HEADER_BYTES);
    if (bytes === null) return null;
    const stream = bytes.readInt16BE(2);
    const where = { stream, version };
    if ((first & RESPONSE_DIRECTION_BIT) !== 0) {
      throw new CqlProtocolError(ProtocolErrorCodes.PROTOCOL, 'frame has the response direction bit set; clients send requests', where);
    }
    if (this.version !== null && version !== this.version) {
      throw new CqlProtocolError(
        ProtocolErrorCodes.PROTOCOL,
        `frame of protocol version ${version} on a connection that negotiated version ${this.version}`,
        where,
      );
    }
    const bodyLength = bytes.readInt32BE(5);
    if (bodyLength < 0 || bodyLength > this.maxBodyBytes) {
      throw new CqlProtocolError(
        ProtocolErrorCodes.FRAME_TOO_LARGE,
        `frame body length ${bodyLength} is outside the accepted range 0..${this.maxBodyBytes}`,
        where,
      );
    }
    return { version, isResponse: false, flags: bytes[1]!, stream, opcode: bytes[4]!, bodyLength };
  }
}
