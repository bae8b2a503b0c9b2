import { codecFor, nativeType } from '@charybdis/schema';
import type { ResultPartition } from '@charybdis/storage';
import type { ExecutionContext, StatementResult } from '../execution/execution-types';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm } from '../terms/term-types';
import { bindClusteringSlices, bindPartitions } from './bind-restrictions';
import type { BoundPartitions } from './bind-restrictions';
import { bindFilter } from './row-filter';
import type { BoundFilter } from './row-filter';
import { RowView } from './row-view';
import { invalidRequest } from './select-errors';
import type { BaseReadCommand, FetchPosition } from './select-fetcher';
import { fetchPage } from './select-fetcher';
import { decodeSelectPagingState, encodeSelectPagingState } from './select-paging-state';
import type { SelectPlan } from './select-plan';
import { RowAggregator } from './row-aggregator';

/** Storage pages one client page may read when a post-filter drops rows (then a short page is returned with a paging state). */
export const MAX_FETCHES_PER_PAGE = 32;
/** Rows per internal page of aggregation and GROUP BY queries (they return one result, paging internally). */
export const AGGREGATION_PAGE_ROWS = 1000;

const INT = codecFor(nativeType('int'));
const TEXT = codecFor(nativeType('text'));

type OutputRow = (Uint8Array | null)[];

/** LIMIT / PER PARTITION LIMIT: undefined when absent or unset. */
function bindLimit(term: PreparedTerm | undefined, values: readonly WireValue[], nowMs: number, what: string): number | undefined {
  if (term === undefined) return undefined;
  const v = term.bind(values, nowMs);
  if (v === 'unset') return undefined;
  if (v === null) throw invalidRequest(`Invalid null value of ${what}`);
  const n = INT.deserialize(v) as number | null;
  if (n === null) throw invalidRequest(`Invalid empty value of ${what}`);
  if (n <= 0) throw invalidRequest(`${what.toUpperCase()} must be strictly positive`);
  return n;
}

/** One execution of a prepared SELECT: binds, reads page by page, builds rows. */
export class SelectExecution {
  private readonly view: RowView;
  private readonly filters: readonly BoundFilter[];
  private readonly partitions: BoundPartitions;
  private readonly base: BaseReadCommand | null;
  private readonly limit: number | undefined;

  constructor(private readonly plan: SelectPlan, private readonly ctx: ExecutionContext) {
    const { values } = ctx.options;
    const now = ctx.nowMs;
    this.view = new RowView(plan.table);
    this.view.nowMs = now;
    this.view.params = values;
    this.filters = plan.restrictions.filters.map((f) => bindFilter(f, values, now));
    this.partitions = bindPartitions(plan.restrictions.partition, plan.table, values, now);
    this.limit = bindLimit(plan.limit, values, now, 'limit');
    const ppl = plan.distinct ? 1 : bindLimit(plan.perPartitionLimit, values, now, 'per partition limit');
    const slices = bindClusteringSlices(plan.restrictions.clustering, plan.table, values, now);
    const nowSeconds = ctx.options.nowInSeconds ?? Math.floor(ctx.nowMs / 1000);
    this.base =
      slices.length === 0
        ? null
        : { slices, reversed: plan.reversed, perPartitionLimit: ppl, columns: plan.readColumns, nowSeconds, staticRow: plan.staticRow };
  }

  async run(): Promise<StatementResult> {
    if (this.plan.selection.isAggregate || this.plan.groupByColumns > 0) return this.rowsResult(await this.aggregate(), null);
    const pageSize = this.ctx.options.pageSize !== null && this.ctx.options.pageSize > 0 ? this.ctx.options.pageSize : null;
    const paged = pageSize !== null && (this.limit === undefined || this.limit > pageSize);
    if (this.plan.postOrdering) {
      if (paged) {
        throw invalidRequest(
          'Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either remove the ORDER BY or the IN and sort client side, or disable paging for this query',
        );
      }
      return this.rowsResult(await this.sortedRows(), null);
    }
    return this.pagedRows(paged ? pageSize : null);
  }

  private rowsResult(rows: OutputRow[], pagingState: Uint8Array | null): StatementResult {
    return { kind: 'rows', columns: this.plan.resultColumns, rows: this.plan.json === null ? rows : rows.map((r) => this.toJson(r)), pagingState };
  }

  private toJson(row: OutputRow): OutputRow {
    const json = this.plan.json!;
    const parts: string[] = [];
    for (let i = 0; i < row.length; i++) parts.push(`${json.keys[i]}: ${json.formatters[i]!(row[i] ?? null)}`);
    return [TEXT.serialize(`{${parts.join(', ')}}`)];
  }

  private passes(): boolean {
    for (const f of this.filters) if (!f(this.view)) return false;
    return true;
  }

  /** Visits every CQL row of fetched partitions that passes the filters (a static-only partition is one row). */
  private forEachRow(partitions: readonly ResultPartition[], visit: (clustering: readonly Uint8Array[] | null) => boolean): boolean {
    for (const p of partitions) {
      this.view.setPartition(p);
      if (p.rows.length === 0 || this.plan.distinct) {
        this.view.setRow(this.plan.distinct ? (p.rows[0] ?? null) : null);
        if (this.passes() && !visit(null)) return false;
        continue;
      }
      for (const r of p.rows) {
        this.view.setRow(r);
        if (this.passes() && !visit(r.clustering)) return false;
      }
    }
    return true;
  }

  private project(): OutputRow {
    const sel = this.plan.selection.selectors;
    const out: OutputRow = new Array<Uint8Array | null>(sel.length);
    for (let i = 0; i < sel.length; i++) {
      const s = sel[i]!;
      out[i] = s.kind === 'scalar' ? s.evaluate(this.view) : null;
    }
    return out;
  }

  private resumePosition(): { position: FetchPosition | null; rowsLeft: number | undefined } {
    const bytes = this.ctx.options.pagingState;
    if (bytes === null || bytes.length === 0) return { position: null, rowsLeft: this.limit };
    const state = decodeSelectPagingState(bytes, this.plan.fingerprint, this.plan.comparators);
    if (this.partitions.kind === 'keys' && state.partitionIndex >= this.partitions.keys.length) throw invalidRequest('Invalid value for the paging state');
    return { position: { partitionIndex: state.partitionIndex, storage: state.storage }, rowsLeft: state.rowsLeft ?? undefined };
  }

  /** Regular SELECT: one client page (or everything when unpaged). */
  private async pagedRows(pageSize: number | null): Promise<StatementResult> {
    if (this.base === null) return this.rowsResult([], null);
    let { position, rowsLeft } = this.resumePosition();
    const rows: OutputRow[] = [];
    const want = pageSize ?? Infinity;
    let fetches = 0;
    for (;;) {
      const budget = Math.min(want - rows.length, rowsLeft ?? Infinity);
      if (budget <= 0) break;
      const page = await fetchPage(this.ctx.data, this.plan.table.metadata.id, this.partitions, this.base, budget, position);
      fetches++;
      this.forEachRow(page.partitions, () => {
        rows.push(this.project());
        if (rowsLeft !== undefined) rowsLeft--;
        return true;
      });
      position = page.next;
      if (position === null) break;
      if (pageSize !== null && fetches >= MAX_FETCHES_PER_PAGE) break;
    }
    const more = position !== null && (rowsLeft === undefined || rowsLeft > 0);
    const state = more
      ? encodeSelectPagingState({ rowsLeft: rowsLeft ?? null, partitionIndex: position!.partitionIndex, storage: position!.storage }, this.plan.fingerprint)
      : null;
    return this.rowsResult(rows, state);
  }

  /** Reads everything (internal pages of AGGREGATION_PAGE_ROWS), visiting each row. */
  private async readAll(perPartitionOverride: number | undefined, visit: (clustering: readonly Uint8Array[] | null) => boolean): Promise<void> {
    if (this.base === null) return;
    const base = perPartitionOverride === undefined ? this.base : { ...this.base, perPartitionLimit: Math.min(this.base.perPartitionLimit ?? Infinity, perPartitionOverride) };
    let position: FetchPosition | null = null;
    for (;;) {
      const page = await fetchPage(this.ctx.data, this.plan.table.metadata.id, this.partitions, base, AGGREGATION_PAGE_ROWS, position);
      if (!this.forEachRow(page.partitions, visit)) return;
      position = page.next;
      if (position === null) return;
    }
  }

  /** IN + ORDER BY, unpaged: every partition's first LIMIT rows, merged in clustering order, cut at LIMIT. */
  private async sortedRows(): Promise<OutputRow[]> {
    const collected: { clustering: readonly Uint8Array[]; row: OutputRow }[] = [];
    await this.readAll(this.limit, (clustering) => {
      collected.push({ clustering: clustering ?? [], row: this.project() });
      return true;
    });
    const cmp = this.plan.table.clusteringComparator;
    const sign = this.plan.reversed ? -1 : 1;
    collected.sort((a, b) => sign * cmp.compare(a.clustering, b.clustering));
    const rows = collected.map((c) => c.row);
    return this.limit === undefined ? rows : rows.slice(0, this.limit);
  }

  /** Aggregates and GROUP BY: one row per group (or one row for the whole query). */
  private async aggregate(): Promise<OutputRow[]> {
    const agg = new RowAggregator(this.plan, this.view, this.limit);
    await this.readAll(undefined, () => agg.add());
    return agg.finish();
  }
}
