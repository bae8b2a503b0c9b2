import { Packr, REUSE_BUFFER_MODE, RESET_BUFFER_MODE, Unpackr } from 'msgpackr';

/*
 * Wire form of smp messages: each message is one msgpack array whose first element says
 * what it is (a discriminated tuple of plain data):
 *
 *   [1, requestId, verb, payload]   request, answered on the reverse ring
 *   [2, verb, payload]              one-way message, never answered
 *   [3, requestId, result]          successful answer
 *   [4, requestId, code, message]   failed answer (the handler's error code and message)
 *   [5, fragmentedId, index, count, totalBytes, chunk]
 *                                   one piece of a message too large to go whole: `chunk` (bin)
 *                                   is bytes [index * chunkBytes, …) of the encoded original
 *
 * A ring record holds a batch: the concatenation of the messages a shard wrote to that ring
 * between two publications, decoded with one `unpackMultiple`.
 *
 * A fragment's header has a fixed layout (every integer as a msgpack uint32, the chunk as a
 * bin32), written by {@link writeFragmentHeader} without msgpackr so the chunk is copied
 * straight from the encoded original into the ring:
 *
 *   0x96 0x05 0xce id(4) 0xce index(4) 0xce count(4) 0xce totalBytes(4) 0xc6 chunkBytes(4)
 */
export const MSG_REQUEST = 1;
export const MSG_ONE_WAY = 2;
export const MSG_RESPONSE = 3;
export const MSG_ERROR = 4;
export const MSG_FRAGMENT = 5;

/** Bytes of a fragment's header, before its chunk (see the layout above). */
export const FRAGMENT_HEADER_BYTES = 27;

/**
 * Writes the header of fragment `index` of `count` (message `fragmentedId`, `totalBytes`
 * encoded) carrying `chunkBytes` into `into[0, FRAGMENT_HEADER_BYTES)`. Pure.
 */
export function writeFragmentHeader(into: Buffer, fragmentedId: number, index: number, count: number, totalBytes: number, chunkBytes: number): void {
  into[0] = 0x96;
  into[1] = MSG_FRAGMENT;
  into[2] = 0xce;
  into.writeUInt32BE(fragmentedId >>> 0, 3);
  into[7] = 0xce;
  into.writeUInt32BE(index, 8);
  into[12] = 0xce;
  into.writeUInt32BE(count, 13);
  into[17] = 0xce;
  into.writeUInt32BE(totalBytes, 18);
  into[22] = 0xc6;
  into.writeUInt32BE(chunkBytes, 23);
}

/**
 * The request id of an encoded request from the first bytes of its encoding, or 0 when
 * `head` does not start a request (or is too short to tell). Lets a receiver answer a
 * request it refuses to reassemble. Pure.
 */
export function peekRequestId(head: Uint8Array): number {
  if (head.length < 3 || head[0] !== 0x94 || head[1] !== MSG_REQUEST) return 0;
  const tag = head[2]!;
  if (tag <= 0x7f) return tag;
  const width = tag === 0xcc ? 1 : tag === 0xcd ? 2 : tag === 0xce ? 4 : 0;
  if (width === 0 || head.length < 3 + width) return 0;
  let id = 0;
  for (let i = 0; i < width; i++) id = id * 256 + head[3 + i]!;
  return id;
}

/** msgpackr's shared output buffer with the encoded bytes at [start, end). Valid until the next encode. */
export type PackedBytes = Buffer & { start: number; end: number };

const PACK_MODE = REUSE_BUFFER_MODE | RESET_BUFFER_MODE;

/**
 * Encodes and decodes smp messages with msgpackr (records/structures off: every message is
 * self-describing, so the two ends share no codec state). One per `Smp`, used only by its
 * shard's thread. Encoding reuses msgpackr's output buffer and tuple arrays, so the caller
 * copies the bytes before the next call; decoding copies binary values out of the source
 * (`copyBuffers`), so the source may be reused at once.
 */
export class SmpCodec {
  private readonly packr = new Packr({ useRecords: false });
  private readonly unpackr = new Unpackr({ useRecords: false, copyBuffers: true });
  private readonly request: unknown[] = [MSG_REQUEST, 0, '', null];
  private readonly oneWay: unknown[] = [MSG_ONE_WAY, '', null];
  private readonly response: unknown[] = [MSG_RESPONSE, 0, null];
  private readonly error: unknown[] = [MSG_ERROR, 0, '', ''];

  encodeRequest(requestId: number, verb: string, payload: unknown): PackedBytes {
    const m = this.request;
    m[1] = requestId;
    m[2] = verb;
    m[3] = payload;
    try {
      return this.pack(m);
    } finally {
      m[3] = null;
    }
  }

  encodeOneWay(verb: string, payload: unknown): PackedBytes {
    const m = this.oneWay;
    m[1] = verb;
    m[2] = payload;
    try {
      return this.pack(m);
    } finally {
      m[2] = null;
    }
  }

  encodeResponse(requestId: number, result: unknown): PackedBytes {
    const m = this.response;
    m[1] = requestId;
    m[2] = result;
    try {
      return this.pack(m);
    } finally {
      m[2] = null;
    }
  }

  encodeError(requestId: number, code: string, message: string): PackedBytes {
    const m = this.error;
    m[1] = requestId;
    m[2] = code;
    m[3] = message;
    return this.pack(m);
  }

  /** Decodes the messages of one record `bytes[start, end)`. */
  decodeBatch(bytes: Buffer, start: number, end: number): unknown[] {
    return this.unpackr.unpackMultiple(bytes.subarray(start, end));
  }

  /** Decodes one whole message (a reassembled fragmented one); binary values are copies. */
  decodeMessage(bytes: Uint8Array): unknown {
    return this.unpackr.unpack(bytes);
  }

  /** A deep copy through the wire encoding: what a remote shard would receive. */
  clone(value: unknown): unknown {
    return this.unpackr.unpack(this.packr.pack(value));
  }

  private pack(value: unknown): PackedBytes {
    return this.packr.pack(value, PACK_MODE) as PackedBytes;
  }
}
