import { CharybdisError } from '@charybdis/core';
import { BodyWriter, CQL_ENCODE, DEFAULT_WRITER_SLAB_BYTES } from './body-writer';
import { FRAME_HEADER_BYTES, MAX_FRAME_BODY_BYTES, writeResponseHeader } from './frame-codec';
import { lz4Bound, lz4CompressInto } from './lz4-compression';
import { FrameFlag } from './opcodes';
import { responseOpcode, writeResponseBody } from './response-encoder';
import type { Response, ResponseFrameInfo } from './response-types';

/** Bytes of the uncompressed-length prefix of a v4 lz4 body. */
const LZ4_PREFIX_BYTES = 4;

/**
 * Encodes response frames back to back into one slab (see `BodyWriter`), so that every
 * response to one socket read leaves in a single write: `writeResponse(...)` (or
 * `beginFrame` / body writes / `endFrame`) as many times as needed, then `take()`.
 *
 * With `compression = 'lz4'` (v3/v4 connections that negotiated it in STARTUP) each frame
 * body is compressed when it shrinks, and flagged. v5 compresses whole segments instead
 * (`SegmentEncoder`), so the flag is never set on v5 frames.
 */
export class ResponseWriter extends BodyWriter {
  /** Frame body compression for v3/v4 frames; enable it after answering STARTUP. */
  compression: 'lz4' | null = null;
  private frameMark = -1;
  private frameVersion = 0;
  private frameFlags = 0;
  private frameStream = 0;
  private frameOpcode = 0;
  private scratch: Buffer = Buffer.alloc(0);

  constructor(
    slabBytes = DEFAULT_WRITER_SLAB_BYTES,
    private readonly maxFrameBodyBytes = MAX_FRAME_BODY_BYTES,
  ) {
    super(slabBytes);
  }

  /** True between `beginFrame` and `endFrame`. */
  get inFrame(): boolean {
    return this.frameMark >= 0;
  }

  /**
   * Starts a frame: reserves its header and writes the tracing id, warnings and custom
   * payload prefix that `info` asks for, setting the matching flags. The message body
   * follows through the writer's primitive methods.
   */
  beginFrame(info: ResponseFrameInfo, opcode: number): void {
    if (this.frameMark >= 0) throw new CharybdisError(CQL_ENCODE, 'beginFrame inside an unfinished frame');
    this.ensure(FRAME_HEADER_BYTES);
    this.frameMark = this.mark();
    this.pos += FRAME_HEADER_BYTES;
    this.frameVersion = info.version;
    this.frameStream = info.stream;
    this.frameOpcode = opcode;
    let flags = 0;
    if (info.tracingId != null) {
      flags |= FrameFlag.TRACING;
      this.writeUuid(info.tracingId);
    }
    if (info.warnings != null && info.warnings.length > 0) {
      flags |= FrameFlag.WARNING;
      this.writeStringList(info.warnings);
    }
    if (info.customPayload != null) {
      flags |= FrameFlag.CUSTOM_PAYLOAD;
      this.writeBytesMap(info.customPayload);
    }
    this.frameFlags = flags;
  }

  /** Completes the frame: checks its size, compresses it if enabled, writes its header. */
  endFrame(): void {
    const mark = this.frameMark;
    if (mark < 0) throw new CharybdisError(CQL_ENCODE, 'endFrame without beginFrame');
    this.frameMark = -1;
    const bodyMark = mark + FRAME_HEADER_BYTES;
    let bodyLength = this.mark() - bodyMark;
    if (this.compression === 'lz4' && this.frameVersion < 5 && bodyLength > 0) {
      bodyLength = this.compressBody(bodyMark, bodyLength);
    }
    if (bodyLength > this.maxFrameBodyBytes) {
      this.truncateTo(mark);
      throw new CharybdisError(
        CQL_ENCODE,
        `response body of ${bodyLength} bytes exceeds the ${this.maxFrameBodyBytes}-byte frame limit`,
      );
    }
    const at = this.start + mark;
    writeResponseHeader(this.buf, at, this.frameVersion, this.frameFlags, this.frameStream, this.frameOpcode, bodyLength);
  }

  /** Abandons the frame being written (e.g. its rows failed to serialize). */
  abortFrame(): void {
    if (this.frameMark < 0) return;
    this.truncateTo(this.frameMark);
    this.frameMark = -1;
  }

  /** Encodes one complete response frame. */
  writeResponse(info: ResponseFrameInfo, response: Response): void {
    this.beginFrame(info, responseOpcode(response));
    try {
      writeResponseBody(this, response, info.version);
    } catch (err) {
      this.abortFrame();
      throw err;
    }
    this.endFrame();
  }

  /** Compresses the body in place when it shrinks; returns the new body length. */
  private compressBody(bodyMark: number, bodyLength: number): number {
    const need = LZ4_PREFIX_BYTES + lz4Bound(bodyLength);
    if (this.scratch.length < need) this.scratch = Buffer.allocUnsafe(need);
    const n = lz4CompressInto(this.viewFrom(bodyMark), this.scratch, LZ4_PREFIX_BYTES);
    if (n <= 0) return bodyLength;
    this.scratch.writeInt32BE(bodyLength, 0);
    this.truncateTo(bodyMark);
    this.writeRaw(this.scratch.subarray(0, LZ4_PREFIX_BYTES + n));
    this.frameFlags |= FrameFlag.COMPRESSION;
    return LZ4_PREFIX_BYTES + n;
  }
}

/** Encodes one response frame into its own buffer (for cold paths and tests). */
export function encodeResponse(info: ResponseFrameInfo, response: Response, compression: 'lz4' | null = null): Buffer {
  const w = new ResponseWriter(1024);
  w.compression = compression;
  w.writeResponse(info, response);
  return w.take();
}
