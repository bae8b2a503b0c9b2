import type { Schema } from '@charybdis/schema';
import { SCHEMA_KEYSPACE_NAME, SYSTEM_KEYSPACE_NAME } from '@charybdis/schema';
import type { Permission } from '../parser/ast-auth';
import type { QualifiedName } from '../parser/ast-common';
import type { Statement } from '../parser/statement';
import type { Resource } from './auth-resource';
import { ROOT_DATA, keyspaceResource, tableResource } from './auth-resource';

/** One permission a statement needs on one resource. */
export interface AccessRequirement {
  readonly permission: Permission;
  readonly resource: Resource;
}

/** Keyspaces every role may read: drivers read them on connect (Cassandra's READABLE_SYSTEM_RESOURCES, widened to the keyspace). */
const READABLE_BY_ALL: ReadonlySet<string> = new Set([SYSTEM_KEYSPACE_NAME, SCHEMA_KEYSPACE_NAME, 'system_virtual_schema', 'system_views']);

const NONE: readonly AccessRequirement[] = Object.freeze([]);

/**
 * What a data or schema statement needs under CassandraAuthorizer, as Cassandra's
 * checkAccess methods say: SELECT on the table for SELECT, MODIFY for INSERT, UPDATE,
 * DELETE, BATCH (each table) and TRUNCATE, CREATE on all keyspaces for CREATE KEYSPACE,
 * CREATE on the keyspace for CREATE TABLE/TYPE, ALTER on the table for ALTER TABLE and
 * CREATE/DROP INDEX, ALTER/DROP on the object for ALTER/DROP. USE needs nothing; role and
 * permission statements check their own rules when they run. Computed once per prepared
 * statement; a name the statement does not resolve gives no requirement (preparing it
 * fails with the usual error anyway).
 */
export function accessRequirements(statement: Statement, sessionKeyspace: string | null, schema: Schema): readonly AccessRequirement[] {
  const table = (name: QualifiedName, permission: Permission): AccessRequirement[] => {
    const ks = name.keyspace ?? sessionKeyspace;
    return ks === null ? [] : [{ permission, resource: tableResource(ks, name.name) }];
  };
  const keyspaceOf = (name: QualifiedName, permission: Permission): AccessRequirement[] => {
    const ks = name.keyspace ?? sessionKeyspace;
    return ks === null ? [] : [{ permission, resource: keyspaceResource(ks) }];
  };
  switch (statement.kind) {
    case 'select': {
      const ks = statement.table.keyspace ?? sessionKeyspace;
      return ks !== null && READABLE_BY_ALL.has(ks) ? NONE : table(statement.table, 'select');
    }
    case 'insert':
    case 'update':
    case 'delete':
      return table(statement.table, 'modify');
    case 'truncate':
      return table(statement.table, 'modify');
    case 'batch': {
      const seen = new Map<string, AccessRequirement>();
      for (const s of statement.statements) for (const r of table(s.table, 'modify')) seen.set(r.resource.name, r);
      return [...seen.values()];
    }
    case 'createKeyspace':
      return [{ permission: 'create', resource: ROOT_DATA }];
    case 'alterKeyspace':
      return [{ permission: 'alter', resource: keyspaceResource(statement.keyspace) }];
    case 'createTable':
      return keyspaceOf(statement.table, 'create');
    case 'alterTable':
      return table(statement.table, 'alter');
    case 'createIndex':
      return table(statement.table, 'alter');
    case 'createType':
      return keyspaceOf(statement.type, 'create');
    case 'alterType':
      return keyspaceOf(statement.type, 'alter');
    case 'drop':
      return dropRequirements(statement.target, statement.name, sessionKeyspace, schema);
    default:
      return NONE;
  }
}

function dropRequirements(target: string, name: QualifiedName, sessionKeyspace: string | null, schema: Schema): AccessRequirement[] {
  if (target === 'keyspace') return [{ permission: 'drop', resource: keyspaceResource(name.name) }];
  const ks = name.keyspace ?? sessionKeyspace;
  if (ks === null) return [];
  if (target === 'table') return [{ permission: 'drop', resource: tableResource(ks, name.name) }];
  if (target === 'index') {
    // ALTER on the indexed table, as Cassandra asks; on the keyspace when the index is unknown.
    const base = schema.definition(ks)?.tables.find((t) => t.indexes?.some((i) => i.name === name.name) === true);
    return [{ permission: 'alter', resource: base === undefined ? keyspaceResource(ks) : tableResource(ks, base.name) }];
  }
  return [{ permission: 'drop', resource: keyspaceResource(ks) }];
}
