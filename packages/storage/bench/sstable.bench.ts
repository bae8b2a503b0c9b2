// SSTable benchmarks, on a real disk through the io_uring backend (createIoBackend; O_DIRECT,
// so no page cache: every Data/Index read goes to the device).
//   write:  a flush-like stream of partitions of the CQL benchmark's table (bigint pk,
//           bigint ck, 100-byte blob), narrow (1 row per partition) and wide (100 rows),
//           SSTABLE_BENCH_MB MiB of uncompressed partition data each: MB/s and partitions/s,
//           from create to finish (fsyncs and TOC included). Partition generation is
//           included (a few % of the time).
//   scan:   a full scan of the SSTable just written: MB/s (uncompressed) and partitions/s.
//   point:  readPartition of random present keys of the last narrow SSTable, at
//           concurrency 1 and 32, SSTABLE_BENCH_POINT_S seconds each: reads/s, p50/p99 µs.
// Each measurement is repeated SSTABLE_BENCH_RUNS times (default 3); BENCH values are medians.
// Env: SSTABLE_BENCH_MB (256), SSTABLE_BENCH_POINT_S (5), SSTABLE_BENCH_RUNS (3), STORAGE_BENCH_DIR.
// Run: npx tsc -b packages/storage && node tools/dev/bench.mjs sstable
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createIoBackend, reportBench } from '@charybdis/core';
import { encodePartitionUpdate } from '@charybdis/schema';
import { SSTableReader, SSTableWriter } from '../src/sstable';
import type { SSTableIo, SSTableStats } from '../src/sstable';
import {
  BenchRng,
  MB,
  benchComparators,
  benchPartition,
  envNumber,
  makeBenchDir,
  median,
  percentile,
  round,
  silentLogger,
  sortedKeys,
} from './storage-bench-kit';
import type { BenchKey } from './storage-bench-kit';

const SUITE = 'sstable';
const SIZE_MB = envNumber('SSTABLE_BENCH_MB', 256);
const POINT_S = envNumber('SSTABLE_BENCH_POINT_S', 5);
const RUNS = envNumber('SSTABLE_BENCH_RUNS', 3);
const TARGET = '>= 50 MB/s per shard (flush and compaction)';

interface Variant {
  readonly name: string;
  readonly rowsPerPartition: number;
}
const VARIANTS: readonly Variant[] = [
  { name: 'narrow', rowsPerPartition: 1 },
  { name: 'wide', rowsPerPartition: 100 },
];

interface Throughput {
  mbPerS: number;
  partitionsPerS: number;
}

function keysFor(variant: Variant): BenchKey[] {
  const probe = benchPartition(sortedKeys([0])[0]!, { rowsPerPartition: variant.rowsPerPartition }, new BenchRng(1));
  const bytesPerPartition = encodePartitionUpdate(probe).length + 5;
  const count = Math.max(1, Math.ceil((SIZE_MB * 1024 * 1024) / bytesPerPartition));
  return sortedKeys(Array.from({ length: count }, (_, i) => i));
}

async function write(io: SSTableIo, dir: string, generation: number, variant: Variant, keys: readonly BenchKey[]): Promise<{ t: Throughput; stats: SSTableStats }> {
  const rng = new BenchRng(generation);
  const t0 = performance.now();
  const writer = await SSTableWriter.create({ directory: dir, generation, comparators: benchComparators, io, expectedPartitions: keys.length, logger: silentLogger });
  for (const k of keys) await writer.append(benchPartition(k, { rowsPerPartition: variant.rowsPerPartition }, rng));
  const stats = await writer.finish();
  const s = (performance.now() - t0) / 1000;
  return { t: { mbPerS: stats.uncompressedSizeBytes / MB / s, partitionsPerS: keys.length / s }, stats };
}

async function scan(reader: SSTableReader): Promise<Throughput> {
  const t0 = performance.now();
  let n = 0;
  for await (const p of reader.scan()) if (p.rows.length > 0) n++;
  const s = (performance.now() - t0) / 1000;
  if (n !== reader.stats.partitionCount) throw new Error(`scan saw ${n} partitions of ${reader.stats.partitionCount}`);
  return { mbPerS: reader.stats.uncompressedSizeBytes / MB / s, partitionsPerS: n / s };
}

interface PointResult {
  readsPerS: number;
  p50Us: number;
  p99Us: number;
}

async function pointReads(reader: SSTableReader, keys: readonly BenchKey[], concurrency: number, seconds: number, seed: number): Promise<PointResult> {
  const rng = new BenchRng(seed);
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const k = keys[rng.int(keys.length)]!;
      const start = performance.now();
      const p = await reader.readPartition(k.key, k.token);
      latencies.push(performance.now() - start);
      if (p === null) throw new Error(`key ${k.id} not found`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const s = (performance.now() - t0) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return { readsPerS: latencies.length / s, p50Us: percentile(sorted, 0.5) * 1000, p99Us: percentile(sorted, 0.99) * 1000 };
}

function reportThroughput(metric: string, runs: readonly Throughput[], extra: Record<string, unknown>): void {
  reportBench({
    suite: SUITE,
    metric,
    value: round(median(runs.map((r) => r.mbPerS))),
    unit: 'MB/s',
    partitionsPerS: Math.round(median(runs.map((r) => r.partitionsPerS))),
    runs: runs.map((r) => round(r.mbPerS)),
    target: TARGET,
    ...extra,
  });
}

async function main(): Promise<void> {
  const selection = createIoBackend();
  const io: SSTableIo = { backend: selection.backend, ioClass: 'memtable_flush' };
  const dir = makeBenchDir('sstable');
  process.stderr.write(`sstable bench: ${SIZE_MB} MiB per SSTable in ${dir}, backend ${selection.kind}\n`);
  let generation = 0;
  try {
    for (const variant of VARIANTS) {
      const keys = keysFor(variant);
      const writes: Throughput[] = [];
      const scans: Throughput[] = [];
      let last: SSTableStats | null = null;
      for (let run = 0; run < RUNS; run++) {
        const g = ++generation;
        const w = await write(io, dir, g, variant, keys);
        writes.push(w.t);
        last = w.stats;
        const reader = await SSTableReader.open({ directory: dir, generation: g, comparators: benchComparators, io, logger: silentLogger });
        scans.push(await scan(reader));
        const keep = variant.name === 'narrow' && run === RUNS - 1;
        if (keep) {
          const point: Record<number, PointResult[]> = { 1: [], 32: [] };
          for (let r = 0; r < RUNS; r++) for (const c of [1, 32]) point[c]!.push(await pointReads(reader, keys, c, POINT_S, 7 + r));
          for (const c of [1, 32]) {
            const rs = point[c]!;
            reportBench({
              suite: SUITE,
              metric: `point_read_${variant.name}_c${c}`,
              value: Math.round(median(rs.map((x) => x.readsPerS))),
              unit: 'reads/s',
              p50Us: round(median(rs.map((x) => x.p50Us))),
              p99Us: round(median(rs.map((x) => x.p99Us))),
              runs: rs.map((x) => Math.round(x.readsPerS)),
              uncompressedMiB: round(reader.stats.uncompressedSizeBytes / 2 ** 20),
              dataFileMiB: round(reader.stats.dataSizeBytes / 2 ** 20),
              seconds: POINT_S,
            });
          }
        }
        await reader.delete();
      }
      const extra = {
        rowsPerPartition: variant.rowsPerPartition,
        partitions: keys.length,
        uncompressedMiB: round((last?.uncompressedSizeBytes ?? 0) / 2 ** 20),
        dataFileMiB: round((last?.dataSizeBytes ?? 0) / 2 ** 20),
        backend: selection.kind,
      };
      reportThroughput(`write_${variant.name}`, writes, extra);
      reportThroughput(`scan_${variant.name}`, scans, extra);
    }
  } finally {
    await selection.backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`sstable bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
