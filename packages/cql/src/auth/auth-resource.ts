import type { AuthResource, Permission } from '../parser/ast-auth';

/**
 * Resources as Cassandra names them in system_auth.role_permissions and shows them in
 * messages: `data`, `data/ks`, `data/ks/t` (<all keyspaces>, <keyspace ks>, <table ks.t>),
 * `roles`, `roles/r`, `functions`, `functions/ks`. A permission granted on a resource
 * covers its descendants (the name's `/` prefixes are its ancestors).
 */
export interface Resource {
  /** The stored name, e.g. `data/ks/t`. */
  readonly name: string;
  /** As messages show it, e.g. `<table ks.t>`. */
  readonly display: string;
  /** Cassandra's class name, for "Resource type X does not support ..." messages. */
  readonly typeName: 'DataResource' | 'RoleResource' | 'FunctionResource';
  /** What can be granted on it (Cassandra's applicablePermissions). */
  readonly applicable: readonly Permission[];
}

/** Permission names as stored (upper case) and shown. */
export const ALL_PERMISSIONS: readonly Permission[] = ['create', 'alter', 'drop', 'select', 'modify', 'authorize', 'describe', 'execute'];

const ALL_DATA: readonly Permission[] = ['create', 'alter', 'drop', 'select', 'modify', 'authorize'];
const TABLE: readonly Permission[] = ['alter', 'drop', 'select', 'modify', 'authorize'];
const ALL_ROLES: readonly Permission[] = ['create', 'alter', 'drop', 'authorize', 'describe'];
const ROLE: readonly Permission[] = ['alter', 'drop', 'authorize'];
const FUNCTIONS: readonly Permission[] = ['create', 'alter', 'drop', 'authorize', 'execute'];

export const ROOT_DATA: Resource = { name: 'data', display: '<all keyspaces>', typeName: 'DataResource', applicable: ALL_DATA };
export const ROOT_ROLES: Resource = { name: 'roles', display: '<all roles>', typeName: 'RoleResource', applicable: ALL_ROLES };

export function keyspaceResource(keyspace: string): Resource {
  return { name: `data/${keyspace}`, display: `<keyspace ${keyspace}>`, typeName: 'DataResource', applicable: ALL_DATA };
}

export function tableResource(keyspace: string, table: string): Resource {
  return { name: `data/${keyspace}/${table}`, display: `<table ${keyspace}.${table}>`, typeName: 'DataResource', applicable: TABLE };
}

export function roleResource(role: string): Resource {
  return { name: `roles/${role}`, display: `<role ${role}>`, typeName: 'RoleResource', applicable: ROLE };
}

/** The resource a GRANT/REVOKE/LIST names; `sessionKeyspace` qualifies a bare table name. Null for MBeans (not supported). */
export function resourceOf(resource: AuthResource, sessionKeyspace: string | null): Resource | null {
  switch (resource.kind) {
    case 'allKeyspaces':
      return ROOT_DATA;
    case 'keyspace':
      return keyspaceResource(resource.keyspace);
    case 'table':
      return tableResource(resource.table.keyspace ?? sessionKeyspace ?? '', resource.table.name);
    case 'allRoles':
      return ROOT_ROLES;
    case 'role':
      return roleResource(resource.role);
    case 'allFunctions':
      return resource.keyspace === undefined
        ? { name: 'functions', display: '<all functions>', typeName: 'FunctionResource', applicable: FUNCTIONS }
        : { name: `functions/${resource.keyspace}`, display: `<all functions in ${resource.keyspace}>`, typeName: 'FunctionResource', applicable: FUNCTIONS };
    case 'function': {
      const ks = resource.name.keyspace ?? sessionKeyspace ?? '';
      return { name: `functions/${ks}/${resource.name.name}`, display: `<function ${ks}.${resource.name.name}>`, typeName: 'FunctionResource', applicable: FUNCTIONS.filter((p) => p !== 'create') };
    }
    default:
      return null;
  }
}

/** A stored resource name back as a Resource (for LIST PERMISSIONS); unknown shapes are shown as stored. */
export function resourceFromName(name: string): Resource {
  const parts = name.split('/');
  if (parts[0] === 'data') {
    if (parts.length === 1) return ROOT_DATA;
    if (parts.length === 2) return keyspaceResource(parts[1]!);
    return tableResource(parts[1]!, parts.slice(2).join('/'));
  }
  if (parts[0] === 'roles') return parts.length === 1 ? ROOT_ROLES : roleResource(parts.slice(1).join('/'));
  return { name, display: `<${name}>`, typeName: 'FunctionResource', applicable: FUNCTIONS };
}

/** `name` and its ancestors, nearest first: `data/ks/t`, `data/ks`, `data`. */
export function resourceChain(name: string): string[] {
  const chain = [name];
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) chain.push(name.slice(0, i));
  return chain;
}

/** A permission as stored in role_permissions and shown in messages. */
export function permissionName(p: Permission): string {
  return p.toUpperCase();
}
