import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SegmentPool, createIoBackend, shardOf } from '@charybdis/core';
import type { IoBackend, SmpHandler } from '@charybdis/core';
import { BOTTOM_BOUND, TOP_BOUND, codecFor, emptyPartitionUpdate, liveCell, murmur3Token, nativeType, normalizePartitionUpdate, TableComparators } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import { DIRECT_WORK_GROUP, ReplicaDatabase } from '@charybdis/replica';
import type { TableDefinition } from '@charybdis/replica';
import type { PagingState, RangeReadCommand } from '@charybdis/storage';
import { StorageProxy } from '../src';
import type { ProxyShard } from '../src';

const int = codecFor(nativeType('int'));
const TABLE: TableDefinition = {
  keyspace: 'ks',
  name: 't',
  id: '5d0c7b8e-6f0a-4c7e-9a55-2b8f3c1d4e6f',
  schema: { clusteringTypes: [nativeType('int')], columns: [{ name: 'v', type: nativeType('int') }] },
};
const comparators = new TableComparators(TABLE.schema);
const SHARDS = 3;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * Unit-test double of smp: shards in one thread, each payload and answer deep-copied with
 * structuredClone, so only plain data crosses (as over the real rings).
 */
class InProcessSmpDouble {
  static readonly handlers: Map<string, SmpHandler>[] = [];
  constructor(readonly id: number) {
    InProcessSmpDouble.handlers[id] = new Map();
  }
  registerVerb<P>(verb: string, handler: SmpHandler<P>): void {
    InProcessSmpDouble.handlers[this.id]!.set(verb, handler as SmpHandler);
  }
  async invokeOn<T>(shard: number, verb: string, payload: unknown): Promise<T> {
    const handler = InProcessSmpDouble.handlers[shard]!.get(verb)!;
    return structuredClone((await handler(structuredClone(payload), this.id)) as T);
  }
  invokeOnAll<T>(verb: string, payload: unknown): Promise<T[]> {
    return Promise.all([...Array(SHARDS).keys()].map((s) => this.invokeOn<T>(s, verb, payload)));
  }
}

function row(pk: number, ck: number, v: number): PartitionUpdate {
  const key = int.serialize(pk);
  return normalizePartitionUpdate(
    { ...emptyPartitionUpdate(TABLE.id, key, murmur3Token(key)), rows: [{ clustering: [int.serialize(ck)], marker: { timestampUs: 1n }, columns: [{ kind: 'simple', column: 'v', cell: liveCell(1n, int.serialize(v)) }] }] },
    comparators,
  );
}

let root: string;
let backend: IoBackend;
let dbs: ReplicaDatabase[];
let proxies: StorageProxy[];

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'charybdis-proxy-'));
  backend = createIoBackend().backend;
  dbs = [];
  proxies = [];
  for (let id = 0; id < SHARDS; id++) {
    const db = await ReplicaDatabase.open(
      {
        shardId: id,
        dataDirectory: path.join(root, 'data'),
        backend,
        pool: new SegmentPool({ budgetBytes: 16 * 1024 * 1024, segmentSizeBytes: 64 * 1024, chunkSizeBytes: 1024 * 1024 }),
        logger: silent,
        memtableGroup: DIRECT_WORK_GROUP,
        compactionGroup: DIRECT_WORK_GROUP,
        nowMs: () => Date.now(),
      },
      { directory: path.join(root, 'commitlog'), syncMode: 'periodic' },
    );
    await db.addTable(TABLE);
    await db.replay();
    dbs.push(db);
    const shard: ProxyShard = { id, count: SHARDS, smp: new InProcessSmpDouble(id) };
    proxies.push(new StorageProxy(shard, db));
  }
  for (let pk = 0; pk < 120; pk++) for (let ck = 0; ck < 3; ck++) await proxies[pk % SHARDS]!.mutate(row(pk, ck, pk * 10 + ck));
  await dbs[1]!.flushAll(); // some data in SSTables, some in memtables
});

afterAll(async () => {
  for (const db of dbs) await db.stop();
  await backend.close();
  rmSync(root, { recursive: true, force: true });
});

const whole = { slices: [{ start: BOTTOM_BOUND, end: TOP_BOUND }], reversed: false, rowLimit: Infinity, nowSeconds: Math.floor(Date.now() / 1000) };

test('a write lands on the shard that owns its token, and any shard reads it back', async () => {
  for (const pk of [0, 7, 55, 119]) {
    const key = int.serialize(pk);
    const token = murmur3Token(key);
    const owner = shardOf(token, SHARDS);
    expect(proxies[0]!.ownerOf(token)).toBe(owner);
    for (let id = 0; id < SHARDS; id++) {
      const local = await dbs[id]!.table(TABLE.id).read(key, token, whole);
      expect(local.partition === null).toBe(id !== owner);
      const viaProxy = await proxies[id]!.read(TABLE.id, key, token, whole);
      expect(viaProxy.partition?.rows.map((r) => int.deserialize(r.clustering[0]!))).toEqual([0, 1, 2]);
    }
  }
});

async function pageThrough(command: Omit<RangeReadCommand, 'pagingState'>, via: StorageProxy): Promise<{ rows: string[]; pages: number }> {
  const rows: string[] = [];
  let pagingState: PagingState | undefined;
  let pages = 0;
  for (;;) {
    const page = await via.readRange(TABLE.id, { ...command, pagingState });
    pages++;
    for (const p of page.partitions) for (const r of p.rows) rows.push(`${int.deserialize(p.partitionKey) as number}:${int.deserialize(r.clustering[0]!) as number}`);
    if (page.pagingState === null) return { rows, pages };
    pagingState = page.pagingState;
    if (pages > 1000) throw new Error('paging does not end');
  }
}

test('range reads gather every shard in token order and page without repeating or skipping a row', async () => {
  const all = await pageThrough({ ...whole }, proxies[2]!);
  expect(all.pages).toBe(1);
  expect(all.rows).toHaveLength(360);
  const tokens = [...new Set(all.rows.map((r) => Number(r.split(':')[0])))].map((pk) => murmur3Token(int.serialize(pk)));
  expect(tokens).toEqual([...tokens].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  for (const limit of [1, 2, 7, 50]) {
    const paged = await pageThrough({ ...whole, rowLimit: limit }, proxies[limit % SHARDS]!);
    expect(paged.rows).toEqual(all.rows);
    expect(paged.pages).toBeGreaterThanOrEqual(Math.ceil(360 / limit));
  }
});

test('per-partition limits hold across pages', async () => {
  const paged = await pageThrough({ ...whole, rowLimit: 5, perPartitionLimit: 2 }, proxies[0]!);
  expect(paged.rows).toHaveLength(240);
  expect(paged.rows.every((r) => !r.endsWith(':2'))).toBe(true);
});
