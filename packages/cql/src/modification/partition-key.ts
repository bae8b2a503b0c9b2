import { murmur3Token } from '@charybdis/schema';
import { invalidRequest } from '../terms/term-errors';
import { MAX_KEY_LENGTH_BYTES } from './modification-limits';

/**
 * The serialized partition key of a table: a single-column key is the column's value; a
 * compound key is Cassandra's CompositeType encoding (per component: u16 length, the
 * bytes, a 0x00 end-of-component byte) — the drivers' routing key and what sstabledump
 * prints. The token is Murmur3 of these bytes.
 */
export interface EncodedPartitionKey {
  readonly key: Uint8Array;
  readonly token: bigint;
}

/** Checks one key component's length (partition key or clustering). */
export function checkKeyComponentLength(value: Uint8Array): void {
  if (value.length > MAX_KEY_LENGTH_BYTES) throw invalidRequest(`Key length of ${value.length} is longer than maximum of ${MAX_KEY_LENGTH_BYTES}`);
}

/** Checks a clustering's total size (the sum of its components', Cassandra's Clustering.dataSize()). */
export function checkClusteringLength(components: readonly Uint8Array[]): void {
  let size = 0;
  for (const c of components) size += c.length;
  if (size > MAX_KEY_LENGTH_BYTES) throw invalidRequest(`Key length of ${size} is longer than maximum of ${MAX_KEY_LENGTH_BYTES}`);
}

/** Encodes the key from its components (in partition key order, each already validated) and computes its token. */
export function encodePartitionKey(components: readonly Uint8Array[]): EncodedPartitionKey {
  for (const c of components) checkKeyComponentLength(c);
  let key: Uint8Array;
  if (components.length === 1) {
    key = components[0]!;
    if (key.length === 0) throw invalidRequest('Key may not be empty');
  } else {
    let size = 0;
    for (const c of components) size += 3 + c.length;
    // The whole serialized key is bounded too (its length is a u16 in SSTables and the protocol).
    if (size > MAX_KEY_LENGTH_BYTES) throw invalidRequest(`Key length of ${size} is longer than maximum of ${MAX_KEY_LENGTH_BYTES}`);
    const out = Buffer.allocUnsafe(size);
    let pos = 0;
    for (const c of components) {
      out.writeUInt16BE(c.length, pos);
      out.set(c, pos + 2);
      out[pos + 2 + c.length] = 0;
      pos += 3 + c.length;
    }
    key = out;
  }
  return { key, token: murmur3Token(key) };
}
