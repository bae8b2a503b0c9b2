import { CharybdisError } from '@charybdis/core';

/**
 * Stable codes of the errors the protocol codecs raise. Every one of them is answered with
 * an ERROR 0x000A (ProtocolError) frame, except CQL_SEGMENT_CRC after which the connection
 * is simply closed (the byte stream can no longer be trusted).
 */
export const ProtocolErrorCodes = {
  /** A malformed request: truncated body, bad length, unknown opcode or consistency. */
  PROTOCOL: 'CQL_PROTOCOL',
  /** A frame body longer than the connection accepts (checked before buffering it). */
  FRAME_TOO_LARGE: 'CQL_FRAME_TOO_LARGE',
  /** A protocol version this server does not speak; answer with `encodeUnsupportedVersionError`. */
  UNSUPPORTED_VERSION: 'CQL_UNSUPPORTED_VERSION',
  /** A v5 segment whose CRC24 (header) or CRC32 (payload) does not match. */
  SEGMENT_CRC: 'CQL_SEGMENT_CRC',
} as const;

/** One of `ProtocolErrorCodes`. */
export type ProtocolErrorCode = (typeof ProtocolErrorCodes)[keyof typeof ProtocolErrorCodes];

/**
 * A violation of the native protocol by the peer. It carries the stream id and the
 * version of the offending frame when they are known, so the connection can answer on the
 * right stream in a version the client can parse before it closes.
 */
export class CqlProtocolError extends CharybdisError {
  /** Stream id of the offending frame, or null when no frame header was read. */
  readonly stream: number | null;
  /** Protocol version byte of the offending frame (without the direction bit), or null. */
  readonly version: number | null;

  constructor(
    code: ProtocolErrorCode,
    message: string,
    where: { stream?: number | null; version?: number | null; cause?: unknown } = {},
  ) {
    super(code, message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'CqlProtocolError';
    this.stream = where.stream ?? null;
    this.version = where.version ?? null;
  }
}

/** A CQL_PROTOCOL error (malformed message). */
export function protocolError(message: string, cause?: unknown): CqlProtocolError {
  return new CqlProtocolError(ProtocolErrorCodes.PROTOCOL, message, { cause });
}
