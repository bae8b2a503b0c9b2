/**
 * AST of the access-control statements: roles, users (the deprecated spelling of roles),
 * role grants, permissions.
 */
import type { FunctionName, PropertyMapEntry, QualifiedName, RawType } from './ast-common';

/** Options of CREATE/ALTER ROLE; an option not written is undefined. */
export interface RoleOptions {
  readonly password: string | undefined;
  readonly hashedPassword: string | undefined;
  readonly login: boolean | undefined;
  readonly superuser: boolean | undefined;
  readonly options: readonly PropertyMapEntry[] | undefined;
  /** `ACCESS TO ALL DATACENTERS` ('all') or `ACCESS TO DATACENTERS {'dc1', …}`. */
  readonly datacenters: 'all' | readonly string[] | undefined;
}

export interface CreateRoleStatement {
  readonly kind: 'createRole';
  readonly role: string;
  readonly ifNotExists: boolean;
  readonly options: RoleOptions;
}

export interface AlterRoleStatement {
  readonly kind: 'alterRole';
  readonly role: string;
  readonly ifExists: boolean;
  readonly options: RoleOptions;
}

export interface DropRoleStatement {
  readonly kind: 'dropRole';
  readonly role: string;
  readonly ifExists: boolean;
}

/** `CREATE USER name [WITH [HASHED] PASSWORD 'p'] [SUPERUSER | NOSUPERUSER]`. */
export interface CreateUserStatement {
  readonly kind: 'createUser';
  readonly user: string;
  readonly ifNotExists: boolean;
  readonly password: string | undefined;
  readonly hashedPassword: string | undefined;
  readonly superuser: boolean | undefined;
}

export interface AlterUserStatement {
  readonly kind: 'alterUser';
  readonly user: string;
  readonly ifExists: boolean;
  readonly password: string | undefined;
  readonly hashedPassword: string | undefined;
  readonly superuser: boolean | undefined;
}

export interface DropUserStatement {
  readonly kind: 'dropUser';
  readonly user: string;
  readonly ifExists: boolean;
}

/** `GRANT role TO grantee` / `REVOKE role FROM grantee`. */
export interface RoleGrantStatement {
  readonly kind: 'grantRole' | 'revokeRole';
  readonly role: string;
  readonly grantee: string;
}

export type Permission = 'create' | 'alter' | 'drop' | 'select' | 'modify' | 'authorize' | 'describe' | 'execute';

/** The object a permission applies to. */
export type AuthResource =
  | { readonly kind: 'allKeyspaces' }
  | { readonly kind: 'keyspace'; readonly keyspace: string }
  | { readonly kind: 'table'; readonly table: QualifiedName }
  | { readonly kind: 'allRoles' }
  | { readonly kind: 'role'; readonly role: string }
  | { readonly kind: 'allFunctions'; readonly keyspace: string | undefined }
  | { readonly kind: 'function'; readonly name: FunctionName; readonly argTypes: readonly RawType[] }
  | { readonly kind: 'allMbeans' }
  | { readonly kind: 'mbean'; readonly name: string; readonly pattern: boolean };

/** `GRANT perms ON resource TO role` / `REVOKE perms ON resource FROM role`; `'all'` for ALL [PERMISSIONS]. */
export interface PermissionGrantStatement {
  readonly kind: 'grantPermissions' | 'revokePermissions';
  readonly permissions: 'all' | readonly Permission[];
  readonly resource: AuthResource;
  readonly role: string;
}

export interface ListPermissionsStatement {
  readonly kind: 'listPermissions';
  readonly permissions: 'all' | readonly Permission[];
  readonly resource: AuthResource | undefined;
  readonly role: string | undefined;
  readonly recursive: boolean;
}

export interface ListRolesStatement {
  readonly kind: 'listRoles';
  readonly role: string | undefined;
  readonly recursive: boolean;
}

export interface ListUsersStatement {
  readonly kind: 'listUsers';
}

export type AuthStatement =
  | CreateRoleStatement
  | AlterRoleStatement
  | DropRoleStatement
  | CreateUserStatement
  | AlterUserStatement
  | DropUserStatement
  | RoleGrantStatement
  | PermissionGrantStatement
  | ListPermissionsStatement
  | ListRolesStatement
  | ListUsersStatement;
