import { Packr, REUSE_BUFFER_MODE, RESET_BUFFER_MODE, Unpackr } from 'msgpackr';

/*
 * Wire form of smp messages: each message is one msgpack array whose first element says
 * what it is (a discriminated tuple of plain data):
 *
 *   [1, requestId, verb, payload]   request, answered on the reverse ring
 *   [2, verb, payload]              one-way message, never answered
 *   [3, requestId, result]          successful answer
 *   [4, requestId, code, message]   failed answer (the handler's error code and message)
 *
 * A ring record holds a batch: the concatenation of the messages a shard wrote to that ring
 * between two publications, decoded with one `unpackMultiple`.
 */
export const MSG_REQUEST = 1;
export const MSG_ONE_WAY = 2;
export const MSG_RESPONSE = 3;
export const MSG_ERROR = 4;

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

  /** A deep copy through the wire encoding: what a remote shard would receive. */
  clone(value: unknown): unknown {
    return this.unpackr.unpack(this.packr.pack(value));
  }

  private pack(value: unknown): PackedBytes {
    return this.packr.pack(value, PACK_MODE) as PackedBytes;
  }
}
