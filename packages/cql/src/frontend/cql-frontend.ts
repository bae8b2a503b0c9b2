import type net from 'node:net';
import type { Logger, MetricsRegistry, Smp } from '@charybdis/core';
import type { Schema } from '@charybdis/schema';
import type { DataAccess } from '../execution/execution-types';
import { ShardCounterWriter } from '../modification/counter-writer';
import { createStatementPreparers } from '../query-processor/create-statement-preparers';
import { QueryProcessor } from '../query-processor/query-processor';
import { SchemaService } from '../schema-service/schema-service';
import type { SchemaServiceHooks } from '../schema-service/schema-service';
import type { LocalNodeInfo } from '../system-tables/local-node-info';
import { SystemTablesDataAccess } from '../system-tables/system-tables-data-access';
import type { SizeEstimatesSource } from '../system-tables/system-tables-data-access';
import { sumSizeEstimates } from '../system-tables/size-estimates';
import type { TableSizeEstimate } from '../system-tables/size-estimates';
import { TimeUuidGenerator } from '../terms/time-uuids';
import { InternalCql } from '../auth/internal-cql';
import type { AuthConfig } from '../auth/auth-service';
import { ShardAuth } from '../auth/shard-auth';
import { CqlTransport } from '../transport/cql-transport';
import type { ClientTlsOptions } from '../transport/client-tls';
import { RegistryTransportMetrics } from '../transport/registry-transport-metrics';
import type { StatementScheduler } from '../transport/request-handler';

/** What a shard gives its CQL frontend. */
export interface CqlFrontendOptions {
  readonly shard: { readonly id: number; readonly count: number; readonly smp: Pick<Smp, 'registerVerb' | 'invokeOn' | 'invokeOnAll'>; readonly metrics: MetricsRegistry };
  /** The real tables on this node (a coordinator StorageProxy). */
  readonly data: DataAccess;
  /** The schema read at start-up (`loadSchema`). */
  readonly initialSchema: Schema;
  /** Creates, alters and drops this shard's replica tables when the schema changes; truncates. */
  readonly tables: SchemaServiceHooks;
  /** What system.local says. */
  readonly node: LocalNodeInfo;
  /** The port shard-aware drivers use, or null. */
  readonly shardAwarePort: number | null;
  /** The shard's `statement` scheduling group. */
  readonly statementGroup: StatementScheduler | null;
  readonly logger: Logger;
  /** Authenticator, authorizer and initial superuser; default AllowAll (no login, no checks). */
  readonly auth?: AuthConfig;
  /** TLS on the CQL ports (every accepted socket is wrapped); null or absent: plain TCP. */
  readonly tls?: ClientTlsOptions | null;
  /** This shard's SSTable partition counts and bytes per table, for system.size_estimates; absent: the table is empty. */
  readonly sizeEstimates?: () => readonly TableSizeEstimate[];
}

/** smp verb: this shard's size estimates (system.size_estimates sums every shard's). */
const SIZE_ESTIMATES_VERB = 'cql.size-estimates';
/** How long a read of system.size_estimates waits for the other shards. */
const SIZE_ESTIMATES_TIMEOUT_MS = 10_000;

const ALLOW_ALL: AuthConfig = {
  authenticator: 'AllowAllAuthenticator',
  authorizer: 'AllowAllAuthorizer',
  superuserName: 'cassandra',
  superuserPassword: 'cassandra',
};

/**
 * The CQL frontend of one shard, composed: the schema service (DDL on shard 0, published to
 * every shard), the virtual system tables over the real data, the query processor with
 * its prepared-statement cache, counter locks and timeuuid generator, and the native
 * protocol transport that turns accepted sockets into connections. The server hands it
 * sockets; everything else stays inside cql.
 */
export class CqlFrontend {
  readonly schema: SchemaService;
  readonly processor: QueryProcessor;
  readonly transport: CqlTransport;
  readonly auth: ShardAuth;

  constructor(options: CqlFrontendOptions) {
    const log = options.logger;
    const transportLog = log.child({ subsystem: 'transport' });
    // The transport owns the event bus; the schema service publishes SCHEMA_CHANGE to it.
    let transport: CqlTransport | null = null;
    this.schema = new SchemaService({
      shard: options.shard,
      data: options.data,
      initial: options.initialSchema,
      hooks: options.tables,
      events: { publish: (event) => transport?.events.publish(event) },
      datacenters: [options.node.dataCenter],
    });
    const local = options.sizeEstimates;
    let sizeEstimates: SizeEstimatesSource | null = null;
    if (local !== undefined) {
      options.shard.smp.registerVerb<null>(SIZE_ESTIMATES_VERB, () => local());
      const smp = options.shard.smp;
      sizeEstimates = async () => sumSizeEstimates(await smp.invokeOnAll<TableSizeEstimate[]>(SIZE_ESTIMATES_VERB, null, { timeoutMs: SIZE_ESTIMATES_TIMEOUT_MS }));
    }
    const data = new SystemTablesDataAccess(options.data, this.schema, options.node, sizeEstimates);
    const preparers = createStatementPreparers();
    this.auth = new ShardAuth({
      shard: options.shard,
      cql: new InternalCql(this.schema, options.data, preparers),
      config: options.auth ?? ALLOW_ALL,
      logger: log.child({ subsystem: 'auth' }),
    });
    this.processor = new QueryProcessor({
      shard: options.shard,
      schema: this.schema,
      data,
      preparers,
      auth: this.auth,
      access: this.auth.access,
      logger: log.child({ subsystem: 'cql' }),
      counters: new ShardCounterWriter({ counterId: options.node.hostId, shard: options.shard, data, schema: () => this.schema.schema }),
      timeUuids: new TimeUuidGenerator(),
      metrics: options.shard.metrics,
    });
    transport = new CqlTransport({
      handler: this.processor,
      identity: { shardId: options.shard.id, shardCount: options.shard.count, shardAwarePort: options.shardAwarePort },
      log: transportLog,
      scheduler: options.statementGroup,
      metrics: new RegistryTransportMetrics(options.shard.metrics),
      authenticator: this.auth.authenticator,
      tls: options.tls ?? null,
    });
    this.transport = transport;
  }

  /** Serves CQL on an accepted socket. */
  accept(socket: net.Socket): void {
    this.transport.accept(socket);
  }

  /**
   * Creates the initial superuser when PasswordAuthenticator is on and no role exists yet.
   * Call on one shard, once every shard has opened its tables.
   */
  setupDefaultSuperuser(): Promise<void> {
    return this.auth.service.setupDefaultSuperuser();
  }

  /** Closes every client connection (at drain). */
  closeAll(): Promise<void> {
    return this.transport.closeAll();
  }
}
