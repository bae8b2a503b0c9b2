import { addIndex, dropIndex, schemaMutations, tableOfIndex } from '@charybdis/schema';
import type { IndexTargetSpec, Schema, TableMetadata } from '@charybdis/schema';
import type { CreateIndexStatement, DropStatement, IndexTarget } from '../parser/ast-schema';
import { effectiveKeyspace, invalidRequest } from './ddl-errors';
import { checkUserModifiableKeyspace, existingKeyspace } from './keyspace-ddl';
import type { DdlContext, SchemaChangePlan } from './schema-change-plan';

/*
 * Secondary indexes are schema only for now: CREATE INDEX records the index in the table's
 * metadata (system_schema.indexes) and a query restricted on an indexed column is answered
 * by a filtered scan (src/select) — exact results, at the cost of reading every partition
 * in range (O(data)), like ALLOW FILTERING. There is no index table to build or maintain.
 */

function targetSpec(target: IndexTarget): IndexTargetSpec {
  if (target.kind === 'partitionKey') {
    throw invalidRequest('Local secondary indexes (a partition key target) are not supported: indexes are answered by a filtered scan');
  }
  return { kind: target.kind, column: target.column };
}

/** A plan writing `table` (an index added or removed) as a TABLE UPDATED change, as Cassandra announces index DDL. */
function indexChangePlan(schema: Schema, table: TableMetadata, ctx: DdlContext): SchemaChangePlan | null {
  const before = schema.definition(table.keyspace)!;
  const after = schema.withTable(table);
  const mutations = schemaMutations(after.definition(table.keyspace)!, ctx.timestampUs, before);
  if (mutations.length === 0) return null;
  return { after, change: { change: 'UPDATED', target: 'TABLE', keyspace: table.keyspace, name: table.name }, mutations };
}

/** CREATE INDEX; null when it exists and IF NOT EXISTS was given. */
export function planCreateIndex(schema: Schema, stmt: CreateIndexStatement, sessionKeyspace: string | null, ctx: DdlContext): SchemaChangePlan | null {
  const keyspace = effectiveKeyspace(stmt.table.keyspace, sessionKeyspace);
  const def = existingKeyspace(schema, keyspace);
  checkUserModifiableKeyspace(keyspace);
  const table = def.tables.find((t) => t.name === stmt.table.name);
  if (table === undefined) throw invalidRequest(`Table '${keyspace}.${stmt.table.name}' doesn't exist`);
  if (stmt.custom || stmt.using !== undefined) throw invalidRequest(`Non-supported custom class '${stmt.using ?? ''}' provided`);
  const targets = stmt.targets.map(targetSpec);
  const indexed = addIndex(table, def.tables, { name: stmt.name, targets }, stmt.ifNotExists);
  return indexed === null ? null : indexChangePlan(schema, indexed, ctx);
}

/** DROP INDEX [IF EXISTS] [ks.]name; null when it does not exist and IF EXISTS was given. */
export function planDropIndex(schema: Schema, stmt: DropStatement, sessionKeyspace: string | null, ctx: DdlContext): SchemaChangePlan | null {
  const keyspace = effectiveKeyspace(stmt.name.keyspace, sessionKeyspace);
  const def = schema.definition(keyspace);
  const table = def === undefined ? undefined : tableOfIndex(def.tables, stmt.name.name);
  if (table === undefined) {
    if (stmt.ifExists) return null;
    throw invalidRequest(`Index '${keyspace}.${stmt.name.name}' doesn't exist`);
  }
  checkUserModifiableKeyspace(keyspace);
  return indexChangePlan(schema, dropIndex(table, stmt.name.name), ctx);
}
