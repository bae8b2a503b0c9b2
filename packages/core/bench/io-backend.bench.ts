// Disk I/O backends: random 4 KiB O_DIRECT reads at queue depth 32 on a pre-written file
// (1 GiB by default, created once and kept for later runs), ~5 s per measurement:
//   (a) IoUringBackend through DmaFile, (b) ThreadPoolBackend through DmaFile,
//   (c) fio --ioengine=io_uring on the same file, the native rate to compare with
//       (target: (a) >= 70% of (c)).
// Each is measured 3 times, interleaved; the medians are reported: IOPS, p50/p99 latency,
// CPU per request of the JS thread and of the whole process.
// Run with `npx tsc -b && node tools/dev/bench.mjs io-backend`. Prints BENCH lines.
// Knobs (environment): IO_BENCH_DIR (default: the OS temp folder unless it is tmpfs, then
// <cwd>/data/tmp), IO_BENCH_FILE_MB (1024), IO_BENCH_SECONDS (5), IO_BENCH_RUNS (3).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { reportBench } from '../src/bench/bench-report';
import { allocateAligned, DMA_ALIGNMENT, IoUringBackend, ThreadPoolBackend } from '../src/io/backend';
import type { IoBackend } from '../src/io/backend';
import { DmaFile } from '../src/io/file';
import { benchDir, ensureBenchFile } from './bench-files';

const SUITE = 'io-backend';
const BLOCK = 4096;
const DEPTH = 32;
const FILE_MB = Number(process.env.IO_BENCH_FILE_MB ?? 1024);
const SECONDS = Number(process.env.IO_BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.IO_BENCH_RUNS ?? 3);
const CLOCK_TICKS_PER_SEC = 100; // USER_HZ on Linux

interface Measurement {
  iops: number;
  p50Us: number;
  p99Us: number;
  /** CPU of the JS thread per request (µs), null when unknown. */
  jsCpuUsPerReq: number | null;
  processCpuUsPerReq: number | null;
}


/** utime + stime of the calling (JS) thread in µs, from /proc/thread-self/stat. */
function threadCpuUs(): number | null {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SEC;
  } catch {
    return null;
  }
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function measureDmaFile(backend: IoBackend, file: string, sizeBytes: number, seconds: number): Promise<Measurement> {
  const f = await DmaFile.open(backend, file, { direct: true, readOnly: true });
  if (!f.direct) throw new Error(`O_DIRECT refused on ${file}: ${f.directFallbackReason ?? ''}`);
  const blocks = Math.floor(sizeBytes / BLOCK);
  const latencies = new Float64Array(Math.max(1, Math.ceil(seconds * 400_000)));
  let count = 0;
  let seed = 0x9e3779b9;
  const nextBlock = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % blocks;
  };
  const deadline = performance.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const js0 = threadCpuUs();
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    const buf = allocateAligned(BLOCK, DMA_ALIGNMENT);
    for (;;) {
      const start = performance.now();
      if (start >= deadline) return;
      await f.readInto(nextBlock() * BLOCK, buf);
      if (count < latencies.length) latencies[count] = performance.now() - start;
      count++;
    }
  };
  await Promise.all(Array.from({ length: DEPTH }, lane));
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const js1 = threadCpuUs();
  await f.close();
  const sorted = latencies.subarray(0, Math.min(count, latencies.length)).sort();
  return {
    iops: count / elapsedS,
    p50Us: percentile(sorted, 0.5) * 1000,
    p99Us: percentile(sorted, 0.99) * 1000,
    jsCpuUsPerReq: js0 !== null && js1 !== null ? (js1 - js0) / count : null,
    processCpuUsPerReq: (cpu.user + cpu.system) / count,
  };
}

interface FioJob {
  read: { iops: number; total_ios: number; lat_ns: { percentile?: Record<string, number> } };
  usr_cpu: number;
  sys_cpu: number;
  job_runtime: number;
}

function measureFio(file: string, sizeBytes: number, seconds: number): Measurement | string {
  const res = spawnSync(
    'fio',
    [
      '--name=randread', `--filename=${file}`, '--ioengine=io_uring', '--direct=1', '--rw=randread', '--bs=4k',
      `--iodepth=${DEPTH}`, '--numjobs=1', '--time_based', `--runtime=${seconds}`, `--size=${sizeBytes}`,
      '--norandommap', '--randrepeat=0', '--lat_percentiles=1', '--output-format=json',
    ],
    { encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  if (res.error) return `fio unavailable (${res.error.message}); install it with apt-get install -y fio`;
  if (res.status !== 0) return `fio exited with ${res.status}: ${res.stderr.trim().slice(0, 300)}`;
  const job = (JSON.parse(res.stdout.slice(res.stdout.indexOf('{'))) as { jobs: FioJob[] }).jobs[0]!;
  const pct = job.read.lat_ns.percentile ?? {};
  const cpuUs = ((job.usr_cpu + job.sys_cpu) / 100) * job.job_runtime * 1000;
  return {
    iops: job.read.iops,
    p50Us: (pct['50.000000'] ?? 0) / 1000,
    p99Us: (pct['99.000000'] ?? 0) / 1000,
    jsCpuUsPerReq: null,
    processCpuUsPerReq: cpuUs / job.read.total_ios,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function medianOrNull(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : median(known);
}

function round(n: number | null, digits = 1): number | null {
  return n === null ? null : Number(n.toFixed(digits));
}

function report(name: string, runs: Measurement[], extra: Record<string, unknown>): void {
  reportBench({
    suite: SUITE,
    metric: `randread_4k_qd${DEPTH}_${name}`,
    value: Math.round(median(runs.map((r) => r.iops))),
    unit: 'IOPS',
    p50Us: round(median(runs.map((r) => r.p50Us))),
    p99Us: round(median(runs.map((r) => r.p99Us))),
    jsCpuUsPerReq: round(medianOrNull(runs.map((r) => r.jsCpuUsPerReq)), 2),
    processCpuUsPerReq: round(medianOrNull(runs.map((r) => r.processCpuUsPerReq)), 2),
    runs: runs.map((r) => Math.round(r.iops)),
    seconds: SECONDS,
    ...extra,
  });
}

async function main(): Promise<void> {
  const sizeBytes = FILE_MB * 1024 * 1024;
  const file = path.join(benchDir(), `io-backend-${FILE_MB}m.dat`);
  await ensureBenchFile(file, sizeBytes, 'io-backend bench');
  const probe = IoUringBackend.probe();
  const uring = probe.available ? IoUringBackend.create() : null;
  if (uring === null) process.stderr.write(`io-backend bench: io_uring unavailable (${probe.reason ?? 'unknown'})\n`);
  const pool = new ThreadPoolBackend();
  // Warm-up: JIT, the ring, the thread pool.
  if (uring !== null) await measureDmaFile(uring, file, sizeBytes, 0.5);
  await measureDmaFile(pool, file, sizeBytes, 0.5);

  const a: Measurement[] = [];
  const b: Measurement[] = [];
  const c: Measurement[] = [];
  let fioProblem: string | null = null;
  for (let run = 0; run < RUNS; run++) {
    if (uring !== null) a.push(await measureDmaFile(uring, file, sizeBytes, SECONDS));
    b.push(await measureDmaFile(pool, file, sizeBytes, SECONDS));
    if (fioProblem === null) {
      const fio = measureFio(file, sizeBytes, SECONDS);
      if (typeof fio === 'string') fioProblem = fio;
      else c.push(fio);
    }
  }
  const fileInfo = { fileMiB: FILE_MB, file };
  if (uring !== null) report('io_uring_dmafile', a, { ...fileInfo, ring: uring.ringStats() });
  report('threadpool_dmafile', b, { ...fileInfo, uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4) });
  if (c.length > 0) report('fio_io_uring', c, fileInfo);
  else process.stderr.write(`io-backend bench: no fio baseline: ${fioProblem ?? 'unknown'}\n`);
  if (uring !== null && c.length > 0) {
    reportBench({
      suite: SUITE,
      metric: 'io_uring_dmafile_vs_fio',
      value: Number((median(a.map((r) => r.iops)) / median(c.map((r) => r.iops))).toFixed(3)),
      unit: 'ratio',
      target: 0.7,
    });
  }
  await uring?.close();
  await pool.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`io-backend bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
