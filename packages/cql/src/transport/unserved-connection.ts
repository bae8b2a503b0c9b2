import type net from 'node:net';
import type { Logger } from '@charybdis/core';
import { hasErrorCode } from '@charybdis/core';
import { ErrorCode, Opcode } from '../protocol/opcodes';
import {
  FRAME_HEADER_BYTES,
  decodeFrameHeader,
  encodeErrorBody,
  encodeResponseFrame,
  encodeStringMultimap,
} from '../protocol/frame-codec';

/** What a connection tells clients about the shard that accepted it. */
export interface ShardIdentity {
  shardId: number;
  shardCount: number;
  /** Advertised to shard-aware drivers; null when the node has no shard-aware listener. */
  shardAwarePort: number | null;
}

/** Largest request body this placeholder reads past before giving up on the connection. */
const MAX_UNSERVED_BODY_BYTES = 1024 * 1024;
const LOWEST_VERSION = 3;
const HIGHEST_VERSION = 4;

/**
 * The connection handler of a node whose CQL frontend is not built yet. It answers OPTIONS
 * truthfully (SUPPORTED with the ScyllaDB sharding keys, so a client can see which shard
 * it reached) and every other request with an ERROR frame saying that queries are not
 * served: it never pretends to be a database. A malformed frame gets a protocol error
 * and the connection is closed.
 *
 * Runs on the shard that accepted the socket; owns the socket until it closes.
 */
export function serveUnservedCqlConnection(socket: net.Socket, identity: ShardIdentity, log: Logger): void {
  let pending: Buffer = Buffer.alloc(0);
  let skipBytes = 0;

  const supported = encodeStringMultimap(
    new Map<string, string[]>([
      ['COMPRESSION', []],
      ['SCYLLA_SHARD', [String(identity.shardId)]],
      ['SCYLLA_NR_SHARDS', [String(identity.shardCount)]],
      ['SCYLLA_PARTITIONER', ['org.apache.cassandra.dht.Murmur3Partitioner']],
      ['SCYLLA_SHARDING_ALGORITHM', ['biased-token-round-robin']],
      ['SCYLLA_SHARDING_IGNORE_MSB', ['12']],
      ...(identity.shardAwarePort !== null
        ? [['SCYLLA_SHARD_AWARE_PORT', [String(identity.shardAwarePort)]] as [string, string[]]]
        : []),
    ]),
  );

  const fail = (version: number, stream: number, message: string): void => {
    const frame = encodeResponseFrame({
      version: Math.min(Math.max(version, LOWEST_VERSION), HIGHEST_VERSION),
      flags: 0,
      stream,
      opcode: Opcode.ERROR,
      body: encodeErrorBody(ErrorCode.PROTOCOL_ERROR, message),
    });
    socket.end(frame);
    pending = Buffer.alloc(0);
  };

  socket.on('data', (chunk: Buffer) => {
    if (skipBytes > 0) {
      const skipped = Math.min(skipBytes, chunk.length);
      skipBytes -= skipped;
      chunk = chunk.subarray(skipped);
    }
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const replies: Buffer[] = [];
    while (pending.length >= FRAME_HEADER_BYTES && !socket.writableEnded) {
      const version = pending[0]! & 0x7f;
      const stream = pending.readInt16BE(2);
      let header;
      try {
        header = decodeFrameHeader(pending, 0, MAX_UNSERVED_BODY_BYTES);
      } catch (err) {
        if (!hasErrorCode(err, 'CQL_FRAME_TOO_LARGE')) throw err;
        fail(version, stream, (err as Error).message);
        return;
      }
      if (header === null) break;
      if (header.isResponse) {
        fail(version, stream, 'frame has the response direction bit set; clients send requests');
        return;
      }
      if (header.version < LOWEST_VERSION || header.version > HIGHEST_VERSION) {
        fail(
          header.version,
          stream,
          `Invalid or unsupported protocol version (${header.version}); supported versions are between ${LOWEST_VERSION} and ${HIGHEST_VERSION}`,
        );
        return;
      }
      const frameBytes = FRAME_HEADER_BYTES + header.bodyLength;
      if (pending.length < frameBytes) {
        // Bodies are not needed: drop what has arrived and skip the rest as it comes.
        skipBytes = frameBytes - pending.length;
        pending = Buffer.alloc(0);
      } else {
        pending = pending.subarray(frameBytes);
      }
      replies.push(replyTo(header.version, header.stream, header.opcode));
    }
    // All replies to one socket read go out in one write.
    if (replies.length > 0) socket.write(replies.length === 1 ? replies[0]! : Buffer.concat(replies));
  });

  socket.on('error', (err) => {
    log.debug({ err, remote: socket.remoteAddress }, 'client connection error');
  });

  function replyTo(version: number, stream: number, opcode: number): Buffer {
    if (opcode === Opcode.OPTIONS) {
      return encodeResponseFrame({ version, flags: 0, stream, opcode: Opcode.SUPPORTED, body: supported });
    }
    return encodeResponseFrame({
      version,
      flags: 0,
      stream,
      opcode: Opcode.ERROR,
      body: encodeErrorBody(
        ErrorCode.SERVER_ERROR,
        `Charybdis does not serve CQL requests yet (this node accepts connections only; shard ${identity.shardId} of ${identity.shardCount})`,
      ),
    });
  }
}
