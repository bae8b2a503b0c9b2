/** Roles, users, role grants and permissions (CREATE/ALTER/DROP ROLE|USER, GRANT, REVOKE, LIST). */
import type { PropertyMapEntry } from './ast-common';
import type {
  AlterRoleStatement,
  AlterUserStatement,
  AuthResource,
  AuthStatement,
  CreateRoleStatement,
  CreateUserStatement,
  ListPermissionsStatement,
  ListRolesStatement,
  Permission,
  PermissionGrantStatement,
  RoleGrantStatement,
  RoleOptions,
} from './ast-auth';
import { expectString, parseTypeList } from './parse-function-ddl';
import { parseFunctionName, parseQualifiedName, parseRoleName, parseSimpleName } from './parse-names';
import { parsePropertyMap } from './parse-properties';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

const PERMISSIONS: ReadonlySet<string> = new Set(['create', 'alter', 'drop', 'select', 'modify', 'authorize', 'describe', 'execute']);

/** After CREATE ROLE: `[IF NOT EXISTS] name [WITH option (AND option)*]`. */
export function parseCreateRole(c: TokenCursor): CreateRoleStatement {
  const ifNotExists = c.acceptIfNotExists();
  const role = parseRoleName(c);
  return { kind: 'createRole', role, ifNotExists, options: parseRoleOptions(c) };
}

/** After ALTER ROLE: `[IF EXISTS] name [WITH option (AND option)*]`. */
export function parseAlterRole(c: TokenCursor): AlterRoleStatement {
  const ifExists = c.acceptIfExists();
  const role = parseRoleName(c);
  return { kind: 'alterRole', role, ifExists, options: parseRoleOptions(c) };
}

/** RoleOptions being filled in, one option at a time. */
type MutableRoleOptions = { -readonly [K in keyof RoleOptions]: RoleOptions[K] };

function parseRoleOptions(c: TokenCursor): RoleOptions {
  const options: MutableRoleOptions = {
    password: undefined,
    hashedPassword: undefined,
    login: undefined,
    superuser: undefined,
    options: undefined,
    datacenters: undefined,
  };
  if (!c.acceptWord('with')) return options;
  do parseRoleOption(c, options);
  while (c.acceptWord('and'));
  return options;
}

function parseRoleOption(c: TokenCursor, into: MutableRoleOptions): void {
  const t = c.peek();
  const duplicate = (seen: unknown): void => {
    if (seen !== undefined) throw c.errorAt(t, `Multiple definition for property ${c.display(t)}`);
  };
  if (c.acceptWord('access')) {
    duplicate(into.datacenters);
    into.datacenters = parseDatacenterAccess(c);
    return;
  }
  const hashed = c.acceptWord('hashed');
  const name = c.identifier();
  c.expectPunct('=');
  if (name === 'password') {
    duplicate(hashed ? into.hashedPassword : into.password);
    if (hashed) into.hashedPassword = expectString(c);
    else into.password = expectString(c);
  } else if (!hashed && (name === 'login' || name === 'superuser')) {
    duplicate(into[name]);
    into[name] = expectBoolean(c);
  } else if (!hashed && name === 'options') {
    duplicate(into.options);
    into.options = parsePropertyMap(c) satisfies PropertyMapEntry[];
  } else {
    throw c.errorAt(t, `Unknown role option '${c.display(t)}': expected PASSWORD, HASHED PASSWORD, LOGIN, SUPERUSER, OPTIONS or ACCESS TO DATACENTERS`);
  }
}

/** `TO ALL DATACENTERS` or `TO DATACENTERS {'dc1', …}` (after ACCESS). */
function parseDatacenterAccess(c: TokenCursor): 'all' | string[] {
  c.expectWord('to');
  if (c.acceptWord('all')) {
    c.expectWord('datacenters');
    return 'all';
  }
  c.expectWord('datacenters');
  c.expectPunct('{');
  const datacenters: string[] = [];
  do datacenters.push(expectString(c));
  while (c.acceptPunct(','));
  c.expectPunct('}');
  return datacenters;
}

function expectBoolean(c: TokenCursor): boolean {
  const t = c.peek();
  if (t.kind !== TokenKind.Boolean) throw c.mismatched('BOOLEAN');
  c.next();
  return t.text === 'true';
}

/** After CREATE USER / ALTER USER: `[IF [NOT] EXISTS] name [WITH [HASHED] PASSWORD 'p'] [SUPERUSER | NOSUPERUSER]`. */
export function parseUser(c: TokenCursor, create: boolean): CreateUserStatement | AlterUserStatement {
  const ifClause = create ? c.acceptIfNotExists() : c.acceptIfExists();
  const user = parseRoleName(c);
  let password: string | undefined;
  let hashedPassword: string | undefined;
  if (c.acceptWord('with')) {
    const hashed = c.acceptWord('hashed');
    c.expectWord('password');
    if (hashed) hashedPassword = expectString(c);
    else password = expectString(c);
  }
  let superuser: boolean | undefined;
  if (c.acceptWord('superuser')) superuser = true;
  else if (c.acceptWord('nosuperuser')) superuser = false;
  if (create) return { kind: 'createUser', user, ifNotExists: ifClause, password, hashedPassword, superuser };
  return { kind: 'alterUser', user, ifExists: ifClause, password, hashedPassword, superuser };
}

/** True when GRANT/REVOKE/LIST continues with permissions rather than a role name. */
function atPermissions(c: TokenCursor): boolean {
  const t = c.peek();
  if (t.kind !== TokenKind.Word) return false;
  if (t.text === 'all') return !c.atWord('to', 1) && !c.atWord('from', 1);
  return PERMISSIONS.has(t.text);
}

/** `ALL [PERMISSIONS]` or `perm [PERMISSION] (, perm [PERMISSION])*`. */
function parsePermissions(c: TokenCursor): 'all' | Permission[] {
  if (c.acceptWord('all')) {
    c.acceptWord('permissions');
    return 'all';
  }
  const permissions: Permission[] = [];
  do {
    const t = c.peek();
    if (t.kind !== TokenKind.Word || !PERMISSIONS.has(t.text)) throw c.noViable();
    c.next();
    c.acceptWord('permission');
    permissions.push(t.text as Permission);
  } while (c.acceptPunct(','));
  return permissions;
}

/** After GRANT or REVOKE: permissions ON resource TO|FROM role, or role TO|FROM role. */
export function parseGrantOrRevoke(c: TokenCursor, grant: boolean): PermissionGrantStatement | RoleGrantStatement {
  const preposition = grant ? 'to' : 'from';
  if (!atPermissions(c)) {
    const role = parseRoleName(c);
    c.expectWord(preposition);
    return { kind: grant ? 'grantRole' : 'revokeRole', role, grantee: parseRoleName(c) };
  }
  const permissions = parsePermissions(c);
  c.expectWord('on');
  const resource = parseResource(c);
  c.expectWord(preposition);
  return { kind: grant ? 'grantPermissions' : 'revokePermissions', permissions, resource, role: parseRoleName(c) };
}

/** After LIST: `ROLES [OF r] [NORECURSIVE]`, `USERS`, or `perms [ON resource] [OF r] [NORECURSIVE]`. */
export function parseList(c: TokenCursor): AuthStatement {
  if (c.acceptWord('users')) return { kind: 'listUsers' };
  if (c.acceptWord('roles')) {
    const role = c.acceptWord('of') ? parseRoleName(c) : undefined;
    const statement: ListRolesStatement = { kind: 'listRoles', role, recursive: !c.acceptWord('norecursive') };
    return statement;
  }
  const permissions = parsePermissions(c);
  const resource = c.acceptWord('on') ? parseResource(c) : undefined;
  const role = c.acceptWord('of') ? parseRoleName(c) : undefined;
  const statement: ListPermissionsStatement = { kind: 'listPermissions', permissions, resource, role, recursive: !c.acceptWord('norecursive') };
  return statement;
}

/** A permission's resource: keyspaces, tables, roles, functions, MBeans. */
function parseResource(c: TokenCursor): AuthResource {
  if (c.acceptWord('all')) return parseAllResource(c);
  if (c.acceptWord('keyspace')) return { kind: 'keyspace', keyspace: parseSimpleName(c, 'keyspace') };
  // ROLE, FUNCTION and MBEAN(S) are unreserved: followed by a name they name a resource kind.
  if (c.atWord('role') && !c.atPunct('.', 1) && !c.atWord('to', 1) && !c.atWord('from', 1) && !c.atWord('of', 1)) {
    c.next();
    return { kind: 'role', role: parseRoleName(c) };
  }
  if (c.atWord('function') && (c.isIdentifier(1) || c.atWord('token', 1))) {
    c.next();
    const name = parseFunctionName(c);
    return { kind: 'function', name, argTypes: parseTypeList(c) };
  }
  if ((c.atWord('mbean') || c.atWord('mbeans')) && c.atKind(TokenKind.String, 1)) {
    const pattern = c.next().text === 'mbeans';
    return { kind: 'mbean', name: expectString(c), pattern };
  }
  if (!c.acceptWord('table')) c.acceptWord('columnfamily');
  return { kind: 'table', table: parseQualifiedName(c, 'table') };
}

function parseAllResource(c: TokenCursor): AuthResource {
  if (c.acceptWord('keyspaces')) return { kind: 'allKeyspaces' };
  if (c.acceptWord('roles')) return { kind: 'allRoles' };
  if (c.acceptWord('mbeans')) return { kind: 'allMbeans' };
  if (c.acceptWord('functions')) {
    if (!c.acceptWord('in')) return { kind: 'allFunctions', keyspace: undefined };
    c.expectWord('keyspace');
    return { kind: 'allFunctions', keyspace: parseSimpleName(c, 'keyspace') };
  }
  throw c.mismatched('K_KEYSPACES, K_ROLES, K_FUNCTIONS or K_MBEANS');
}
