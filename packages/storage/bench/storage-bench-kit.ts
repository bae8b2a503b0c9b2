// Shared pieces of the storage benchmarks: the benchmark table (the CQL benchmark's row:
// bigint pk, bigint ck, 100-byte blob), deterministic partition generators, where the
// files go (a real disk, never tmpfs: SSTables are O_DIRECT), and small statistics helpers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TableComparators, murmur3Token, nativeType } from '@charybdis/schema';
import type { PartitionUpdate, Row } from '@charybdis/schema';
import type { SSTableLogger } from '../src/sstable';

/** statfs f_type of tmpfs, which has no O_DIRECT. */
const TMPFS_MAGIC = 0x01021994;

export const BENCH_TABLE_ID = '6b0f5c1e-2f4a-4c83-9d2e-7a1b3c5d7e90';
export const BENCH_VALUE_BYTES = 100;
/** The compaction's "now" and the write time of every generated cell. */
export const BENCH_NOW_SECONDS = 1_700_000_000;
export const BENCH_WRITE_TIME_US = BigInt(BENCH_NOW_SECONDS - 86_400) * 1_000_000n;

/** CREATE TABLE t (pk bigint, ck bigint, v blob, PRIMARY KEY (pk, ck)). */
export const benchComparators = new TableComparators({
  clusteringTypes: [nativeType('bigint')],
  columns: [{ name: 'v', type: nativeType('blob') }],
});

export const silentLogger: SSTableLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Integer knob from the environment. */
export function envNumber(name: string, dflt: number): number {
  const v = process.env[name];
  return v === undefined || v === '' ? dflt : Number(v);
}

/**
 * A fresh directory for one benchmark: STORAGE_BENCH_DIR, else the OS temp folder unless
 * it is a tmpfs (no O_DIRECT there), in which case <cwd>/data/tmp.
 */
export function makeBenchDir(label: string): string {
  let base = process.env.STORAGE_BENCH_DIR ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  if (fs.statfsSync(base).type === TMPFS_MAGIC && process.env.STORAGE_BENCH_DIR === undefined) base = path.join(process.cwd(), 'data', 'tmp');
  const dir = path.join(base, 'charybdis-bench', `${label}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** xorshift32: a cheap deterministic stream. */
export class BenchRng {
  #x: number;
  constructor(seed: number) {
    this.#x = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.#x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#x = x >>> 0;
    return this.#x;
  }
  int(max: number): number {
    return this.next() % max;
  }
  fill(buf: Buffer): Buffer {
    for (let i = 0; i + 4 <= buf.length; i += 4) buf.writeUInt32LE(this.next(), i);
    return buf;
  }
}

export function bigintBytes(v: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(v);
  return b;
}

/** A partition key with its token; `id` is the pk value. */
export interface BenchKey {
  readonly id: number;
  readonly key: Buffer;
  readonly token: bigint;
}

export function benchKey(id: number): BenchKey {
  const key = bigintBytes(BigInt(id));
  return { id, key, token: murmur3Token(key) };
}

/** Keys `ids` sorted in partition order (token, then key bytes). */
export function sortedKeys(ids: Iterable<number>): BenchKey[] {
  const keys = [...ids].map(benchKey);
  return keys.sort((a, b) => (a.token !== b.token ? (a.token < b.token ? -1 : 1) : Buffer.compare(a.key, b.key)));
}

/** How a generated partition looks. */
export interface PartitionShape {
  readonly rowsPerPartition: number;
  /** Added to every timestamp (a later input overwrites an earlier one). */
  readonly timestampOffsetUs?: bigint;
  /** A row deletion (written a day before now, so past any gc_grace of the benchmark) instead of the first row. */
  readonly deleteFirstRow?: boolean;
  /** Rows without a row marker, as a CQL UPDATE writes them (an INSERT writes one). */
  readonly noMarker?: boolean;
}

/** One partition of the benchmark table: rows ck = 0..n-1, each a marker and a 100-byte random value. */
export function benchPartition(k: BenchKey, shape: PartitionShape, rng: BenchRng): PartitionUpdate {
  const ts = BENCH_WRITE_TIME_US + (shape.timestampOffsetUs ?? 0n);
  const rows: Row[] = [];
  for (let ck = 0; ck < shape.rowsPerPartition; ck++) {
    const clustering = [bigintBytes(BigInt(ck))];
    if (ck === 0 && shape.deleteFirstRow === true) {
      rows.push({ clustering, deletion: { markedForDeleteAtUs: ts, localDeletionTimeSeconds: BENCH_NOW_SECONDS - 86_400 }, columns: [] });
      continue;
    }
    const value = rng.fill(Buffer.allocUnsafe(BENCH_VALUE_BYTES));
    const columns: Row['columns'] = [{ kind: 'simple', column: 'v', cell: { kind: 'live', timestampUs: ts, value } }];
    rows.push(shape.noMarker === true ? { clustering, columns } : { clustering, marker: { timestampUs: ts }, columns });
  }
  return { tableId: BENCH_TABLE_ID, partitionKey: k.key, token: k.token, rows, rangeTombstones: [] };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function round(n: number, digits = 1): number {
  return Number(n.toFixed(digits));
}

export const MB = 1e6;
