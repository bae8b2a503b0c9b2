import {
  SYSTEM_TABLES,
  TableComparators,
  codecFor,
  compareBytesUnsigned,
  emptyPartitionUpdate,
  liveCell,
  nativeType,
  normalizePartitionUpdate,
  schemaMutations,
  tableMutationSchema,
} from '@charybdis/schema';
import type { ColumnData, PartitionUpdate, Schema } from '@charybdis/schema';
import type { LocalNodeInfo } from './local-node-info';
import { CQL_VERSION, DEFAULT_RELEASE_VERSION, MURMUR3_PARTITIONER, NATIVE_PROTOCOL_VERSION } from './local-node-info';

const TEXT = codecFor(nativeType('text'));
const INET = codecFor(nativeType('inet'));
const INT = codecFor(nativeType('int'));
const UUID = codecFor(nativeType('uuid'));
const EMPTY = new Uint8Array(0);
/** Virtual rows have no write of their own: writetime() shows 0 for them. */
const VIRTUAL_TIMESTAMP_US = 0n;

/** Partitions in the storage engine's order: token, then key bytes. */
export function sortPartitions(updates: PartitionUpdate[]): PartitionUpdate[] {
  return updates.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : compareBytesUnsigned(a.partitionKey, b.partitionKey)));
}

function simple(column: string, value: Uint8Array): ColumnData {
  return { kind: 'simple', column, cell: liveCell(VIRTUAL_TIMESTAMP_US, value) };
}

/**
 * The one partition of system.local (key 'local'): every column the drivers read, with
 * this node's values and the schema's version. truncated_at stays null.
 */
export function localPartition(node: LocalNodeInfo, schema: Schema, comparators: TableComparators): PartitionUpdate {
  const table = SYSTEM_TABLES.get('local')!;
  const tokens = [...new Set(node.tokens)].map((t) => TEXT.serialize(t));
  const columns: ColumnData[] = [
    simple('bootstrapped', TEXT.serialize('COMPLETED')),
    simple('broadcast_address', INET.serialize(node.broadcastAddress)),
    simple('broadcast_port', INT.serialize(node.listenPort)),
    simple('cluster_name', TEXT.serialize(node.clusterName)),
    simple('cql_version', TEXT.serialize(CQL_VERSION)),
    simple('data_center', TEXT.serialize(node.dataCenter)),
    simple('gossip_generation', INT.serialize(node.gossipGeneration)),
    simple('host_id', UUID.serialize(node.hostId)),
    simple('listen_address', INET.serialize(node.listenAddress)),
    simple('listen_port', INT.serialize(node.listenPort)),
    simple('native_protocol_version', TEXT.serialize(NATIVE_PROTOCOL_VERSION)),
    simple('partitioner', TEXT.serialize(MURMUR3_PARTITIONER)),
    simple('rack', TEXT.serialize(node.rack)),
    simple('release_version', TEXT.serialize(node.releaseVersion ?? DEFAULT_RELEASE_VERSION)),
    simple('rpc_address', INET.serialize(node.rpcAddress)),
    simple('rpc_port', INT.serialize(node.rpcPort)),
    simple('schema_version', UUID.serialize(schema.version)),
    { kind: 'complex', column: 'tokens', cells: tokens.map((path) => ({ path, cell: liveCell(VIRTUAL_TIMESTAMP_US, EMPTY) })) },
  ];
  const update = { ...emptyPartitionUpdate(table.id, TEXT.serialize('local')), rows: [{ clustering: [], marker: { timestampUs: VIRTUAL_TIMESTAMP_US }, columns }] };
  return normalizePartitionUpdate(update, comparators);
}

/** Comparators of the system tables served here (built once per owner). */
export function systemTableComparators(): Map<string, TableComparators> {
  return new Map([...SYSTEM_TABLES.values()].map((t) => [t.id, new TableComparators(tableMutationSchema(t))]));
}

/**
 * The content of every system_schema table for `schema`, by table id: each keyspace's
 * partition (system and system_schema included, so drivers see them), in partition order.
 */
export function systemSchemaPartitions(schema: Schema): Map<string, PartitionUpdate[]> {
  const out = new Map<string, PartitionUpdate[]>();
  for (const name of schema.keyspaceNames()) {
    for (const update of schemaMutations(schema.definition(name)!, VIRTUAL_TIMESTAMP_US)) {
      const list = out.get(update.tableId);
      if (list === undefined) out.set(update.tableId, [update]);
      else list.push(update);
    }
  }
  for (const list of out.values()) sortPartitions(list);
  return out;
}
