import { CharybdisError } from '@charybdis/core';
import type { BoundVariable, QueryOptions } from '../execution/execution-types';
import { ExecutionErrorCodes } from '../execution/execution-types';
import type { WireValue } from '../protocol/frame-reader';
import type { QueryParameters } from '../protocol/request-types';

const NO_VALUES: readonly WireValue[] = Object.freeze([]);

/** Cassandra's (and ScyllaDB's) refusal of a value count that does not match the markers. */
export function checkValueCount(expected: number, received: number): void {
  if (expected !== received) {
    throw new CharybdisError(ExecutionErrorCodes.INVALID, `Invalid amount of bind variables: expected ${expected} received ${received}`);
  }
}

/**
 * The values by marker index. Named values (the Names_for_values flag: cassandra-driver
 * sends them for object parameters) are matched to the bound variables by name, as
 * Cassandra's OptionsWithNames does: a marker's name is its `:name`, or its column's
 * name for `?`.
 */
export function orderValues(params: QueryParameters, variables: readonly BoundVariable[]): readonly WireValue[] {
  const values = params.values ?? NO_VALUES;
  const names = params.names;
  if (names === null) {
    checkValueCount(variables.length, values.length);
    return values;
  }
  const ordered: WireValue[] = [];
  for (const v of variables) {
    const j = names.indexOf(v.name);
    if (j < 0) throw new CharybdisError(ExecutionErrorCodes.INVALID, `Invalid amount of bind variables: no value for the bind variable ${v.name}`);
    ordered.push(values[j]!);
  }
  checkValueCount(variables.length, values.length);
  return ordered;
}

/** The normalised options of a QUERY or EXECUTE with its values placed by marker index. */
export function queryOptions(params: QueryParameters, values: readonly WireValue[]): QueryOptions {
  return {
    consistency: params.consistency,
    values,
    pageSize: params.pageSize,
    pagingState: params.pagingState,
    timestampUs: params.timestamp,
    nowInSeconds: params.nowInSeconds,
  };
}
