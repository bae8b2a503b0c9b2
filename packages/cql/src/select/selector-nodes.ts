import { codecFor, nativeType } from '@charybdis/schema';
import type { CqlType } from '@charybdis/schema';
import type { Aggregate, AggregateFunction } from '../functions/aggregate-functions';
import { countRowsAggregate } from '../functions/aggregate-functions';
import type { CastConversion } from '../functions/cast-functions';
import { jsonFormatterFor } from '../functions/json-format';
import type { ScalarFunction } from '../terms';
import type { RowView } from './row-view';
import type { SelectColumn } from './select-table';

/**
 * Prepared selector expressions. A scalar selector computes one value from a row view; an
 * aggregate selector creates per-group aggregation state. Built once at prepare time.
 */
export interface ScalarSelector {
  readonly kind: 'scalar';
  readonly type: CqlType;
  /** Cassandra's generated column name. */
  readonly name: string;
  /** Table columns whose values it reads (for the read's column set). */
  readonly columns: readonly SelectColumn[];
  evaluate(row: RowView): Uint8Array | null;
}

export interface AggregateSelector {
  readonly kind: 'aggregate';
  readonly type: CqlType;
  readonly name: string;
  readonly columns: readonly SelectColumn[];
  /** A fresh aggregation state feeding on `row` values. */
  create(): AggregateState;
}

/** One group's aggregation of one selector. */
export interface AggregateState {
  add(row: RowView): void;
  result(): Uint8Array | null;
}

export type Selector = ScalarSelector | AggregateSelector;

export function columnSelector(column: SelectColumn): ScalarSelector {
  const i = column.index;
  return { kind: 'scalar', type: column.type, name: column.name, columns: [column], evaluate: (row) => row.values[i]! };
}

const BIGINT = codecFor(nativeType('bigint'));
const INT = codecFor(nativeType('int'));
const TEXT = codecFor(nativeType('text'));

export function writetimeSelector(column: SelectColumn): ScalarSelector {
  const i = column.index;
  return {
    kind: 'scalar',
    type: nativeType('bigint'),
    name: `writetime(${column.name})`,
    columns: [column],
    evaluate: (row) => {
      const w = row.writetimesUs[i];
      return w === null || w === undefined ? null : BIGINT.serialize(w);
    },
  };
}

export function ttlSelector(column: SelectColumn): ScalarSelector {
  const i = column.index;
  return {
    kind: 'scalar',
    type: nativeType('int'),
    name: `ttl(${column.name})`,
    columns: [column],
    evaluate: (row) => {
      const t = row.ttlsSeconds[i];
      return t === null || t === undefined ? null : INT.serialize(t);
    },
  };
}

/** token(pk…): the row's partition token. */
export function tokenSelector(pk: readonly SelectColumn[]): ScalarSelector {
  return {
    kind: 'scalar',
    type: nativeType('bigint'),
    name: `system.token(${pk.map((c) => c.name).join(', ')})`,
    columns: pk,
    evaluate: (row) => BIGINT.serialize(row.token),
  };
}

/** A native scalar function (the terms module's table) applied to selector arguments. */
export function functionSelector(fn: ScalarFunction, args: readonly ScalarSelector[], name: string): ScalarSelector {
  const values: (Uint8Array | null)[] = new Array<Uint8Array | null>(args.length).fill(null);
  return {
    kind: 'scalar',
    type: fn.returnType,
    name,
    columns: args.flatMap((a) => a.columns),
    evaluate: (row) => {
      // Reusing the argument array is safe: evaluation is synchronous and not re-entrant.
      for (let i = 0; i < args.length; i++) values[i] = args[i]!.evaluate(row);
      return fn.execute(values, row.nowMs);
    },
  };
}

/** toJson(x): the argument's JSON text. */
export function toJsonSelector(arg: ScalarSelector, name: string): ScalarSelector {
  const format = jsonFormatterFor(arg.type);
  return { kind: 'scalar', type: nativeType('text'), name, columns: arg.columns, evaluate: (row) => TEXT.serialize(format(arg.evaluate(row))) };
}

export function castSelector(arg: ScalarSelector, type: CqlType, conversion: CastConversion, name: string): ScalarSelector {
  return {
    kind: 'scalar',
    type,
    name,
    columns: arg.columns,
    evaluate: (row) => {
      const v = arg.evaluate(row);
      return v === null ? null : conversion(v);
    },
  };
}

export function aggregateSelector(fn: AggregateFunction, arg: ScalarSelector, name: string): AggregateSelector {
  return {
    kind: 'aggregate',
    type: fn.resultType,
    name,
    columns: arg.columns,
    create: () => {
      const agg: Aggregate = fn.create();
      return { add: (row) => agg.add(arg.evaluate(row)), result: () => agg.result() };
    },
  };
}

export function countRowsSelector(): AggregateSelector {
  return {
    kind: 'aggregate',
    type: nativeType('bigint'),
    name: 'count',
    columns: [],
    create: () => {
      const agg = countRowsAggregate();
      return { add: () => agg.add(null), result: () => agg.result() };
    },
  };
}

/** A scalar selector inside an aggregate query: the group's first row's value (Cassandra keeps the first). */
export function firstValueState(selector: ScalarSelector): AggregateState {
  let set = false;
  let value: Uint8Array | null = null;
  return {
    add: (row) => {
      if (set) return;
      set = true;
      value = selector.evaluate(row);
    },
    result: () => value,
  };
}
