import { defineSystemTable } from './define-system-table';
import type { SystemTableLayout } from './define-system-table';
import type { TableMetadata } from './table-metadata';

/** The keyspace of roles and permissions (Cassandra's AuthKeyspace). */
export const SYSTEM_AUTH_KEYSPACE_NAME = 'system_auth';

/** Cassandra 4.0's auth tables, the columns cqlsh and the ScyllaDB tests read. */
const LAYOUTS: readonly (readonly [string, string, SystemTableLayout])[] = [
  [
    'roles',
    'role definitions',
    {
      partitionKey: [['role', 'text']],
      columns: [
        ['can_login', 'boolean'],
        ['is_superuser', 'boolean'],
        ['member_of', 'set<text>'],
        ['salted_hash', 'text'],
      ],
    },
  ],
  [
    'role_members',
    'role memberships lookup table',
    { partitionKey: [['role', 'text']], clustering: [['member', 'text']], columns: [] },
  ],
  [
    'role_permissions',
    'permissions granted to db roles',
    { partitionKey: [['role', 'text']], clustering: [['resource', 'text']], columns: [['permissions', 'set<text>']] },
  ],
];

/**
 * The `system_auth` tables by name. They are real tables (written and read through the
 * storage engine like any other, and readable with SELECT); the CQL layer's role manager
 * and authorizer own their content. gc_grace_seconds is Cassandra's 90 days.
 */
export const SYSTEM_AUTH_TABLES: ReadonlyMap<string, TableMetadata> = new Map(
  LAYOUTS.map(([name, comment, layout]) => [name, defineSystemTable(SYSTEM_AUTH_KEYSPACE_NAME, name, comment, layout, 7_776_000)]),
);
