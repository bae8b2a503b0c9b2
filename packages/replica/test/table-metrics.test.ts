import { MetricsRegistry } from '@charybdis/core';
import type { CounterFamilySnapshot, GaugeFamilySnapshot, HistogramFamilySnapshot } from '@charybdis/core';
import { BOTTOM_BOUND, TOP_BOUND, murmur3Token } from '@charybdis/schema';
import type { ReadCommand } from '@charybdis/storage';
import type { ReplicaDatabase, Table } from '../src';
import { ReplicaTestDirs, int, kvTable, writeRow } from './fixtures/replica-test-kit';

const READ_ALL: ReadCommand = { slices: [{ start: BOTTOM_BOUND, end: TOP_BOUND }], reversed: false, rowLimit: Infinity, nowSeconds: Math.floor(Date.now() / 1000) };

let dirs: ReplicaTestDirs;
let db: ReplicaDatabase | undefined;
let registry: MetricsRegistry;

beforeEach(() => {
  dirs = new ReplicaTestDirs();
  registry = new MetricsRegistry();
});

afterEach(async () => {
  await db?.stop();
  db = undefined;
  await dirs.close();
});

async function open(): Promise<{ d: ReplicaDatabase; table: Table }> {
  db = await dirs.open({ ...dirs.storage(), metrics: registry });
  const table = await db.addTable(kvTable());
  await db.replay();
  return { d: db, table };
}

/** The value of `name` for ks.t, or undefined when that series does not exist. */
function value(name: string): number | undefined {
  const family = registry.collect().families.find((f) => f.name === name) as CounterFamilySnapshot | GaugeFamilySnapshot | undefined;
  return family?.samples.find((s) => s.labelValues.join('.') === 'ks.t')?.value;
}

function histogramCount(name: string): number | undefined {
  const family = registry.collect().families.find((f) => f.name === name) as HistogramFamilySnapshot | undefined;
  return family?.samples.find((s) => s.labelValues.join('.') === 'ks.t')?.count;
}

function shardValue(name: string): number | undefined {
  const family = registry.collect().families.find((f) => f.name === name);
  const sample = family?.samples[0];
  return sample === undefined ? undefined : 'value' in sample ? sample.value : sample.count;
}

async function read(table: Table, pk: number): Promise<void> {
  const key = int.serialize(pk);
  await table.read(key, murmur3Token(key), READ_ALL);
}

describe('per-table metrics', () => {
  test('a write increments table_writes_total and the write latency histogram, and the commitlog counts its bytes', async () => {
    const { d } = await open();
    expect(value('table_writes_total')).toBe(0);
    const bytesBefore = shardValue('commitlog_bytes_written_total')!;
    for (let pk = 0; pk < 5; pk++) await d.apply(writeRow(pk, 1, 'v', 1n));
    expect(value('table_writes_total')).toBe(5);
    expect(histogramCount('table_write_latency_us')).toBe(5);
    expect(value('table_memtable_partitions')).toBe(5);
    expect(value('table_memtable_bytes')).toBeGreaterThan(0);
    expect(shardValue('memtable_dirty_bytes')).toBe(value('table_memtable_bytes'));
    expect(shardValue('commitlog_entries_written_total')).toBe(5);
    expect(shardValue('commitlog_bytes_written_total')!).toBeGreaterThan(bytesBefore);
    // batch mode: every append waited for an fdatasync, each one timed
    expect(shardValue('commitlog_syncs_total')!).toBeGreaterThan(0);
    expect(shardValue('commitlog_sync_latency_us')).toBe(shardValue('commitlog_syncs_total'));
    expect(shardValue('commitlog_unsynced_bytes')).toBe(0);
    expect(shardValue('commitlog_segments')).toBe(1);
  });

  test('a read increments table_reads_total and observes latency and SSTables read; a scan counts as a range scan', async () => {
    const { d, table } = await open();
    await d.apply(writeRow(1, 1, 'a', 1n));
    await read(table, 1);
    expect(value('table_reads_total')).toBe(1);
    expect(histogramCount('table_read_latency_us')).toBe(1);
    const perRead = (): HistogramFamilySnapshot['samples'][number] =>
      (registry.collect().families.find((f) => f.name === 'table_sstables_per_read') as HistogramFamilySnapshot).samples[0]!;
    expect(perRead().sum).toBe(0); // only the memtable was read

    await table.flush();
    expect(value('table_live_sstables')).toBe(1);
    expect(value('table_live_disk_bytes')).toBeGreaterThan(0);
    expect(value('table_total_disk_bytes')).toBe(value('table_live_disk_bytes'));
    expect(value('table_estimated_partitions')).toBe(1);
    expect(value('table_memtable_switches_total')).toBe(1);
    expect(shardValue('memtable_flushes_total')).toBe(1);
    expect(shardValue('memtable_flush_bytes_total')).toBeGreaterThan(0);
    expect(shardValue('memtable_flush_duration_ms')).toBe(1);
    await read(table, 1);
    expect(value('table_reads_total')).toBe(2);
    expect(perRead().sum).toBe(1); // one SSTable read this time
    await read(table, 999); // absent: the bloom filter keeps the SSTable out
    expect(perRead().count).toBe(3);
    expect(perRead().sum).toBe(1);

    await table.readRange({ ...READ_ALL, rowLimit: 100 });
    expect(value('table_range_scans_total')).toBe(1);
    expect(value('table_reads_total')).toBe(3);
  });

  test('DROP TABLE removes the table\'s series (its own and its compaction ones); a re-created table starts from zero', async () => {
    const { d } = await open();
    await d.apply(writeRow(1, 1, 'a', 1n));
    expect(value('table_writes_total')).toBe(1);
    expect(value('compaction_pending_tasks')).toBe(0);
    await d.dropTable(kvTable().id);
    for (const family of registry.collect().families) {
      for (const s of family.samples) expect(`${family.name}{${s.labelValues.join(',')}}`).not.toMatch(/\{ks,t\}/);
    }
    expect(value('table_writes_total')).toBeUndefined();
    expect(value('compaction_tasks_completed_total')).toBeUndefined();
    const again = await d.addTable(kvTable({ id: '00000000-0000-4000-8000-000000000001' }));
    expect(value('table_writes_total')).toBe(0);
    expect(again.metrics.writes.value).toBe(0);
  });

  test('without a registry the table still counts (detached series) and nothing fails', async () => {
    db = await dirs.open(dirs.storage());
    const table = await db.addTable(kvTable());
    await db.replay();
    await db.apply(writeRow(1, 1, 'a', 1n));
    await read(table, 1);
    expect(table.metrics.writes.value).toBe(1);
    expect(table.metrics.reads.value).toBe(1);
    expect(table.metrics.readLatencyUs.count).toBe(1);
  });
});
