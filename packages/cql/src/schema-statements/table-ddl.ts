import { alterTable, createTableMetadata, findColumn, schemaMutations } from '@charybdis/schema';
import type { ColumnDefinition as CatalogColumn, KeyspaceDefinition, KeyspaceMetadata, Schema, TableChange, TableMetadata } from '@charybdis/schema';
import type { Ordering } from '../parser/ast-dml';
import type { AlterTableAction, AlterTableStatement, ColumnDefinition, CreateTableStatement } from '../parser/ast-schema';
import { AlreadyExistsError, effectiveKeyspace, invalidRequest, notSupported } from './ddl-errors';
import { propertiesToRawOptions } from './ddl-properties';
import { resolveDdlType } from './ddl-types';
import { checkUserModifiableKeyspace, existingKeyspace } from './keyspace-ddl';
import type { DdlContext, SchemaChangePlan } from './schema-change-plan';

function catalogColumns(columns: readonly ColumnDefinition[], ks: KeyspaceMetadata): CatalogColumn[] {
  return columns.map((c) => ({ name: c.name, type: resolveDdlType(c.type, ks), static: c.isStatic }));
}

/**
 * CLUSTERING ORDER BY must name clustering columns in their order, and may stop early: the
 * columns after the last one named are ASC (Cassandra 4's checks and messages).
 */
function clusteringWithOrder(clustering: readonly string[], ordering: readonly Ordering[]): { name: string; order: 'ASC' | 'DESC' }[] {
  if (ordering.length > 0) {
    const extra = ordering.filter((o) => !clustering.includes(o.column)).map((o) => o.column);
    if (extra.length > 0) throw invalidRequest(`Only clustering key columns can be defined in CLUSTERING ORDER directive: [${extra.join(', ')}]`);
    const given = new Set(ordering.map((o) => o.column));
    clustering.forEach((name, i) => {
      if (i >= ordering.length) return;
      const at = ordering[i];
      if (at !== undefined && at.column === name) return;
      if (given.has(name) && at !== undefined) {
        throw invalidRequest(`The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns (${name} must appear before ${at.column})`);
      }
      throw invalidRequest(`Missing CLUSTERING ORDER for column ${name}`);
    });
  }
  return clustering.map((name, i) => ({ name, order: ordering[i]?.order === 'desc' ? 'DESC' : 'ASC' }));
}

function tableChangePlan(schema: Schema, before: KeyspaceDefinition, table: TableMetadata, change: 'CREATED' | 'UPDATED', ctx: DdlContext): SchemaChangePlan | null {
  const after = schema.withTable(table);
  const def = after.definition(table.keyspace)!;
  const mutations = schemaMutations(def, ctx.timestampUs, before);
  if (mutations.length === 0) return null;
  return { after, change: { change, target: 'TABLE', keyspace: table.keyspace, name: table.name }, mutations };
}

/** CREATE TABLE; null when it exists and IF NOT EXISTS was given. */
export function planCreateTable(schema: Schema, stmt: CreateTableStatement, sessionKeyspace: string | null, ctx: DdlContext): SchemaChangePlan | null {
  const keyspace = effectiveKeyspace(stmt.table.keyspace, sessionKeyspace);
  const def = existingKeyspace(schema, keyspace);
  checkUserModifiableKeyspace(keyspace);
  if (def.tables.some((t) => t.name === stmt.table.name)) {
    if (stmt.ifNotExists) return null;
    throw new AlreadyExistsError(`Cannot add already existing table "${stmt.table.name}" to keyspace "${keyspace}"`, keyspace, stmt.table.name);
  }
  if (stmt.options.compactStorage) throw notSupported('COMPACT STORAGE tables are not supported (as in Cassandra 4.0)');
  if (stmt.primaryKeys.length > 1) throw invalidRequest('Multiple PRIMARY KEYs specified (exactly one required)');
  const pk = stmt.primaryKeys[0] ?? { partitionKey: [], clustering: [] };
  const table = createTableMetadata({
    keyspace,
    name: stmt.table.name,
    columns: catalogColumns(stmt.columns, def.keyspace),
    partitionKey: pk.partitionKey,
    clustering: clusteringWithOrder(pk.clustering, stmt.options.clusteringOrder),
    options: propertiesToRawOptions(stmt.options.properties),
  });
  return tableChangePlan(schema, def, table, 'CREATED', ctx);
}

function dropTimestamp(action: Extract<AlterTableAction, { kind: 'dropColumns' }>, ctx: DdlContext): bigint {
  if (action.timestamp === undefined) return ctx.timestampUs;
  if (action.timestamp.type !== 'integer') throw invalidRequest(`Invalid timestamp ${action.timestamp.text}: an integer is expected`);
  return BigInt(action.timestamp.text);
}

/** The catalog change of an ALTER TABLE action, with IF [NOT] EXISTS applied; null when nothing is left to do. */
function tableChange(table: TableMetadata, ks: KeyspaceMetadata, action: AlterTableAction, ctx: DdlContext): TableChange | null {
  switch (action.kind) {
    case 'addColumns': {
      const columns = action.ifNotExists ? action.columns.filter((c) => findColumn(table, c.name) === undefined) : action.columns;
      return columns.length === 0 ? null : { kind: 'add', columns: catalogColumns(columns, ks) };
    }
    case 'dropColumns': {
      const columns = action.ifExists ? action.columns.filter((c) => findColumn(table, c) !== undefined) : action.columns;
      return columns.length === 0 ? null : { kind: 'drop', columns, timestampUs: dropTimestamp(action, ctx) };
    }
    case 'renameColumns': {
      const renames = action.ifExists ? action.renames.filter((r) => findColumn(table, r.from) !== undefined) : action.renames;
      return renames.length === 0 ? null : { kind: 'rename', renames };
    }
    case 'withProperties':
      return { kind: 'options', options: propertiesToRawOptions(action.properties) };
    case 'alterColumnType':
      throw invalidRequest('Altering column types is no longer supported');
    case 'dropCompactStorage':
      throw notSupported('DROP COMPACT STORAGE is not supported: there are no COMPACT STORAGE tables');
  }
}

/** ALTER TABLE; null when the table does not exist and IF EXISTS was given, or nothing changes. */
export function planAlterTable(schema: Schema, stmt: AlterTableStatement, sessionKeyspace: string | null, ctx: DdlContext): SchemaChangePlan | null {
  const keyspace = effectiveKeyspace(stmt.table.keyspace, sessionKeyspace);
  const def = schema.definition(keyspace);
  const table = def?.tables.find((t) => t.name === stmt.table.name);
  if (def === undefined || table === undefined) {
    if (stmt.ifExists) return null;
    throw invalidRequest(def === undefined ? `Keyspace '${keyspace}' doesn't exist` : `Table '${keyspace}.${stmt.table.name}' doesn't exist`);
  }
  checkUserModifiableKeyspace(keyspace);
  const change = tableChange(table, def.keyspace, stmt.action, ctx);
  if (change === null) return null;
  return tableChangePlan(schema, def, alterTable(table, change), 'UPDATED', ctx);
}

/** DROP TABLE; null when it does not exist and IF EXISTS was given. */
export function planDropTable(
  schema: Schema,
  name: { readonly keyspace: string | undefined; readonly name: string },
  ifExists: boolean,
  sessionKeyspace: string | null,
  ctx: DdlContext,
): SchemaChangePlan | null {
  const keyspace = effectiveKeyspace(name.keyspace, sessionKeyspace);
  const def = schema.definition(keyspace);
  if (def === undefined || !def.tables.some((t) => t.name === name.name)) {
    if (ifExists) return null;
    throw invalidRequest(def === undefined ? `Keyspace '${keyspace}' doesn't exist` : `Table '${keyspace}.${name.name}' doesn't exist`);
  }
  checkUserModifiableKeyspace(keyspace);
  const after = schema.withoutTable(keyspace, name.name);
  return {
    after,
    change: { change: 'DROPPED', target: 'TABLE', keyspace, name: name.name },
    mutations: schemaMutations(after.definition(keyspace)!, ctx.timestampUs, def),
  };
}
