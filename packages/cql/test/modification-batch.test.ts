import { codecFor, nativeType } from '@charybdis/schema';
import { CounterLocks } from '../src/modification/counter-locks';
import { executeBatch } from '../src/modification/batch';
import { encodePartitionKey } from '../src/modification/partition-key';
import type { PreparedModification } from '../src/modification/prepared-modification';
import { ModsHarness, NOW_MS } from './fixtures/mods-test-schema';

const int = (n: number) => codecFor(nativeType('int')).serialize(n);
const bigint = (n: bigint) => codecFor(nativeType('bigint')).serialize(n);
const NOW_S = Math.floor(NOW_MS / 1000);

async function counterValue(h: ModsHarness, k: number, column = 'c'): Promise<bigint | undefined> {
  const { key, token } = encodePartitionKey([int(k)]);
  const res = await h.data.read(h.table('counters').id, key, token, {
    slices: [{ start: { kind: 'inclStart', prefix: [] }, end: { kind: 'inclEnd', prefix: [] } }],
    reversed: false,
    rowLimit: 1,
    nowSeconds: NOW_S,
  });
  const cell = res.partition?.rows[0]?.cells.find((c) => c.column === column);
  return cell?.kind === 'counter' ? cell.total : undefined;
}

describe('counters', () => {
  it('increments and decrements by read-before-write with increasing clocks', async () => {
    const h = new ModsHarness();
    await h.run('UPDATE counters SET c = c + 5 WHERE k = 1');
    await h.run('UPDATE counters SET c = c - 2, d = d + ? WHERE k = 1', [bigint(7n)]);
    expect(await counterValue(h, 1)).toBe(3n);
    expect(await counterValue(h, 1, 'd')).toBe(7n);
    const cells = h.lastUpdates()[0]!.rows[0]!.columns;
    expect(cells[0]).toMatchObject({ column: 'c', cell: { kind: 'counter', timestampUs: 1001n, shards: [{ clock: 1001n, count: 3n }] } });
  });

  it('concurrent increments of the same counter add up', async () => {
    const h = new ModsHarness();
    // Each read yields to the event loop a few times, so unserialized updates would interleave.
    h.data.readDelay = async () => {
      for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
    };
    const locks = new CounterLocks('11111111-1111-1111-1111-111111111111');
    const stmt = h.prepare('UPDATE counters SET c = c + ? WHERE k = 1');
    const runs = Array.from({ length: 25 }, (_, i) => stmt.execute({ ...h.ctx([bigint(BigInt(i + 1))]), counters: locks }));
    await Promise.all(runs);
    expect(await counterValue(h, 1)).toBe(325n);
    expect(locks.pendingUpdates).toBe(0);
  });

  it('refuses updates past the pending limit as Overloaded', async () => {
    const locks = new CounterLocks('11111111-1111-1111-1111-111111111111', 1);
    let release!: () => void;
    const first = locks.withLocks(['a'], () => new Promise<void>((r) => (release = r)));
    await expect(locks.withLocks(['a'], () => Promise.resolve())).rejects.toMatchObject({ code: 'CQL_OVERLOADED' });
    release();
    await first;
  });

  it('counter deletes are tombstones', async () => {
    const h = new ModsHarness();
    await h.run('UPDATE counters SET c = c + 1 WHERE k = 1');
    await h.run('DELETE c FROM counters WHERE k = 1');
    expect(await counterValue(h, 1)).toBeUndefined();
  });

  it('rejects a custom timestamp', () => {
    const h = new ModsHarness();
    expect(() => h.prepare('UPDATE counters USING TIMESTAMP 5 SET c = c + 1 WHERE k = 1')).toThrow('Cannot provide custom timestamp for counter updates');
  });
});

describe('BATCH', () => {
  it('merges updates of one partition and applies everything in one mutateAll', async () => {
    const h = new ModsHarness();
    await h.run(`BEGIN BATCH
      INSERT INTO kv (k, v) VALUES (1, 1);
      UPDATE kv SET s = 'x' WHERE k = 1;
      INSERT INTO kv (k, v) VALUES (2, 2);
      DELETE FROM wide WHERE k = 1;
    APPLY BATCH`);
    expect(h.data.mutateCalls).toHaveLength(1);
    const updates = h.lastUpdates();
    expect(updates).toHaveLength(3);
    const one = updates.find((u) => u.tableId === h.table('kv').id && Buffer.from(u.partitionKey).equals(int(1)))!;
    expect(one.rows[0]!.columns.map((c) => c.column)).toEqual(['s', 'v']);
    expect(one.rows[0]!.marker).toEqual({ timestampUs: 1000n });
  });

  it('USING TIMESTAMP on the batch applies to children; not on both', async () => {
    const h = new ModsHarness();
    await h.run('BEGIN BATCH USING TIMESTAMP 42 INSERT INTO kv (k, v) VALUES (1, 1); APPLY BATCH');
    expect(h.lastUpdates()[0]!.rows[0]!.marker!.timestampUs).toBe(42n);
    expect(() => h.prepare('BEGIN BATCH USING TIMESTAMP 42 INSERT INTO kv (k, v) VALUES (1, 1) USING TIMESTAMP 3; APPLY BATCH')).toThrow(
      'Timestamp must be set either on BATCH or individual statements',
    );
    await h.run('BEGIN BATCH INSERT INTO kv (k, v) VALUES (1, 1) USING TIMESTAMP 3; INSERT INTO kv (k, v) VALUES (2, 1); APPLY BATCH');
    expect(h.lastUpdates().map((u) => u.rows[0]!.marker!.timestampUs).sort()).toEqual([1000n, 3n]);
  });

  it('enforces counter batch rules', () => {
    const h = new ModsHarness();
    expect(() => h.prepare('BEGIN COUNTER BATCH INSERT INTO kv (k, v) VALUES (1, 1); APPLY BATCH')).toThrow('Cannot include non-counter statement in a counter batch');
    expect(() => h.prepare('BEGIN BATCH UPDATE counters SET c = c + 1 WHERE k = 1; APPLY BATCH')).toThrow('Cannot include a counter statement in a logged batch');
    expect(() => h.prepare('BEGIN UNLOGGED BATCH UPDATE counters SET c = c + 1 WHERE k = 1; INSERT INTO kv (k) VALUES (1); APPLY BATCH')).toThrow(
      'Counter and non-counter mutations cannot exist in the same batch',
    );
    expect(() => h.prepare('BEGIN BATCH USING TTL 5 INSERT INTO kv (k) VALUES (1); APPLY BATCH')).toThrow('Global TTL on the BATCH statement is not supported.');
  });

  it('sums counter increments of the same row in a counter batch', async () => {
    const h = new ModsHarness();
    await h.run('BEGIN COUNTER BATCH UPDATE counters SET c = c + 2 WHERE k = 1; UPDATE counters SET c = c + 3 WHERE k = 1; APPLY BATCH');
    expect(await counterValue(h, 1)).toBe(5n);
  });

  it('binds markers across children with their receivers', async () => {
    const h = new ModsHarness();
    const b = h.prepare('BEGIN BATCH USING TIMESTAMP ? INSERT INTO kv (k, v) VALUES (?, ?); UPDATE kv SET s = ? WHERE k = ?; APPLY BATCH');
    expect(b.boundVariables.map((v) => v.name)).toEqual(['[timestamp]', 'k', 'v', 's', 'k']);
    await b.execute(h.ctx([bigint(9n), int(1), int(2), Buffer.from('z'), int(1)]));
    expect(h.lastUpdates()[0]!.rows[0]!.marker!.timestampUs).toBe(9n);
  });

  it('refuses a multi-partition batch estimated above the size threshold as "Batch too large"', async () => {
    const h = new ModsHarness();
    const insert = h.prepare('INSERT INTO kv (k, s) VALUES (?, ?)') as PreparedModification;
    const entries = (n: number, partitions: number) => Array.from({ length: n }, (_, i) => ({ statement: insert, values: [int(i % partitions), Buffer.alloc(800, 0x61)] }));
    await expect(executeBatch(entries(1100, 1100), 'unlogged', h.ctx())).rejects.toThrow('Batch too large');
    expect(h.data.mutateCalls).toHaveLength(0);
    await executeBatch(entries(900, 900), 'unlogged', h.ctx());
    // One partition: never refused (the check is for batches spanning partitions).
    await executeBatch(entries(1100, 1), 'unlogged', h.ctx());
    expect(h.data.mutateCalls).toHaveLength(2);
  });

  it('executes protocol batches of prepared statements with their own values', async () => {
    const h = new ModsHarness();
    const insert = h.prepare('INSERT INTO kv (k, v) VALUES (?, ?)') as PreparedModification;
    const update = h.prepare('UPDATE kv SET v = 5 WHERE k = 0') as PreparedModification;
    await executeBatch(
      [
        { statement: insert, values: [int(1), int(10)] },
        { statement: insert, values: [int(2), int(20)] },
        { statement: update, values: [] },
      ],
      'unlogged',
      h.ctx(),
    );
    expect(h.data.mutateCalls).toHaveLength(1);
    expect(h.lastUpdates()).toHaveLength(3);
  });
});
