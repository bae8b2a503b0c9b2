import { CqlProtocolError, ProtocolErrorCodes } from './protocol-error';
import { FrameReader, type WireValue } from './frame-reader';
import { FrameFlag, Opcode, QueryFlag } from './opcodes';
import type { BatchEntry, CustomPayload, QueryParameters, Request } from './request-types';

/** Event types a client may REGISTER for. */
export const EVENT_TYPES: ReadonlySet<string> = new Set(['TOPOLOGY_CHANGE', 'STATUS_CHANGE', 'SCHEMA_CHANGE']);

/** Flags of BATCH that the protocol defines (the four low QUERY flags make no sense there). */
const BATCH_ALLOWED_FLAGS =
  QueryFlag.SERIAL_CONSISTENCY | QueryFlag.DEFAULT_TIMESTAMP | QueryFlag.KEYSPACE | QueryFlag.NOW_IN_SECONDS;

const OPCODE_NAMES = new Map<number, string>(Object.entries(Opcode).map(([k, v]) => [v, k]));

/** The header facts request decoding needs. */
export interface RequestHeader {
  version: number;
  flags: number;
  stream: number;
  opcode: number;
}

/**
 * Decodes a request body (already decompressed) into plain data. Byte values are
 * subarrays of `body`, not copies. Anything malformed — a truncated field, a bad length,
 * an unknown opcode or consistency, trailing bytes — throws a CqlProtocolError with code
 * CQL_PROTOCOL, naming the message and the field, and carrying the frame's stream id.
 */
export function decodeRequest(header: RequestHeader, body: Buffer): Request {
  const name = OPCODE_NAMES.get(header.opcode) ?? `opcode 0x${header.opcode.toString(16).padStart(2, '0')}`;
  const r = new FrameReader(body, name);
  try {
    const request = decodeMessage(header, r);
    r.expectEnd();
    return request;
  } catch (err) {
    if (err instanceof CqlProtocolError && err.stream === null) {
      throw new CqlProtocolError(ProtocolErrorCodes.PROTOCOL, err.message, { stream: header.stream, version: header.version });
    }
    throw err;
  }
}

function decodeMessage(header: RequestHeader, r: FrameReader): Request {
  const v = header.version;
  switch (header.opcode) {
    case Opcode.STARTUP:
      return { kind: 'startup', options: r.readStringMap('options') };
    case Opcode.AUTH_RESPONSE:
      return { kind: 'authResponse', token: r.readBytes('token') };
    case Opcode.OPTIONS:
      return { kind: 'options' };
    case Opcode.REGISTER:
      return { kind: 'register', events: readEventTypes(r) };
    case Opcode.QUERY: {
      const customPayload = readCustomPayload(header, r);
      const query = r.readLongString('query');
      return { kind: 'query', query, params: readQueryParameters(r, v), customPayload };
    }
    case Opcode.PREPARE: {
      const customPayload = readCustomPayload(header, r);
      const query = r.readLongString('query');
      let keyspace: string | null = null;
      if (v >= 5) {
        const flags = r.readInt('flags');
        if ((flags & 0x01) !== 0) keyspace = r.readString('keyspace');
      }
      return { kind: 'prepare', query, keyspace, customPayload };
    }
    case Opcode.EXECUTE: {
      const customPayload = readCustomPayload(header, r);
      const id = r.readShortBytes('id');
      const resultMetadataId = v >= 5 ? r.readShortBytes('result_metadata_id') : null;
      return { kind: 'execute', id, resultMetadataId, params: readQueryParameters(r, v), customPayload };
    }
    case Opcode.BATCH:
      return readBatch(r, v, readCustomPayload(header, r));
    default:
      throw r.fail('opcode', `0x${header.opcode.toString(16).padStart(2, '0')} is not a request opcode`);
  }
}

function readCustomPayload(header: RequestHeader, r: FrameReader): CustomPayload {
  return (header.flags & FrameFlag.CUSTOM_PAYLOAD) !== 0 ? r.readBytesMap('custom_payload') : null;
}

function readEventTypes(r: FrameReader): string[] {
  const events = r.readStringList('event types');
  for (const e of events) if (!EVENT_TYPES.has(e)) throw r.fail('event types', `unknown event type '${e}'`);
  return events;
}

/** v3/v4 flags are a [byte], v5 flags an [int]. */
function readFlags(r: FrameReader, version: number): number {
  return version >= 5 ? r.readInt('flags') : r.readByte('flags');
}

/** <consistency><flags>[values][page_size][paging_state][serial][timestamp][keyspace][now]. */
export function readQueryParameters(r: FrameReader, version: number): QueryParameters {
  const consistency = r.readConsistency('consistency');
  const flags = readFlags(r, version);
  const named = (flags & QueryFlag.NAMES_FOR_VALUES) !== 0;
  let values: WireValue[] | null = null;
  let names: string[] | null = null;
  if ((flags & QueryFlag.VALUES) !== 0) {
    const n = r.readCount('values count', named ? 6 : 4);
    values = new Array<WireValue>(n);
    if (named) names = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      if (names !== null) names[i] = r.readString('value name');
      values[i] = r.readValue('value', version >= 4);
    }
  }
  const pageSize = (flags & QueryFlag.PAGE_SIZE) !== 0 ? r.readInt('page_size') : null;
  const pagingState = (flags & QueryFlag.PAGING_STATE) !== 0 ? r.readBytes('paging_state') : null;
  const serialConsistency = (flags & QueryFlag.SERIAL_CONSISTENCY) !== 0 ? r.readConsistency('serial_consistency') : null;
  const timestamp = (flags & QueryFlag.DEFAULT_TIMESTAMP) !== 0 ? r.readLong('timestamp') : null;
  const v5 = version >= 5;
  const keyspace = v5 && (flags & QueryFlag.KEYSPACE) !== 0 ? r.readString('keyspace') : null;
  const nowInSeconds = v5 && (flags & QueryFlag.NOW_IN_SECONDS) !== 0 ? r.readInt('now_in_seconds') : null;
  return {
    consistency,
    flags,
    values,
    names,
    skipMetadata: (flags & QueryFlag.SKIP_METADATA) !== 0,
    pageSize,
    pagingState,
    serialConsistency,
    timestamp,
    keyspace,
    nowInSeconds,
  };
}

function readBatchEntry(r: FrameReader, version: number): BatchEntry {
  const kind = r.readByte('batch entry kind');
  let query: string | null = null;
  let id: Buffer | null = null;
  if (kind === 0) query = r.readLongString('batch query');
  else if (kind === 1) id = r.readShortBytes('batch prepared id');
  else throw r.fail('batch entry kind', `must be 0 (query string) or 1 (prepared id), not ${kind}`);
  const n = r.readCount('batch values count', 4);
  const values = new Array<WireValue>(n);
  for (let i = 0; i < n; i++) values[i] = r.readValue('batch value', version >= 4);
  return { query, id, values };
}

function readBatch(r: FrameReader, version: number, customPayload: CustomPayload): Request {
  const batchType = r.readByte('batch type');
  if (batchType > 2) throw r.fail('batch type', `must be 0 (logged), 1 (unlogged) or 2 (counter), not ${batchType}`);
  // Each entry takes at least 1 (kind) + 2 (id length) + 2 (values count) bytes.
  const n = r.readCount('batch entries count', 5);
  const entries = new Array<BatchEntry>(n);
  for (let i = 0; i < n; i++) entries[i] = readBatchEntry(r, version);
  const consistency = r.readConsistency('consistency');
  const flags = readFlags(r, version);
  if ((flags & QueryFlag.NAMES_FOR_VALUES) !== 0) {
    // The specification itself says this flag cannot work for batches (CASSANDRA-10246).
    throw r.fail('flags', 'named values are not supported in BATCH');
  }
  if ((flags & ~BATCH_ALLOWED_FLAGS & 0xff) !== 0) {
    throw r.fail('flags', `BATCH does not take flags 0x${(flags & 0x0f).toString(16)} (values, skip_metadata, paging)`);
  }
  const serialConsistency = (flags & QueryFlag.SERIAL_CONSISTENCY) !== 0 ? r.readConsistency('serial_consistency') : null;
  const timestamp = (flags & QueryFlag.DEFAULT_TIMESTAMP) !== 0 ? r.readLong('timestamp') : null;
  const v5 = version >= 5;
  const keyspace = v5 && (flags & QueryFlag.KEYSPACE) !== 0 ? r.readString('keyspace') : null;
  const nowInSeconds = v5 && (flags & QueryFlag.NOW_IN_SECONDS) !== 0 ? r.readInt('now_in_seconds') : null;
  return { kind: 'batch', batchType, entries, consistency, flags, serialConsistency, timestamp, keyspace, nowInSeconds, customPayload };
}
