import { BOTTOM_BOUND, TOP_BOUND, emptyPartitionUpdate, liveCell, mergeManyPartitionUpdates, murmur3Token, normalizePartitionUpdate, tombstoneCell } from '@charybdis/schema';
import type { ClusteringBound, PartitionUpdate, Row } from '@charybdis/schema';
import { filterPartition } from '@charybdis/storage';
import type { ClusteringSlice, ReadCommand } from '@charybdis/storage';
import type { ReplicaDatabase, Table } from '../src';
import { RecordingLoggerDouble, ReplicaTestDirs, int, kvComparators, kvTable, text } from './fixtures/replica-test-kit';

/** mulberry32: reproducible from its seed. */
function rng(seed: number): { int(n: number): number; chance(p: number): boolean } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n) => Math.floor(next() * n), chance: (p) => next() < p };
}
type Rng = ReturnType<typeof rng>;

const NOW = Math.floor(Date.now() / 1000);
const PARTITIONS = 12;
const CLUSTERINGS = 30;

function bound(kind: ClusteringBound['kind'], ck: number): ClusteringBound {
  return { kind, prefix: [int.serialize(ck)] };
}

/** A random write: rows with values or cell tombstones, row deletions, range tombstones, partition deletions, set elements. */
function randomUpdate(r: Rng, ts: bigint): PartitionUpdate {
  const key = int.serialize(r.int(PARTITIONS));
  const base = emptyPartitionUpdate(kvTable().id, key, murmur3Token(key));
  const roll = r.int(20);
  if (roll === 0) return { ...base, partitionDeletion: { markedForDeleteAtUs: ts, localDeletionTimeSeconds: NOW } };
  if (roll <= 2) {
    const a = r.int(CLUSTERINGS);
    const b = a + r.int(8);
    return normalizePartitionUpdate(
      { ...base, rangeTombstones: [{ start: bound(r.chance(0.5) ? 'inclStart' : 'exclStart', a), end: bound(r.chance(0.5) ? 'inclEnd' : 'exclEnd', b), deletion: { markedForDeleteAtUs: ts, localDeletionTimeSeconds: NOW } }] },
      kvComparators,
    );
  }
  const rows: Row[] = [];
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const ck = r.int(CLUSTERINGS);
    if (r.chance(0.1)) {
      rows.push({ clustering: [int.serialize(ck)], deletion: { markedForDeleteAtUs: ts, localDeletionTimeSeconds: NOW }, columns: [] });
      continue;
    }
    const v = r.chance(0.15) ? tombstoneCell(ts, NOW) : liveCell(ts, text.serialize(`v${r.int(1000)}`));
    const s = { kind: 'complex' as const, column: 's', cells: [{ path: int.serialize(r.int(5)), cell: liveCell(ts, new Uint8Array(0)) }] };
    rows.push({ clustering: [int.serialize(ck)], marker: r.chance(0.7) ? { timestampUs: ts } : undefined, columns: r.chance(0.3) ? [{ kind: 'simple', column: 'v', cell: v }, s] : [{ kind: 'simple', column: 'v', cell: v }] });
  }
  return normalizePartitionUpdate({ ...base, rows }, kvComparators);
}

function randomCommand(r: Rng): ReadCommand {
  let slices: ClusteringSlice[] = [{ start: BOTTOM_BOUND, end: TOP_BOUND }];
  if (r.chance(0.5)) {
    const a = r.int(CLUSTERINGS);
    const b = a + 1 + r.int(12);
    slices = [{ start: bound('inclStart', a), end: bound(r.chance(0.5) ? 'inclEnd' : 'exclEnd', b) }];
  }
  return { slices, reversed: r.chance(0.3), rowLimit: r.chance(0.3) ? 1 + r.int(6) : Infinity, nowSeconds: NOW };
}

async function checkAgainstModel(table: Table, writes: readonly PartitionUpdate[], r: Rng, seed: number): Promise<void> {
  for (let pk = 0; pk < PARTITIONS; pk++) {
    const key = int.serialize(pk);
    const mine = writes.filter((w) => int.deserialize(w.partitionKey) === pk);
    const command = randomCommand(r);
    const expected = mine.length === 0 ? null : filterPartition(mergeManyPartitionUpdates(mine, kvComparators), command, kvComparators).partition;
    const actual = (await table.read(key, murmur3Token(key), command)).partition;
    if (JSON.stringify(actual?.rows ?? [], replacer) !== JSON.stringify(expected?.rows ?? [], replacer)) {
      throw new Error(`seed ${seed}, pk ${pk}: read differs from the model\nexpected ${JSON.stringify(expected?.rows, replacer)}\nactual   ${JSON.stringify(actual?.rows, replacer)}`);
    }
  }
}

function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  // JSON.stringify turns a Buffer into { type: 'Buffer', data } before the replacer sees it.
  if (typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer') return Buffer.from((v as { data: number[] }).data).toString('hex');
  return v;
}

test('random writes, flushed, compacted and restarted at random points, read back as the model says', async () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const r = rng(seed);
    const dirs = new ReplicaTestDirs();
    const definition = kvTable({ compaction: { class: 'SizeTieredCompactionStrategy', min_threshold: '2', min_sstable_size: '1' } });
    const open = async (): Promise<{ db: ReplicaDatabase; table: Table }> => {
      const db = await dirs.open(dirs.storage({ logger: new RecordingLoggerDouble() }));
      const table = await db.addTable(definition);
      await db.replay();
      return { db, table };
    };
    let { db, table } = await open();
    const writes: PartitionUpdate[] = [];
    try {
      for (let i = 0; i < 400; i++) {
        const w = randomUpdate(r, BigInt(1 + r.int(200))); // timestamps collide and go back in time on purpose
        writes.push(w);
        await db.apply(w);
        if (r.chance(0.04)) await table.flush();
        if (r.chance(0.01)) await db.compactions.compactAll(table);
        if (r.chance(0.005)) {
          await db.stop();
          ({ db, table } = await open());
        }
        if (i % 100 === 99) await checkAgainstModel(table, writes, r, seed);
      }
      await table.flush();
      await db.compactions.compactAll(table);
      await checkAgainstModel(table, writes, r, seed);
      await db.stop();
      ({ db, table } = await open());
      await checkAgainstModel(table, writes, r, seed);
    } finally {
      await db.stop();
      await dirs.close();
    }
  }
});
