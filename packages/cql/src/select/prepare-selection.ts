import { cqlTypesEqual, cqlTypeToString, isMultiCellType, parseCqlType, unreversedType } from '@charybdis/schema';
import type { CqlType } from '@charybdis/schema';
import type { Term } from '../parser/ast-common';
import type { TermScope } from '../terms';
import type { SelectTermPreparer } from './select-term-preparer';
import { elementMetadataSelector, elementSelector, fieldMetadataSelector, fieldSelector, subscriptReceiver, subscriptText } from './element-selectors';
import { cqlTypeText } from '../parser/cql-type-text';
import type { SelectStatement, SelectorExpr } from '../parser/ast-dml';
import { aggregateFunction, AGGREGATE_NAMES } from '../functions/aggregate-functions';
import { castColumnName, castConversion } from '../functions/cast-functions';
import { scalarFunction, scalarFunctionOverloads } from '../terms';
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

/** What preparing selectors needs besides the table: the schema and how to prepare subscripts. */
export interface SelectorEnv {
  readonly scope: TermScope;
  readonly terms: SelectTermPreparer;
}

function writetimeOrTtl(table: SelectTable, env: SelectorEnv, expr: Extract<SelectorExpr, { kind: 'writetime' | 'ttl' }>, which: 'writeTime' | 'ttl'): ScalarSelector {
  const name = expr.column;
  const column = table.column(name);
  if (column.kind === 'partition_key' || column.kind === 'clustering') {
    throw invalidRequest(`Cannot use selection function ${which} on PRIMARY KEY part ${quoteName(column.name)}`);
  }
  const stored = table.metadata.columns.find((c) => c.name === column.name)!.type;
  if (expr.field !== undefined) {
    const udt = unreversedType(stored);
    if (udt.kind !== 'udt') throw invalidRequest(`Invalid field selection: ${column.name} of type ${cqlTypeToString(stored)} is not a user type`);
    if (isMultiCellType(stored)) return fieldMetadataSelector(column, udt, expr.field, which);
    // A frozen UDT is one cell: its fields share its write time and TTL (as in Cassandra).
    if (!udt.fields.some((f) => f.name === expr.field)) throw invalidRequest(`${column.name} of type ${cqlTypeToString(stored)} has no field ${expr.field}`);
    const whole = which === 'writeTime' ? writetimeSelector(column) : ttlSelector(column);
    return { ...whole, name: `${which === 'writeTime' ? 'writetime' : 'ttl'}(${column.name}.${expr.field})` };
  }
  if (expr.key !== undefined) {
    if (!isMultiCellType(stored) || (stored.kind !== 'map' && stored.kind !== 'set')) {
      const what = stored.kind === 'list' && isMultiCellType(stored) ? `list ${quoteName(column.name)}: Element selection is only allowed on non-frozen maps and sets` : `column ${quoteName(column.name)} : it is not a non-frozen map or set`;
      throw invalidRequest(`Cannot use selection function ${which} on ${what}`);
    }
    const sub = subscriptReceiver(columnSelector(column));
    const key = env.terms.prepareTerm(expr.key, { keyspace: table.keyspace, table: table.name, name: sub.name, type: sub.type }, env.scope);
    return elementMetadataSelector(column, key, subscriptText(expr.key), which);
  }
  if (isMultiCellType(stored)) {
    throw invalidRequest(`Cannot use selection function ${which} on non-frozen ${stored.kind === 'udt' ? 'UDT' : 'collection'} ${quoteName(column.name)}`);
  }
  return which === 'writeTime' ? writetimeSelector(column) : ttlSelector(column);
}

function scalar(table: SelectTable, env: SelectorEnv, expr: SelectorExpr): ScalarSelector {
  const s = prepareSelector(table, env, expr);
  if (s.kind !== 'scalar') throw invalidRequest('aggregate functions cannot be used as arguments of aggregate functions');
  return s;
}

function prepareCall(table: SelectTable, env: SelectorEnv, expr: Extract<SelectorExpr, { kind: 'functionCall' }>): Selector {
  const fname = expr.name.name.toLowerCase();
  if (expr.name.keyspace !== undefined && expr.name.keyspace !== 'system') throw invalidRequest(`Unknown function '${expr.name.keyspace}.${fname}'`);
  if (fname === 'token') {
    const names = expr.args.map((a) => (a.kind === 'column' ? table.column(a.name).name : ''));
    const pk = table.partitionKey.map((c) => c.name);
    if (names.length !== pk.length) {
      throw invalidRequest(`Invalid number of arguments in call to function system.token: ${pk.length} required but ${names.length} provided`);
    }
    names.forEach((n, i) => {
      const arg = table.find(n);
      const want = table.partitionKey[i]!.type;
      if (arg !== undefined && cqlTypeToString(arg.type) !== cqlTypeToString(want)) {
        throw invalidRequest(`Type error: ${n} cannot be passed as argument ${i} of function system.token of type ${cqlTypeToString(want)}`);
      }
    });
    if (names.some((n, i) => n !== pk[i])) {
      throw invalidRequest(`Invalid call to function token, none of its type signatures match (known type signatures: system.token(${pk.join(', ')}))`);
    }
    return tokenSelector(table.partitionKey);
  }
  if (expr.args.some((a) => a.kind === 'term') && !AGGREGATE_NAMES.has(fname) && fname !== 'tojson') return callWithTerms(table, env, fname, expr.args);
  const args = expr.args.map((a) => scalar(table, env, a));
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
  if (fn === undefined) throw noMatchingOverload(fname, args);
  return functionSelector(fn, args, name);
}

/** Cassandra's "Type error" naming the first argument that does not fit the (first) overload of this arity. */
function noMatchingOverload(fname: string, args: readonly ScalarSelector[]): Error {
  const candidate = scalarFunctionOverloads(fname).find((f) => f.argTypes.length === args.length);
  if (candidate !== undefined) {
    const i = args.findIndex((a, k) => !cqlTypesEqual(a.type, candidate.argTypes[k]!));
    if (i >= 0) {
      return invalidRequest(`Type error: ${args[i]!.name} cannot be passed as argument ${i} of function system.${fname} of type ${cqlTypeToString(candidate.argTypes[i]!)}`);
    }
  }
  return invalidRequest(`Unknown function '${fname}' for arguments (${args.map((a) => a.name).join(', ')})`);
}

/**
 * A scalar function whose arguments include literals or bind markers (`tinyintAsBlob(4)`,
 * `f(c, ?)`): the first overload of this arity that the column arguments match exactly
 * and the terms can be assigned to; each term is prepared against its parameter type.
 */
function callWithTerms(table: SelectTable, env: SelectorEnv, fname: string, exprs: readonly SelectorExpr[]): ScalarSelector {
  const columnArgs = exprs.map((a) => (a.kind === 'term' ? undefined : scalar(table, env, a)));
  const overloads = scalarFunctionOverloads(fname).filter((f) => f.argTypes.length === exprs.length);
  if (overloads.length === 0) throw invalidRequest(`Unknown function '${fname}'`);
  let lastError: Error | undefined;
  for (const fn of overloads) {
    if (columnArgs.some((a, i) => a !== undefined && !cqlTypesEqual(a.type, fn.argTypes[i]!))) continue;
    try {
      const args = exprs.map((a, i) => columnArgs[i] ?? termSelector(env, table, (a as Extract<SelectorExpr, { kind: 'term' }>).term, fn.argTypes[i]!, `arg${i}(system.${fname})`));
      return functionSelector(fn, args, `system.${fname}(${args.map((a) => a.name).join(', ')})`);
    } catch (e) {
      // This overload does not take these terms; the next one may (the last failure is reported).
      lastError = e instanceof Error ? e : new Error(String(e));
    }
  }
  if (lastError !== undefined) throw lastError;
  throw noMatchingOverload(fname, columnArgs.map((a, i) => a ?? termSelector(env, table, (exprs[i] as Extract<SelectorExpr, { kind: 'term' }>).term, overloads[0]!.argTypes[i]!, `arg${i}`)));
}

/** A literal or bind marker as a selector of type `type`. */
function termSelector(env: SelectorEnv, table: SelectTable, term: Term, type: CqlType, receiverName: string): ScalarSelector {
  const prepared = env.terms.prepareTerm(term, { keyspace: table.keyspace, table: table.name, name: receiverName, type }, env.scope);
  const name = subscriptText(term);
  if (prepared.constant) {
    const v = prepared.bind([], 0);
    const value = v === 'unset' ? null : v;
    return { kind: 'scalar', type, name, columns: [], evaluate: () => value };
  }
  return {
    kind: 'scalar',
    type,
    name,
    columns: [],
    evaluate: (row) => {
      const v = prepared.bind(row.params, row.nowMs);
      return v === 'unset' ? null : v;
    },
  };
}

/** Prepares one selector expression. */
export function prepareSelector(table: SelectTable, env: SelectorEnv, expr: SelectorExpr): Selector {
  switch (expr.kind) {
    case 'column':
      return columnSelector(table.column(expr.name));
    case 'writetime':
      return writetimeOrTtl(table, env, expr, 'writeTime');
    case 'ttl':
      return writetimeOrTtl(table, env, expr, 'ttl');
    case 'element': {
      const receiver = scalar(table, env, expr.receiver);
      const sub = subscriptReceiver(receiver);
      const key = env.terms.prepareTerm(expr.key, { keyspace: table.keyspace, table: table.name, name: sub.name, type: sub.type }, env.scope);
      return elementSelector(receiver, key, subscriptText(expr.key));
    }
    case 'field':
      return fieldSelector(scalar(table, env, expr.receiver), expr.field);
    case 'countRows':
      return countRowsSelector();
    case 'functionCall':
      return prepareCall(table, env, expr);
    case 'cast': {
      const arg = scalar(table, env, expr.arg);
      const ks = env.scope.schema.keyspace(table.keyspace);
      const to = parseCqlType(cqlTypeText(expr.type), { resolveUdt: (k, n) => (ks?.userTypes ?? []).find((u) => u.name === n && (k === undefined || k === table.keyspace)) });
      // Cassandra drops a cast to the argument's own type (the column keeps its name).
      if (cqlTypesEqual(arg.type, to)) return arg;
      const conversion = castConversion(arg.type, to);
      if (conversion === undefined) throw invalidRequest(`${arg.name} cannot be cast to ${cqlTypeText(expr.type)}`);
      return castSelector(arg, to, conversion, castColumnName(arg.name, to));
    }
    default:
      throw notSupported(`The ${expr.kind} selector`);
  }
}

/** Prepares the SELECT clause (`*` = every column in Cassandra's order). */
export function prepareSelection(table: SelectTable, env: SelectorEnv, statement: SelectStatement): Selection {
  const selectors: Selector[] = [];
  const names: string[] = [];
  if (statement.wildcard) {
    for (const c of table.wildcardColumns) {
      selectors.push(columnSelector(c));
      names.push(c.name);
    }
  } else {
    for (const s of statement.selectors) {
      const sel = prepareSelector(table, env, s.expr);
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

/**
 * Cassandra's DISTINCT checks: partition key and static columns only; all of the partition
 * key unless the partitions are given by key (`k = …`/`k IN …`: no range to group).
 */
export function checkDistinct(table: SelectTable, selection: Selection, partitionsByKey: boolean): void {
  const columns = new Set(selection.selectors.flatMap((s) => s.columns));
  for (const c of columns) {
    if (c.kind !== 'partition_key' && c.kind !== 'static') {
      throw invalidRequest(`SELECT DISTINCT queries must only request partition key columns and/or static columns (not ${quoteName(c.name)})`);
    }
  }
  if (selection.isAggregate || partitionsByKey) return;
  const missing = table.partitionKey.filter((c) => !columns.has(c));
  if (missing.length > 0) throw invalidRequest(`SELECT DISTINCT queries must request all the partition key columns (missing ${missing.map((c) => quoteName(c.name)).join(', ')})`);
}
