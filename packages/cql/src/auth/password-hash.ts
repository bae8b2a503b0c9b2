import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { CharybdisError } from '@charybdis/core';

/**
 * Salted password hashes for system_auth.roles.salted_hash, with node:crypto's scrypt.
 *
 * Stored form (self-describing, so the parameters can be raised later without breaking
 * old hashes): `$scrypt$ln=14,r=8,p=1$<salt base64>$<hash base64>`.
 *
 * Parameters: N = 2^14, r = 8, p = 1, a 16-byte random salt, a 32-byte key. That is
 * RFC 7914's "interactive login" setting and node's default; one hash needs 16 MiB and
 * about 50 ms of one core, more than bcrypt at cost 10 (Cassandra's default, ~2^10 key
 * expansions, tens of ms) and memory-hard, which bcrypt is not. Higher N would make every
 * uncached login slower and, with 16 MiB per concurrent hash, bound fewer logins at once.
 * scrypt runs on libuv's thread pool: hashing never blocks the shard's event loop.
 */
export const SCRYPT_LOG2_N = 14;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Room for N·r·128 bytes of work memory plus slack (node's limit is 32 MiB by default). */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;
/** Largest cost accepted from a stored hash (a tampered row must not stall the node). */
const MAX_LOG2_N = 20;

/** Code of a stored hash that is not in the format above. */
export const MALFORMED_PASSWORD_HASH = 'CQL_MALFORMED_PASSWORD_HASH';

const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

interface ParsedHash {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, { N: 2 ** log2N, r, p, maxmem: MAX_MEMORY_BYTES }, (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

/** A new salted hash of `password` in the stored form. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, KEY_BYTES);
  return `$scrypt$ln=${SCRYPT_LOG2_N},r=${SCRYPT_R},p=${SCRYPT_P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Parses a stored hash; throws MALFORMED_PASSWORD_HASH when it is not one of ours. */
export function parsePasswordHash(stored: string): ParsedHash {
  const m = FORMAT.exec(stored);
  const malformed = (why: string): CharybdisError => new CharybdisError(MALFORMED_PASSWORD_HASH, `Malformed password hash (${why}); reset the password with ALTER ROLE`);
  if (m === null) throw malformed('expected $scrypt$ln=N,r=R,p=P$salt$hash');
  const [log2N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (log2N < 1 || log2N > MAX_LOG2_N || r < 1 || p < 1 || (2 ** log2N) * r * 128 > MAX_MEMORY_BYTES / 2) throw malformed('cost parameters out of range');
  const salt = Buffer.from(m[4]!, 'base64');
  const key = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) throw malformed('salt or hash too short');
  return { log2N, r, p, salt, key };
}

/**
 * True when `password` matches the stored hash. The comparison is constant-time; the
 * work is the stored hash's cost whatever the answer. Throws MALFORMED_PASSWORD_HASH for
 * a stored value that is not a hash of ours.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parsePasswordHash(stored);
  const key = await derive(password, h.salt, h.log2N, h.r, h.p, h.key.length);
  return timingSafeEqual(key, h.key);
}
