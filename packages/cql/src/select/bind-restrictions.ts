import { BOTTOM_BOUND, murmur3Token, TOP_BOUND } from '@charybdis/schema';
import type { ClusteringBound, ClusteringComparator } from '@charybdis/schema';
import type { ClusteringSlice } from '@charybdis/storage';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm } from '../terms/term-types';
import { invalidRequest } from './select-errors';
import { serializePartitionKey } from './select-table';
import type { SelectColumn, SelectTable } from './select-table';
import type { ClusteringRestriction, PartitionRestriction, SliceBound, ValueSource } from './restriction-types';

/** The most partition keys an `IN` cartesian product may name (ScyllaDB's max_partition_key_restrictions_per_query). */
export const MAX_PARTITION_KEYS_PER_QUERY = 100;
/** The most clustering prefixes an `IN` cartesian product may name (ScyllaDB's max_clustering_key_restrictions_per_query). */
export const MAX_CLUSTERING_PREFIXES_PER_QUERY = 100;

/** The largest partition key component (its length is a u16 in composite keys and SSTables). */
export const MAX_KEY_COMPONENT_BYTES = 0xffff;

/** A partition to read: its serialized key and token. */
export interface PartitionTarget {
  readonly key: Uint8Array;
  readonly token: bigint;
}

/** The partitions a query reads, once values are bound. */
export type BoundPartitions =
  | { readonly kind: 'keys'; readonly keys: readonly PartitionTarget[] }
  | { readonly kind: 'range'; readonly fromToken: bigint | undefined; readonly toToken: bigint | undefined; readonly empty: boolean };

/** The value of a term that must be a value (not null, not unset). */
export function bindRequired(term: PreparedTerm, values: readonly WireValue[], nowMs: number, what: string): Uint8Array {
  const v = term.bind(values, nowMs);
  if (v === null) throw invalidRequest(`Invalid null value in condition for column ${what}`);
  if (v === 'unset') throw invalidRequest(`Invalid unset value for column ${what}`);
  return v;
}

function sourceValues(source: ValueSource, values: readonly WireValue[], nowMs: number, what: string): Uint8Array[] {
  if (source.kind === 'eq') return [bindRequired(source.term, values, nowMs, what)];
  return source.values.bind(values, nowMs);
}

/** The cartesian product of per-column value lists, bounded. */
function cartesian(lists: readonly Uint8Array[][], max: number, what: string): Uint8Array[][] {
  let size = 1;
  for (const l of lists) size *= l.length;
  if (size > max) throw invalidRequest(`${what} cartesian product size ${size} is greater than maximum ${max}`);
  let out: Uint8Array[][] = [[]];
  for (const l of lists) {
    const next: Uint8Array[][] = [];
    for (const prefix of out) for (const v of l) next.push([...prefix, v]);
    out = next;
  }
  return out;
}

/** The bigint of an 8-byte token value. */
function tokenOf(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) throw invalidRequest(`Invalid token value: expected 8 bytes, got ${bytes.length}`);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0);
}

function bindTokenRange(start: SliceBound | undefined, end: SliceBound | undefined, values: readonly WireValue[], nowMs: number): BoundPartitions {
  let fromToken: bigint | undefined;
  let toToken: bigint | undefined;
  let empty = false;
  const MAX = 0x7fff_ffff_ffff_ffffn;
  const MIN = -0x8000_0000_0000_0000n;
  if (start !== undefined) {
    const t = tokenOf(bindRequired(start.term, values, nowMs, 'partition key token'));
    if (!start.inclusive && t === MAX) empty = true;
    fromToken = start.inclusive ? t : t + 1n;
  }
  if (end !== undefined) {
    const t = tokenOf(bindRequired(end.term, values, nowMs, 'partition key token'));
    if (!end.inclusive && t === MIN) empty = true;
    toToken = end.inclusive ? t : t - 1n;
  }
  if (fromToken !== undefined && toToken !== undefined && fromToken > toToken) empty = true;
  return { kind: 'range', fromToken, toToken, empty };
}

/**
 * Binds the partition restriction: a token range, or the keys of the `=`/`IN` cartesian
 * product, sorted by value and deduplicated (Cassandra and ScyllaDB return `IN`
 * partitions in key order, not token order).
 */
export function bindPartitions(r: PartitionRestriction, table: SelectTable, values: readonly WireValue[], nowMs: number): BoundPartitions {
  if (r.kind === 'scan') return { kind: 'range', fromToken: undefined, toToken: undefined, empty: false };
  if (r.kind === 'token') return bindTokenRange(r.start, r.end, values, nowMs);
  const lists = r.columns.map((s, i) => sourceValues(s, values, nowMs, table.partitionKey[i]!.name));
  const cmp = table.partitionKeyComparator;
  const combos = cartesian(lists, MAX_PARTITION_KEYS_PER_QUERY, 'partition key');
  for (const components of combos) {
    for (let i = 0; i < components.length; i++) {
      const v = components[i]!;
      if (v.length > MAX_KEY_COMPONENT_BYTES) throw invalidRequest(`Key length of ${v.length} is longer than maximum of ${MAX_KEY_COMPONENT_BYTES}`);
      table.partitionKey[i]!.codec.validate(v);
    }
  }
  combos.sort((a, b) => cmp.compare(a, b));
  const keys: PartitionTarget[] = [];
  for (let i = 0; i < combos.length; i++) {
    if (i > 0 && cmp.compare(combos[i]!, combos[i - 1]!) === 0) continue;
    const key = serializePartitionKey(combos[i]!);
    keys.push({ key, token: murmur3Token(key) });
  }
  return { kind: 'keys', keys };
}

/** The components of a tuple value (`[int32 length][bytes]` each), checked against the columns. */
export function splitTuple(bytes: Uint8Array, columns: readonly SelectColumn[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  for (const c of columns) {
    if (pos + 4 > bytes.length) throw invalidRequest(`Invalid tuple value for (${columns.map((x) => x.name).join(', ')})`);
    const len = view.getInt32(pos);
    pos += 4;
    if (len < 0) throw invalidRequest(`Invalid null value in condition for column ${c.name}`);
    if (pos + len > bytes.length) throw invalidRequest(`Invalid tuple value for (${columns.map((x) => x.name).join(', ')})`);
    out.push(bytes.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

const WHOLE_PARTITION: readonly ClusteringSlice[] = Object.freeze([{ start: BOTTOM_BOUND, end: TOP_BOUND }]);

function point(prefix: readonly Uint8Array[]): ClusteringSlice {
  return { start: { kind: 'inclStart', prefix }, end: { kind: 'inclEnd', prefix } };
}

/**
 * A slice over `prefix` + a bound on the next component(s), in clustering order: a bound
 * on DESC columns (in natural order) limits the other side of the slice.
 */
function boundedSlice(prefix: readonly Uint8Array[], start: Uint8Array[] | undefined, startIncl: boolean, end: Uint8Array[] | undefined, endIncl: boolean, reversed: boolean): ClusteringSlice {
  const lo: Uint8Array[] | undefined = reversed ? end : start;
  const hi: Uint8Array[] | undefined = reversed ? start : end;
  const loIncl = reversed ? endIncl : startIncl;
  const hiIncl = reversed ? startIncl : endIncl;
  const s: ClusteringBound = lo === undefined ? { kind: 'inclStart', prefix } : { kind: loIncl ? 'inclStart' : 'exclStart', prefix: [...prefix, ...lo] };
  const e: ClusteringBound = hi === undefined ? { kind: 'inclEnd', prefix } : { kind: hiIncl ? 'inclEnd' : 'exclEnd', prefix: [...prefix, ...hi] };
  return { start: s, end: e };
}

/** Sorted, deduplicated, non-empty slices (what the read path requires). */
function normalizeSlices(slices: ClusteringSlice[], cmp: ClusteringComparator): ClusteringSlice[] {
  const live = slices.filter((s) => cmp.compareBounds(s.start, s.end) < 0);
  live.sort((a, b) => cmp.compareBounds(a.start, b.start));
  const out: ClusteringSlice[] = [];
  for (const s of live) {
    const prev = out[out.length - 1];
    if (prev !== undefined && cmp.compareBounds(prev.end, s.start) >= 0) {
      if (cmp.compareBounds(s.end, prev.end) > 0) out[out.length - 1] = { start: prev.start, end: s.end };
      continue;
    }
    out.push(s);
  }
  return out;
}

/** Binds the clustering restriction into read slices; an empty array selects nothing. */
export function bindClusteringSlices(r: ClusteringRestriction, table: SelectTable, values: readonly WireValue[], nowMs: number): readonly ClusteringSlice[] {
  const cmp = table.clusteringComparator;
  switch (r.kind) {
    case 'none':
      return WHOLE_PARTITION;
    case 'multiPoints': {
      const tuples = sourceValues(r.source, values, nowMs, r.columns.map((c) => c.name).join(', '));
      if (tuples.length > MAX_CLUSTERING_PREFIXES_PER_QUERY) {
        throw invalidRequest(`clustering key cartesian product size ${tuples.length} is greater than maximum ${MAX_CLUSTERING_PREFIXES_PER_QUERY}`);
      }
      return normalizeSlices(tuples.map((t) => point(splitTuple(t, r.columns))), cmp);
    }
    case 'multiSlice': {
      if (r.filtered) return WHOLE_PARTITION;
      const start = r.start === undefined ? undefined : splitTuple(bindRequired(r.start.bound.term, values, nowMs, 'tuple'), r.start.columns);
      const end = r.end === undefined ? undefined : splitTuple(bindRequired(r.end.bound.term, values, nowMs, 'tuple'), r.end.columns);
      const reversed = (r.start ?? r.end)!.columns[0]!.reversed;
      return normalizeSlices([boundedSlice([], start, r.start?.bound.inclusive ?? true, end, r.end?.bound.inclusive ?? true, reversed)], cmp);
    }
    case 'single':
      return bindSingle(r, table, values, nowMs);
  }
}

function bindSingle(r: Extract<ClusteringRestriction, { kind: 'single' }>, table: SelectTable, values: readonly WireValue[], nowMs: number): readonly ClusteringSlice[] {
  const lists = r.prefix.map((s, i) => sourceValues(s, values, nowMs, table.clustering[i]!.name));
  const prefixes = cartesian(lists, MAX_CLUSTERING_PREFIXES_PER_QUERY, 'clustering key');
  if (r.slice === undefined) return normalizeSlices(prefixes.map(point), table.clusteringComparator);
  const col = r.slice.column;
  const start = r.slice.start === undefined ? undefined : [bindRequired(r.slice.start.term, values, nowMs, col.name)];
  const end = r.slice.end === undefined ? undefined : [bindRequired(r.slice.end.term, values, nowMs, col.name)];
  const slices = prefixes.map((p) => boundedSlice(p, start, r.slice!.start?.inclusive ?? true, end, r.slice!.end?.inclusive ?? true, col.reversed));
  return normalizeSlices(slices, table.clusteringComparator);
}
