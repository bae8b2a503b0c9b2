import { createHash, randomUUID } from 'node:crypto';

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Java's `UUID.nameUUIDFromBytes`: the MD5 of `bytes` with the version set to 3 and the
 * IETF variant. Used for system table ids and schema versions, which must be equal on
 * every node without coordination.
 */
export function nameUuidFromBytes(bytes: Uint8Array): string {
  const md5 = createHash('md5').update(bytes).digest();
  md5[6] = (md5[6]! & 0x0f) | 0x30;
  md5[8] = (md5[8]! & 0x3f) | 0x80;
  return formatUuid(md5);
}

/** The id of a system table: Cassandra's `TableId.forSystemTable` (UUID v3 of keyspace ‖ table UTF-8 bytes). */
export function systemTableId(keyspace: string, table: string): string {
  return nameUuidFromBytes(Buffer.concat([Buffer.from(keyspace, 'utf8'), Buffer.from(table, 'utf8')]));
}

/** A random (version 4) UUID, the id of a new user table. */
export function randomTableId(): string {
  return randomUUID();
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a UUID string in canonical lowercase form. */
export function isCanonicalUuid(s: string): boolean {
  return UUID_PATTERN.test(s);
}
