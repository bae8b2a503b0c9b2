/**
 * @charybdis/cql — the CQL frontend. See README.md.
 */
export { Opcode, ErrorCode } from './protocol/opcodes';
export {
  FRAME_HEADER_BYTES,
  MAX_FRAME_BODY_BYTES,
  decodeFrameHeader,
  encodeResponseFrame,
  encodeErrorBody,
  encodeStringMultimap,
  decodeStringMultimap,
} from './protocol/frame-codec';
export type { FrameHeader, OutgoingFrame } from './protocol/frame-codec';
export { serveUnservedCqlConnection } from './transport/unserved-connection';
export type { ShardIdentity } from './transport/unserved-connection';
