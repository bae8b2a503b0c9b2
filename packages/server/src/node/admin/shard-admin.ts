import v8 from 'node:v8';
import type { ReplicaDatabase, Table } from '@charybdis/replica';
import type { Schema } from '@charybdis/schema';
import type { AdminReply, AdminRequest, AdminSchema, ShardCompaction, ShardMemory, ShardSnapshot, ShardTableStats } from './admin-requests';

/** What a shard's admin handler works on (ShardServices gives it). */
export interface ShardAdminTarget {
  readonly db: ReplicaDatabase;
  /** The CQL frontend's current schema; null before the tables are open. */
  readonly schema: Schema | null;
  /** Stops serving clients: listeners closed, connections closed (nodetool drain, disablebinary). */
  stopClients(): Promise<void>;
  /** Opens the listeners again (nodetool enablebinary). */
  startClients(): Promise<void>;
}

/**
 * Runs one admin request on this shard and returns its plain-data reply; errors become
 * `{ ok: false, code, message }` (a shard never throws on a bad request). Runs on the
 * shard's own thread; the supervisor gathers the replies of every shard.
 */
export async function runShardAdmin(target: ShardAdminTarget, request: AdminRequest): Promise<AdminReply> {
  try {
    return { ok: true, result: await dispatch(target, request) };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return { ok: false, code: typeof e.code === 'string' ? e.code : 'CHARYBDIS_ADMIN_FAILED', message: typeof e.message === 'string' ? e.message : String(err) };
  }
}

async function dispatch(target: ShardAdminTarget, request: AdminRequest): Promise<unknown> {
  const { db } = target;
  switch (request.op) {
    case 'schema':
      return describeSchema(target);
    case 'table-stats':
      return Promise.all(select(db, request.tableIds).map((t) => tableStats(db, t)));
    case 'flush':
      await Promise.all(select(db, request.tableIds).map((t) => t.flush()));
      return null;
    case 'compact':
      for (const t of select(db, request.tableIds)) {
        if (request.flushFirst) await t.flush();
        await db.compactions.compactAll(t);
      }
      return null;
    case 'snapshot':
      return db.snapshot(
        request.tag,
        select(db, request.tableIds).map((t) => t.id),
        { skipFlush: request.skipFlush, ttlSeconds: request.ttlSeconds },
      );
    case 'clear-expired-snapshots':
      return db.clearExpiredSnapshots();
    case 'list-snapshots':
      return (await db.listSnapshots()).map(
        (s): ShardSnapshot => ({
          tag: s.tag,
          keyspace: s.keyspace,
          table: s.table,
          sizeBytes: s.sizeBytes,
          trueSizeBytes: s.trueSizeBytes,
          createdAtMs: s.createdAtMs,
          expiresAtMs: s.expiresAtMs,
        }),
      );
    case 'clear-snapshot':
      return db.clearSnapshot(request.tag, request.tableIds === null ? undefined : select(db, request.tableIds).map((t) => t.id));
    case 'compactions':
      return db.compactions.running().map(
        (c): ShardCompaction => ({
          id: c.id,
          keyspace: c.keyspace,
          table: c.table,
          reason: c.reason,
          partitionsIn: c.progress.partitionsIn,
          partitionsInTotal: c.progress.partitionsInTotal,
          bytesWritten: c.progress.bytesWritten,
        }),
      );
    case 'auto-compaction':
      for (const t of select(db, request.tableIds)) db.compactions.setAutoCompaction(t, request.enabled);
      return null;
    case 'memory': {
      // This thread's isolate: every shard has its own heap.
      const heap = v8.getHeapStatistics();
      const memory: ShardMemory = { heapUsedBytes: heap.used_heap_size, heapTotalBytes: heap.total_heap_size, offHeapBytes: db.storage.pool.stats().materializedBytes };
      return memory;
    }
    case 'drain':
      await target.stopClients();
      await db.flushAll();
      return null;
    case 'stop-clients':
      await target.stopClients();
      return null;
    case 'start-clients':
      await target.startClients();
      return null;
  }
}

/** The tables of the selection that this shard stores (ids unknown here are skipped: virtual tables). */
function select(db: ReplicaDatabase, tableIds: string[] | null): Table[] {
  if (tableIds === null) return [...db.tables];
  const wanted = new Set(tableIds);
  return db.tables.filter((t) => wanted.has(t.id));
}

function describeSchema(target: ShardAdminTarget): AdminSchema {
  const schema = target.schema;
  if (schema === null) throw Object.assign(new Error('the node is still starting: the schema is not loaded yet'), { code: 'CHARYBDIS_ADMIN_UNAVAILABLE' });
  const stored = new Set(target.db.tables.map((t) => t.id));
  return {
    version: schema.version,
    keyspaces: schema.keyspaceNames().map((name) => {
      const ks = schema.keyspace(name)!;
      return {
        name,
        system: !schema.userKeyspaces().some((d) => d.keyspace.name === name),
        replication: { ...ks.replication },
        tables: schema.tables(name).map((t) => ({ id: t.id, name: t.name, stored: stored.has(t.id) })),
      };
    }),
  };
}

async function tableStats(db: ReplicaDatabase, t: Table): Promise<ShardTableStats> {
  const s = t.stats();
  const readers = t.sstables;
  const snapshots = await db.listSnapshots([t.id]);
  return {
    tableId: t.id,
    keyspace: t.definition.keyspace,
    table: t.definition.name,
    sstableCount: s.sstableCount,
    liveBytes: s.sstableBytes,
    dataBytes: readers.reduce((n, r) => n + r.stats.dataSizeBytes, 0),
    uncompressedBytes: readers.reduce((n, r) => n + r.stats.uncompressedSizeBytes, 0),
    sstablePartitions: readers.reduce((n, r) => n + r.stats.partitionCount, 0),
    memtableBytes: s.memtableBytes,
    memtablePartitions: s.memtablePartitions,
    pendingFlushes: s.flushingMemtables,
    pendingCompactions: t.failure === null ? db.compactions.pendingTasks(t) : 0,
    snapshotBytes: snapshots.reduce((n, x) => n + x.trueSizeBytes, 0),
    reads: s.reads,
    writes: s.writes,
    flushes: s.flushes,
    autoCompaction: db.compactions.autoCompactionEnabled(t),
    failed: s.failed,
  };
}
