/**
 * The shell's connection: one cassandra-driver Client talking to the single host given on
 * the command line (an allow-list policy, as cqlsh's WhiteListRoundRobinPolicy), with
 * maps and sets decoded as Map and Set so keys keep their types.
 */
import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import { Client, auth, policies, types } from 'cassandra-driver';
import type { CqlshOptions } from './cli-options';

/** What SHOW VERSION / SHOW HOST print, read from system.local at connect time. */
export interface ServerInfo {
  clusterName: string;
  releaseVersion: string;
  cqlVersion: string;
  protocolVersion: number;
}

/** An open connection and what the server said about itself. */
export interface Session {
  client: Client;
  info: ServerInfo;
  /** `host:port` as given on the command line. */
  contactPoint: string;
}

/** Builds the driver options for `opts` (the host already resolved to an address). */
function clientOptions(opts: CqlshOptions, address: string): ConstructorParameters<typeof Client>[0] {
  const endpoint = `${address.includes(':') ? `[${address}]` : address}:${opts.port}`;
  const options: ConstructorParameters<typeof Client>[0] = {
    contactPoints: [`${address}:${opts.port}`],
    protocolOptions: { port: opts.port },
    policies: { loadBalancing: new policies.loadBalancing.AllowListPolicy(new policies.loadBalancing.RoundRobinPolicy(), [endpoint, `${address}:${opts.port}`]) },
    socketOptions: { connectTimeout: opts.connectTimeoutS * 1000, readTimeout: opts.requestTimeoutS * 1000 },
    queryOptions: { prepare: false, consistency: types.consistencies.one },
    encoding: { map: Map, set: Set },
    isMetadataSyncEnabled: false,
    pooling: { coreConnectionsPerHost: { [types.distance.local]: 1, [types.distance.remote]: 1 } },
  };
  if (opts.username !== undefined) options.authProvider = new auth.PlainTextAuthProvider(opts.username, opts.password ?? '');
  if (opts.ssl) {
    options.sslOptions = {
      rejectUnauthorized: opts.sslValidate,
      ...(net.isIP(opts.host) === 0 ? { servername: opts.host } : {}),
      ...(opts.sslCertfile !== undefined ? { ca: [fs.readFileSync(opts.sslCertfile)] } : {}),
    };
  }
  return options;
}

/** Resolves the host, connects, and reads the server's versions. Throws the driver's error. */
export async function openSession(opts: CqlshOptions): Promise<Session> {
  const contactPoint = `${opts.host}:${opts.port}`;
  let address = opts.host;
  try {
    address = (await dns.lookup(opts.host)).address;
  } catch {
    // keep the name: the driver reports the failure as a connection error for this host
  }
  const client = new Client(clientOptions(opts, address));
  try {
    return await withDeadline(connectAndRead(client, contactPoint), opts.connectTimeoutS, contactPoint);
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    throw err;
  }
}

/**
 * Bounds the whole connection (TCP, TLS, STARTUP, the control connection's queries) by
 * --connect-timeout: the driver's own connectTimeout covers only the TCP connect, and a
 * host that accepts but never answers would otherwise hold the shell for a minute.
 */
function withDeadline<T>(work: Promise<T>, seconds: number, contactPoint: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = Object.assign(new Error('All host(s) tried for query failed'), {
        name: 'NoHostAvailableError',
        innerErrors: { [contactPoint]: new Error(`Timed out creating connection (${seconds} seconds)`) },
      });
      reject(err);
    }, seconds * 1000);
  });
  work.catch(() => undefined); // observed through the race; a late failure is not unhandled
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

async function connectAndRead(client: Client, contactPoint: string): Promise<Session> {
  await client.connect();
  const local = (await client.execute("SELECT cluster_name, release_version, cql_version, native_protocol_version FROM system.local WHERE key = 'local'")).first();
  const info: ServerInfo = {
    clusterName: String(local?.get('cluster_name') ?? ''),
    releaseVersion: String(local?.get('release_version') ?? 'unknown'),
    cqlVersion: String(local?.get('cql_version') ?? 'unknown'),
    // cassandra-driver 4.x speaks v4 at most (it never negotiates v5).
    protocolVersion: Math.min(4, Number(local?.get('native_protocol_version') ?? 4) || 4),
  };
  return { client, info, contactPoint };
}
