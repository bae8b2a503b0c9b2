// The io-queue benchmark's look at the disk on its own, with no scheduler: the closed-loop
// probes that measure the disk model when no io_properties.yaml is given, and the fio
// reference runs (the device's own latency / bandwidth trade-off). See io-queue.bench.ts.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import { allocateAligned, DMA_ALIGNMENT } from '../src/io/backend';
import type { IoBackend } from '../src/io/backend';
import { DmaFile } from '../src/io/file';
import { DEFAULT_IO_DISK, diskForDirectory, parseIoProperties } from '../src/io/queue';
import type { IoDiskProperties } from '../src/io/queue';
import { A_RATE, A_SIZE, B_SIZE, deviceBytes, FILE_MB, MiB, quantile, rng, SECONDS, sortedCopy, WARMUP_SECONDS } from './io-queue-bench-common';
import type { Files } from './io-queue-bench-common';

/** Seconds of each closed-loop probe of the disk model. */
const MODEL_SECONDS = 2;

// ---------------------------------------------------------------------------------------
// Disk model

export interface ClosedLoopResult {
  iops: number;
  bytesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Device traffic during the probe that was not the probe's (MB/s), null when unknown. */
  foreignMBps: number | null;
}

/** `depth` lanes of `size`-byte random reads or writes on `file` for `seconds`, no queue. */
export async function closedLoop(file: DmaFile, kind: 'read' | 'write', size: number, depth: number, seconds: number): Promise<ClosedLoopResult> {
  const slots = Math.floor((FILE_MB * MiB) / size);
  const next = rng(0x1234567 + size + depth);
  const lat: number[] = [];
  let count = 0;
  const dev0 = deviceBytes();
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const lane = async (): Promise<void> => {
    const buf = randomFillSync(allocateAligned(size, DMA_ALIGNMENT));
    for (;;) {
      const start = performance.now();
      if (start >= deadline) return;
      const pos = (next() % slots) * size;
      if (kind === 'read') await file.readInto(pos, buf);
      else await file.write(pos, buf);
      lat.push(performance.now() - start);
      count++;
    }
  };
  await Promise.all(Array.from({ length: depth }, lane));
  const elapsedS = (performance.now() - t0) / 1000;
  const dev1 = deviceBytes();
  const sorted = sortedCopy(Float64Array.from(lat));
  const foreignMBps =
    dev0 === null || dev1 === null ? null : Math.max(0, dev1.read - dev0.read + dev1.written - dev0.written - count * size) / elapsedS / 1e6;
  return {
    iops: count / elapsedS,
    bytesPerSec: (count * size) / elapsedS,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    foreignMBps,
  };
}

export interface DiskModel {
  disk: IoDiskProperties;
  source: string;
  /** What each closed-loop probe gave, when measured. */
  probes?: Record<string, ClosedLoopResult>;
}

export async function diskModel(backend: IoBackend, dir: string, readPath: string, writePath: string): Promise<DiskModel> {
  const choice = process.env.IO_QUEUE_BENCH_MODEL ?? 'auto';
  if (choice === 'default') return { disk: DEFAULT_IO_DISK, source: 'DEFAULT_IO_DISK' };
  const file = choice !== 'auto' && choice !== 'measure' ? choice : path.join(process.cwd(), 'conf', 'io_properties.yaml');
  if (choice !== 'measure' && fs.existsSync(file)) {
    const props = parseIoProperties(parseYaml(fs.readFileSync(file, 'utf8')) as unknown, file);
    const disk = diskForDirectory(props, dir);
    return { disk, source: disk.isDefault ? `${file} (no entry covers ${dir}: defaults)` : file };
  }
  process.stderr.write(`io-queue bench: measuring the disk model (4 x ${MODEL_SECONDS} s)\n`);
  const r = await DmaFile.open(backend, readPath, { direct: true, readOnly: true });
  const w = await DmaFile.open(backend, writePath, { direct: true });
  await closedLoop(r, 'read', A_SIZE, 32, 0.3); // warm-up: JIT, ring
  const probes = {
    randread_4k_qd32: await closedLoop(r, 'read', A_SIZE, 32, MODEL_SECONDS),
    randread_128k_qd8: await closedLoop(r, 'read', B_SIZE, 8, MODEL_SECONDS),
    randwrite_4k_qd32: await closedLoop(w, 'write', A_SIZE, 32, MODEL_SECONDS),
    randwrite_128k_qd8: await closedLoop(w, 'write', B_SIZE, 8, MODEL_SECONDS),
  };
  await r.close();
  await w.close();
  const props = parseIoProperties(
    {
      disks: [
        {
          mountpoint: dir,
          read_iops: Math.round(probes.randread_4k_qd32.iops),
          read_bandwidth: Math.round(probes.randread_128k_qd8.bytesPerSec),
          write_iops: Math.round(probes.randwrite_4k_qd32.iops),
          write_bandwidth: Math.round(probes.randwrite_128k_qd8.bytesPerSec),
        },
      ],
    },
    'measured by io-queue.bench',
  );
  return { disk: diskForDirectory(props, dir), source: 'measured', probes };
}

// ---------------------------------------------------------------------------------------
// fio reference: the device's own trade-off, with no JS and no scheduler

export interface FioResult {
  readP50Ms: number;
  readP99Ms: number;
  writeMBps: number;
}

/** fio's verdict when it cannot run (not installed, failed); then the fio configurations are skipped. */
let fioProblem: string | null = null;

/** Why fio could not run, or null (not tried yet, or it ran). */
export function fioUnavailable(): string | null {
  return fioProblem;
}

/**
 * A's reads (4 KiB random, A_RATE/s, O_DIRECT, io_uring) next to `writeDepth` outstanding
 * 128 KiB random O_DIRECT writes (0: none), on the same files, for SECONDS, run by fio.
 * fio's read latency is from submission (A's own figures are from the intended start,
 * which can only be higher), so the frontier it draws is the device's best case.
 */
export function runFio(files: Files, readers: boolean, writeDepth: number): FioResult | null {
  if (fioProblem !== null) return null;
  const args = ['--output-format=json', `--runtime=${SECONDS}`, `--ramp_time=${WARMUP_SECONDS}`, '--time_based', '--direct=1', '--ioengine=io_uring'];
  if (readers) {
    args.push('--name=a', `--filename=${files.readPath}`, '--rw=randread', `--bs=${A_SIZE}`, '--iodepth=4', `--rate_iops=${A_RATE}`, `--size=${FILE_MB}m`);
  }
  if (writeDepth > 0) {
    args.push('--name=b', `--filename=${files.writePath}`, '--rw=randwrite', `--bs=${B_SIZE}`, `--iodepth=${writeDepth}`, `--size=${FILE_MB}m`);
  }
  const res = spawnSync('fio', args, { encoding: 'utf8', timeout: (SECONDS + 30) * 1000 });
  if (res.error !== undefined) {
    fioProblem = `fio unavailable (${res.error.message}); install it with apt-get install -y fio`;
    return null;
  }
  if (res.status !== 0) {
    fioProblem = `fio exited with ${res.status}: ${res.stderr.trim().slice(0, 300)}`;
    return null;
  }
  interface FioJob {
    jobname: string;
    read: { clat_ns: { percentile?: Record<string, number> } };
    write: { bw_bytes: number };
  }
  const jobs = (JSON.parse(res.stdout) as { jobs: FioJob[] }).jobs;
  const a = jobs.find((j) => j.jobname === 'a');
  const b = jobs.find((j) => j.jobname === 'b');
  const pct = a?.read.clat_ns.percentile;
  return {
    readP50Ms: pct === undefined ? NaN : (pct['50.000000'] ?? NaN) / 1e6,
    readP99Ms: pct === undefined ? NaN : (pct['99.000000'] ?? NaN) / 1e6,
    writeMBps: b === undefined ? NaN : b.write.bw_bytes / 1e6,
  };
}
