import { CharybdisError } from '@charybdis/core';
import { Schema, alterKeyspace, createKeyspaceMetadata, dropKeyspaceMutations, schemaMutations } from '@charybdis/schema';
import type { KeyspaceDefinition } from '@charybdis/schema';
import { ExecutionErrorCodes } from '../execution/execution-types';
import type { AlterKeyspaceStatement, CreateKeyspaceStatement } from '../parser/ast-schema';
import { AlreadyExistsError, invalidRequest } from './ddl-errors';
import { propertiesToRawOptions } from './ddl-properties';
import type { DdlContext, SchemaChangePlan } from './schema-change-plan';

/** Cassandra's refusal of DDL on a local system keyspace (an UnauthorizedException). */
export function checkUserModifiableKeyspace(keyspace: string): void {
  if (Schema.isSystemKeyspace(keyspace)) throw new CharybdisError(ExecutionErrorCodes.UNAUTHORIZED, `${keyspace} keyspace is not user-modifiable.`);
}

/** The definition of an existing keyspace, or Cassandra's "doesn't exist" Invalid error. */
export function existingKeyspace(schema: Schema, keyspace: string): KeyspaceDefinition {
  const def = schema.definition(keyspace);
  if (def === undefined) throw invalidRequest(`Keyspace '${keyspace}' doesn't exist`);
  return def;
}

/** CREATE KEYSPACE; null when it exists and IF NOT EXISTS was given. */
export function planCreateKeyspace(schema: Schema, stmt: CreateKeyspaceStatement, ctx: DdlContext): SchemaChangePlan | null {
  const options = propertiesToRawOptions(stmt.properties);
  if (schema.keyspace(stmt.keyspace) !== undefined) {
    if (stmt.ifNotExists) return null;
    throw new AlreadyExistsError(`Cannot add existing keyspace "${stmt.keyspace}"`, stmt.keyspace, '');
  }
  const keyspace = createKeyspaceMetadata(stmt.keyspace, options, { datacenters: ctx.datacenters });
  const def: KeyspaceDefinition = { keyspace, tables: [] };
  return {
    after: schema.withKeyspace(def),
    change: { change: 'CREATED', target: 'KEYSPACE', keyspace: stmt.keyspace },
    mutations: schemaMutations(def, ctx.timestampUs),
  };
}

/** ALTER KEYSPACE; null when it does not exist and IF EXISTS was given, or nothing changes. */
export function planAlterKeyspace(schema: Schema, stmt: AlterKeyspaceStatement, ctx: DdlContext): SchemaChangePlan | null {
  const options = propertiesToRawOptions(stmt.properties);
  const before = schema.definition(stmt.keyspace);
  if (before === undefined) {
    if (stmt.ifExists) return null;
    throw invalidRequest(`Keyspace '${stmt.keyspace}' doesn't exist`);
  }
  checkUserModifiableKeyspace(stmt.keyspace);
  const def: KeyspaceDefinition = { keyspace: alterKeyspace(before.keyspace, options, { datacenters: ctx.datacenters }), tables: before.tables };
  const mutations = schemaMutations(def, ctx.timestampUs, before);
  if (mutations.length === 0) return null;
  return { after: schema.withKeyspace(def), change: { change: 'UPDATED', target: 'KEYSPACE', keyspace: stmt.keyspace }, mutations };
}

/** DROP KEYSPACE; null when it does not exist and IF EXISTS was given. */
export function planDropKeyspace(schema: Schema, keyspace: string, ifExists: boolean, ctx: DdlContext): SchemaChangePlan | null {
  if (schema.keyspace(keyspace) === undefined) {
    if (ifExists) return null;
    throw invalidRequest(`Keyspace '${keyspace}' doesn't exist`);
  }
  checkUserModifiableKeyspace(keyspace);
  return {
    after: schema.withoutKeyspace(keyspace),
    change: { change: 'DROPPED', target: 'KEYSPACE', keyspace },
    mutations: dropKeyspaceMutations(keyspace, ctx.timestampUs),
  };
}
