import { RESERVED_KEYSPACE_NAMES } from '@charybdis/schema';
import type { ClientSession } from '../execution/execution-types';
import type { SchemaChange } from '../protocol/response-types';
import type { AccessRequirement } from './access-requirements';
import type { Resource } from './auth-resource';
import { keyspaceResource, permissionName, tableResource } from './auth-resource';
import type { AuthService } from './auth-service';
import { unauthorized } from './auth-service';

/** What the query processor asks before and after running a statement (null when nothing is enforced). */
export interface StatementAccess {
  /** Rejects with Unauthorized unless the session's role holds every requirement. */
  authorize(session: ClientSession, requirements: readonly AccessRequirement[]): Promise<void>;
  /** After a successful DDL: the creator gets ALL on what it created; grants on what was dropped go. */
  onSchemaChange(session: ClientSession, change: SchemaChange): Promise<void>;
}

/** The keyspace of a data resource in a system keyspace (system, system_schema, system_auth…), else null. */
function systemKeyspaceOf(resource: Resource): string | null {
  const parts = resource.name.split('/');
  return parts[0] === 'data' && parts.length >= 2 && RESERVED_KEYSPACE_NAMES.has(parts[1]!) ? parts[1]! : null;
}

function resourceOfChange(change: SchemaChange): Resource | null {
  if (change.target === 'KEYSPACE') return keyspaceResource(change.keyspace);
  if (change.target === 'TABLE') return tableResource(change.keyspace, change.name);
  return null;
}

/**
 * CassandraAuthorizer's checks for data and schema statements, over the shard's
 * AuthService: superusers pass, others need each requirement granted to them or a role
 * they hold, on the resource or a parent; in a system keyspace a non-superuser may only
 * read, whatever was granted (ScyllaDB's rule). Creating a keyspace or table grants its creator
 * every permission that applies to it; dropping one removes every grant on it (Cassandra's
 * grantPermissionsToCreator and revokeAllOn).
 */
export class CassandraAccess implements StatementAccess {
  constructor(private readonly auth: AuthService) {}

  async authorize(session: ClientSession, requirements: readonly AccessRequirement[]): Promise<void> {
    if (requirements.length === 0) return;
    const user = session.user ?? null;
    if (user === null) throw unauthorized('You have not logged in');
    for (const r of requirements) {
      const ks = systemKeyspaceOf(r.resource);
      if (ks !== null && r.permission !== 'select' && r.permission !== 'describe' && !(await this.auth.isSuperuser(user))) {
        // Else MODIFY on ALL KEYSPACES would let a role write system_auth.roles and make itself a superuser.
        throw unauthorized(`${ks} can be granted only SELECT or DESCRIBE permissions to a non-superuser.`);
      }
      await this.auth.ensurePermission(user, r.permission, r.resource);
    }
  }

  async onSchemaChange(session: ClientSession, change: SchemaChange): Promise<void> {
    const resource = resourceOfChange(change);
    if (resource === null) return;
    const user = session.user ?? null;
    if (change.change === 'CREATED' && user !== null) {
      await this.auth.store.grantPermissions(user, resource.name, resource.applicable.map(permissionName));
    } else if (change.change === 'DROPPED') {
      await this.auth.store.revokeAllOn(resource.name);
    } else {
      return;
    }
    await this.auth.changed();
  }
}
