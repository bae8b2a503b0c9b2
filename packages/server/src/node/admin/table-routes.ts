import type { AdminNode } from './admin-context';
import { ADMIN_COMPACTION_TIMEOUT_MS, ADMIN_QUICK_TIMEOUT_MS, boolParam, fetchSchema, listParam, resolveColumnFamily, resolveTables } from './admin-context';
import { badParameter } from './admin-http-error';
import v8 from 'node:v8';
import type { ShardCompaction, ShardMemory, ShardTableStats } from './admin-requests';
import type { AdminRoute } from './admin-router';
import { setAutoCompaction } from './storage-service-routes';
import { mergeTableStats } from './table-stats';
import type { NodeTableStats } from './table-stats';

/** Statistics of the selected tables over the node (shards' replica figures and metric families). */
export async function nodeTableStats(node: AdminNode, tableIds: string[] | null): Promise<NodeTableStats[]> {
  const [perShard, metrics] = await Promise.all([node.ask({ op: 'table-stats', tableIds }, ADMIN_QUICK_TIMEOUT_MS) as Promise<ShardTableStats[][]>, node.metrics()]);
  return mergeTableStats(perShard, metrics);
}

/** One scalar of one table's stats, for ScyllaDB's `/column_family/metrics/<name>/{ks:cf}` endpoints. */
function metricRoute(node: AdminNode, name: string, pick: (s: NodeTableStats) => number): AdminRoute {
  return {
    method: 'GET',
    path: `/column_family/metrics/${name}/{name}`,
    handler: async ({ params }) => {
      const cf = resolveColumnFamily(await fetchSchema(node), params.name!);
      const [stats] = await nodeTableStats(node, [cf.id]);
      return stats === undefined ? 0 : pick(stats);
    },
  };
}

/**
 * `/column_family/...` (tables named `keyspace:table` as in ScyllaDB), `/compaction_manager/compactions`,
 * `/system/uptime_ms`, `/snitch/*`, and `/charybdis/table_stats` (ours: every figure
 * tablestats and tablehistograms print, in one call).
 */
export function tableRoutes(node: AdminNode): AdminRoute[] {
  return [
    { method: 'GET', path: '/column_family', handler: async () => {
      const schema = await fetchSchema(node);
      return schema.keyspaces.flatMap((k) => k.tables.map((t) => ({ ks: k.name, cf: t.name, type: 'ColumnFamilies' })));
    } },
    { method: 'GET', path: '/column_family/name', handler: async () => {
      const schema = await fetchSchema(node);
      return schema.keyspaces.flatMap((k) => k.tables.map((t) => `${k.name}:${t.name}`));
    } },
    { method: 'GET', path: '/column_family/name/keyspace', handler: async () => (await fetchSchema(node)).keyspaces.map((k) => k.name) },
    { method: 'POST', path: '/column_family/major_compaction/{name}', handler: async ({ params, query }) => {
      const cf = resolveColumnFamily(await fetchSchema(node), params.name!);
      await node.ask({ op: 'compact', tableIds: [cf.id], flushFirst: boolParam(query, 'flush_memtables', true) }, ADMIN_COMPACTION_TIMEOUT_MS);
      return null;
    } },
    { method: 'POST', path: '/column_family/autocompaction/{name}', handler: async ({ params }) => {
      const cf = resolveColumnFamily(await fetchSchema(node), params.name!);
      return setAutoCompaction(node, cf.keyspace, [cf.table], true);
    } },
    { method: 'DELETE', path: '/column_family/autocompaction/{name}', handler: async ({ params }) => {
      const cf = resolveColumnFamily(await fetchSchema(node), params.name!);
      return setAutoCompaction(node, cf.keyspace, [cf.table], false);
    } },
    { method: 'GET', path: '/column_family/autocompaction/{name}', handler: async ({ params }) => {
      const cf = resolveColumnFamily(await fetchSchema(node), params.name!);
      const [stats] = await nodeTableStats(node, [cf.id]);
      return stats?.auto_compaction ?? true;
    } },
    metricRoute(node, 'live_ss_table_count', (s) => s.sstable_count),
    metricRoute(node, 'live_disk_space_used', (s) => s.space_used_live_bytes),
    metricRoute(node, 'total_disk_space_used', (s) => s.space_used_total_bytes),
    metricRoute(node, 'snapshots_size', (s) => s.space_used_by_snapshots_bytes),
    metricRoute(node, 'memtable_live_data_size', (s) => s.memtable_data_bytes),
    metricRoute(node, 'estimated_row_count', (s) => s.estimated_partitions),
    metricRoute(node, 'mean_row_size', (s) => s.mean_partition_bytes),
    metricRoute(node, 'pending_compactions', (s) => s.pending_compactions),
    metricRoute(node, 'pending_flushes', (s) => s.pending_flushes),
    { method: 'GET', path: '/charybdis/table_stats', handler: async ({ query }) => {
      // ks=a,b: every table of those keyspaces; cf=ks.t,ks.u: those tables; both: the union; neither: every table.
      const keyspaces = listParam(query, 'ks');
      const tables = listParam(query, 'cf');
      if (keyspaces.length === 0 && tables.length === 0) return nodeTableStats(node, null);
      const schema = await fetchSchema(node);
      const ids = new Set(keyspaces.flatMap((k) => resolveTables(schema, k, [])));
      for (const t of tables) {
        const dot = t.indexOf('.');
        if (dot <= 0 || dot === t.length - 1) throw badParameter(`cf must name tables as keyspace.table, not ${JSON.stringify(t)}`);
        ids.add(resolveTables(schema, t.slice(0, dot), [t.slice(dot + 1)])[0]!);
      }
      return nodeTableStats(node, [...ids]);
    } },
    { method: 'GET', path: '/compaction_manager/compactions', handler: async () => {
      const perShard = (await node.ask({ op: 'compactions' }, ADMIN_QUICK_TIMEOUT_MS)) as ShardCompaction[][];
      return perShard.flatMap((list, shard) =>
        list.map((c) => ({
          id: `${shard}-${c.id}`,
          ks: c.keyspace,
          cf: c.table,
          task_type: 'COMPACTION',
          unit: 'partitions',
          completed: c.partitionsIn,
          total: c.partitionsInTotal,
          bytes_written: c.bytesWritten,
          shard,
          major: c.reason === 'major',
        })),
      );
    } },
    { method: 'GET', path: '/system/uptime_ms', handler: () => Date.now() - node.startedAtMs },
    { method: 'GET', path: '/charybdis/memory', handler: async () => {
      // Every shard's isolate plus the supervisor's own.
      const shards = (await node.ask({ op: 'memory' }, ADMIN_QUICK_TIMEOUT_MS)) as ShardMemory[];
      const own = v8.getHeapStatistics();
      return {
        heap_used_bytes: shards.reduce((n, m) => n + m.heapUsedBytes, own.used_heap_size),
        heap_total_bytes: shards.reduce((n, m) => n + m.heapTotalBytes, own.total_heap_size),
        off_heap_bytes: shards.reduce((n, m) => n + m.offHeapBytes, 0),
      };
    } },
    { method: 'GET', path: '/snitch/datacenter', handler: () => node.dataCenter },
    { method: 'GET', path: '/snitch/rack', handler: () => node.rack },
  ];
}
