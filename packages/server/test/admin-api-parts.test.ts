import type { Worker } from 'node:worker_threads';
import type { ShardMetricsSnapshot } from '@charybdis/core';
import { AdminRouter } from '../src/node/admin/admin-router';
import type { AdminReply } from '../src/node/admin/admin-requests';
import type { ShardTableStats } from '../src/node/admin/admin-requests';
import { ShardRequests } from '../src/node/admin/shard-requests';
import { mergeTableStats } from '../src/node/admin/table-stats';
import { ownership, tokenRanges } from '../src/node/admin/token-ring';

/** The admin API's pure parts: routing, ring arithmetic, merging shard stats, gathering shard replies. */

describe('AdminRouter', () => {
  const router = new AdminRouter([
    { method: 'GET', path: '/storage_service/snapshots', handler: () => 'list' },
    { method: 'POST', path: '/storage_service/snapshots', handler: () => 'take' },
    { method: 'POST', path: '/storage_service/keyspace_flush/{keyspace}', handler: () => null },
  ]);

  test('matches method and path, ignoring a trailing slash, and decodes parameters', () => {
    expect(router.match('GET', '/storage_service/snapshots/').route.handler({ params: {}, query: new URLSearchParams() })).toBe('list');
    expect(router.match('POST', '/storage_service/keyspace_flush/my%20ks').params).toEqual({ keyspace: 'my ks' });
  });

  test('an unknown path is 404, a known path with another method 405 with Allow', () => {
    expect(() => router.match('GET', '/storage_service/nothing')).toThrow(expect.objectContaining({ status: 404 }) as Error);
    expect(() => router.match('GET', '/storage_service/keyspace_flush/ks/extra')).toThrow(expect.objectContaining({ status: 404 }) as Error);
    expect(() => router.match('DELETE', '/storage_service/snapshots')).toThrow(expect.objectContaining({ status: 405, headers: { allow: 'GET, POST' } }) as Error);
  });
});

describe('token ring', () => {
  test('one token owns the whole ring as one range starting and ending at it', () => {
    const owners = new Map([['a', ['42']]]);
    expect(tokenRanges(owners)).toEqual([{ start: '42', end: '42', endpoint: 'a' }]);
    expect(ownership(owners)).toEqual(new Map([['a', 1]]));
  });

  test('ranges chain in token order and ownership is proportional to the widths', () => {
    // Tokens at -2^62 and 2^62: each node owns half of the ring.
    const q = String(1n << 62n);
    const owners = new Map([['a', [`-${q}`]], ['b', [q]]]);
    expect(tokenRanges(owners)).toEqual([
      { start: q, end: `-${q}`, endpoint: 'a' },
      { start: `-${q}`, end: q, endpoint: 'b' },
    ]);
    expect(ownership(owners)).toEqual(new Map([['a', 0.5], ['b', 0.5]]));
  });
});

function shardStats(overrides: Partial<ShardTableStats>): ShardTableStats {
  return {
    tableId: 'id-t', keyspace: 'ks', table: 't', sstableCount: 1, liveBytes: 100, dataBytes: 50, uncompressedBytes: 200,
    sstablePartitions: 10, memtableBytes: 0, memtablePartitions: 0, pendingFlushes: 0, pendingCompactions: 0,
    snapshotBytes: 0, reads: 3, writes: 4, flushes: 1, autoCompaction: true, failed: null, ...overrides,
  };
}

describe('mergeTableStats', () => {
  test('sums the shards; without the per-table metric families counts come from the replica and latencies are null', () => {
    const [t] = mergeTableStats([[shardStats({})], [shardStats({ sstableCount: 2, memtablePartitions: 5 })]], []);
    expect(t).toMatchObject({
      keyspace: 'ks', table: 't', sstable_count: 3, space_used_live_bytes: 200, compression_ratio: 0.25,
      estimated_partitions: 25, mean_partition_bytes: 20, read_count: 6, write_count: 8,
      read_latency_us: null, write_latency_us: null, sstables_per_read: null, range_scan_count: null,
    });
  });

  test('with the families, counts and histograms are summed over shards for the table\'s labels only', () => {
    const snapshot = (reads: number, bucket: number): ShardMetricsSnapshot['snapshot'] => ({
      families: [
        { name: 'table_reads_total', help: '', type: 'counter', labelNames: ['ks', 'table'], samples: [{ labelValues: ['ks', 't'], value: reads }, { labelValues: ['ks', 'x'], value: 1000 }] },
        { name: 'table_read_latency_us', help: '', type: 'histogram', labelNames: ['ks', 'table'], bounds: [10, 100], samples: [{ labelValues: ['ks', 't'], buckets: [bucket, 2], count: 2, sum: 60 }] },
      ],
    });
    const [t] = mergeTableStats([[shardStats({})], [shardStats({})]], [{ shard: 0, snapshot: snapshot(7, 1) }, { shard: 1, snapshot: snapshot(5, 0) }]);
    expect(t!.read_count).toBe(12);
    expect(t!.read_latency_us).toEqual({ bounds: [10, 100], buckets: [1, 4], count: 4, sum: 120 });
    expect(t!.write_latency_us).toBeNull();
  });
});

/** A worker that records what it was sent (unit-test double of worker_threads.Worker). */
class RecordingWorkerDouble {
  readonly sent: { requestId: number }[] = [];
  postMessage(msg: { requestId: number }): void {
    this.sent.push(msg);
  }
}

describe('ShardRequests', () => {
  afterEach(() => jest.useRealTimers());

  test('resolves with every shard\'s reply in shard order, whatever order they arrive in', async () => {
    const workers = [new RecordingWorkerDouble(), new RecordingWorkerDouble()];
    const requests = new ShardRequests(() => workers as unknown as Worker[]);
    const done = requests.send({ op: 'compactions' }, 1000);
    const id = workers[0]!.sent[0]!.requestId;
    const reply = (n: number): AdminReply => ({ ok: true, result: n });
    requests.onReply(1, id, reply(1));
    requests.onReply(1, id, reply(99)); // a duplicate is ignored
    requests.onReply(0, id, reply(0));
    await expect(done).resolves.toEqual([reply(0), reply(1)]);
  });

  test('times out naming the shards that did not answer', async () => {
    jest.useFakeTimers();
    const workers = [new RecordingWorkerDouble(), new RecordingWorkerDouble(), new RecordingWorkerDouble()];
    const requests = new ShardRequests(() => workers as unknown as Worker[]);
    const done = requests.send({ op: 'flush', tableIds: null }, 500);
    requests.onReply(1, workers[1]!.sent[0]!.requestId, { ok: true, result: null });
    jest.advanceTimersByTime(500);
    await expect(done).rejects.toMatchObject({ code: 'CHARYBDIS_ADMIN_TIMEOUT', message: expect.stringContaining('shard(s) 0, 2 did not answer') as string });
  });

  test('a node without running shards is unavailable; failAll ends requests in flight', async () => {
    await expect(new ShardRequests(() => []).send({ op: 'compactions' }, 1000)).rejects.toMatchObject({ code: 'CHARYBDIS_ADMIN_UNAVAILABLE' });
    const requests = new ShardRequests(() => [new RecordingWorkerDouble()] as unknown as Worker[]);
    const done = requests.send({ op: 'compactions' }, 60_000);
    requests.failAll('stopping');
    await expect(done).rejects.toMatchObject({ code: 'CHARYBDIS_ADMIN_UNAVAILABLE', message: 'stopping' });
  });
});
