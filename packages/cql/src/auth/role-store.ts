import type { CqlValue } from '@charybdis/schema';
import type { InternalCql, InternalRow } from './internal-cql';

/** One row of system_auth.roles. */
export interface RoleRecord {
  readonly name: string;
  readonly canLogin: boolean;
  readonly isSuperuser: boolean;
  /** Roles granted to this role (directly). */
  readonly memberOf: readonly string[];
  /** The scrypt hash of its password, or null (no password: cannot log in with one). */
  readonly saltedHash: string | null;
}

/** Which columns of a role to change (undefined: unchanged). */
export interface RoleChanges {
  readonly canLogin?: boolean;
  readonly isSuperuser?: boolean;
  readonly saltedHash?: string;
}

const ROLE_COLUMNS = 'role, can_login, is_superuser, member_of, salted_hash';

function roleOf(row: InternalRow): RoleRecord {
  const memberOf = row.get('member_of') as ReadonlySet<string> | null;
  return {
    name: row.get('role') as string,
    canLogin: row.get('can_login') === true,
    isSuperuser: row.get('is_superuser') === true,
    memberOf: memberOf === null ? [] : [...memberOf],
    saltedHash: (row.get('salted_hash') as string | null) ?? null,
  };
}

/**
 * Reads and writes roles, memberships and permissions in the system_auth tables, as
 * Cassandra's CassandraRoleManager and CassandraAuthorizer do: roles(role, can_login,
 * is_superuser, member_of, salted_hash), role_members(role, member) (who holds a role),
 * role_permissions(role, resource, permissions). Every access is an internal CQL statement
 * through the storage proxy. No caching and no checks here (see AuthService).
 */
export class RoleStore {
  constructor(private readonly cql: InternalCql) {}

  async role(name: string): Promise<RoleRecord | null> {
    const rows = await this.cql.execute(`SELECT ${ROLE_COLUMNS} FROM system_auth.roles WHERE role = ?`, [name]);
    return rows.length === 0 ? null : roleOf(rows[0]!);
  }

  /** Every role (a scan: roles are few). */
  async allRoles(): Promise<RoleRecord[]> {
    return (await this.cql.execute(`SELECT ${ROLE_COLUMNS} FROM system_auth.roles`)).map(roleOf);
  }

  /** True when at least one role exists (the default superuser is created only when none does). */
  async anyRoleExists(): Promise<boolean> {
    return (await this.cql.execute('SELECT role FROM system_auth.roles LIMIT 1')).length > 0;
  }

  async createRole(name: string, canLogin: boolean, isSuperuser: boolean, saltedHash: string | null): Promise<void> {
    await this.cql.execute('INSERT INTO system_auth.roles (role, can_login, is_superuser, salted_hash) VALUES (?, ?, ?, ?)', [name, canLogin, isSuperuser, saltedHash]);
  }

  async alterRole(name: string, changes: RoleChanges): Promise<void> {
    const columns: [string, CqlValue | undefined][] = [
      ['can_login', changes.canLogin],
      ['is_superuser', changes.isSuperuser],
      ['salted_hash', changes.saltedHash],
    ];
    const set = columns.filter((c): c is [string, CqlValue] => c[1] !== undefined);
    if (set.length === 0) return;
    const assignments = set.map(([column]) => `${column} = ?`).join(', ');
    await this.cql.execute(`UPDATE system_auth.roles SET ${assignments} WHERE role = ?`, [...set.map(([, v]) => v), name]);
  }

  /** Drops a role with its memberships (both directions) and the permissions granted to it. */
  async dropRole(role: RoleRecord): Promise<void> {
    const members = await this.cql.execute('SELECT member FROM system_auth.role_members WHERE role = ?', [role.name]);
    for (const m of members) await this.revokeRole(role.name, m.get('member') as string);
    for (const granted of role.memberOf) await this.revokeRole(granted, role.name);
    await this.cql.execute('DELETE FROM system_auth.role_permissions WHERE role = ?', [role.name]);
    await this.cql.execute('DELETE FROM system_auth.roles WHERE role = ?', [role.name]);
  }

  async grantRole(role: string, grantee: string): Promise<void> {
    await this.cql.execute('UPDATE system_auth.roles SET member_of = member_of + ? WHERE role = ?', [new Set([role]), grantee]);
    await this.cql.execute('INSERT INTO system_auth.role_members (role, member) VALUES (?, ?)', [role, grantee]);
  }

  async revokeRole(role: string, grantee: string): Promise<void> {
    await this.cql.execute('UPDATE system_auth.roles SET member_of = member_of - ? WHERE role = ?', [new Set([role]), grantee]);
    await this.cql.execute('DELETE FROM system_auth.role_members WHERE role = ? AND member = ?', [role, grantee]);
  }

  /** Permissions granted directly to `role`, by resource name (upper-case permission names). */
  async permissionsOf(role: string): Promise<Map<string, Set<string>>> {
    const rows = await this.cql.execute('SELECT resource, permissions FROM system_auth.role_permissions WHERE role = ?', [role]);
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      const perms = r.get('permissions') as ReadonlySet<string> | null;
      if (perms !== null && perms.size > 0) out.set(r.get('resource') as string, new Set(perms));
    }
    return out;
  }

  async grantPermissions(role: string, resource: string, permissions: readonly string[]): Promise<void> {
    await this.cql.execute('UPDATE system_auth.role_permissions SET permissions = permissions + ? WHERE role = ? AND resource = ?', [new Set(permissions), role, resource]);
  }

  async revokePermissions(role: string, resource: string, permissions: readonly string[]): Promise<void> {
    await this.cql.execute('UPDATE system_auth.role_permissions SET permissions = permissions - ? WHERE role = ? AND resource = ?', [new Set(permissions), role, resource]);
  }

  /** Removes every grant on `resource` and its descendants (the resource was dropped). */
  async revokeAllOn(resource: string): Promise<void> {
    const rows = await this.cql.execute('SELECT role, resource FROM system_auth.role_permissions');
    for (const r of rows) {
      const name = r.get('resource') as string;
      if (name === resource || name.startsWith(`${resource}/`)) {
        await this.cql.execute('DELETE FROM system_auth.role_permissions WHERE role = ? AND resource = ?', [r.get('role') as string, name]);
      }
    }
  }
}
