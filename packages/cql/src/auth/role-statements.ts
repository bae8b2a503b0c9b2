import { mapType, nativeType } from '@charybdis/schema';
import type { ExecutionContext, StatementResult } from '../execution/execution-types';
import type {
  AlterRoleStatement,
  AlterUserStatement,
  CreateRoleStatement,
  CreateUserStatement,
  DropRoleStatement,
  DropUserStatement,
  ListRolesStatement,
  RoleGrantStatement,
  RoleOptions,
} from '../parser/ast-auth';
import { ROOT_ROLES, permissionName, roleResource } from './auth-resource';
import type { AuthService } from './auth-service';
import { unauthorized } from './auth-service';
import { VOID, invalid, listColumns, loggedInUser, rowsResult } from './auth-statement-support';
import { hashPassword, parsePasswordHash } from './password-hash';
import type { RoleRecord } from './role-store';

/** The options of CREATE/ALTER ROLE, or of the legacy USER statements, normalised. */
interface RoleSpec {
  readonly password: string | undefined;
  readonly hashedPassword: string | undefined;
  readonly login: boolean | undefined;
  readonly superuser: boolean | undefined;
}

function specOf(options: RoleOptions): RoleSpec {
  if (options.options !== undefined) throw invalid('PasswordAuthenticator does not support role OPTIONS');
  if (options.datacenters !== undefined) throw invalid('ACCESS TO DATACENTERS is not supported');
  return options;
}

/** The salted hash to store for the spec's password, undefined when it sets none. */
async function saltedHashOf(spec: RoleSpec): Promise<string | undefined> {
  if (spec.password !== undefined && spec.hashedPassword !== undefined) throw invalid('Options PASSWORD and HASHED PASSWORD are mutually exclusive');
  if (spec.hashedPassword !== undefined) {
    try {
      parsePasswordHash(spec.hashedPassword);
    } catch (err) {
      throw invalid(`Invalid HASHED PASSWORD: ${(err as Error).message}`);
    }
    return spec.hashedPassword;
  }
  if (spec.password === undefined) return undefined;
  if (spec.password.length === 0) throw invalid('Password must not be empty');
  return hashPassword(spec.password);
}

async function existing(auth: AuthService, name: string): Promise<RoleRecord> {
  const role = await auth.store.role(name);
  if (role === null) throw invalid(`${name} doesn't exist`);
  return role;
}

/**
 * Role statements with Cassandra's rules (CreateRoleStatement & co): every one needs a
 * logged-in role; CREATE needs CREATE on <all roles> (superuser status: superusers
 * only) and gives the creator ALTER, DROP and AUTHORIZE on the new role; ALTER of
 * another role needs ALTER on it (a role may change its own password only); DROP needs
 * DROP on it and not be one's own role; GRANT/REVOKE of a role need AUTHORIZE on it.
 */
export class RoleStatements {
  constructor(private readonly auth: AuthService) {}

  async create(ctx: ExecutionContext, s: CreateRoleStatement | CreateUserStatement): Promise<StatementResult> {
    const user = loggedInUser(ctx);
    const name = s.kind === 'createRole' ? s.role : s.user;
    const spec: RoleSpec = s.kind === 'createRole' ? specOf(s.options) : { ...s, login: true };
    await this.auth.ensurePermission(user, 'create', ROOT_ROLES);
    if (spec.superuser === true && !(await this.auth.isSuperuser(user))) throw unauthorized('Only superusers can create a role with superuser status');
    if ((await this.auth.store.role(name)) !== null) {
      if (s.ifNotExists) return VOID;
      throw invalid(`${name} already exists`);
    }
    const hash = await saltedHashOf(spec);
    await this.auth.store.createRole(name, spec.login ?? false, spec.superuser ?? false, hash ?? null);
    if (this.auth.enforcesPermissions) {
      const resource = roleResource(name);
      await this.auth.store.grantPermissions(user, resource.name, resource.applicable.map(permissionName));
    }
    await this.auth.changed();
    return VOID;
  }

  async alter(ctx: ExecutionContext, s: AlterRoleStatement | AlterUserStatement): Promise<StatementResult> {
    const user = loggedInUser(ctx);
    const name = s.kind === 'alterRole' ? s.role : s.user;
    const spec: RoleSpec = s.kind === 'alterRole' ? specOf(s.options) : { ...s, login: undefined };
    const role = await this.auth.store.role(name);
    if (role === null) {
      if (s.ifExists) return VOID;
      throw invalid(`${name} doesn't exist`);
    }
    const isSuper = await this.auth.isSuperuser(user);
    if (spec.superuser !== undefined) {
      if (!isSuper) throw unauthorized('Only superusers are allowed to alter superuser status');
      if ((await this.auth.rolesOf(user)).some((r) => r.name === name)) {
        throw unauthorized("You aren't allowed to alter your own superuser status or that of a role granted to you");
      }
    }
    if (!isSuper) {
      if (user === name) {
        if (spec.login !== undefined) throw unauthorized("You aren't allowed to alter login");
      } else {
        await this.auth.ensurePermission(user, 'alter', roleResource(name));
      }
    }
    const hash = await saltedHashOf(spec);
    await this.auth.store.alterRole(name, { canLogin: spec.login, isSuperuser: spec.superuser, saltedHash: hash });
    await this.auth.changed();
    return VOID;
  }

  async drop(ctx: ExecutionContext, s: DropRoleStatement | DropUserStatement): Promise<StatementResult> {
    const user = loggedInUser(ctx);
    const name = s.kind === 'dropRole' ? s.role : s.user;
    await this.auth.ensurePermission(user, 'drop', roleResource(name));
    if (user === name) throw invalid('Cannot DROP primary role for current login');
    const role = await this.auth.store.role(name);
    if (role === null) {
      if (s.ifExists) return VOID;
      throw invalid(`${name} doesn't exist`);
    }
    if (role.isSuperuser && !(await this.auth.isSuperuser(user))) throw unauthorized('Only superusers can drop a role with superuser status');
    await this.auth.store.dropRole(role);
    await this.auth.store.revokeAllOn(roleResource(name).name);
    await this.auth.changed();
    return VOID;
  }

  async grantOrRevoke(ctx: ExecutionContext, s: RoleGrantStatement): Promise<StatementResult> {
    const user = loggedInUser(ctx);
    await this.auth.ensurePermission(user, 'authorize', roleResource(s.role));
    await existing(this.auth, s.role);
    await existing(this.auth, s.grantee);
    const granteeRoles = (await this.auth.rolesOf(s.grantee)).map((r) => r.name);
    if (s.kind === 'grantRole') {
      if (granteeRoles.includes(s.role)) throw invalid(`${s.grantee} is a member of ${s.role}`);
      if ((await this.auth.rolesOf(s.role)).some((r) => r.name === s.grantee)) throw invalid(`${s.role} is a member of ${s.grantee}`);
      await this.auth.store.grantRole(s.role, s.grantee);
    } else {
      const direct = (await existing(this.auth, s.grantee)).memberOf;
      if (!direct.includes(s.role)) throw invalid(`${s.grantee} is not a member of ${s.role}`);
      await this.auth.store.revokeRole(s.role, s.grantee);
    }
    await this.auth.changed();
    return VOID;
  }

  /** LIST ROLES [OF r] [NORECURSIVE]: role, super, login, options. Without DESCRIBE on <all roles>, only one's own roles. */
  async listRoles(ctx: ExecutionContext, s: ListRolesStatement): Promise<StatementResult> {
    const user = loggedInUser(ctx);
    const mayDescribe = await this.auth.hasPermission(user, 'describe', ROOT_ROLES.name);
    let roles: RoleRecord[];
    if (s.role !== undefined) {
      await existing(this.auth, s.role);
      if (!mayDescribe && !(await this.auth.rolesOf(user)).some((r) => r.name === s.role)) {
        throw unauthorized(`You are not authorized to view roles granted to ${s.role}`);
      }
      roles = s.recursive ? await this.auth.rolesOf(s.role) : [await existing(this.auth, s.role)];
    } else {
      roles = mayDescribe ? await this.auth.store.allRoles() : await this.auth.rolesOf(user);
    }
    roles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const columns = listColumns('roles', [
      ['role', nativeType('text')],
      ['super', nativeType('boolean')],
      ['login', nativeType('boolean')],
      ['options', mapType(nativeType('text'), nativeType('text'))],
    ]);
    return rowsResult(columns, roles.map((r) => [r.name, r.isSuperuser, r.canLogin, new Map()]));
  }

  /** LIST USERS: the roles that may log in (name, super). */
  async listUsers(ctx: ExecutionContext): Promise<StatementResult> {
    const user = loggedInUser(ctx);
    const mayDescribe = await this.auth.hasPermission(user, 'describe', ROOT_ROLES.name);
    const roles = (mayDescribe ? await this.auth.store.allRoles() : await this.auth.rolesOf(user)).filter((r) => r.canLogin);
    roles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const columns = listColumns('users', [
      ['name', nativeType('text')],
      ['super', nativeType('boolean')],
    ]);
    const supers = await Promise.all(roles.map((r) => this.auth.isSuperuser(r.name)));
    return rowsResult(columns, roles.map((r, i) => [r.name, supers[i]!]));
  }
}
