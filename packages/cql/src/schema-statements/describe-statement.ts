import {
  DESCRIBE_SKIPPED_KEYSPACES,
  codecFor,
  describeIndex,
  describeKeyspace,
  describeModelOf,
  describeTable,
  describeType,
  nativeType,
  orderTypes,
  quoteIdentifier,
} from '@charybdis/schema';
import type { KeyspaceSchema, Schema } from '@charybdis/schema';
import type { PreparedStatement, StatementResult } from '../execution/execution-types';
import type { DescribeStatement } from '../parser/ast-schema';
import type { ColumnSpec } from '../protocol/result-metadata';
import { invalidRequest, notSupported } from './ddl-errors';

const TEXT = nativeType('text');
const TEXT_CODEC = codecFor(TEXT);
const column = (name: string): ColumnSpec => ({ keyspace: '', table: 'describe', name, type: TEXT });
/** Rows of a listing (KEYSPACES, TABLES, TYPES): Cassandra 4.0's columns. */
const LIST_COLUMNS: readonly ColumnSpec[] = ['keyspace_name', 'type', 'name'].map(column);
/** Rows of an element's CQL: the listing's columns and the statement that recreates it. */
const ELEMENT_COLUMNS: readonly ColumnSpec[] = ['keyspace_name', 'type', 'name', 'create_statement'].map(column);

type Row = readonly string[];

/** A Rows result; keyspace_name and name are written as CQL would take them (quoted when needed), as Cassandra 4.0 does. */
function result(columns: readonly ColumnSpec[], rows: readonly Row[]): StatementResult {
  const cell = (v: string, i: number): string => (i === 0 || i === 2 ? quoteIdentifier(v) : v);
  return { kind: 'rows', columns, rows: rows.map((r) => r.map((v, i) => TEXT_CODEC.serialize(cell(v, i)))), pagingState: null };
}

function byName(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The rows of DESCRIBE KEYSPACE: the keyspace, its types (dependencies first), each table and its indexes. */
function keyspaceRows(model: KeyspaceSchema, only: boolean): Row[] {
  const ks = model.keyspace.keyspace_name;
  const rows: Row[] = [[ks, 'keyspace', ks, describeKeyspace(model.keyspace)]];
  if (only) return rows;
  for (const t of orderTypes(model.types)) rows.push([ks, 'type', t.type_name, describeType(t)]);
  for (const t of [...model.tables].sort((a, b) => byName(a.table_name, b.table_name))) rows.push(...tableRows(model, t.table_name));
  return rows;
}

function tableRows(model: KeyspaceSchema, table: string): Row[] {
  const ks = model.keyspace.keyspace_name;
  const t = model.tables.find((x) => x.table_name === table)!;
  const rows: Row[] = [[ks, 'table', table, describeTable(t, model.columns)]];
  for (const i of model.indexes.filter((x) => x.table_name === table).sort((a, b) => byName(a.index_name, b.index_name))) {
    rows.push([ks, 'index', i.index_name, describeIndex(i)]);
  }
  return rows;
}

/** The keyspaces by name: every one (listings, FULL SCHEMA), or the user's (SCHEMA). */
function describedKeyspaces(schema: Schema, withSystem: boolean): KeyspaceSchema[] {
  return schema
    .keyspaceNames()
    .filter((n) => withSystem || !DESCRIBE_SKIPPED_KEYSPACES.has(n))
    .sort(byName)
    .map((n) => describeModelOf(schema.definition(n)!));
}

function modelOf(schema: Schema, keyspace: string): KeyspaceSchema {
  const def = schema.definition(keyspace);
  if (def === undefined) throw invalidRequest(`'${keyspace}' not found in keyspaces`);
  return describeModelOf(def);
}

function sessionKeyspace(name: string | undefined, session: string | null): string {
  const ks = name ?? session;
  if (ks === null || ks === '') throw invalidRequest('No keyspace specified and no current keyspace');
  return ks;
}

/** The rows DESCRIBE answers, against one schema snapshot. */
export function describeRows(statement: DescribeStatement, sessionKs: string | null, schema: Schema): StatementResult {
  const target = statement.target;
  switch (target.kind) {
    case 'schema':
      return result(ELEMENT_COLUMNS, describedKeyspaces(schema, statement.full).flatMap((m) => keyspaceRows(m, false)));
    case 'keyspaces':
      return result(LIST_COLUMNS, describedKeyspaces(schema, true).map((m) => [m.keyspace.keyspace_name, 'keyspace', m.keyspace.keyspace_name]));
    case 'tables':
    case 'types': {
      const kind = target.kind === 'tables' ? 'table' : 'type';
      const models = sessionKs === null || sessionKs === '' ? describedKeyspaces(schema, true) : [modelOf(schema, sessionKs)];
      return result(
        LIST_COLUMNS,
        models.flatMap((m) => {
          const names = kind === 'table' ? m.tables.map((t) => t.table_name) : m.types.map((t) => t.type_name);
          return names.sort(byName).map((n): Row => [m.keyspace.keyspace_name, kind, n]);
        }),
      );
    }
    case 'functions':
    case 'aggregates':
      return result(LIST_COLUMNS, []); // no user-defined functions or aggregates
    case 'keyspace':
      return result(ELEMENT_COLUMNS, keyspaceRows(modelOf(schema, sessionKeyspace(target.keyspace, sessionKs)), target.only));
    case 'table': {
      const model = modelOf(schema, sessionKeyspace(target.name.keyspace, sessionKs));
      if (!model.tables.some((t) => t.table_name === target.name.name)) {
        throw invalidRequest(`'${target.name.name}' not found in keyspace '${model.keyspace.keyspace_name}'`);
      }
      return result(ELEMENT_COLUMNS, tableRows(model, target.name.name));
    }
    case 'type': {
      const model = modelOf(schema, sessionKeyspace(target.name.keyspace, sessionKs));
      const t = model.types.find((x) => x.type_name === target.name.name);
      if (t === undefined) throw invalidRequest(`User defined type '${target.name.name}' not found in '${model.keyspace.keyspace_name}'`);
      return result(ELEMENT_COLUMNS, [[model.keyspace.keyspace_name, 'type', t.type_name, describeType(t)]]);
    }
    case 'index': {
      const model = modelOf(schema, sessionKeyspace(target.name.keyspace, sessionKs));
      const i = model.indexes.find((x) => x.index_name === target.name.name);
      if (i === undefined) throw invalidRequest(`Index '${target.name.name}' not found in '${model.keyspace.keyspace_name}'`);
      return result(ELEMENT_COLUMNS, [[model.keyspace.keyspace_name, 'index', i.index_name, describeIndex(i)]]);
    }
    case 'element': {
      const { keyspace, name } = target.name;
      if (keyspace === undefined && schema.definition(name) !== undefined) return result(ELEMENT_COLUMNS, keyspaceRows(modelOf(schema, name), false));
      const model = modelOf(schema, sessionKeyspace(keyspace, sessionKs));
      if (model.tables.some((t) => t.table_name === name)) return result(ELEMENT_COLUMNS, tableRows(model, name));
      const i = model.indexes.find((x) => x.index_name === name);
      if (i !== undefined) return result(ELEMENT_COLUMNS, [[model.keyspace.keyspace_name, 'index', i.index_name, describeIndex(i)]]);
      throw invalidRequest(`'${name}' not found in keyspace '${model.keyspace.keyspace_name}'`);
    }
    case 'cluster':
      throw notSupported('DESCRIBE CLUSTER is not supported by the server yet');
  }
}

/** DESCRIBE, prepared against the schema of its session: answered from that snapshot. */
export function prepareDescribe(statement: DescribeStatement, keyspace: string | null, schema: Schema): PreparedStatement {
  const columns = statement.target.kind === 'keyspaces' || statement.target.kind === 'tables' || statement.target.kind === 'types' || statement.target.kind === 'functions' || statement.target.kind === 'aggregates' ? LIST_COLUMNS : ELEMENT_COLUMNS;
  return {
    statementKind: statement.kind,
    boundVariables: [],
    partitionKeyBindIndexes: [],
    resultColumns: columns,
    keyspace,
    table: null,
    execute: () => Promise.resolve(describeRows(statement, keyspace, schema)),
  };
}
