import { CharybdisError } from '@charybdis/core';
import type { UdtType } from '../types/cql-type';
import { CatalogErrorCodes } from './catalog-error-codes';
import { optionMap, optionString, parseBooleanOption } from './option-values';
import type { RawOptions } from './option-values';
import { parseReplication, requireReplication } from './replication';
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
 * keyspace unless `ctx.system`), `replication` (mandatory; see parseReplication) and
 * `durable_writes` (default true).
 */
export function createKeyspaceMetadata(name: string, options: RawOptions, ctx: ReplicationContext = {}): KeyspaceMetadata {
  checkKeyspaceName(name);
  if (ctx.system !== true) checkUserModifiable(name);
  checkOptionNames(options);
  const replication = parseReplication(name, optionMap('replication', requireReplication(options.replication)), ctx);
  const durable = options.durable_writes;
  const durableWrites = durable === undefined ? true : parseBooleanOption("'durable_writes'", optionString('durable_writes', durable));
  return Object.freeze({ name, replication, durableWrites, userTypes: Object.freeze([]) });
}

/**
 * Applies ALTER KEYSPACE: a new `replication` map replaces the old one (its class is
 * mandatory, as in Cassandra), `durable_writes` is updated when given. System keyspaces
 * cannot be altered.
 */
export function alterKeyspace(keyspace: KeyspaceMetadata, options: RawOptions, ctx: ReplicationContext = {}): KeyspaceMetadata {
  checkUserModifiable(keyspace.name);
  checkOptionNames(options);
  const replication = options.replication === undefined ? keyspace.replication : parseReplication(keyspace.name, optionMap('replication', options.replication), ctx);
  const durableWrites =
    options.durable_writes === undefined ? keyspace.durableWrites : parseBooleanOption("'durable_writes'", optionString('durable_writes', options.durable_writes));
  return Object.freeze({ ...keyspace, replication, durableWrites });
}
