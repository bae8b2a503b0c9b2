import { TableComparators, emptyPartitionUpdate, liveCell, mergeManyPartitionUpdates, murmur3Token, nativeType, codecFor, normalizePartitionUpdate } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import { comparePartitionPositions, comparePartitionUpdates, mergePartitionStreams } from '../src/partition-stream';

const TABLE_ID = '0d4c35e4-0a53-4f6b-8d8f-3f4f8c3a1b20';
const int = codecFor(nativeType('int'));
const comparators = new TableComparators({ clusteringTypes: [nativeType('int')], columns: [{ name: 'v', type: nativeType('int') }] });

function update(key: number, ck: number, value: number, ts: bigint): PartitionUpdate {
  const base = emptyPartitionUpdate(TABLE_ID, int.serialize(key));
  return normalizePartitionUpdate({ ...base, rows: [{ clustering: [int.serialize(ck)], columns: [{ kind: 'simple', column: 'v', cell: liveCell(ts, int.serialize(value)) }] }] }, comparators);
}

function sorted(updates: PartitionUpdate[]): PartitionUpdate[] {
  return [...updates].sort(comparePartitionUpdates);
}

async function collect(stream: AsyncIterable<PartitionUpdate>): Promise<PartitionUpdate[]> {
  const out: PartitionUpdate[] = [];
  for await (const u of stream) out.push(u);
  return out;
}

describe('partition order', () => {
  test('token first (signed), then key bytes unsigned, a prefix first', () => {
    expect(comparePartitionPositions(-5n, Uint8Array.of(9), 3n, Uint8Array.of(1))).toBeLessThan(0);
    expect(comparePartitionPositions(3n, Uint8Array.of(0x80), 3n, Uint8Array.of(0x7f))).toBeGreaterThan(0);
    expect(comparePartitionPositions(3n, Uint8Array.of(1), 3n, Uint8Array.of(1, 0))).toBeLessThan(0);
    expect(comparePartitionPositions(3n, Uint8Array.of(1, 2), 3n, Uint8Array.of(1, 2))).toBe(0);
  });
});

describe('mergePartitionStreams', () => {
  test('merges sorted sources into one sorted stream, merging a partition found in several', async () => {
    const a = sorted([update(1, 1, 10, 1n), update(2, 1, 20, 1n), update(3, 1, 30, 1n)]);
    const b = sorted([update(2, 1, 21, 2n), update(4, 1, 40, 1n)]);
    const c = sorted([update(2, 2, 22, 1n)]);
    const merged = await collect(mergePartitionStreams([a, new Set(b), (async function* () { await Promise.resolve(); yield* c; })()], comparators));
    expect(merged.map((u) => int.deserialize(u.partitionKey))).toEqual(sorted([1, 2, 3, 4].map((k) => update(k, 1, 0, 1n))).map((u) => int.deserialize(u.partitionKey)));
    const two = merged.find((u) => u.token === murmur3Token(int.serialize(2)))!;
    expect(two).toEqual(mergeManyPartitionUpdates([update(2, 1, 20, 1n), update(2, 1, 21, 2n), update(2, 2, 22, 1n)], comparators));
    for (let i = 1; i < merged.length; i++) expect(comparePartitionUpdates(merged[i - 1]!, merged[i]!)).toBeLessThan(0);
  });

  test('no sources, empty sources', async () => {
    expect(await collect(mergePartitionStreams([], comparators))).toEqual([]);
    expect(await collect(mergePartitionStreams([[], []], comparators))).toEqual([]);
  });

  test('a source out of order is reported, and every source is closed', async () => {
    let closed = 0;
    const tracked = (items: PartitionUpdate[]): AsyncIterable<PartitionUpdate> => ({
      [Symbol.asyncIterator]: () => {
        const it = items[Symbol.iterator]();
        return { next: () => Promise.resolve(it.next()), return: () => { closed++; return Promise.resolve({ done: true, value: undefined }); } };
      },
    });
    const ordered = sorted([update(1, 1, 1, 1n), update(2, 1, 1, 1n), update(3, 1, 1, 1n)]);
    const bad = [...ordered].reverse();
    await expect(collect(mergePartitionStreams([tracked(ordered), tracked(bad)], comparators))).rejects.toThrow('source 1 is not in partition order');
    expect(closed).toBe(2);
  });

  test('stopping early closes the sources', async () => {
    let closed = 0;
    async function* source(): AsyncGenerator<PartitionUpdate> {
      try {
        await Promise.resolve();
        yield* sorted([update(1, 1, 1, 1n), update(2, 1, 1, 1n)]);
      } finally {
        closed++;
      }
    }
    for await (const u of mergePartitionStreams([source(), source()], comparators)) {
      expect(u).toBeDefined();
      break;
    }
    expect(closed).toBe(2);
  });
});
