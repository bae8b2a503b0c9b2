// Storage write path of one shard (suite "storage"), on a real disk directory through a
// ShardIo (io_uring when it works, its I/O queue with the default disk model):
//   write.<mode>.c<N>: ReplicaDatabase.apply — commitlog append (periodic, or batch with
//       group commit) then memtable — with N writes in flight (1, 32, 128), for
//       STORAGE_BENCH_SECONDS after a short warm-up, on a fresh database each run: mutations/s,
//       MB/s of commitlog entries, latency, CPU per mutation, and how many writes each
//       fdatasync carried. Row: bigint pk (a new partition per write), bigint ck, 100-byte
//       blob. The LSA budget is large enough that no flush runs meanwhile.
//   flush: Table.flush of a memtable filled with ~STORAGE_BENCH_FLUSH_MIB of those rows:
//       memtable MB/s, SSTable MB/s, rows/s.
//   durability: STORAGE_BENCH_ROUNDS kill -9 rounds of the batch-mode writer of
//       test/replica-durability.test.ts on the same directories (target: 0 acknowledged
//       writes lost), with how many acknowledged writes were checked.
// Speed figures are medians of STORAGE_BENCH_RUNS interleaved runs (each run's value shown).
// Env: STORAGE_BENCH_DIR (else IO_BENCH_DIR, else the OS temp folder unless it is tmpfs,
// then ./data/tmp), STORAGE_BENCH_SECONDS (3), STORAGE_BENCH_RUNS (3),
// STORAGE_BENCH_FLUSH_MIB (64), STORAGE_BENCH_ROUNDS (20).
// Run: npx tsc -b && node tools/dev/bench.mjs storage
import { mkdirSync, rmSync, statfsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_IO_DISK, SegmentPool, ShardIo, reportBench } from '@charybdis/core';
import { liveCell, murmur3Token, nativeType } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import type { CommitlogStats, CommitlogSyncMode } from '@charybdis/storage';
import { DIRECT_WORK_GROUP, ReplicaDatabase, tableDirectories } from '../src';
import type { ShardStorage, TableDefinition } from '../src';
import { runDurability, unexpectedFiles } from '../test/fixtures/durability-driver';
import type { RoundReport } from '../test/fixtures/durability-driver';
import { DURABILITY_TABLE } from '../test/fixtures/durability-workload';

const SUITE = 'storage';
const SECONDS = envNumber('STORAGE_BENCH_SECONDS', 3);
const RUNS = envNumber('STORAGE_BENCH_RUNS', 3);
const FLUSH_MIB = envNumber('STORAGE_BENCH_FLUSH_MIB', 64);
const ROUNDS = envNumber('STORAGE_BENCH_ROUNDS', 20);
const WARMUP_SECONDS = 0.5;
const CONCURRENCIES = [1, 32, 128];
const MODES: CommitlogSyncMode[] = ['periodic', 'batch'];
const VALUE_BYTES = 100;
/** Large enough that the write runs never reach memtable pressure (half of it). */
const WRITE_LSA_BUDGET_BYTES = 2 * 1024 ** 3;
const LATENCY_SAMPLES = 1 << 21;
/** statfs f_type of tmpfs, which has no O_DIRECT and is not a disk. */
const TMPFS_MAGIC = 0x01021994;

function envNumber(name: string, dflt: number): number {
  const v = process.env[name];
  return v === undefined || v === '' ? dflt : Math.max(1, Number(v));
}

const TABLE: TableDefinition = {
  keyspace: 'bench',
  name: 'rows',
  id: '0c5f3a9e-7d21-4b6e-9a3f-5e8d2c1b4a70',
  schema: { clusteringTypes: [nativeType('bigint')], columns: [{ name: 'v', type: nativeType('blob') }] },
};

/** The folder of this benchmark's files on a real disk (never tmpfs). */
function benchRoot(): string {
  const chosen = process.env.STORAGE_BENCH_DIR ?? process.env.IO_BENCH_DIR ?? os.tmpdir();
  mkdirSync(chosen, { recursive: true });
  const base = statfsSync(chosen).type === TMPFS_MAGIC && process.env.STORAGE_BENCH_DIR === undefined ? path.join(process.cwd(), 'data', 'tmp') : chosen;
  return path.join(base, 'charybdis-bench', 'replica-storage');
}

function freshDir(name: string): string {
  const dir = path.join(benchRoot(), name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const silent = { debug: (): void => {}, info: (): void => {}, warn: (obj: object, msg: string): void => void process.stderr.write(`warn: ${msg} ${JSON.stringify(obj)}\n`), error: (obj: object, msg: string): void => void process.stderr.write(`error: ${msg} ${String((obj as { err?: unknown }).err)}\n`) };

function storageFor(io: ShardIo, dir: string, budgetBytes: number): ShardStorage {
  return {
    shardId: 0,
    dataDirectory: path.join(dir, 'data'),
    shardIo: io,
    pool: new SegmentPool({ budgetBytes }),
    logger: silent,
    memtableGroup: DIRECT_WORK_GROUP,
    compactionGroup: DIRECT_WORK_GROUP,
    nowMs: () => Date.now(),
  };
}

const VALUE = new Uint8Array(VALUE_BYTES).map((_, i) => (i * 31 + 7) & 0xff);

/** Row i: partition key i (bigint), clustering i (bigint), the 100-byte blob. */
function rowUpdate(i: number): PartitionUpdate {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setBigInt64(0, BigInt(i));
  const ts = BigInt(i) + 1n;
  return {
    tableId: TABLE.id,
    partitionKey: key,
    token: murmur3Token(key),
    rows: [{ clustering: [key], marker: { timestampUs: ts }, columns: [{ kind: 'simple', column: 'v', cell: liveCell(ts, VALUE) }] }],
    rangeTombstones: [],
  };
}

interface WriteRun {
  mutationsPerSec: number;
  mbPerSec: number;
  p50Us: number;
  p99Us: number;
  cpuUsPerMutation: number;
  /** Batch: writes acknowledged per group commit (one fdatasync each); periodic: writes per fdatasync, null when none ran. */
  writesPerSync: number | null;
  maxWritesPerGroupCommit: number;
  syncs: number;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function measureWrites(io: ShardIo, mode: CommitlogSyncMode, concurrency: number): Promise<WriteRun> {
  const dir = freshDir(`write-${mode}-c${concurrency}`);
  const db = await ReplicaDatabase.open(storageFor(io, dir, WRITE_LSA_BUDGET_BYTES), { directory: path.join(dir, 'commitlog'), syncMode: mode });
  await db.addTable(TABLE);
  await db.replay();
  let next = 0;
  let count = 0;
  const latencies = new Float64Array(LATENCY_SAMPLES);
  const lane = async (until: number, record: boolean): Promise<void> => {
    for (;;) {
      const start = performance.now();
      if (start >= until) return;
      await db.apply(rowUpdate(next++));
      if (!record) continue;
      if (count < latencies.length) latencies[count] = performance.now() - start;
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => lane(performance.now() + WARMUP_SECONDS * 1000, false)));
  const before: CommitlogStats = db.commitlogStats();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => lane(t0 + SECONDS * 1000, true)));
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const after = db.commitlogStats();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
  const sorted = latencies.subarray(0, Math.min(count, latencies.length)).sort();
  const groupCommits = after.groupCommits - before.groupCommits;
  const syncs = after.syncs - before.syncs;
  return {
    mutationsPerSec: count / elapsedS,
    mbPerSec: (after.bytesAppended - before.bytesAppended) / elapsedS / 1e6,
    p50Us: percentile(sorted, 0.5) * 1000,
    p99Us: percentile(sorted, 0.99) * 1000,
    cpuUsPerMutation: (cpu.user + cpu.system) / count,
    writesPerSync:
      mode === 'batch' ? (after.entriesGroupCommitted - before.entriesGroupCommitted) / Math.max(1, groupCommits) : syncs === 0 ? null : count / syncs,
    maxWritesPerGroupCommit: after.maxEntriesPerGroupCommit,
    syncs,
  };
}

interface FlushRun {
  memtableMbPerSec: number;
  sstableMbPerSec: number;
  rowsPerSec: number;
  memtableMiB: number;
  sstableMiB: number;
  seconds: number;
}

async function measureFlush(io: ShardIo): Promise<FlushRun> {
  const dir = freshDir('flush');
  const target = FLUSH_MIB * 1024 ** 2;
  // Pressure (a background flush) comes at half the budget: keep the fill below it.
  const db = await ReplicaDatabase.open(storageFor(io, dir, 4 * target), { directory: path.join(dir, 'commitlog'), syncMode: 'periodic' });
  const table = await db.addTable(TABLE);
  await db.replay();
  let rows = 0;
  // Straight into the memtable: this measures the flush, not the commitlog.
  while (table.stats().memtableBytes < target) await table.apply(rowUpdate(rows++));
  const memtableBytes = table.stats().memtableBytes;
  const t0 = performance.now();
  await table.flush();
  const seconds = (performance.now() - t0) / 1000;
  const sstableBytes = table.stats().sstableBytes;
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    memtableMbPerSec: memtableBytes / seconds / 1e6,
    sstableMbPerSec: sstableBytes / seconds / 1e6,
    rowsPerSec: rows / seconds,
    memtableMiB: memtableBytes / 1024 ** 2,
    sstableMiB: sstableBytes / 1024 ** 2,
    seconds,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const r1 = (x: number): number => Number(x.toFixed(1));

function medianOf<T>(runs: T[], key: keyof T): number {
  return median(runs.map((r) => r[key] as number));
}

function reportWrites(mode: CommitlogSyncMode, concurrency: number, runs: WriteRun[], backendKind: string): void {
  reportBench({
    suite: SUITE,
    metric: `write.${mode}.c${concurrency}`,
    value: Math.round(medianOf(runs, 'mutationsPerSec')),
    unit: 'mutations/s',
    perRun: runs.map((r) => Math.round(r.mutationsPerSec)),
    mbPerSec: r1(medianOf(runs, 'mbPerSec')),
    p50Us: r1(medianOf(runs, 'p50Us')),
    p99Us: r1(medianOf(runs, 'p99Us')),
    cpuUsPerMutation: r1(medianOf(runs, 'cpuUsPerMutation')),
    writesPerSync: runs.some((r) => r.writesPerSync === null) ? null : r1(medianOf(runs, 'writesPerSync')),
    ...(mode === 'batch' ? { maxWritesPerGroupCommit: Math.max(...runs.map((r) => r.maxWritesPerGroupCommit)) } : {}),
    syncs: Math.round(medianOf(runs, 'syncs')),
    row: 'bigint pk, bigint ck, 100-byte blob',
    inFlight: concurrency,
    seconds: SECONDS,
    backend: backendKind,
  });
}

/** Prints what went wrong in a durability round (the BENCH line only has counts). */
function describeProblems(r: RoundReport): void {
  const v = r.verified;
  const bad = r.logErrors.length > 0 || (v !== null && v.lost + v.garbage + v.readErrors + v.readMismatches > 0) || (r.killPoint.kind === 'none' ? !r.stopped : !r.killed);
  if (!bad) return;
  process.stderr.write(
    `durability round ${r.round} (${r.killPoint.kind}, exit ${String(r.exitCode)}): ${JSON.stringify({ examples: v?.examples, logErrors: r.logErrors, startup: r.startup, replay: r.replay })}\n${r.stderrTail.slice(-4000)}\n`,
  );
}

function reportDurability(rounds: RoundReport[], final: RoundReport, leftovers: string[], seconds: number): void {
  for (const r of [...rounds, final]) describeProblems(r);
  const verifications = [...rounds, final].filter((r) => r.verified !== null);
  const lostPerVerification = verifications.map((r) => r.verified!.lost);
  const lost = Math.max(0, ...lostPerVerification);
  const broken = [...rounds.filter((r) => !r.killed), ...(final.stopped ? [] : [final])].length;
  const sum = (f: (r: RoundReport) => number): number => rounds.reduce((n, r) => n + f(r), 0);
  reportBench({
    suite: SUITE,
    metric: 'durability.acked_writes_lost',
    value: lost,
    unit: 'writes',
    target: '0',
    met: lost === 0 && broken === 0,
    what: `${rounds.length} kill -9 rounds, batch mode, same directories; each start verifies every earlier acknowledged write`,
    ackedWritesChecked: final.verified?.ackedWrites ?? 0,
    cellsWithAckedWrite: final.verified?.cellsWithAckedWrite ?? 0,
    verifications: verifications.length,
    lostPerVerification,
    garbageCells: verifications.reduce((n, r) => n + r.verified!.garbage, 0),
    readErrors: verifications.reduce((n, r) => n + r.verified!.readErrors + r.verified!.readMismatches, 0),
    crashPartialsLeftAfterStartup: rounds.reduce((n, r) => n + (r.startup?.remaining.length ?? 0), 0) + leftovers.length,
    logErrors: [...rounds, final].reduce((n, r) => n + r.logErrors.length, 0),
    runsThatDidNotReachTheirKillPoint: broken,
    killedDuringStartup: rounds.filter((r) => r.killPoint.kind === 'duringStartup').length,
    replayedEntries: sum((r) => r.replay?.applied ?? 0),
    flushes: sum((r) => r.events.flush),
    compactions: sum((r) => r.events.compaction),
    seconds: r1(seconds),
  });
}

async function main(): Promise<void> {
  const io = ShardIo.create({ shardCount: 1, disk: DEFAULT_IO_DISK });
  process.stderr.write(`storage bench: ${io.backendReason}; files under ${benchRoot()}\n`);
  try {
    for (const mode of MODES) {
      for (const concurrency of CONCURRENCIES) {
        const runs: WriteRun[] = [];
        for (let i = 0; i < RUNS; i++) runs.push(await measureWrites(io, mode, concurrency));
        reportWrites(mode, concurrency, runs, io.backendKind);
      }
    }
    const flushes: FlushRun[] = [];
    for (let i = 0; i < RUNS; i++) flushes.push(await measureFlush(io));
    reportBench({
      suite: SUITE,
      metric: 'flush.memtable_mb_per_s',
      value: r1(medianOf(flushes, 'memtableMbPerSec')),
      unit: 'MB/s',
      perRun: flushes.map((f) => r1(f.memtableMbPerSec)),
      sstableMbPerSec: r1(medianOf(flushes, 'sstableMbPerSec')),
      rowsPerSec: Math.round(medianOf(flushes, 'rowsPerSec')),
      memtableMiB: r1(medianOf(flushes, 'memtableMiB')),
      sstableMiB: r1(medianOf(flushes, 'sstableMiB')),
      seconds: r1(medianOf(flushes, 'seconds')),
      target: '>= 50 MB/s per shard (flush and compaction)',
      met: medianOf(flushes, 'memtableMbPerSec') >= 50,
      row: 'bigint pk, bigint ck, 100-byte blob',
      backend: io.backendKind,
    });
  } finally {
    await io.close();
  }
  const t0 = performance.now();
  const root = freshDir('durability');
  const { rounds, final, dirs } = await runDurability({ root, rounds: ROUNDS, seed: 20260514, minAcks: 1500, maxAcks: 8000, startupKillFraction: 0.2 });
  const leftovers = unexpectedFiles(tableDirectories(dirs.data, DURABILITY_TABLE, 0).shard);
  reportDurability(rounds, final, leftovers, (performance.now() - t0) / 1000);
  rmSync(root, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`storage bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
