import { CharybdisError } from '@charybdis/core';

/** Size of a v3/v4 frame header (also used for v5 until STARTUP completes). */
export const FRAME_HEADER_BYTES = 9;
/** The specification's upper bound on a frame body. */
export const MAX_FRAME_BODY_BYTES = 256 * 1024 * 1024;
/**
 * The body limit a connection applies unless configured otherwise: Cassandra 4's
 * `native_transport_max_frame_size` default. A longer body is refused from its header,
 * before a byte of it is buffered.
 */
export const DEFAULT_MAX_FRAME_BODY_BYTES = 16 * 1024 * 1024;
/** The direction bit of the version byte: set on server-to-client frames. */
export const RESPONSE_DIRECTION_BIT = 0x80;

/** A decoded frame header. `bodyLength` bytes of body follow it. */
export interface FrameHeader {
  /** Protocol version, without the direction bit. */
  version: number;
  /** True for server-to-client frames (direction bit 0x80 of the first byte). */
  isResponse: boolean;
  flags: number;
  /** Signed 16-bit stream id; the response carries the request's id. */
  stream: number;
  opcode: number;
  bodyLength: number;
}

/** A frame to encode; body is the already-encoded body. */
export interface OutgoingFrame {
  version: number;
  flags: number;
  stream: number;
  opcode: number;
  body: Uint8Array;
}

/**
 * Decodes the 9-byte header at `offset`, or returns null when fewer than 9 bytes are
 * available. Pure: no sockets, no state. A body length beyond `maxBodyBytes` throws
 * CQL_FRAME_TOO_LARGE; the caller answers with a protocol error and closes the connection
 * (the stream cannot be resynchronised without reading the body).
 */
export function decodeFrameHeader(
  buf: Uint8Array,
  offset = 0,
  maxBodyBytes = MAX_FRAME_BODY_BYTES,
): FrameHeader | null {
  if (buf.length - offset < FRAME_HEADER_BYTES) return null;
  const view = new DataView(buf.buffer, buf.byteOffset + offset, FRAME_HEADER_BYTES);
  const first = view.getUint8(0);
  const bodyLength = view.getInt32(5);
  if (bodyLength < 0 || bodyLength > maxBodyBytes) {
    throw new CharybdisError(
      'CQL_FRAME_TOO_LARGE',
      `frame body length ${bodyLength} is outside the accepted range 0..${maxBodyBytes}`,
    );
  }
  return {
    version: first & 0x7f,
    isResponse: (first & 0x80) !== 0,
    flags: view.getUint8(1),
    stream: view.getInt16(2),
    opcode: view.getUint8(4),
    bodyLength,
  };
}

/**
 * Writes a 9-byte v3–v5 response header (direction bit set) at `offset` of `out`.
 * Returns the offset just past it.
 */
export function writeResponseHeader(
  out: Buffer,
  offset: number,
  version: number,
  flags: number,
  stream: number,
  opcode: number,
  bodyLength: number,
): number {
  out[offset] = RESPONSE_DIRECTION_BIT | (version & 0x7f);
  out[offset + 1] = flags & 0xff;
  out.writeInt16BE(stream, offset + 2);
  out[offset + 4] = opcode;
  out.writeInt32BE(bodyLength, offset + 5);
  return offset + FRAME_HEADER_BYTES;
}

/** Encodes a server-to-client frame (direction bit set) into one buffer. */
export function encodeResponseFrame(frame: OutgoingFrame): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + frame.body.length);
  out.writeUInt8(0x80 | (frame.version & 0x7f), 0);
  out.writeUInt8(frame.flags & 0xff, 1);
  out.writeInt16BE(frame.stream, 2);
  out.writeUInt8(frame.opcode, 4);
  out.writeInt32BE(frame.body.length, 5);
  out.set(frame.body, FRAME_HEADER_BYTES);
  return out;
}

/** [string]: a [short] byte length then UTF-8 bytes. */
function stringBytes(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length > 0xffff) throw new RangeError(`[string] longer than 65535 bytes`);
  const out = Buffer.allocUnsafe(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

function shortBytes(n: number): Buffer {
  const out = Buffer.allocUnsafe(2);
  out.writeUInt16BE(n, 0);
  return out;
}

/** Body of an ERROR frame: [int] code, [string] message (codes without extra fields). */
export function encodeErrorBody(code: number, message: string): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeInt32BE(code, 0);
  return Buffer.concat([head, stringBytes(message)]);
}

/** [string multimap]: the body of SUPPORTED. */
export function encodeStringMultimap(map: ReadonlyMap<string, readonly string[]>): Buffer {
  const parts: Buffer[] = [shortBytes(map.size)];
  for (const [key, values] of map) {
    parts.push(stringBytes(key), shortBytes(values.length), ...values.map(stringBytes));
  }
  return Buffer.concat(parts);
}

/** Decodes a [string multimap] (used by tests and, later, by the server for STARTUP maps). */
export function decodeStringMultimap(buf: Uint8Array): Map<string, string[]> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > b.length) throw new CharybdisError('CQL_MALFORMED_BODY', 'truncated [string multimap]');
  };
  const readShort = (): number => {
    need(2);
    const v = b.readUInt16BE(pos);
    pos += 2;
    return v;
  };
  const readString = (): string => {
    const len = readShort();
    need(len);
    const s = b.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };
  const map = new Map<string, string[]>();
  for (let n = readShort(); n > 0; n--) {
    const key = readString();
    const values: string[] = [];
    for (let m = readShort(); m > 0; m--) values.push(readString());
    map.set(key, values);
  }
  return map;
}
