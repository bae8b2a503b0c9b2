import { isMultiCellType, parseCqlType } from '@charybdis/schema';
import type { Schema } from '@charybdis/schema';
import { cqlTypeText } from '../parser/cql-type-text';
import type { SelectStatement, SelectorExpr } from '../parser/ast-dml';
import { aggregateFunction, AGGREGATE_NAMES } from '../functions/aggregate-functions';
import { castColumnName, castConversion } from '../functions/cast-functions';
import { scalarFunction } from '../terms';
import { invalidRequest, notSupported } from './select-errors';
import { quoteName } from './select-table';
import type { SelectColumn, SelectTable } from './select-table';
import {
  aggregateSelector,
  castSelector,
  columnSelector,
  countRowsSelector,
  functionSelector,
  toJsonSelector,
  tokenSelector,
  ttlSelector,
  writetimeSelector,
} from './selector-nodes';
import type { ScalarSelector, Selector } from './selector-nodes';

/** The prepared SELECT clause. */
export interface Selection {
  readonly selectors: readonly Selector[];
  /** Result column names (aliases or generated names), in order. */
  readonly names: readonly string[];
  readonly isAggregate: boolean;
  /** Regular and static columns the selectors read. */
  readonly readColumns: readonly SelectColumn[];
  readonly selectsStatic: boolean;
}

function writetimeOrTtl(table: SelectTable, name: string, which: 'writeTime' | 'ttl'): ScalarSelector {
  const column = table.column(name);
  if (column.kind === 'partition_key' || column.kind === 'clustering') {
    throw invalidRequest(`Cannot use selection function ${which} on PRIMARY KEY part ${quoteName(column.name)}`);
  }
  const stored = table.metadata.columns.find((c) => c.name === column.name)!.type;
  if (isMultiCellType(stored)) {
    throw invalidRequest(`Cannot use selection function ${which} on non-frozen ${stored.kind === 'udt' ? 'UDT' : 'collection'} ${quoteName(column.name)}`);
  }
  return which === 'writeTime' ? writetimeSelector(column) : ttlSelector(column);
}

function scalar(table: SelectTable, schema: Schema, expr: SelectorExpr): ScalarSelector {
  const s = prepareSelector(table, schema, expr);
  if (s.kind !== 'scalar') throw invalidRequest('aggregate functions cannot be used as arguments of aggregate functions');
  return s;
}

function prepareCall(table: SelectTable, schema: Schema, expr: Extract<SelectorExpr, { kind: 'functionCall' }>): Selector {
  const fname = expr.name.name.toLowerCase();
  if (expr.name.keyspace !== undefined && expr.name.keyspace !== 'system') throw invalidRequest(`Unknown function '${expr.name.keyspace}.${fname}'`);
  if (fname === 'token') {
    const names = expr.args.map((a) => (a.kind === 'column' ? table.column(a.name).name : ''));
    const pk = table.partitionKey.map((c) => c.name);
    if (names.length !== pk.length || names.some((n, i) => n !== pk[i])) {
      throw invalidRequest(`Invalid call to function token, none of its type signatures match (known type signatures: system.token(${pk.join(', ')}))`);
    }
    return tokenSelector(table.partitionKey);
  }
  const args = expr.args.map((a) => scalar(table, schema, a));
  const name = `system.${fname}(${args.map((a) => a.name).join(', ')})`;
  if (AGGREGATE_NAMES.has(fname)) {
    if (args.length !== 1) throw invalidRequest(`Invalid number of arguments in call to function system.${fname}: 1 required but ${args.length} provided`);
    const fn = aggregateFunction(fname, args[0]!.type);
    if (fn === undefined) throw invalidRequest(`Invalid call to function system.${fname}: no signature matches an argument of type ${args[0]!.type.kind === 'native' ? args[0]!.type.name : args[0]!.type.kind}`);
    return aggregateSelector(fn, args[0]!, name);
  }
  if (fname === 'tojson') {
    if (args.length !== 1) throw invalidRequest(`toJson() only accepts one argument (got ${args.length})`);
    return toJsonSelector(args[0]!, name);
  }
  const fn = scalarFunction(fname, args.map((a) => a.type));
  if (fn === undefined) throw invalidRequest(`Unknown function '${fname}' for arguments (${args.map((a) => a.name).join(', ')})`);
  return functionSelector(fn, args, name);
}

/** Prepares one selector expression. */
export function prepareSelector(table: SelectTable, schema: Schema, expr: SelectorExpr): Selector {
  switch (expr.kind) {
    case 'column':
      return columnSelector(table.column(expr.name));
    case 'writetime':
      return writetimeOrTtl(table, expr.column, 'writeTime');
    case 'ttl':
      return writetimeOrTtl(table, expr.column, 'ttl');
    case 'countRows':
      return countRowsSelector();
    case 'functionCall':
      return prepareCall(table, schema, expr);
    case 'cast': {
      const arg = scalar(table, schema, expr.arg);
      const ks = schema.keyspace(table.keyspace);
      const to = parseCqlType(cqlTypeText(expr.type), { resolveUdt: (k, n) => (ks?.userTypes ?? []).find((u) => u.name === n && (k === undefined || k === table.keyspace)) });
      const conversion = castConversion(arg.type, to);
      if (conversion === undefined) throw invalidRequest(`${arg.name} cannot be cast to ${cqlTypeText(expr.type)}`);
      return castSelector(arg, to, conversion, castColumnName(arg.name, to));
    }
    default:
      throw notSupported(`The ${expr.kind} selector`);
  }
}

/** Prepares the SELECT clause (`*` = every column in Cassandra's order). */
export function prepareSelection(table: SelectTable, schema: Schema, statement: SelectStatement): Selection {
  const selectors: Selector[] = [];
  const names: string[] = [];
  if (statement.wildcard) {
    for (const c of table.columns) {
      selectors.push(columnSelector(c));
      names.push(c.name);
    }
  } else {
    for (const s of statement.selectors) {
      const sel = prepareSelector(table, schema, s.expr);
      selectors.push(sel);
      names.push(s.alias ?? sel.name);
    }
  }
  const isAggregate = selectors.some((s) => s.kind === 'aggregate');
  const readColumns = [...new Set(selectors.flatMap((s) => s.columns))].filter((c) => c.kind === 'regular' || c.kind === 'static');
  // count(*) counts what SELECT * shows, partitions with only static data included.
  const countsRows = !statement.wildcard && statement.selectors.some((s) => s.expr.kind === 'countRows');
  return { selectors, names, isAggregate, readColumns, selectsStatic: readColumns.some((c) => c.kind === 'static') || (countsRows && table.hasStatic) };
}

/** Cassandra's DISTINCT checks: partition key (all of it) and static columns only. */
export function checkDistinct(table: SelectTable, selection: Selection): void {
  const columns = new Set(selection.selectors.flatMap((s) => s.columns));
  for (const c of columns) {
    if (c.kind !== 'partition_key' && c.kind !== 'static') {
      throw invalidRequest(`SELECT DISTINCT queries must only request partition key columns and/or static columns (not ${quoteName(c.name)})`);
    }
  }
  if (selection.isAggregate) return;
  const missing = table.partitionKey.filter((c) => !columns.has(c));
  if (missing.length > 0) throw invalidRequest(`SELECT DISTINCT queries must request all the partition key columns (missing ${missing.map((c) => quoteName(c.name)).join(', ')})`);
}
