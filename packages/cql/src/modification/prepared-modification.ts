import { TableComparators, isCounterTable, tableMutationSchema } from '@charybdis/schema';
import type { ClusteringBound, ClusteringPrefix, ColumnData, PartitionUpdate, RangeTombstone, Row, TableMetadata } from '@charybdis/schema';
import type { BoundVariable, CounterWriteState, ExecutionContext, PreparedStatement, StatementResult } from '../execution/execution-types';
import type { WireValue } from '../protocol/frame-reader';
import { TimeUuidGenerator } from '../terms/time-uuids';
import { CounterLocks, SINGLE_NODE_COUNTER_ID } from './counter-locks';
import { cartesianProduct } from './key-restrictions';
import type { KeyRestrictions, SliceBound } from './key-restrictions';
import { readLists } from './list-reads';
import { MutationCollector } from './mutation-collector';
import type { PreparedOperation } from './operations';
import { checkClusteringLength, encodePartitionKey } from './partition-key';
import type { EncodedPartitionKey } from './partition-key';
import type { UsingAttributes } from './using-attributes';
import { deletionAt } from './write-params';
import type { RowSink, WriteParams } from './write-params';

/** Everything prepare decided about an INSERT, UPDATE or DELETE. */
export interface ModificationPlan {
  readonly kind: 'insert' | 'update' | 'delete';
  readonly table: TableMetadata;
  readonly restrictions: KeyRestrictions;
  readonly operations: readonly PreparedOperation[];
  readonly using: UsingAttributes;
  /** True when the statement writes the static row only (no clustering needed). */
  readonly staticOnly: boolean;
  readonly boundVariables: readonly BoundVariable[];
  /**
   * INSERT JSON: turns the bound values into the values the plan's terms read (the JSON
   * document's columns appended after the statement's own markers).
   */
  readonly expandValues?: (values: readonly WireValue[], nowMs: number) => readonly WireValue[];
}

const VOID: StatementResult = Object.freeze({ kind: 'void' });

/**
 * A prepared INSERT, UPDATE or DELETE: its execution binds the values, builds the
 * PartitionUpdates (one per partition key, normalized by the table's comparators built
 * here once) and applies them with one `mutateAll`. `collect` lets a BATCH gather several
 * statements' writes into one MutationCollector.
 */
export class PreparedModification implements PreparedStatement {
  readonly statementKind: 'insert' | 'update' | 'delete';
  readonly boundVariables: readonly BoundVariable[];
  readonly partitionKeyBindIndexes: readonly number[];
  readonly resultColumns = null;
  readonly keyspace: string;
  readonly table: string;
  readonly comparators: TableComparators;
  /** True for a statement on a counter table (it may only join COUNTER batches). */
  readonly isCounter: boolean;
  /** True when the statement has USING TIMESTAMP (a BATCH with its own timestamp rejects it). */
  readonly hasTimestamp: boolean;
  private readonly uuids = new TimeUuidGenerator();
  private fallbackCounters: CounterLocks | undefined;
  private readonly readsLists: boolean;
  private readonly staticOps: readonly PreparedOperation[];
  private readonly rowOps: readonly PreparedOperation[];

  constructor(private readonly plan: ModificationPlan) {
    this.statementKind = plan.kind;
    this.boundVariables = plan.boundVariables;
    this.keyspace = plan.table.keyspace;
    this.table = plan.table.name;
    this.comparators = new TableComparators(tableMutationSchema(plan.table));
    const pk = plan.restrictions.partitionKey.map((k) => k.bareMarkerIndex);
    this.partitionKeyBindIndexes = pk.every((i) => i >= 0) ? pk : [];
    this.isCounter = isCounterTable(plan.table);
    this.hasTimestamp = plan.using.timestamp !== undefined;
    this.readsLists = plan.operations.some((o) => o.readsList);
    this.staticOps = plan.operations.filter((o) => o.column.kind === 'static');
    this.rowOps = plan.operations.filter((o) => o.column.kind !== 'static');
  }

  get tableMetadata(): TableMetadata {
    return this.plan.table;
  }

  async execute(ctx: ExecutionContext): Promise<StatementResult> {
    const collector = new MutationCollector();
    await this.collect(ctx, ctx.options.values, collector, undefined);
    await collector.apply(ctx, this.counterState(ctx), nowSecondsOf(ctx));
    return VOID;
  }

  /** The counter state to use: the context's, else one owned by this statement (single node, tests). */
  counterState(ctx: ExecutionContext): CounterWriteState {
    if (ctx.counters !== undefined) return ctx.counters;
    this.fallbackCounters ??= new CounterLocks(SINGLE_NODE_COUNTER_ID);
    return this.fallbackCounters;
  }

  /**
   * Adds this statement's writes for `values` to `collector`. `batchTimestampUs` is the
   * BATCH's USING TIMESTAMP, used when the statement has none.
   */
  async collect(ctx: ExecutionContext, boundValues: readonly WireValue[], collector: MutationCollector, batchTimestampUs: bigint | undefined): Promise<void> {
    const plan = this.plan;
    const nowMs = ctx.nowMs;
    const values = plan.expandValues === undefined ? boundValues : plan.expandValues(boundValues, nowMs);
    const timestampUs = plan.using.timestampUs(values, nowMs) ?? batchTimestampUs ?? ctx.options.timestampUs ?? BigInt(nowMs) * 1000n;
    const ttlSeconds = this.isCounter ? 0 : plan.using.ttlSeconds(values, nowMs, plan.table.options.default_time_to_live);
    const p: WriteParams = { timestampUs, ttlSeconds, nowSeconds: nowSecondsOf(ctx), nowMs, uuids: ctx.timeUuids ?? this.uuids };
    const keyValues = cartesianProduct(plan.restrictions.partitionKey.map((k) => k.bind(values, nowMs).map((v) => [v])), 'partition-key');
    const clusterings = cartesianProduct(plan.restrictions.clustering.map((k) => k.bind(values, nowMs)), 'clustering-key');
    if (plan.restrictions.clusteringColumnCount > 1) for (const c of clusterings) checkClusteringLength(c);
    for (const components of keyValues) {
      const key = encodePartitionKey(components);
      const update =
        plan.kind === 'delete' && plan.operations.length === 0
          ? this.deletion(key, clusterings, values, p)
          : this.readsLists
            ? await this.writes(ctx, key, clusterings, values, p, collector)
            : this.writesWithoutReads(key, clusterings, values, p, collector);
      collector.add(update, this.comparators);
    }
  }

  /** The rows (or static row) the operations write in one partition. */
  private async writes(
    ctx: ExecutionContext,
    key: EncodedPartitionKey,
    clusterings: readonly ClusteringPrefix[],
    values: readonly WireValue[],
    p: WriteParams,
    collector: MutationCollector,
  ): Promise<PartitionUpdate> {
    const plan = this.plan;
    const staticSink: RowSink = { columns: [], counters: [] };
    const rows: Row[] = [];
    await this.applyOps(ctx, key, null, this.staticOps, values, p, staticSink);
    if (!plan.staticOnly) {
      for (const clustering of clusterings) {
        const sink: RowSink = { columns: [], counters: [] };
        await this.applyOps(ctx, key, clustering, this.rowOps, values, p, sink);
        this.addRow(rows, key, clustering, sink, p, collector);
      }
    }
    return this.partitionUpdate(key, rows, staticSink, p, collector);
  }

  /** `writes` for statements that read nothing before writing (no list element ops): no awaits. */
  private writesWithoutReads(key: EncodedPartitionKey, clusterings: readonly ClusteringPrefix[], values: readonly WireValue[], p: WriteParams, collector: MutationCollector): PartitionUpdate {
    const staticSink: RowSink = { columns: [], counters: [] };
    const rows: Row[] = [];
    applyOpsWithoutReads(this.staticOps, values, p, staticSink);
    if (!this.plan.staticOnly) {
      for (const clustering of clusterings) {
        const sink: RowSink = { columns: [], counters: [] };
        applyOpsWithoutReads(this.rowOps, values, p, sink);
        this.addRow(rows, key, clustering, sink, p, collector);
      }
    }
    return this.partitionUpdate(key, rows, staticSink, p, collector);
  }

  private addRow(rows: Row[], key: EncodedPartitionKey, clustering: ClusteringPrefix, sink: RowSink, p: WriteParams, collector: MutationCollector): void {
    const plan = this.plan;
    const marker = plan.kind === 'insert' ? markerOf(p) : undefined;
    rows.push(marker === undefined ? { clustering, columns: sink.columns } : { clustering, marker, columns: sink.columns });
    if (sink.counters.length > 0) collector.addCounters({ table: plan.table, key, clustering, increments: sink.counters, timestampUs: p.timestampUs }, this.comparators);
  }

  private partitionUpdate(key: EncodedPartitionKey, rows: Row[], staticSink: RowSink, p: WriteParams, collector: MutationCollector): PartitionUpdate {
    const plan = this.plan;
    if (staticSink.counters.length > 0) collector.addCounters({ table: plan.table, key, clustering: null, increments: staticSink.counters, timestampUs: p.timestampUs }, this.comparators);
    const update: PartitionUpdate = { tableId: plan.table.id, partitionKey: key.key, token: key.token, rows, rangeTombstones: [] };
    return staticSink.columns.length > 0 ? { ...update, staticRow: { columns: mergeColumns(staticSink.columns) } } : update;
  }

  private async applyOps(
    ctx: ExecutionContext,
    key: EncodedPartitionKey,
    clustering: ClusteringPrefix | null,
    ops: readonly PreparedOperation[],
    values: readonly WireValue[],
    p: WriteParams,
    sink: RowSink,
  ): Promise<void> {
    if (ops.length === 0) return;
    const listColumns = this.readsLists ? ops.filter((o) => o.readsList).map((o) => o.column.name) : [];
    const existing = listColumns.length > 0 ? await readLists(ctx.data, this.plan.table, key, clustering, listColumns, p.nowSeconds) : null;
    for (const op of ops) op.apply(values, p, existing, sink);
    normalizeSinkColumns(sink);
  }

  /** DELETE without columns: the partition, rows, or clustering ranges. */
  private deletion(key: EncodedPartitionKey, prefixes: readonly ClusteringPrefix[], values: readonly WireValue[], p: WriteParams): PartitionUpdate {
    const { restrictions, table } = this.plan;
    const base = { tableId: table.id, partitionKey: key.key, token: key.token };
    const deletion = deletionAt(p);
    if (restrictions.clusteringColumnCount === 0 && restrictions.slice === undefined) return { ...base, partitionDeletion: deletion, rows: [], rangeTombstones: [] };
    if (restrictions.clusteringColumnCount === table.clustering.length) {
      return { ...base, rows: prefixes.map((clustering) => ({ clustering, deletion, columns: [] })), rangeTombstones: [] };
    }
    const tombstones: RangeTombstone[] = [];
    for (const prefix of prefixes) {
      const start = this.sliceBound(prefix, restrictions.slice?.start, values, p.nowMs, true);
      const end = this.sliceBound(prefix, restrictions.slice?.end, values, p.nowMs, false);
      if (this.comparators.clustering.compareBounds(start, end) < 0) tombstones.push({ start, end, deletion });
    }
    return { ...base, rows: [], rangeTombstones: tombstones };
  }

  private sliceBound(prefix: ClusteringPrefix, bound: SliceBound | undefined, values: readonly WireValue[], nowMs: number, isStart: boolean): ClusteringBound {
    if (bound === undefined) return { kind: isStart ? 'inclStart' : 'inclEnd', prefix };
    const kind = isStart ? (bound.inclusive ? 'inclStart' : 'exclStart') : bound.inclusive ? 'inclEnd' : 'exclEnd';
    return { kind, prefix: [...prefix, ...bound.bind(values, nowMs)] };
  }
}

function nowSecondsOf(ctx: ExecutionContext): number {
  return ctx.options.nowInSeconds ?? Math.floor(ctx.nowMs / 1000);
}

function markerOf(p: WriteParams): Row['marker'] {
  if (p.ttlSeconds === 0) return { timestampUs: p.timestampUs };
  return { timestampUs: p.timestampUs, ttlSeconds: p.ttlSeconds, localExpirationTimeSeconds: p.nowSeconds + p.ttlSeconds };
}

/** One ColumnData per column: element writes of one complex column are joined (deletion: the latest). */
function applyOpsWithoutReads(ops: readonly PreparedOperation[], values: readonly WireValue[], p: WriteParams, sink: RowSink): void {
  if (ops.length === 0) return;
  for (const op of ops) op.apply(values, p, null, sink);
  normalizeSinkColumns(sink);
}

/** One entry per column in `sink` (operations on the same collection combined); a no-op when the columns are distinct. */
function normalizeSinkColumns(sink: RowSink): void {
  const columns = sink.columns;
  let distinct = true;
  for (let i = 1; i < columns.length && distinct; i++) for (let j = 0; j < i; j++) if (columns[j]!.column === columns[i]!.column) distinct = false;
  if (distinct) return;
  const merged = mergeColumns(columns);
  columns.length = 0;
  columns.push(...merged);
}

function mergeColumns(columns: readonly ColumnData[]): ColumnData[] {
  const byName = new Map<string, ColumnData>();
  for (const c of columns) {
    const seen = byName.get(c.column);
    if (seen === undefined || seen.kind === 'simple' || c.kind === 'simple') {
      byName.set(c.column, c);
      continue;
    }
    const deletion =
      seen.deletion === undefined ? c.deletion : c.deletion === undefined || seen.deletion.markedForDeleteAtUs >= c.deletion.markedForDeleteAtUs ? seen.deletion : c.deletion;
    const cells = [...seen.cells, ...c.cells];
    byName.set(c.column, deletion === undefined ? { kind: 'complex', column: c.column, cells } : { kind: 'complex', column: c.column, deletion, cells });
  }
  return [...byName.values()];
}
