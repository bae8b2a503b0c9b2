import { shardOf } from '@charybdis/core';
import { murmur3Token } from '@charybdis/schema';
import type { Client } from 'cassandra-driver';
import { connectOnce, shardLayout } from './connect';
import type { ShardLayout } from './connect';
import type { StressOptions } from './options';
import { StressError, StressErrorCode } from './stress-error';

/** Connection sets tried per shard before giving up on routing (a set lands on one shard with probability (1/shards)^connections). */
const MAX_ATTEMPTS_PER_SHARD = 64;

/** One client per shard, every connection of client s on shard s. */
export interface ShardClients {
  readonly clients: readonly Client[];
  readonly layout: ShardLayout;
  readonly attempts: number;
}

/**
 * What a shard-aware driver does (ScyllaDB's drivers; cassandra-driver is not one): sends
 * each request over a connection served by the shard that owns its partition, so no
 * request crosses shards inside the node. Opens one client per shard and reconnects each
 * until all its connections land on that shard (the kernel picks a connection's shard).
 * Null when the node does not report shards. Throws STRESS_UNREACHABLE, or STRESS_USAGE
 * when some shard cannot be reached in MAX_ATTEMPTS_PER_SHARD tries.
 */
export async function connectPerShard(o: StressOptions): Promise<ShardClients | null> {
  const first = await connectOnce(o);
  const probe = await shardLayout(first).catch(() => null);
  if (probe === null) {
    await first.shutdown();
    return null;
  }
  const clients: (Client | undefined)[] = new Array<Client | undefined>(probe.shardCount).fill(undefined);
  let attempts = 1;
  let candidate: Client | null = first;
  let layout: ShardLayout | null = probe;
  try {
    for (let shard = 0; shard < probe.shardCount; shard++) {
      for (let tries = 0; clients[shard] === undefined; tries++) {
        if (tries >= MAX_ATTEMPTS_PER_SHARD) {
          throw new StressError(StressErrorCode.usage, `--shard-aware: no set of ${o.connections} connection(s) landed on shard ${shard} in ${MAX_ATTEMPTS_PER_SHARD} tries; use fewer --connections`);
        }
        if (candidate === null) {
          candidate = await connectOnce(o);
          attempts++;
          layout = await shardLayout(candidate);
        }
        const home = layout !== null && layout.shards.length > 0 && layout.shards.every((s) => s === layout!.shards[0]) ? layout.shards[0]! : -1;
        if (home >= 0 && clients[home] === undefined) clients[home] = candidate;
        else await candidate.shutdown();
        candidate = null;
      }
    }
  } catch (err) {
    const open = [candidate, ...clients].filter((c): c is Client => c !== null && c !== undefined);
    await Promise.all(open.map((c) => c.shutdown().catch(() => undefined)));
    throw err;
  }
  const all = clients as Client[];
  const shards = all.flatMap((_, s) => new Array<number>(o.connections).fill(s));
  return { clients: all, layout: { shards, shardCount: probe.shardCount }, attempts };
}

const keyBytes = Buffer.alloc(8);

/** The shard owning partition key `pk` (a bigint column, serialized as 8 big-endian bytes). */
export function shardOfBigintKey(pk: number, shardCount: number): number {
  keyBytes.writeBigInt64BE(BigInt(pk));
  return shardOf(murmur3Token(keyBytes), shardCount);
}
