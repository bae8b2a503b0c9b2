import { isValidSnapshotTag } from '@charybdis/replica';
import type { AdminNode } from './admin-context';
import { ADMIN_FLUSH_TIMEOUT_MS, ADMIN_QUICK_TIMEOUT_MS, boolParam, fetchSchema, listParam, resolveTables } from './admin-context';
import { badParameter } from './admin-http-error';
import type { AdminSchema, ShardSnapshot } from './admin-requests';
import type { AdminRoute } from './admin-router';

/** One snapshot of one table on the node (ScyllaDB's `snapshot` model plus when it was taken). */
interface SnapshotDetail {
  ks: string;
  cf: string;
  /** Bytes only the snapshot holds (Cassandra's "true size"). */
  live: number;
  /** Bytes of the snapshot's files. */
  total: number;
  /** When taken and when it expires (TTL), seconds since the epoch; expires_at null without a TTL. */
  created_at: number;
  expires_at: number | null;
}

/** Shortest snapshot TTL accepted (Cassandra's limit). */
export const MIN_SNAPSHOT_TTL_SECONDS = 60;

/** A TTL as Cassandra's nodetool takes it: `90`, `90s`, `5m`, `2h`, `1d` → seconds; 400 when malformed or under a minute. */
export function parseSnapshotTtl(raw: string): number {
  const m = /^(\d{1,9})\s*(s|m|h|d)?$/i.exec(raw.trim());
  if (m === null) throw badParameter(`ttl must be a duration such as 60s, 5m, 2h or 1d, not ${JSON.stringify(raw)}`);
  const seconds = Number(m[1]) * ({ s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[(m[2] ?? 's').toLowerCase()]!;
  if (seconds < MIN_SNAPSHOT_TTL_SECONDS) throw badParameter(`ttl for snapshot must be at least 1 minute, not ${JSON.stringify(raw)}`);
  return seconds;
}

/**
 * `/storage_service/snapshots`: take (POST ?tag=&kn=ks1,ks2&cf=t1,t2&sf=&ttl=), list (GET, as
 * ScyllaDB: `[{ key: tag, value: [{ ks, cf, live, total }] }]`) and clear (DELETE ?tag=&kn=).
 */
export function snapshotRoutes(node: AdminNode): AdminRoute[] {
  return [
    { method: 'POST', path: '/storage_service/snapshots', handler: async ({ query }) => {
      const tag = query.get('tag') ?? String(Date.now());
      checkTag(tag);
      const schema = await fetchSchema(node);
      const tableIds = selectTables(schema, listParam(query, 'kn'), listParam(query, 'cf'));
      // As Cassandra: a tag is refused for a table that already has a snapshot of that name.
      const selected = tableIds === null ? null : new Set(tableIds);
      const names = new Map(schema.keyspaces.flatMap((k) => k.tables.map((t) => [`${k.name}.${t.name}`, t.id] as const)));
      const clash = (await listSnapshots(node)).find((s) => s.key === tag)?.value.find((d) => selected === null || selected.has(names.get(`${d.ks}.${d.cf}`) ?? ''));
      if (clash !== undefined) throw badParameter(`Snapshot ${tag} already exists for ${clash.ks}.${clash.cf}`);
      const ttlRaw = query.get('ttl');
      const ttlSeconds = ttlRaw === null || ttlRaw === '' ? null : parseSnapshotTtl(ttlRaw);
      await node.ask({ op: 'snapshot', tag, tableIds, skipFlush: boolParam(query, 'sf', false), ttlSeconds }, ADMIN_FLUSH_TIMEOUT_MS);
      return tag;
    } },
    { method: 'GET', path: '/storage_service/snapshots', handler: () => listSnapshots(node) },
    { method: 'DELETE', path: '/storage_service/snapshots', handler: async ({ query }) => {
      const tagParam = query.get('tag');
      const tag = tagParam === null || tagParam === '' ? null : tagParam;
      if (tag !== null) checkTag(tag);
      const kn = listParam(query, 'kn');
      const cf = listParam(query, 'cf');
      const tableIds = kn.length === 0 && cf.length === 0 ? null : selectTables(await fetchSchema(node), kn, cf);
      await node.ask({ op: 'clear-snapshot', tag, tableIds }, ADMIN_FLUSH_TIMEOUT_MS);
      return null;
    } },
    { method: 'GET', path: '/storage_service/snapshots/size/true', handler: async () => {
      return (await listSnapshots(node)).flatMap((s) => s.value).reduce((n, d) => n + d.live, 0);
    } },
  ];
}

function checkTag(tag: string): void {
  if (!isValidSnapshotTag(tag)) throw badParameter(`invalid snapshot name ${JSON.stringify(tag)}: use letters, digits, '-', '_' and '.'`);
}

/** Table ids of the keyspaces `kn` (all keyspaces when empty), restricted to tables `cf` (only with one keyspace). */
function selectTables(schema: AdminSchema, keyspaces: string[], tables: string[]): string[] | null {
  if (keyspaces.length === 0 && tables.length === 0) return null;
  if (tables.length > 0 && keyspaces.length !== 1) throw badParameter('cf (tables) can only be given with exactly one keyspace (kn)');
  return keyspaces.flatMap((ks) => resolveTables(schema, ks, tables));
}

/** Every snapshot of the node, by tag, each table's sizes summed over the shards. */
export async function listSnapshots(node: AdminNode): Promise<{ key: string; value: SnapshotDetail[] }[]> {
  const perShard = (await node.ask({ op: 'list-snapshots' }, ADMIN_QUICK_TIMEOUT_MS)) as ShardSnapshot[][];
  const byTag = new Map<string, Map<string, SnapshotDetail>>();
  for (const s of perShard.flat()) {
    let tables = byTag.get(s.tag);
    if (tables === undefined) {
      tables = new Map<string, SnapshotDetail>();
      byTag.set(s.tag, tables);
    }
    const key = `${s.keyspace}.${s.table}`;
    const expiresAt = s.expiresAtMs === null ? null : Math.floor(s.expiresAtMs / 1000);
    const d = tables.get(key) ?? { ks: s.keyspace, cf: s.table, live: 0, total: 0, created_at: Math.floor(s.createdAtMs / 1000), expires_at: expiresAt };
    d.live += s.trueSizeBytes;
    d.total += s.sizeBytes;
    d.created_at = Math.min(d.created_at, Math.floor(s.createdAtMs / 1000));
    tables.set(key, d);
  }
  return [...byTag]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, tables]) => ({ key, value: [...tables.values()].sort((a, b) => (a.ks + '.' + a.cf < b.ks + '.' + b.cf ? -1 : 1)) }));
}
