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
export type { ShardIdentity } from './transport/shard-identity';
export { CqlFrontend } from './frontend/cql-frontend';
export type { CqlFrontendOptions } from './frontend/cql-frontend';
export { loadSchema } from './schema-service/load-schema';
export type { SchemaServiceHooks } from './schema-service/schema-service';
export type { SchemaDiff } from './schema-service/schema-diff';
export type { LocalNodeInfo } from './system-tables/local-node-info';
export type { TableSizeEstimate } from './system-tables/size-estimates';
export { DEFAULT_RELEASE_VERSION } from './system-tables/local-node-info';
export type { DataAccess } from './execution/execution-types';
export type { AuthConfig } from './auth/auth-service';
export type { ClientTlsOptions } from './transport/client-tls';
export { hashPassword, verifyPassword } from './auth/password-hash';
