import { mergeManyPartitionUpdates } from '@charybdis/schema';
import type { PartitionUpdate, TableComparators } from '@charybdis/schema';
import { comparePartitionUpdates } from './partition-order';

/** A source of partitions in partition order (see `comparePartitionPositions`). */
export type PartitionStream = AsyncIterable<PartitionUpdate> | Iterable<PartitionUpdate>;

/**
 * Merges sources that are each sorted in partition order into one sorted stream; the
 * updates of one partition found in several sources are merged (normalized) with
 * Cassandra's rules. Sources are pulled lazily, one partition ahead each, so memory is
 * bounded by one partition per source. A source out of order is a bug in that source and
 * is reported as an Error naming its index.
 *
 * Every source is closed (`return()`) when the consumer stops early or a source fails.
 */
export async function* mergePartitionStreams(
  sources: readonly PartitionStream[],
  comparators: TableComparators,
): AsyncGenerator<PartitionUpdate, void, undefined> {
  const iterators = sources.map(toAsyncIterator);
  // heads[i] is source i's next partition, or undefined once it is exhausted.
  const heads: (PartitionUpdate | undefined)[] = [];
  try {
    for (const it of iterators) heads.push(await pull(it));
    for (;;) {
      let min: PartitionUpdate | undefined;
      for (const h of heads) if (h !== undefined && (min === undefined || comparePartitionUpdates(h, min) < 0)) min = h;
      if (min === undefined) return;
      const same: PartitionUpdate[] = [];
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h === undefined || comparePartitionUpdates(h, min) !== 0) continue;
        same.push(h);
        const next = await pull(iterators[i]!);
        if (next !== undefined && comparePartitionUpdates(next, h) <= 0) {
          throw new Error(`mergePartitionStreams: source ${i} is not in partition order`);
        }
        heads[i] = next;
      }
      yield same.length === 1 ? same[0]! : mergeManyPartitionUpdates(same, comparators);
    }
  } finally {
    await Promise.allSettled(iterators.map(async (it) => it.return?.()));
  }
}

function toAsyncIterator(source: PartitionStream): AsyncIterator<PartitionUpdate> | Iterator<PartitionUpdate> {
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
}

async function pull(it: AsyncIterator<PartitionUpdate> | Iterator<PartitionUpdate>): Promise<PartitionUpdate | undefined> {
  const r = await it.next();
  return r.done === true ? undefined : r.value;
}
