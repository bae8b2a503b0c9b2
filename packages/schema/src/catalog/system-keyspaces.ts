import type { KeyspaceMetadata } from './keyspace-metadata';
import { ReplicationStrategies } from './replication';
import type { ReplicationParams } from './replication';
import { SCHEMA_KEYSPACE_NAME, SYSTEM_KEYSPACE_NAME } from './schema-names';
import { SYSTEM_AUTH_KEYSPACE_NAME, SYSTEM_AUTH_TABLES } from './system-auth-tables';
import { SYSTEM_SCHEMA_TABLES } from './system-schema-tables';
import { SYSTEM_TABLES } from './system-tables';
import type { KeyspaceDefinition } from './user-types';

function localKeyspace(name: string): KeyspaceMetadata {
  const replication: ReplicationParams = Object.freeze({ class: ReplicationStrategies.LOCAL });
  return Object.freeze({ name, replication, durableWrites: true, userTypes: Object.freeze([]) });
}

/**
 * The hard-coded keyspaces every Schema holds: `system` (node-local tables),
 * `system_schema` (the schema tables) and `system_auth` (roles and permissions), all
 * with LocalStrategy: a node keeps its own roles until roles travel with the schema
 * (ScyllaDB moved them into Raft group 0 for the same reason).
 */
export const SYSTEM_KEYSPACES: readonly KeyspaceDefinition[] = Object.freeze([
  { keyspace: localKeyspace(SYSTEM_KEYSPACE_NAME), tables: [...SYSTEM_TABLES.values()] },
  { keyspace: localKeyspace(SCHEMA_KEYSPACE_NAME), tables: [...SYSTEM_SCHEMA_TABLES.values()] },
  { keyspace: localKeyspace(SYSTEM_AUTH_KEYSPACE_NAME), tables: [...SYSTEM_AUTH_TABLES.values()] },
]);
