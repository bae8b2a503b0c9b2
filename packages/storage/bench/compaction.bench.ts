// Compaction benchmark: an STCS-style task merging 4 overlapping SSTables into one, through
// runCompaction and the real SSTableReader/SSTableWriter, on a real disk through the
// io_uring backend (createIoBackend; O_DIRECT). Each input holds COMPACTION_BENCH_INPUT_MB
// MiB of uncompressed partitions of the CQL benchmark's table (bigint pk, bigint ck,
// 100-byte blob). Keys overlap 50%: half of each input's keys are its own, the other half
// are shared by all four inputs (each input overwrites them with a later timestamp).
// Variants: narrow (1 row per partition) and wide (100 rows), each without and with
// tombstones to purge (every 10th partition of every input has a row deletion a day old,
// past gc_grace, and nothing outside the compaction holds the keys); and narrow_updates:
// input 1 INSERTs its rows (with a row marker), the later inputs UPDATE them (no marker),
// so no version of a shared partition covers the others and every shared partition goes
// through the decode → merge → encode path (the "superseding version" raw copy cannot apply).
// Reported: MB/s in (Σ inputs' uncompressed bytes / duration) and MB/s out (Σ outputs'),
// partitions/s in; median of COMPACTION_BENCH_RUNS runs (default 3) over the same inputs.
// With COMPACTION_BENCH_GENERIC=1 each variant is also compacted through the generic path
// (inputs seen without scanRaw/decodeRaw: decode, merge, purge, encode every partition),
// reported as `..._generic`: what the runner did before the raw-copy fast path.
// Env: COMPACTION_BENCH_INPUT_MB (64), COMPACTION_BENCH_RUNS (3), COMPACTION_BENCH_GENERIC (0),
//      COMPACTION_BENCH_VARIANTS (all; e.g. narrow,wide_tombstones),
//      STORAGE_BENCH_DIR.
// Run: npx tsc -b packages/storage && node tools/dev/bench.mjs compaction
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createIoBackend, reportBench } from '@charybdis/core';
import { encodePartitionUpdate } from '@charybdis/schema';
import { NO_DATA_OUTSIDE_COMPACTION, runCompaction } from '../src/compaction';
import { SSTableReader, SSTableWriter } from '../src/sstable';
import type { SSTableIo, SSTableReaderApi } from '../src/sstable';
import {
  BENCH_NOW_SECONDS,
  BenchRng,
  MB,
  benchComparators,
  benchPartition,
  envNumber,
  makeBenchDir,
  median,
  round,
  silentLogger,
  sortedKeys,
} from './storage-bench-kit';

const SUITE = 'compaction';
const INPUT_MB = envNumber('COMPACTION_BENCH_INPUT_MB', 64);
const RUNS = envNumber('COMPACTION_BENCH_RUNS', 3);
const GENERIC = envNumber('COMPACTION_BENCH_GENERIC', 0) === 1;
/** Comma-separated variant names to run (default all). */
const ONLY = process.env.COMPACTION_BENCH_VARIANTS?.split(',') ?? null;
const INPUTS = 4;
const GC_GRACE_SECONDS = 3600;
const TARGET_MB_PER_S = 50;

interface Variant {
  readonly name: string;
  readonly rowsPerPartition: number;
  readonly tombstones: boolean;
  /** Inputs after the first write without row markers (UPDATEs over an INSERT). */
  readonly updates?: boolean;
}
const VARIANTS: readonly Variant[] = [
  { name: 'narrow', rowsPerPartition: 1, tombstones: false },
  { name: 'narrow_tombstones', rowsPerPartition: 1, tombstones: true },
  { name: 'narrow_updates', rowsPerPartition: 1, tombstones: false, updates: true },
  { name: 'wide', rowsPerPartition: 100, tombstones: false },
  { name: 'wide_tombstones', rowsPerPartition: 100, tombstones: true },
];

interface Run {
  mbInPerS: number;
  mbOutPerS: number;
  partitionsInPerS: number;
  seconds: number;
}

/** Writes the 4 inputs (generations 1..4); returns their readers. */
async function writeInputs(io: SSTableIo, dir: string, v: Variant, open: (g: number) => Promise<SSTableReader>): Promise<SSTableReader[]> {
  const probe = benchPartition(sortedKeys([0])[0]!, { rowsPerPartition: v.rowsPerPartition }, new BenchRng(1));
  const perInput = Math.max(2, Math.ceil((INPUT_MB * 1024 * 1024) / (encodePartitionUpdate(probe).length + 5)));
  const own = Math.floor(perInput / 2);
  const shared = perInput - own;
  const readers: SSTableReader[] = [];
  for (let i = 0; i < INPUTS; i++) {
    const ids = [...Array.from({ length: own }, (_, j) => i * own + j), ...Array.from({ length: shared }, (_, j) => INPUTS * own + j)];
    const keys = sortedKeys(ids);
    const rng = new BenchRng(100 + i);
    const generation = i + 1;
    const writer = await SSTableWriter.create({ directory: dir, generation, comparators: benchComparators, io, expectedPartitions: keys.length, logger: silentLogger });
    for (const k of keys) {
      const shape = { rowsPerPartition: v.rowsPerPartition, timestampOffsetUs: BigInt(i), deleteFirstRow: v.tombstones && k.id % 10 === 0, noMarker: v.updates === true && i > 0 };
      await writer.append(benchPartition(k, shape, rng));
    }
    await writer.finish();
    readers.push(await open(generation));
  }
  return readers;
}

/** The reader without its raw API, so runCompaction takes the generic path. */
function genericView(r: SSTableReader): SSTableReaderApi {
  return {
    generation: r.generation,
    directory: r.directory,
    stats: r.stats,
    totalSizeBytes: r.totalSizeBytes,
    mayContainKey: (k, t) => r.mayContainKey(k, t),
    readPartition: (k, t, s) => r.readPartition(k, t, s),
    scan: (from, to) => r.scan(from, to),
    verify: () => r.verify(),
    linkInto: (d) => r.linkInto(d),
    close: () => r.close(),
    delete: () => r.delete(),
  };
}

async function compactOnce(io: SSTableIo, dir: string, inputs: readonly SSTableReaderApi[], firstGeneration: number, open: (g: number) => Promise<SSTableReader>): Promise<Run> {
  let generation = firstGeneration;
  const t0 = performance.now();
  const result = await runCompaction({
    inputs,
    comparators: benchComparators,
    createWriter: (expectedPartitions) =>
      SSTableWriter.create({ directory: dir, generation: generation++, comparators: benchComparators, io, expectedPartitions, logger: silentLogger }),
    maxOutputBytes: Infinity,
    nowSeconds: BENCH_NOW_SECONDS,
    gcGraceSeconds: GC_GRACE_SECONDS,
    maxPurgeableTimestamp: () => NO_DATA_OUTSIDE_COMPACTION,
  });
  const seconds = (performance.now() - t0) / 1000;
  const bytesIn = inputs.reduce((n, r) => n + r.stats.uncompressedSizeBytes, 0);
  const bytesOut = result.outputs.reduce((n, o) => n + o.stats.uncompressedSizeBytes, 0);
  for (const o of result.outputs) await (await open(o.writer.generation)).delete();
  return { mbInPerS: bytesIn / MB / seconds, mbOutPerS: bytesOut / MB / seconds, partitionsInPerS: result.partitionsIn / seconds, seconds };
}

async function main(): Promise<void> {
  const selection = createIoBackend();
  const io: SSTableIo = { backend: selection.backend, ioClass: 'compaction' };
  process.stderr.write(`compaction bench: ${INPUTS} inputs of ${INPUT_MB} MiB, backend ${selection.kind}\n`);
  try {
    for (const v of VARIANTS.filter((x) => ONLY === null || ONLY.includes(x.name))) {
      const dir = makeBenchDir(`compaction-${v.name}`);
      const open = (generation: number): Promise<SSTableReader> => SSTableReader.open({ directory: dir, generation, comparators: benchComparators, io, logger: silentLogger });
      try {
        const inputs = await writeInputs(io, dir, v, open);
        for (const path of GENERIC ? ['', '_generic'] : ['']) {
          const runs: Run[] = [];
          const viewed = path === '' ? inputs : inputs.map(genericView);
          for (let r = 0; r < RUNS; r++) runs.push(await compactOnce(io, dir, viewed, 100 + r * 10, open));
          report(v, path, runs, inputs, selection.kind);
        }
        for (const i of inputs) await i.close();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await selection.backend.close();
  }
}

function report(v: Variant, path: string, runs: readonly Run[], inputs: readonly SSTableReader[], backend: string): void {
        const m = (f: (x: Run) => number): number => median(runs.map(f));
        reportBench({
          suite: SUITE,
          metric: `stcs_4_inputs_${v.name}_mb_in${path}`,
          value: round(m((x) => x.mbInPerS)),
          unit: 'MB/s',
          target: TARGET_MB_PER_S,
          mbOutPerS: round(m((x) => x.mbOutPerS)),
          partitionsInPerS: Math.round(m((x) => x.partitionsInPerS)),
          seconds: round(m((x) => x.seconds), 2),
          runs: runs.map((x) => round(x.mbInPerS)),
          inputMiB: round(inputs.reduce((n, i) => n + i.stats.uncompressedSizeBytes, 0) / 2 ** 20),
          inputPartitions: inputs.reduce((n, i) => n + i.stats.partitionCount, 0),
          rowsPerPartition: v.rowsPerPartition,
          tombstones: v.tombstones,
          backend,
        });
}

main().catch((err: unknown) => {
  process.stderr.write(`compaction bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
