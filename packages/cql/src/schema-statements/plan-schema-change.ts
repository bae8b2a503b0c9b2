import type { Schema } from '@charybdis/schema';
import { planCreateIndex, planDropIndex } from './index-ddl';
import { planAlterKeyspace, planCreateKeyspace, planDropKeyspace } from './keyspace-ddl';
import type { DdlContext, DdlRequest, SchemaChangePlan } from './schema-change-plan';
import { planAlterTable, planCreateTable, planDropTable } from './table-ddl';
import { planAlterType, planCreateType, planDropType } from './type-ddl';

/**
 * Validates one DDL against `schema` and plans it: the schema after it, its SCHEMA_CHANGE
 * and the system_schema writes. Pure (no I/O): the schema service runs it on the shard
 * that serializes DDL. Null when the statement changes nothing (IF [NOT] EXISTS, or an
 * ALTER to the current values): the client then gets a Void result, as from Cassandra.
 */
export function planSchemaChange(schema: Schema, request: DdlRequest, ctx: DdlContext): SchemaChangePlan | null {
  const { statement: s, sessionKeyspace: ks } = request;
  switch (s.kind) {
    case 'createKeyspace':
      return planCreateKeyspace(schema, s, ctx);
    case 'alterKeyspace':
      return planAlterKeyspace(schema, s, ctx);
    case 'createTable':
      return planCreateTable(schema, s, ks, ctx);
    case 'alterTable':
      return planAlterTable(schema, s, ks, ctx);
    case 'createType':
      return planCreateType(schema, s, ks, ctx);
    case 'alterType':
      return planAlterType(schema, s, ks, ctx);
    case 'createIndex':
      return planCreateIndex(schema, s, ks, ctx);
    case 'drop':
      switch (s.target) {
        case 'keyspace':
          return planDropKeyspace(schema, s.name.name, s.ifExists, ctx);
        case 'table':
          return planDropTable(schema, s.name, s.ifExists, ks, ctx);
        case 'type':
          return planDropType(schema, s.name, s.ifExists, ks, ctx);
        case 'index':
          return planDropIndex(schema, s, ks, ctx);
      }
  }
}
