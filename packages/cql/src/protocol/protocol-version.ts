import { ErrorCode, Opcode } from './opcodes';
import { writeResponseHeader, FRAME_HEADER_BYTES } from './frame-codec';

/** The native protocol versions this server speaks; v5 frames travel in segments after STARTUP. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [3, 4, 5];
export const MIN_PROTOCOL_VERSION = 3;
export const MAX_PROTOCOL_VERSION = 5;
/**
 * Header version of the error answering a version above ours. v4 is one every driver we
 * target parses: cassandra-driver 4.x steps down to v4 from anything ≥ 5 and the Python
 * driver steps down one version per attempt whatever the header says (0x42 → 0x41 → 5 → 4).
 */
export const NEGOTIATION_ANSWER_VERSION = 4;
/** v1/v2 frames have an 8-byte header with a one-byte stream id. */
const LEGACY_HEADER_BYTES = 8;

/** True for a version this server speaks. */
export function isSupportedProtocolVersion(version: number): boolean {
  return version >= MIN_PROTOCOL_VERSION && version <= MAX_PROTOCOL_VERSION;
}

/** True when frames of `version` are wrapped in v5 segments once the connection is ready. */
export function usesSegments(version: number): boolean {
  return version >= 5;
}

/** Cassandra's list, as clients see it: `3/v3, 4/v4, 5/v5`. */
export function supportedVersionsDescription(): string {
  return SUPPORTED_PROTOCOL_VERSIONS.map((v) => `${v}/v${v}`).join(', ');
}

/**
 * The ProtocolError message for an unsupported version, in Cassandra's wording: both
 * drivers look for the substring "unsupported protocol version" to step down.
 */
export function unsupportedVersionMessage(version: number): string {
  return `Invalid or unsupported protocol version (${version}); supported versions are (${supportedVersionsDescription()})`;
}

/** The version the answer to a frame of `version` must be written in to be parsed. */
export function negotiationAnswerVersion(version: number): number {
  if (version === 1 || version === 2) return version;
  return isSupportedProtocolVersion(version) ? version : NEGOTIATION_ANSWER_VERSION;
}

/**
 * The whole ERROR frame (ProtocolError 0x000A) answering a request of unsupported
 * `version` on `stream`. v1/v2 clients get their own 8-byte header format so they can
 * read it; anything newer than v5 gets a v4 header.
 */
export function encodeUnsupportedVersionError(version: number, stream: number): Buffer {
  const answer = negotiationAnswerVersion(version);
  const message = Buffer.from(unsupportedVersionMessage(version), 'utf8');
  const bodyLength = 4 + 2 + message.length;
  const headerBytes = answer < 3 ? LEGACY_HEADER_BYTES : FRAME_HEADER_BYTES;
  const out = Buffer.allocUnsafe(headerBytes + bodyLength);
  if (answer < 3) {
    out[0] = 0x80 | answer;
    out[1] = 0;
    out.writeInt8(stream, 2);
    out[3] = Opcode.ERROR;
    out.writeInt32BE(bodyLength, 4);
  } else {
    writeResponseHeader(out, 0, answer, 0, stream, Opcode.ERROR, bodyLength);
  }
  out.writeInt32BE(ErrorCode.PROTOCOL_ERROR, headerBytes);
  out.writeUInt16BE(message.length, headerBytes + 4);
  message.copy(out, headerBytes + 6);
  return out;
}
