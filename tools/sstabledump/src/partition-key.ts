import { codecFor, cqlTypeToString, murmur3Token } from '@charybdis/schema';
import type { CqlType } from '@charybdis/schema';
import { parseCqlLiteral } from './cql-literal';
import { SSTableDumpErrorCode, dumpError } from './sstabledump-error-codes';

/** A serialized partition key and its token, as SSTableReader.readPartition takes them. */
export interface PartitionKeyBytes {
  readonly key: Uint8Array;
  readonly token: bigint;
}

/** The most bytes one composite component can hold (its length is a u16). */
const MAX_COMPONENT_BYTES = 0xffff;

/**
 * Serializes a partition key from its components: one component is stored as is; two or
 * more in Cassandra's composite form (CompositeType), per component a u16 big-endian length,
 * the bytes and an end-of-component byte 0.
 */
export function encodePartitionKey(components: readonly Uint8Array[]): Uint8Array {
  if (components.length === 1) return components[0]!;
  const parts: Buffer[] = [];
  for (const c of components) {
    if (c.length > MAX_COMPONENT_BYTES) throw new Error(`a composite key component is ${c.length} bytes, at most ${MAX_COMPONENT_BYTES}`);
    const head = Buffer.alloc(2);
    head.writeUInt16BE(c.length, 0);
    parts.push(head, Buffer.from(c), Buffer.from([0]));
  }
  return Buffer.concat(parts);
}

/** Splits a serialized key into `arity` components; throws a plain Error when the bytes are not a key of that arity. */
export function splitPartitionKey(key: Uint8Array, arity: number): Uint8Array[] {
  if (arity === 1) return [key];
  const buf = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 2 > buf.length) throw new Error(`composite key truncated at byte ${at}`);
    const length = buf.readUInt16BE(at);
    const end = at + 2 + length;
    if (end + 1 > buf.length) throw new Error(`composite key component ${out.length} overruns the key`);
    if (buf[end] !== 0) throw new Error(`composite key component ${out.length} has end-of-component byte ${buf[end]}, expected 0`);
    out.push(buf.subarray(at + 2, end));
    at = end + 1;
  }
  if (out.length !== arity) throw new Error(`the key has ${out.length} components, the schema's partition key ${arity}`);
  return out;
}

/** Splits a `-k` argument on ':' (not on '\:', which stands for a ':' inside a part). */
export function splitKeyArgument(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === ':') {
      current += ':';
      i++;
    } else if (c === ':') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** The serialized key and token of a `-k`/`-x` argument; throws SSTABLEDUMP_INVALID_KEY naming the key and the problem. */
export function parseKeyArgument(text: string, types: readonly CqlType[]): PartitionKeyBytes {
  const parts = types.length === 1 ? [text] : splitKeyArgument(text);
  if (parts.length !== types.length) {
    throw dumpError(SSTableDumpErrorCode.invalidKey, `Invalid key '${text}': ${parts.length} parts for a partition key of ${types.length} columns (separate them with ':')`);
  }
  try {
    const key = encodePartitionKey(parts.map((p, i) => codecFor(types[i]!).serialize(parseCqlLiteral(p, types[i]!))));
    return { key, token: murmur3Token(key) };
  } catch (err) {
    const typeNames = types.map((t) => cqlTypeToString(t)).join(', ');
    throw dumpError(SSTableDumpErrorCode.invalidKey, `Invalid key '${text}' for a partition key (${typeNames}): ${(err as Error).message}`, err);
  }
}
