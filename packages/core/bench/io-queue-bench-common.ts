// Shared by the io-queue benchmark's parts (io-queue.bench.ts, io-queue-bench-disk.ts):
// its sizes and durations, deterministic positions, quantiles, and the device's own
// traffic counters (to spot other processes' I/O during a window).
import fs from 'node:fs';
import os from 'node:os';

export const KiB = 1024;
export const MiB = 1024 * 1024;
/** A's reads and B's writes. */
export const A_SIZE = 4 * KiB;
export const B_SIZE = 128 * KiB;
/** Each bench file's size. */
export const FILE_MB = 1024;
/** Measured seconds of each configuration, after WARMUP_SECONDS not measured. */
export const SECONDS = Number(process.env.IO_QUEUE_BENCH_SECONDS ?? 5);
export const WARMUP_SECONDS = 0.5;
/** A's reads per second (open loop). */
export const A_RATE = Number(process.env.IO_QUEUE_BENCH_A_RATE ?? 2000);

/** The benchmark's two files: A reads one, B writes the other. */
export interface Files {
  readPath: string;
  writePath: string;
}

/** xorshift32: cheap, deterministic positions. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

export function sortedCopy(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
}

export const round = (x: number, digits = 3): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
export const load1 = (): number => round(os.loadavg()[0]!, 2);

/** Bytes the device of the bench directory moved (from /proc/diskstats), to spot other processes' I/O. */
export interface DeviceBytes {
  read: number;
  written: number;
}
let deviceId: { major: number; minor: number } | null = null;

/** Watches the device whose number is `dev` (fs.Stats.dev of a bench file); no watch when /proc/diskstats does not list it. */
export function setBenchDevice(dev: number): void {
  deviceId = { major: Math.floor(dev / 256) & 0xfff, minor: (dev & 0xff) | (Math.floor(dev / 4096) & 0xfff00) };
  if (deviceBytes() === null) deviceId = null;
}
export function deviceBytes(): DeviceBytes | null {
  if (deviceId === null) return null;
  try {
    for (const line of fs.readFileSync('/proc/diskstats', 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (Number(f[0]) === deviceId.major && Number(f[1]) === deviceId.minor) {
        return { read: Number(f[5]) * 512, written: Number(f[9]) * 512 }; // always 512-byte sectors
      }
    }
  } catch {
    // not Linux, or no access: no foreign-I/O check
  }
  return null;
}

