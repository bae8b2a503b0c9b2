import lz4 from 'lz4';
import { protocolError } from './protocol-error';

/** Bytes of the big-endian uncompressed length that precedes a v4 lz4 body. */
const V4_LENGTH_PREFIX_BYTES = 4;

/** The compressed size bound of `n` input bytes. */
export function lz4Bound(n: number): number {
  return lz4.encodeBound(n);
}

/**
 * Compresses `input` into `output` at `offset` (room for `lz4Bound(input.length)` bytes);
 * the compressed size, or 0 when the block did not compress (send it uncompressed).
 */
export function lz4CompressInto(input: Uint8Array, output: Buffer, offset: number): number {
  if (input.length === 0) return 0;
  return lz4.encodeBlock(input, output.subarray(offset));
}

/**
 * Decompresses an lz4 block that must expand to exactly `uncompressedBytes` (already
 * checked against the caller's limit). A malformed block is a CQL_PROTOCOL error.
 */
export function lz4DecompressExact(block: Uint8Array, uncompressedBytes: number, what: string): Buffer {
  const out = Buffer.allocUnsafe(uncompressedBytes);
  if (uncompressedBytes === 0 && block.length <= 1) return out;
  const n = lz4.decodeBlock(block, out);
  if (n !== uncompressedBytes) {
    throw protocolError(
      `${what}: lz4 block is malformed or does not expand to the announced ${uncompressedBytes} bytes (got ${n})`,
    );
  }
  return out;
}

/**
 * v4 body compression (STARTUP COMPRESSION=lz4): a [int] big-endian uncompressed length
 * followed by one lz4 block. Returns null when the body does not compress; the frame is
 * then sent without the compression flag (the flag is per frame).
 */
export function compressV4Body(body: Uint8Array): Buffer | null {
  if (body.length === 0) return null;
  const out = Buffer.allocUnsafe(V4_LENGTH_PREFIX_BYTES + lz4Bound(body.length));
  const n = lz4CompressInto(body, out, V4_LENGTH_PREFIX_BYTES);
  if (n <= 0) return null;
  out.writeInt32BE(body.length, 0);
  return out.subarray(0, V4_LENGTH_PREFIX_BYTES + n);
}

/**
 * Decompresses a v4 lz4 frame body. The announced length is checked against
 * `maxBodyBytes` before anything is allocated.
 */
export function decompressV4Body(body: Uint8Array, maxBodyBytes: number): Buffer {
  if (body.length < V4_LENGTH_PREFIX_BYTES) {
    throw protocolError(`compressed frame body of ${body.length} bytes lacks its 4-byte uncompressed length`);
  }
  const view = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const length = view.readInt32BE(0);
  if (length < 0 || length > maxBodyBytes) {
    throw protocolError(`compressed frame body announces ${length} uncompressed bytes; the limit is ${maxBodyBytes}`);
  }
  return lz4DecompressExact(view.subarray(V4_LENGTH_PREFIX_BYTES), length, 'compressed frame body');
}
