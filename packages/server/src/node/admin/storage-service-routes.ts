import type { AdminNode } from './admin-context';
import { ADMIN_COMPACTION_TIMEOUT_MS, ADMIN_FLUSH_TIMEOUT_MS, ADMIN_QUICK_TIMEOUT_MS, boolParam, fetchSchema, listParam, requireKeyspace, resolveTables } from './admin-context';
import { AdminErrorCodes, AdminHttpError, badParameter } from './admin-http-error';
import type { ShardTableStats } from './admin-requests';
import type { AdminRoute } from './admin-router';
import { ownership, tokenRanges } from './token-ring';

/** Bytes of live SSTables on the node (nodetool's Load). */
export async function nodeLoadBytes(node: AdminNode): Promise<number> {
  const perShard = (await node.ask({ op: 'table-stats', tableIds: null }, ADMIN_QUICK_TIMEOUT_MS)) as ShardTableStats[][];
  return perShard.flat().reduce((n, t) => n + t.liveBytes, 0);
}

/** This node's tokens by endpoint (one node for now: gossip is not wired into the server yet). */
function ringOwners(node: AdminNode): Map<string, readonly string[]> {
  return new Map([[node.config.listen_address, node.tokens]]);
}

/** `/storage_service/...`: the node, its ring, flush, compaction, cleanup, drain (paths and methods as in ScyllaDB). */
export function storageServiceRoutes(node: AdminNode): AdminRoute[] {
  const address = node.config.listen_address;
  return [
    { method: 'GET', path: '/storage_service/host_id', handler: () => [{ key: address, value: node.hostId }] },
    { method: 'GET', path: '/storage_service/hostid/local', handler: () => node.hostId },
    { method: 'GET', path: '/storage_service/tokens', handler: () => node.tokens },
    { method: 'GET', path: '/storage_service/tokens/{endpoint}', handler: ({ params }) => {
      if (params.endpoint !== address) throw badParameter(`unknown endpoint ${params.endpoint}`);
      return node.tokens;
    } },
    { method: 'GET', path: '/storage_service/release_version', handler: () => node.releaseVersion },
    { method: 'GET', path: '/storage_service/scylla_release_version', handler: () => node.version },
    { method: 'GET', path: '/storage_service/schema_version', handler: async () => (await fetchSchema(node)).version },
    { method: 'GET', path: '/storage_service/operation_mode', handler: () => node.mode },
    { method: 'GET', path: '/storage_service/generation_number', handler: () => node.generation },
    { method: 'GET', path: '/storage_service/gossiping', handler: () => false },
    { method: 'GET', path: '/storage_service/native_transport', handler: () => node.nativeTransport },
    { method: 'DELETE', path: '/storage_service/native_transport', handler: () => stopNativeTransport(node) },
    { method: 'POST', path: '/storage_service/native_transport', handler: () => startNativeTransport(node) },
    { method: 'GET', path: '/storage_service/load', handler: () => nodeLoadBytes(node) },
    { method: 'GET', path: '/storage_service/keyspaces', handler: async ({ query }) => {
      const type = query.get('type') ?? 'all';
      if (!['all', 'user', 'non_local_strategy'].includes(type)) throw badParameter(`type must be all, user or non_local_strategy, not ${JSON.stringify(type)}`);
      const schema = await fetchSchema(node);
      return schema.keyspaces.filter((k) => type === 'all' || (type === 'user' ? !k.system : !k.replication.class?.endsWith('LocalStrategy'))).map((k) => k.name);
    } },
    { method: 'GET', path: '/storage_service/ownership', handler: () => [...ownership(ringOwners(node))].map(([key, value]) => ({ key, value })) },
    { method: 'GET', path: '/storage_service/ownership/{keyspace}', handler: async ({ params }) => {
      requireKeyspace(await fetchSchema(node), params.keyspace!);
      // One node: every replica of every keyspace is here.
      return [{ key: address, value: 1 }];
    } },
    { method: 'GET', path: '/storage_service/describe_ring/{keyspace}', handler: async ({ params }) => {
      requireKeyspace(await fetchSchema(node), params.keyspace!);
      return tokenRanges(ringOwners(node)).map((r) => ({
        start_token: r.start,
        end_token: r.end,
        endpoints: [r.endpoint],
        rpc_endpoints: [node.config.rpc_address],
        endpoint_details: [{ host: r.endpoint, datacenter: node.dataCenter, rack: node.rack }],
      }));
    } },
    { method: 'GET', path: '/storage_service/natural_endpoints/{keyspace}', handler: async ({ params, query }) => {
      const cf = query.get('cf');
      const key = query.get('key');
      if (cf === null || cf === '') throw badParameter('parameter cf (the table) is required');
      if (key === null) throw badParameter('parameter key (the partition key) is required');
      resolveTables(await fetchSchema(node), params.keyspace!, [cf]);
      return [address];
    } },
    { method: 'POST', path: '/storage_service/flush', handler: () => flush(node, null) },
    { method: 'POST', path: '/storage_service/keyspace_flush/{keyspace}', handler: async ({ params, query }) => {
      return flush(node, resolveTables(await fetchSchema(node), params.keyspace!, listParam(query, 'cf')));
    } },
    { method: 'POST', path: '/storage_service/compact', handler: ({ query }) => compact(node, null, boolParam(query, 'flush_memtables', true)) },
    { method: 'POST', path: '/storage_service/keyspace_compaction/{keyspace}', handler: async ({ params, query }) => {
      const ids = resolveTables(await fetchSchema(node), params.keyspace!, listParam(query, 'cf'));
      return compact(node, ids, boolParam(query, 'flush_memtables', true));
    } },
    { method: 'POST', path: '/storage_service/keyspace_cleanup/{keyspace}', handler: async ({ params, query }) => {
      // One node owns every token: there is nothing another node owns to clean up.
      resolveTables(await fetchSchema(node), params.keyspace!, listParam(query, 'cf'));
      return 0;
    } },
    { method: 'POST', path: '/storage_service/drain', handler: () => drain(node) },
    { method: 'POST', path: '/storage_service/decommission', handler: () => {
      // Cassandra's answer on a one-node ring; the cluster work (packages/cluster) will stream the data away first.
      throw badParameter('no other normal nodes in the ring; decommission would be pointless');
    } },
    { method: 'GET', path: '/storage_service/drain', handler: () => node.mode },
    { method: 'GET', path: '/storage_service/trace_probability', handler: () => 0 },
    { method: 'POST', path: '/storage_service/trace_probability', handler: ({ query }) => {
      const raw = query.get('probability');
      const p = raw === null || raw.trim() === '' ? NaN : Number(raw);
      if (!(p >= 0 && p <= 1)) throw badParameter(`probability must be a number between 0 and 1, not ${JSON.stringify(raw)}`);
      if (p > 0) throw new AdminHttpError(501, AdminErrorCodes.NOT_SUPPORTED, 'query tracing is not supported by Charybdis: the trace probability stays 0');
      return null;
    } },
    { method: 'POST', path: '/storage_service/auto_compaction/{keyspace}', handler: async ({ params, query }) => setAutoCompaction(node, params.keyspace!, listParam(query, 'cf'), true) },
    { method: 'DELETE', path: '/storage_service/auto_compaction/{keyspace}', handler: async ({ params, query }) => setAutoCompaction(node, params.keyspace!, listParam(query, 'cf'), false) },
  ];
}

async function flush(node: AdminNode, tableIds: string[] | null): Promise<null> {
  await node.ask({ op: 'flush', tableIds }, ADMIN_FLUSH_TIMEOUT_MS);
  return null;
}

async function compact(node: AdminNode, tableIds: string[] | null, flushFirst: boolean): Promise<null> {
  await node.ask({ op: 'compact', tableIds, flushFirst }, ADMIN_COMPACTION_TIMEOUT_MS);
  return null;
}

/** Turns auto-compaction of a keyspace's tables (or the listed ones) on or off. */
export async function setAutoCompaction(node: AdminNode, keyspace: string, tables: string[], enabled: boolean): Promise<null> {
  const tableIds = resolveTables(await fetchSchema(node), keyspace, tables);
  await node.ask({ op: 'auto-compaction', tableIds, enabled }, ADMIN_QUICK_TIMEOUT_MS);
  return null;
}

/** nodetool drain: stops serving clients (the CQL ports close), flushes every memtable; the API keeps answering. */
async function drain(node: AdminNode): Promise<null> {
  if (node.mode === 'DRAINED') return null;
  // On a failure the listeners may be closed already: the mode stays DRAINING, which says so.
  node.mode = 'DRAINING';
  node.nativeTransport = false;
  await node.ask({ op: 'drain' }, ADMIN_FLUSH_TIMEOUT_MS);
  node.mode = 'DRAINED';
  return null;
}

/** nodetool disablebinary: closes the CQL ports and client connections on every shard (no flush). */
async function stopNativeTransport(node: AdminNode): Promise<null> {
  if (!node.nativeTransport) return null;
  node.nativeTransport = false;
  await node.ask({ op: 'stop-clients' }, ADMIN_QUICK_TIMEOUT_MS);
  return null;
}

/**
 * nodetool enablebinary: reopens the CQL ports, shard after shard (the shard-aware port's
 * BPF program indexes sockets in listen order, as at start-up). Refused on a drained node.
 */
async function startNativeTransport(node: AdminNode): Promise<null> {
  if (node.mode !== 'NORMAL') throw new AdminHttpError(503, AdminErrorCodes.UNAVAILABLE, `the node is ${node.mode.toLowerCase()}: restart it to serve clients again`);
  if (node.nativeTransport) return null;
  const shardCount = node.config.smp;
  for (let shard = 0; shard < shardCount; shard++) await node.ask({ op: 'start-clients' }, ADMIN_QUICK_TIMEOUT_MS, [shard]);
  node.nativeTransport = true;
  return null;
}
