import type { ShardMetricsSnapshot } from '@charybdis/core';
import type { NodeConfig } from '../../config';
import type { AdminRequest, AdminSchema } from './admin-requests';
import { badParameter } from './admin-http-error';

/** How long quick shard requests (schema, stats, listings) may take before a 504. */
export const ADMIN_QUICK_TIMEOUT_MS = 10_000;
/** How long flush, snapshot and drain may take. */
export const ADMIN_FLUSH_TIMEOUT_MS = 300_000;
/** How long a major compaction may take (the HTTP call waits for it, as ScyllaDB's does). */
export const ADMIN_COMPACTION_TIMEOUT_MS = 6 * 3_600_000;

/** The node as the admin routes see it; built by the supervisor. */
export interface AdminNode {
  readonly config: NodeConfig;
  readonly hostId: string;
  /** Signed 64-bit tokens as decimal strings, sorted. */
  readonly tokens: readonly string[];
  readonly dataCenter: string;
  readonly rack: string;
  readonly releaseVersion: string;
  /** charybdis's own version (package.json). */
  readonly version: string;
  readonly startedAtMs: number;
  /** system.local's gossip_generation. */
  readonly generation: number;
  /** 'NORMAL' or, after POST /storage_service/drain, 'DRAINED'. */
  mode: 'NORMAL' | 'DRAINING' | 'DRAINED';
  /** False after drain or DELETE /storage_service/native_transport (the CQL ports are closed). */
  nativeTransport: boolean;
  /** Sends a request to every shard (or the given ones) and resolves with their results; rejects on a timeout or any shard's error. */
  ask(request: AdminRequest, timeoutMs: number, shards?: readonly number[]): Promise<unknown[]>;
  /** Every shard's metrics snapshot. */
  metrics(): Promise<ShardMetricsSnapshot[]>;
}

/** Shard 0's schema (it runs the schema service; every shard has the same after a DDL). */
export async function fetchSchema(node: AdminNode): Promise<AdminSchema> {
  const [schema] = await node.ask({ op: 'schema' }, ADMIN_QUICK_TIMEOUT_MS, [0]);
  return schema as AdminSchema;
}

/** A keyspace of the schema; 400 naming it when unknown. */
export function requireKeyspace(schema: AdminSchema, keyspace: string): AdminSchema['keyspaces'][number] {
  const ks = schema.keyspaces.find((k) => k.name === keyspace);
  if (ks === undefined) throw badParameter(`Keyspace ${keyspace} does not exist`);
  return ks;
}

/**
 * The ids of the tables `names` of `keyspace` (all its tables when `names` is empty);
 * 400 naming the first unknown keyspace or table.
 */
export function resolveTables(schema: AdminSchema, keyspace: string, names: readonly string[]): string[] {
  const ks = requireKeyspace(schema, keyspace);
  if (names.length === 0) return ks.tables.map((t) => t.id);
  return names.map((name) => {
    const t = ks.tables.find((x) => x.name === name);
    if (t === undefined) throw badParameter(`Table ${keyspace}.${name} does not exist`);
    return t.id;
  });
}

/** Splits a comma-separated list parameter (`cf=a,b`); absent or empty: []. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A boolean parameter (`true`/`false`, any case; absent: `fallback`); 400 otherwise. */
export function boolParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = query.get(name);
  if (v === null || v === '' || v === 'None') return fallback;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw badParameter(`parameter ${name} must be true or false, not ${JSON.stringify(v)}`);
}

/** A `keyspace:table` path parameter (ScyllaDB's column family name); 400 when malformed or unknown. */
export function resolveColumnFamily(schema: AdminSchema, name: string): { keyspace: string; table: string; id: string } {
  const i = name.indexOf(':');
  if (i <= 0 || i === name.length - 1) throw badParameter(`column family name must be keyspace:table, not ${JSON.stringify(name)}`);
  const keyspace = name.slice(0, i);
  const table = name.slice(i + 1);
  const [id] = resolveTables(schema, keyspace, [table]);
  return { keyspace, table, id: id! };
}
