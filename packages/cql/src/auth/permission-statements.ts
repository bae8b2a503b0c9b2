import type { Schema } from '@charybdis/schema';
import { nativeType } from '@charybdis/schema';
import type { ExecutionContext, StatementResult } from '../execution/execution-types';
import type { ListPermissionsStatement, Permission, PermissionGrantStatement } from '../parser/ast-auth';
import type { Resource } from './auth-resource';
import { ALL_PERMISSIONS, permissionName, resourceChain, resourceFromName, resourceOf } from './auth-resource';
import type { AuthService } from './auth-service';
import { unauthorized } from './auth-service';
import { VOID, invalid, listColumns, loggedInUser, rowsResult } from './auth-statement-support';

/** Cassandra's check that a data, role or function resource exists before permissions are granted on it. */
async function checkExists(resource: Resource, schema: Schema, auth: AuthService): Promise<void> {
  const parts = resource.name.split('/');
  let exists = true;
  if (parts[0] === 'data' && parts.length >= 2) {
    exists = parts.length === 2 ? schema.keyspace(parts[1]!) !== undefined : schema.table(parts[1]!, parts[2]!) !== undefined;
  } else if (parts[0] === 'roles' && parts.length === 2) {
    exists = (await auth.store.role(parts[1]!)) !== null;
  } else if (parts[0] === 'functions' && parts.length >= 2) {
    // A keyspace's functions need the keyspace; a single function never exists (no UDFs yet).
    exists = parts.length === 2 && schema.keyspace(parts[1]!) !== undefined;
  }
  if (!exists) throw invalid(`Resource ${resource.display} doesn't exist`);
}

function resourceOrThrow(statement: { resource: Parameters<typeof resourceOf>[0] }, ctx: ExecutionContext): Resource {
  const resource = resourceOf(statement.resource, ctx.session.keyspace);
  if (resource === null) throw invalid('Permissions on MBeans are not supported');
  return resource;
}

/** The permissions named (ALL: those that apply to the resource); InvalidRequest when none applies. */
function permissionsFor(named: 'all' | readonly Permission[], resource: Resource): Permission[] {
  if (named === 'all') return [...resource.applicable];
  const applicable = named.filter((p) => resource.applicable.includes(p));
  if (applicable.length !== named.length) throw invalid(`Resource type ${resource.typeName} does not support any of the requested permissions`);
  return applicable;
}

/**
 * GRANT, REVOKE and LIST of permissions, CassandraAuthorizer's semantics: granting needs
 * AUTHORIZE on the resource and the granted permissions themselves; LIST shows one's own
 * permissions (or a role granted to one), everyone's only to superusers. With
 * AllowAllAuthorizer they are refused as Cassandra refuses them.
 */
export class PermissionStatements {
  constructor(private readonly auth: AuthService) {}

  #requireAuthorizer(operation: string): void {
    if (!this.auth.enforcesPermissions) throw invalid(`${operation} operation is not supported by AllowAllAuthorizer`);
  }

  async grantOrRevoke(ctx: ExecutionContext, s: PermissionGrantStatement): Promise<StatementResult> {
    const user = loggedInUser(ctx);
    const grant = s.kind === 'grantPermissions';
    this.#requireAuthorizer(grant ? 'GRANT' : 'REVOKE');
    const resource = resourceOrThrow(s, ctx);
    const permissions = permissionsFor(s.permissions, resource);
    if ((await this.auth.store.role(s.role)) === null) throw invalid(`Role ${s.role} doesn't exist`);
    await checkExists(resource, ctx.schema, this.auth);
    await this.auth.ensurePermission(user, 'authorize', resource);
    for (const p of permissions) await this.auth.ensurePermission(user, p, resource);
    const names = permissions.map(permissionName);
    if (grant) await this.auth.store.grantPermissions(s.role, resource.name, names);
    else await this.auth.store.revokePermissions(s.role, resource.name, names);
    await this.auth.changed();
    return VOID;
  }

  async list(ctx: ExecutionContext, s: ListPermissionsStatement): Promise<StatementResult> {
    const user = loggedInUser(ctx);
    this.#requireAuthorizer('LIST PERMISSIONS');
    const resource = s.resource === undefined ? null : resourceOrThrow({ resource: s.resource }, ctx);
    if (resource !== null) await checkExists(resource, ctx.schema, this.auth);
    const isSuper = await this.auth.isSuperuser(user);
    let grantees: string[];
    if (s.role === undefined) {
      if (!isSuper) throw unauthorized("You are not authorized to view everyone's permissions");
      grantees = (await this.auth.store.allRoles()).map((r) => r.name);
    } else {
      if ((await this.auth.store.role(s.role)) === null) throw invalid(`${s.role} doesn't exist`);
      if (!isSuper && !(await this.auth.rolesOf(user)).some((r) => r.name === s.role)) {
        throw unauthorized(`You are not authorized to view ${s.role}'s permissions`);
      }
      grantees = s.recursive ? (await this.auth.rolesOf(s.role)).map((r) => r.name) : [s.role];
    }
    const wanted = new Set((s.permissions === 'all' ? ALL_PERMISSIONS : s.permissions).map(permissionName));
    // ON a resource lists grants on it and, recursively, on its parents (what applies to it).
    const resources = resource === null ? null : new Set(s.recursive ? resourceChain(resource.name) : [resource.name]);
    const rows: [string, string, string, string][] = [];
    for (const role of grantees.sort()) {
      const grants = await this.auth.store.permissionsOf(role);
      for (const [name, perms] of [...grants].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (resources !== null && !resources.has(name)) continue;
        for (const p of ALL_PERMISSIONS.map(permissionName)) {
          if (perms.has(p) && wanted.has(p)) rows.push([role, role, resourceFromName(name).display, p]);
        }
      }
    }
    const text = nativeType('text');
    const columns = listColumns('permissions', [
      ['role', text],
      ['username', text],
      ['resource', text],
      ['permission', text],
    ]);
    return rowsResult(columns, rows);
  }
}
