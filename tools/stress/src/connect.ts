import { auth, Client, policies, types } from 'cassandra-driver';
import type { StressOptions } from './options';
import { StressError, StressErrorCode, errorMessage } from './stress-error';

/**
 * cassandra-driver 4.10.0's OPTIONS request (lib/requests.js). Not public API: stress uses
 * it only to ask each pooled connection which shard serves it, and treats any failure as
 * "unknown" (the run goes on without the balance check). The driver is pinned, so the
 * path cannot move under us.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const driverRequests = require('cassandra-driver/lib/requests') as { options: unknown };

/** The internals of a pooled driver connection that the shard check touches. */
interface PooledConnection {
  send(request: unknown, execOptions: null): Promise<{ supported?: Record<string, string[]> }>;
}

/** Where the connections landed: shard per connection, and the node's shard count. */
export interface ShardLayout {
  shards: number[];
  shardCount: number;
}

/** A connected client and what the balance step saw. */
export interface Connected {
  client: Client;
  /** Null when the node does not say (not a shard-per-core server) or the check is off. */
  layout: ShardLayout | null;
  /** Connection sets tried (1 = the first one was kept). */
  attempts: number;
  balanced: boolean;
}

function newClient(o: StressOptions): Client {
  const perConnection = Math.max(o.concurrency, 2048);
  return new Client({
    contactPoints: o.contactPoints,
    localDataCenter: o.localDataCenter,
    pooling: {
      coreConnectionsPerHost: { [types.distance.local]: o.connections, [types.distance.remote]: o.connections },
      maxRequestsPerConnection: perConnection,
    },
    socketOptions: { readTimeout: o.requestTimeoutMs, tcpNoDelay: true },
    // Failed operations are counted and shown, never retried behind the user's back.
    policies: { retry: new policies.retry.FallthroughRetryPolicy() },
    ...(o.user !== undefined ? { authProvider: new auth.PlainTextAuthProvider(o.user, o.password!) } : {}),
  });
}

/** One connected client with `o.connections` connections; throws STRESS_UNREACHABLE. */
export async function connectOnce(o: StressOptions): Promise<Client> {
  const client = newClient(o);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.shutdown().catch(() => undefined); // the connect error is the one to report
    const inner = (err as { innerErrors?: Record<string, unknown> }).innerErrors;
    const detail =
      inner !== undefined && Object.keys(inner).length > 0
        ? Object.entries(inner).map(([host, e]) => `${host}: ${errorMessage(e)}`).join('; ')
        : errorMessage(err);
    throw new StressError(StressErrorCode.unreachable, `cannot connect to ${o.contactPoints.join(', ')}: ${detail}`, { cause: err });
  }
}

/**
 * Each pooled connection's shard, from the SCYLLA_SHARD / SCYLLA_NR_SHARDS entries of an
 * OPTIONS round trip on it; null when the server does not send them.
 */
export async function shardLayout(client: Client): Promise<ShardLayout | null> {
  const shards: number[] = [];
  let shardCount = 0;
  for (const host of client.hosts.values()) {
    const pool = (host as unknown as { pool?: { connections?: PooledConnection[] } }).pool;
    for (const conn of pool?.connections ?? []) {
      const res = await conn.send(driverRequests.options, null);
      const shard = Number(res.supported?.SCYLLA_SHARD?.[0]);
      const count = Number(res.supported?.SCYLLA_NR_SHARDS?.[0]);
      if (!Number.isInteger(shard) || !Number.isInteger(count) || count < 1) return null;
      shards.push(shard);
      shardCount = Math.max(shardCount, count);
    }
  }
  return shards.length === 0 ? null : { shards, shardCount };
}

/** True when the connections are spread over the shards as evenly as their number allows. */
export function isBalanced(layout: ShardLayout): boolean {
  const perShard = new Array<number>(layout.shardCount).fill(0);
  for (const s of layout.shards) if (s < layout.shardCount) perShard[s]!++;
  return Math.max(...perShard) - Math.min(...perShard) <= 1;
}

/**
 * Connects, and when the node reports shards, reconnects (up to `balanceAttempts` sets)
 * until the connections spread evenly over them: cassandra-driver is not shard-aware, so
 * the kernel hashes each connection to a shard, and two connections on one of two shards
 * would load one core only. Throws STRESS_UNREACHABLE when no contact point answers.
 */
export async function connect(o: StressOptions, log: (line: string) => void): Promise<Connected> {
  let client = await connectOnce(o);
  if (o.balanceAttempts === 0) return { client, layout: null, attempts: 1, balanced: true };
  for (let attempt = 1; ; attempt++) {
    let layout: ShardLayout | null;
    try {
      layout = await shardLayout(client);
    } catch (err) {
      log(`stress: could not ask the connections for their shards (${errorMessage(err)}); going on without the balance check`);
      return { client, layout: null, attempts: attempt, balanced: true };
    }
    if (layout === null) return { client, layout, attempts: attempt, balanced: true };
    const balanced = isBalanced(layout);
    if (balanced || attempt >= o.balanceAttempts) return { client, layout, attempts: attempt, balanced };
    await client.shutdown();
    client = await connectOnce(o);
  }
}
