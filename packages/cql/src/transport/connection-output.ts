import type net from 'node:net';
import { ResponseWriter } from '../protocol/response-writer';
import { SegmentEncoder } from '../protocol/segment-encoder';
import type { Response, ResponseFrameInfo } from '../protocol/response-types';
import { CONNECTION_WRITER_SLAB_BYTES } from './transport-limits';

/**
 * The outbound side of one connection: responses are encoded into one `ResponseWriter`
 * as they become ready, and everything written during one turn of the event loop leaves
 * in a single `socket.write` at the next check phase (`setImmediate`), wrapped into v5
 * segments once the connection uses them (many frames per segment).
 *
 * Backpressure: when a write leaves more than `highWaterBytes` queued in the socket,
 * `onBlocked` is called; the socket's own 'drain' event (which the connection listens
 * to) tells when it emptied.
 *
 * Owned by one CqlConnection, on its shard's thread.
 */
export class ConnectionOutput {
  private readonly writer: ResponseWriter;
  private segments: SegmentEncoder | null = null;
  private flushHandle: NodeJS.Immediate | null = null;
  /** Hoisted once: the flush callback must not be a per-response closure (DESIGN §5a). */
  private readonly flushBound = (): void => {
    this.flushHandle = null;
    this.flush();
  };

  constructor(
    private readonly socket: net.Socket,
    maxFrameBodyBytes: number,
    private readonly highWaterBytes: number,
    private readonly onBlocked: () => void,
  ) {
    this.writer = new ResponseWriter(CONNECTION_WRITER_SLAB_BYTES, maxFrameBodyBytes);
  }

  /** True once frames go out in v5 segments. */
  get segmented(): boolean {
    return this.segments !== null;
  }

  /**
   * Encodes one response frame for the next flush. Throws CQL_ENCODE (a server bug, e.g. a
   * body over the frame limit) with nothing written, so the caller can answer otherwise.
   */
  write(info: ResponseFrameInfo, response: Response): void {
    this.writer.writeResponse(info, response);
    if (this.flushHandle === null) this.flushHandle = setImmediate(this.flushBound);
  }

  /** Compresses v3/v4 frame bodies from now on (after READY went out uncompressed). */
  enableFrameCompression(compression: 'lz4' | null): void {
    this.writer.compression = compression;
  }

  /**
   * Switches to v5 segments: what was written so far (READY or AUTHENTICATE, and any
   * earlier answers) is flushed as plain frames first, as the v5 specification requires.
   */
  switchToSegments(compression: 'lz4' | null): void {
    this.flush();
    this.segments = new SegmentEncoder(compression);
  }

  /** Writes everything pending now; false when the socket is closed. */
  flush(): boolean {
    if (this.flushHandle !== null) {
      clearImmediate(this.flushHandle);
      this.flushHandle = null;
    }
    if (this.writer.pendingBytes === 0) return true;
    const frames = this.writer.take();
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return false;
    const bytes = this.segments === null ? frames : this.segments.encode(frames);
    if (!socket.write(bytes) && socket.writableLength >= this.highWaterBytes) this.onBlocked();
    return true;
  }

  /** Drops pending output and cancels the scheduled flush (the connection is gone). */
  discard(): void {
    if (this.flushHandle !== null) {
      clearImmediate(this.flushHandle);
      this.flushHandle = null;
    }
    this.writer.discard();
  }
}
