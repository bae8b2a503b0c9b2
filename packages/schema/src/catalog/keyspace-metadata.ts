import { CharybdisError } from '@charybdis/core';
import type { UdtType } from '../types/cql-type';
import { CatalogErrorCodes } from './catalog-error-codes';
import { optionMap, optionString, parseBooleanOption } from './option-values';
import type { RawOptions } from './option-values';
import { checkReplicationAlter, parseReplication, withCreateDefaults } from './replication';
import type { ReplicationContext, ReplicationParams } from './replication';
import { checkKeyspaceName, checkUserModifiable } from './schema-names';

/**
 * A keyspace's definition, as plain immutable data. `userTypes` are the keyspace's type
 * definitions (non-frozen, fields as declared, nested types resolved), sorted by name.
 */
export interface KeyspaceMetadata {
  readonly name: string;
  readonly replication: ReplicationParams;
  readonly durableWrites: boolean;
  readonly userTypes: readonly UdtType[];
}

const KEYSPACE_OPTIONS: ReadonlySet<string> = new Set(['replication', 'durable_writes']);

function checkOptionNames(options: RawOptions): void {
  for (const name of Object.keys(options)) {
    if (!KEYSPACE_OPTIONS.has(name)) throw new CharybdisError(CatalogErrorCodes.UNKNOWN_OPTION, `Unknown property '${name}'`);
  }
}

/**
 * Builds a keyspace from CREATE KEYSPACE: the name (1–48 of [A-Za-z0-9_], not a system
 * keyspace unless `ctx.system`), `replication` (see parseReplication; ScyllaDB's defaults
 * apply when it or its class is missing, see withCreateDefaults) and `durable_writes`
 * (default true).
 */
export function createKeyspaceMetadata(name: string, options: RawOptions, ctx: ReplicationContext = {}): KeyspaceMetadata {
  checkKeyspaceName(name);
  if (ctx.system !== true) checkUserModifiable(name);
  checkOptionNames(options);
  const given = options.replication === undefined ? new Map<string, string>() : optionMap('replication', options.replication);
  const replication = parseReplication(name, withCreateDefaults(given), ctx);
  const durable = options.durable_writes;
  const durableWrites = durable === undefined ? true : parseBooleanOption("'durable_writes'", optionString('durable_writes', durable));
  return Object.freeze({ name, replication, durableWrites, userTypes: Object.freeze([]) });
}

function alteredReplication(keyspace: KeyspaceMetadata, options: ReadonlyMap<string, string>, ctx: ReplicationContext): ReplicationParams {
  const replication = parseReplication(keyspace.name, options, ctx);
  checkReplicationAlter(keyspace.replication, options, replication);
  return replication;
}

/**
 * Applies ALTER KEYSPACE: a new `replication` map replaces the old one (its class is
 * mandatory, as in Cassandra; see checkReplicationAlter for the other rules), `durable_writes`
 * is updated when given. System keyspaces cannot be altered.
 */
export function alterKeyspace(keyspace: KeyspaceMetadata, options: RawOptions, ctx: ReplicationContext = {}): KeyspaceMetadata {
  checkUserModifiable(keyspace.name);
  checkOptionNames(options);
  const replication = options.replication === undefined ? keyspace.replication : alteredReplication(keyspace, optionMap('replication', options.replication), ctx);
  const durableWrites =
    options.durable_writes === undefined ? keyspace.durableWrites : parseBooleanOption("'durable_writes'", optionString('durable_writes', options.durable_writes));
  return Object.freeze({ ...keyspace, replication, durableWrites });
}
