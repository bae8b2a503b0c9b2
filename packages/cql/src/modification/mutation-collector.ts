import { isEmptyPartitionUpdate, mergeManyPartitionUpdates } from '@charybdis/schema';
import type { PartitionUpdate, TableComparators } from '@charybdis/schema';
import type { CounterWriteState, ExecutionContext } from '../execution/execution-types';
import { counterLockKey } from './counter-updates';
import { applyCountersHere } from './counter-writer';
import type { CounterTarget } from './counter-updates';

/**
 * Gathers what one statement or one BATCH writes — partition updates and counter
 * increments — and applies it with one `mutateAll`, updates of the same partition merged
 * into one PartitionUpdate (Cassandra's BatchStatement groups mutations by key the same way).
 */
export class MutationCollector {
  private readonly byPartition = new Map<string, { comparators: TableComparators; parts: PartitionUpdate[] }>();
  private readonly counters: CounterTarget[] = [];
  /** The first update, kept aside until a second arrives: a single-statement write never builds a partition id. */
  private first: { update: PartitionUpdate; comparators: TableComparators } | null = null;

  /** Adds an update of a table with these comparators. */
  add(update: PartitionUpdate, comparators: TableComparators): void {
    if (this.first === null && this.byPartition.size === 0) {
      this.first = { update, comparators };
      return;
    }
    if (this.first !== null) {
      const first = this.first;
      this.first = null;
      this.addToMap(first.update, first.comparators);
    }
    this.addToMap(update, comparators);
  }

  private addToMap(update: PartitionUpdate, comparators: TableComparators): void {
    const id = partitionId(update);
    const entry = this.byPartition.get(id);
    if (entry === undefined) this.byPartition.set(id, { comparators, parts: [update] });
    else entry.parts.push(update);
  }

  addCounters(target: CounterTarget, comparators: TableComparators): void {
    this.counters.push(target);
    // Registers the partition so that its counter update merges with the statement's other writes.
    this.add({ tableId: target.table.id, partitionKey: target.key.key, token: target.key.token, rows: [], rangeTombstones: [] }, comparators);
  }

  /** The merged, normalized updates (one per partition). */
  merged(): PartitionUpdate[] {
    if (this.first !== null) return [mergeManyPartitionUpdates([this.first.update], this.first.comparators)];
    const out: PartitionUpdate[] = [];
    for (const { comparators, parts } of this.byPartition.values()) out.push(mergeManyPartitionUpdates(parts, comparators));
    return out;
  }

  /**
   * Applies everything: counters under their locks (read, then write), all in one
   * mutateAll. `check` sees the merged updates of a write without counters before they are
   * applied (a BATCH's size limit) and may throw.
   */
  async apply(ctx: ExecutionContext, counters: CounterWriteState, nowSeconds: number, check?: (updates: readonly PartitionUpdate[]) => void): Promise<void> {
    if (this.counters.length === 0) {
      const updates = this.merged();
      check?.(updates);
      if (updates.length > 0) await ctx.data.mutateAll(updates);
      return;
    }
    // Increments of the same row are summed first: each row is read once and written once.
    const byRow = new Map<string, CounterTarget>();
    for (const t of this.counters) {
      const key = counterLockKey(t);
      const seen = byRow.get(key);
      byRow.set(key, seen === undefined ? t : { ...seen, increments: [...seen.increments, ...t.increments], timestampUs: seen.timestampUs > t.timestampUs ? seen.timestampUs : t.timestampUs });
    }
    // The statement's other writes, then the increments (on their owning shards when the
    // state routes them there).
    const others = this.merged().filter((u) => !isEmptyPartitionUpdate(u));
    if (others.length > 0) await ctx.data.mutateAll(others);
    const targets = [...byRow.values()];
    if (counters.applyCounters !== undefined) await counters.applyCounters(targets, nowSeconds);
    else await applyCountersHere(counters, targets, ctx.data, nowSeconds, (table) => this.comparatorsOfTable(table.id));
  }

  /** The comparators registered for table `tableId` (every counter target registered its partition). */
  private comparatorsOfTable(tableId: string): TableComparators {
    if (this.first !== null) return this.first.comparators;
    for (const [id, entry] of this.byPartition) if (id.startsWith(`${tableId}:`)) return entry.comparators;
    throw new Error(`no comparators registered for table ${tableId}`);
  }
}

function partitionId(update: PartitionUpdate): string {
  return `${update.tableId}:${Buffer.from(update.partitionKey.buffer, update.partitionKey.byteOffset, update.partitionKey.byteLength).toString('hex')}`;
}
