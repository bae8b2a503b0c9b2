import { alterUserType, createUserType, dropUserType, schemaMutations } from '@charybdis/schema';
import type { KeyspaceDefinition, Schema, UserTypeChange } from '@charybdis/schema';
import type { QualifiedName } from '../parser/ast-common';
import type { AlterTypeStatement, CreateTypeStatement } from '../parser/ast-schema';
import type { SchemaChangeType } from '../protocol/response-types';
import { effectiveKeyspace, invalidRequest } from './ddl-errors';
import { resolveDdlType } from './ddl-types';
import { checkUserModifiableKeyspace, existingKeyspace } from './keyspace-ddl';
import type { DdlContext, SchemaChangePlan } from './schema-change-plan';

function typePlan(schema: Schema, before: KeyspaceDefinition, after: KeyspaceDefinition, name: string, change: SchemaChangeType, ctx: DdlContext): SchemaChangePlan | null {
  const mutations = schemaMutations(after, ctx.timestampUs, before);
  if (mutations.length === 0) return null;
  return { after: schema.withKeyspace(after), change: { change, target: 'TYPE', keyspace: after.keyspace.name, name }, mutations };
}

/** CREATE TYPE; null when it exists and IF NOT EXISTS was given. */
export function planCreateType(schema: Schema, stmt: CreateTypeStatement, sessionKeyspace: string | null, ctx: DdlContext): SchemaChangePlan | null {
  const keyspace = effectiveKeyspace(stmt.type.keyspace, sessionKeyspace);
  const def = existingKeyspace(schema, keyspace);
  checkUserModifiableKeyspace(keyspace);
  if (stmt.ifNotExists && def.keyspace.userTypes.some((t) => t.name === stmt.type.name)) return null;
  const fields = stmt.fields.map((f) => ({ name: f.name, type: resolveDdlType(f.type, def.keyspace) }));
  const after = { keyspace: createUserType(def.keyspace, stmt.type.name, fields), tables: def.tables };
  return typePlan(schema, def, after, stmt.type.name, 'CREATED', ctx);
}

function typeChange(def: KeyspaceDefinition, stmt: AlterTypeStatement): UserTypeChange | null {
  const type = def.keyspace.userTypes.find((t) => t.name === stmt.type.name)!;
  const action = stmt.action;
  switch (action.kind) {
    case 'addField':
      if (action.ifNotExists && type.fields.some((f) => f.name === action.field.name)) return null;
      return { kind: 'add', field: { name: action.field.name, type: resolveDdlType(action.field.type, def.keyspace) } };
    case 'renameFields': {
      const renames = action.ifExists ? action.renames.filter((r) => type.fields.some((f) => f.name === r.from)) : action.renames;
      return renames.length === 0 ? null : { kind: 'rename', renames };
    }
    case 'alterFieldType':
      throw invalidRequest('Altering field types is no longer supported');
  }
}

/** ALTER TYPE; null when the type does not exist and IF EXISTS was given, or nothing changes. */
export function planAlterType(schema: Schema, stmt: AlterTypeStatement, sessionKeyspace: string | null, ctx: DdlContext): SchemaChangePlan | null {
  const keyspace = effectiveKeyspace(stmt.type.keyspace, sessionKeyspace);
  const def = schema.definition(keyspace);
  if (def === undefined || !def.keyspace.userTypes.some((t) => t.name === stmt.type.name)) {
    if (stmt.ifExists) return null;
    throw invalidRequest(def === undefined ? `Keyspace '${keyspace}' doesn't exist` : `Type '${keyspace}.${stmt.type.name}' doesn't exist`);
  }
  checkUserModifiableKeyspace(keyspace);
  const change = typeChange(def, stmt);
  if (change === null) return null;
  return typePlan(schema, def, alterUserType(def, stmt.type.name, change), stmt.type.name, 'UPDATED', ctx);
}

/** DROP TYPE; null when it does not exist and IF EXISTS was given. */
export function planDropType(schema: Schema, name: QualifiedName, ifExists: boolean, sessionKeyspace: string | null, ctx: DdlContext): SchemaChangePlan | null {
  const keyspace = effectiveKeyspace(name.keyspace, sessionKeyspace);
  const def = schema.definition(keyspace);
  if (def === undefined || !def.keyspace.userTypes.some((t) => t.name === name.name)) {
    if (ifExists) return null;
    throw invalidRequest(def === undefined ? `Keyspace '${keyspace}' doesn't exist` : `Type '${keyspace}.${name.name}' doesn't exist`);
  }
  checkUserModifiableKeyspace(keyspace);
  const after = { keyspace: dropUserType(def, name.name), tables: def.tables };
  return typePlan(schema, def, after, name.name, 'DROPPED', ctx);
}
