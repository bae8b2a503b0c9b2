import type net from 'node:net';
import type { Shard } from '@charybdis/core';
import { StorageProxy } from '@charybdis/coordinator';
import { CqlFrontend, loadSchema } from '@charybdis/cql';
import type { SchemaDiff } from '@charybdis/cql';
import type { ReplicaDatabase, TableDefinition } from '@charybdis/replica';
import { SYSTEM_AUTH_TABLES, SYSTEM_SCHEMA_TABLES, tableMutationSchema } from '@charybdis/schema';
import type { Schema, TableMetadata } from '@charybdis/schema';
import { loadClientTls } from '../tls/client-tls';
import type { ShardWorkerData } from './control-messages';
import { LOCAL_DATA_CENTER, LOCAL_RACK } from './node-location';
import { openShardDatabase } from './shard-database';

/** The replica's view of a catalog table. */
function replicaDefinition(t: TableMetadata): TableDefinition {
  return {
    keyspace: t.keyspace,
    name: t.name,
    id: t.id,
    schema: tableMutationSchema(t),
    compaction: t.options.compaction,
    gcGraceSeconds: t.options.gc_grace_seconds,
  };
}

/**
 * Everything a shard serves, wired in start-up order (DESIGN §2's composition root, per
 * shard): `boot` opens the database with the schema tables and replays their commitlog
 * entries; once every shard has done that, `openTables` reads the schema (over smp, from
 * whichever shards own its partitions), opens the user tables, replays the rest of the
 * commitlog and starts the CQL frontend; `accept` serves a client socket; `drain` closes
 * connections and flushes.
 */
export class ShardServices {
  readonly #shard: Shard;
  readonly #data: ShardWorkerData;
  readonly db: ReplicaDatabase;
  readonly proxy: StorageProxy;
  #frontend: CqlFrontend | null = null;

  private constructor(shard: Shard, data: ShardWorkerData, db: ReplicaDatabase) {
    this.#shard = shard;
    this.#data = data;
    this.db = db;
    this.proxy = new StorageProxy(shard, db);
  }

  static async boot(shard: Shard, data: ShardWorkerData): Promise<ShardServices> {
    const db = await openShardDatabase(shard, data.config);
    // The auth tables too: once every shard booted, shard 0 may read and write roles anywhere.
    const schemaTables = [...SYSTEM_SCHEMA_TABLES.values(), ...SYSTEM_AUTH_TABLES.values()];
    for (const t of schemaTables) await db.addTable(replicaDefinition(t));
    await db.replay({ onlyTables: new Set(schemaTables.map((t) => t.id)) });
    return new ShardServices(shard, data, db);
  }

  /** Reads the schema, opens the user tables, replays, starts the CQL frontend. Returns counts for the log. */
  async openTables(): Promise<{ tables: number; replayed: number }> {
    const schema = await loadSchema(this.proxy);
    let tables = 0;
    for (const def of schema.userKeyspaces()) {
      for (const t of def.tables) {
        await this.db.addTable(replicaDefinition(t));
        tables++;
      }
    }
    const report = await this.db.replay();
    const config = this.#data.config;
    const statement = this.#shard.scheduler.group('statement') ?? null;
    this.#frontend = new CqlFrontend({
      shard: this.#shard,
      data: this.proxy,
      sizeEstimates: () =>
        this.db.tables.map((t) => {
          const stats = t.stats();
          return { tableId: t.id, partitions: stats.sstablePartitions, bytes: stats.sstableBytes };
        }),
      initialSchema: schema,
      tables: {
        onTablesChanged: (diff) => this.#applySchemaDiff(diff),
        truncateTable: (id) => this.db.truncate(id),
      },
      node: {
        clusterName: config.cluster_name,
        dataCenter: LOCAL_DATA_CENTER,
        rack: LOCAL_RACK,
        hostId: this.#data.identity.hostId,
        tokens: this.#data.identity.tokens,
        rpcAddress: config.rpc_address,
        listenAddress: config.listen_address,
        broadcastAddress: config.listen_address,
        rpcPort: config.native_transport_port,
        listenPort: 7000,
        gossipGeneration: this.#data.startedAtSeconds,
      },
      shardAwarePort: this.#data.reusePort ? config.native_shard_aware_transport_port : null,
      statementGroup: statement,
      logger: this.#shard.logger,
      auth: {
        authenticator: config.authenticator,
        authorizer: config.authorizer,
        superuserName: config.auth_superuser_name,
        superuserPassword: config.auth_superuser_password,
      },
      tls: loadClientTls(config),
    });
    // Every shard has its auth tables (added and replayed at boot): one shard creates the
    // initial superuser if no role exists yet.
    if (this.#shard.id === 0) await this.#frontend.setupDefaultSuperuser();
    return { tables, replayed: report.applied };
  }

  /** The CQL frontend's current schema (null until `openTables` is done). */
  get schema(): Schema | null {
    return this.#frontend?.schema.schema ?? null;
  }

  /** Closes every client connection (nodetool drain; the listeners are closed by the caller). */
  async closeClients(): Promise<void> {
    await this.#frontend?.closeAll();
  }

  /** Serves CQL on a socket this shard accepted (before `openTables` finished: closed). */
  accept(socket: net.Socket): void {
    if (this.#frontend === null) {
      socket.destroy();
      return;
    }
    this.#frontend.accept(socket);
  }

  /** Closes client connections, flushes the memtables (nodetool drain), stops the database. */
  async drain(): Promise<void> {
    await this.#frontend?.closeAll();
    await this.db.flushAll();
    await this.db.stop();
  }

  async #applySchemaDiff(diff: SchemaDiff): Promise<void> {
    for (const t of diff.dropped) await this.db.dropTable(t.id);
    for (const t of diff.added) await this.db.addTable(replicaDefinition(t));
    for (const t of diff.altered) this.db.alterTable(replicaDefinition(t));
  }
}
