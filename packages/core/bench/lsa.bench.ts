// LSA benchmarks (issue: memory, churn, GC). Each phase runs in its own child process
// (fresh heap, `--expose-gc`), and the parent prints BENCH lines comparing LSA with the
// same data as JS objects (a Map<string, Uint8Array>: latin1 key string → value bytes).
//   memory: CELLS cells (16-byte key + 8–64-byte value) inserted into an LSA region with its
//           B-tree index; total LSA bytes vs raw payload, beside the JS Map's heap growth.
//   churn:  random upsert (3/4) and delete (1/4) over a key space whose steady live set is
//           ~75% of a 256 MiB budget, for CHURN_S seconds, in a CpuScheduler "statement"
//           group, with the background compactor in a "compaction" group: min/mean
//           occupancy, memory growth after warm-up, ops/s, and GC pauses (perf_hooks 'gc'
//           entries) — the same workload on the JS Map for the GC comparison.
// Env: LSA_BENCH_CELLS (5_000_000), LSA_BENCH_CHURN_S (60 per side; "a few minutes": 180),
//      LSA_BENCH_RUNS (1; BENCH values are medians over the runs).
// Run: npx tsc -b && node tools/dev/bench.mjs lsa
import { spawnSync } from 'node:child_process';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { reportBench } from '../src/bench/bench-report';
import { LsaBTree, LsaBackgroundCompactor, NULL_HANDLE, SegmentPool, compareBytes } from '../src/lsa';
import type { LsaComparator } from '../src/lsa';
import { CpuScheduler } from '../src/scheduler';
import type { SchedulingGroup } from '../src/scheduler';

const KEY_BYTES = 16;
const MIN_VALUE_BYTES = 8;
const MAX_VALUE_BYTES = 64;
const CELLS = envInt('LSA_BENCH_CELLS', 5_000_000);
const CHURN_S = envInt('LSA_BENCH_CHURN_S', 60);
const RUNS = envInt('LSA_BENCH_RUNS', 1);
const MEMORY_BUDGET_BYTES = 2 * 1024 ** 3; // generous: segments are materialized as needed
const CHURN_BUDGET_BYTES = 256 * 1024 ** 2;
/** Steady live footprint as a fraction of the churn budget ("fills most of the budget"). */
const CHURN_LIVE_RATIO = 0.75;
/** Upserts per delete: the live fraction of the key space settles at 3/4. */
const UPSERT_SHARE = 0.75;
const CHURN_BATCH_OPS = 128;
const WARMUP_FRACTION = 0.1;
const SAMPLE_INTERVAL_MS = 1000;

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  return v === undefined || v === '' ? dflt : Math.max(1, Math.floor(Number(v)));
}

/** Objects are key (16 bytes) then value; the index compares the keys. */
const compareKey16: LsaComparator = (a, ao, _al, b, bo) => compareBytes(a, ao, KEY_BYTES, b, bo, KEY_BYTES);

/** xorshift32: cheap deterministic stream. */
class Rng {
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
  valueBytes(): number {
    return MIN_VALUE_BYTES + (this.next() % (MAX_VALUE_BYTES - MIN_VALUE_BYTES + 1));
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The 16-byte key of cell `i`: distinct for distinct i (word 0 is fmix32(i), a bijection), random-looking order. */
function writeKey(i: number, out: Uint8Array, at = 0): void {
  for (let w = 0; w < 4; w++) {
    const v = w === 0 ? fmix32(i) : fmix32(i ^ Math.imul(w, 0x9e3779b9));
    out[at + w * 4] = v >>> 24;
    out[at + w * 4 + 1] = (v >>> 16) & 0xff;
    out[at + w * 4 + 2] = (v >>> 8) & 0xff;
    out[at + w * 4 + 3] = v & 0xff;
  }
}

function fillValue(out: Uint8Array, at: number, n: number, seed: number): void {
  for (let j = 0; j < n; j++) out[at + j] = (seed + j * 31) & 0xff;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error('run with --expose-gc (node tools/dev/bench.mjs lsa does)');
  g();
  g();
}

function heapAndExternal(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

// ---------------- stores: the same operations on LSA and on JS objects ----------------

interface Store {
  upsert(i: number, valueBytes: number, seed: number): void;
  remove(i: number): void;
  /** Bytes the store accounts for itself (LSA: segments + metadata + index; JS: NaN). */
  ownBytes(): number;
  occupancy(): number;
  stop(): Promise<void>;
}

class LsaStore implements Store {
  readonly pool: SegmentPool;
  readonly region;
  readonly tree: LsaBTree;
  readonly #key = new Uint8Array(KEY_BYTES);
  compactor: LsaBackgroundCompactor | null = null;

  constructor(budgetBytes: number) {
    this.pool = new SegmentPool({ budgetBytes });
    this.region = this.pool.createRegion({ name: 'memtable' });
    this.tree = new LsaBTree(this.region, compareKey16);
  }

  upsert(i: number, valueBytes: number, seed: number): void {
    const h = this.region.allocate(KEY_BYTES + valueBytes);
    const buf = this.region.bufferOf(h);
    const off = this.region.offsetOf(h);
    writeKey(i, buf, off);
    fillValue(buf, off + KEY_BYTES, valueBytes, seed);
    const old = this.tree.insert(h);
    if (old !== NULL_HANDLE) this.region.free(old);
  }

  remove(i: number): void {
    writeKey(i, this.#key);
    const h = this.tree.remove(this.#key);
    if (h !== NULL_HANDLE) this.region.free(h);
  }

  segmentBytes(): number {
    return this.pool.stats().materializedBytes;
  }

  metadataBytes(): number {
    return this.pool.stats().metadataBytes;
  }

  ownBytes(): number {
    const s = this.pool.stats();
    return s.materializedBytes + s.metadataBytes + this.tree.memoryBytes;
  }

  occupancy(): number {
    return this.pool.stats().occupancy;
  }

  async stop(): Promise<void> {
    await this.compactor?.stop();
  }
}

class JsStore implements Store {
  readonly map = new Map<string, Uint8Array>();
  readonly #key = Buffer.alloc(KEY_BYTES);

  upsert(i: number, valueBytes: number, seed: number): void {
    writeKey(i, this.#key);
    const v = new Uint8Array(valueBytes);
    fillValue(v, 0, valueBytes, seed);
    this.map.set(this.#key.toString('latin1'), v);
  }

  remove(i: number): void {
    writeKey(i, this.#key);
    this.map.delete(this.#key.toString('latin1'));
  }

  ownBytes(): number {
    return Number.NaN;
  }

  occupancy(): number {
    return Number.NaN;
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

// ---------------- phases (each in a child process) ----------------

type PhaseResult = Record<string, number>;

function memoryPhase(kind: 'lsa' | 'js'): PhaseResult {
  gc();
  const before = heapAndExternal();
  const rng = new Rng(12345);
  const store = kind === 'lsa' ? new LsaStore(MEMORY_BUDGET_BYTES) : new JsStore();
  let payload = 0;
  const t0 = performance.now();
  for (let i = 0; i < CELLS; i++) {
    const n = rng.valueBytes();
    store.upsert(i, n, i);
    payload += KEY_BYTES + n;
  }
  const seconds = (performance.now() - t0) / 1000;
  gc();
  const processBytes = heapAndExternal() - before;
  const out: PhaseResult = { cells: CELLS, payloadBytes: payload, processBytes, insertsPerSec: CELLS / seconds };
  if (store instanceof LsaStore) {
    if (store.tree.size !== CELLS) throw new Error(`index holds ${store.tree.size} of ${CELLS} cells`);
    const s = store.pool.stats();
    out.segmentBytes = s.materializedBytes;
    out.usedSegmentBytes = s.usedSegments * s.segmentSizeBytes;
    out.liveBytes = s.liveBytes;
    out.metadataBytes = s.metadataBytes;
    out.indexBytes = store.tree.memoryBytes;
  } else if (store.map.size !== CELLS) {
    throw new Error(`map holds ${store.map.size} of ${CELLS} cells`);
  }
  return out;
}

interface ChurnSample {
  atMs: number;
  rss: number;
  heapAndExternal: number;
  own: number;
}

/** Durations (ms) of something that happens often; p99 and max at the end. */
class Durations {
  readonly values: number[] = [];
  add(ms: number): void {
    this.values.push(ms);
  }
  quantile(q: number): number {
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  }
}

/** Records GC pauses from perf_hooks 'gc' entries (all kinds; major ones also apart). */
class GcPauses {
  readonly all = new Durations();
  readonly major = new Durations();
  readonly #observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      this.all.add(e.duration);
      if (((e as { detail?: { kind?: number } }).detail?.kind ?? 0) === constants.NODE_PERFORMANCE_GC_MAJOR) this.major.add(e.duration);
    }
  });
  start(): void {
    this.#observer.observe({ entryTypes: ['gc'] });
  }
  async stop(): Promise<void> {
    await new Promise((r) => setImmediate(r)); // the observer delivers entries asynchronously
    this.#observer.disconnect();
  }
}

interface ChurnLoop {
  ops: number;
  batches: Durations;
  occupancy: Durations;
}

/** Runs the upsert/delete mix in a "statement" group task until `durationMs` passed. */
async function churnLoop(store: Store, group: SchedulingGroup, rng: Rng, keySpace: number, t0: number, durationMs: number, warmupMs: number): Promise<ChurnLoop> {
  const loop: ChurnLoop = { ops: 0, batches: new Durations(), occupancy: new Durations() };
  await group.run(async () => {
    for (let now = performance.now(); now - t0 < durationMs; ) {
      for (let j = 0; j < CHURN_BATCH_OPS; j++) {
        const r = rng.next();
        const i = r % keySpace;
        if (((r >>> 28) & 3) !== 3) store.upsert(i, rng.valueBytes(), loop.ops + j);
        else store.remove(i);
      }
      loop.ops += CHURN_BATCH_OPS;
      const end = performance.now();
      if (end - t0 > warmupMs) {
        loop.batches.add(end - now);
        if (store instanceof LsaStore) loop.occupancy.add(store.occupancy());
      }
      await group.yield();
      now = performance.now();
    }
  });
  return loop;
}

async function churnPhase(kind: 'lsa' | 'js'): Promise<PhaseResult> {
  const avgFootprint = 8 + KEY_BYTES + (MIN_VALUE_BYTES + MAX_VALUE_BYTES) / 2 + 1.5;
  const liveCells = Math.floor((CHURN_LIVE_RATIO * CHURN_BUDGET_BYTES) / avgFootprint);
  const keySpace = Math.floor(liveCells / UPSERT_SHARE);
  const rng = new Rng(777);
  const store = kind === 'lsa' ? new LsaStore(CHURN_BUDGET_BYTES) : new JsStore();
  for (let i = 0; i < keySpace; i++) if (rng.next() % 4 !== 3) store.upsert(i, rng.valueBytes(), i);
  gc();

  const sched = new CpuScheduler({ logger: { warn: (o, m) => process.stderr.write(`lsa.bench: ${m} ${JSON.stringify(o)}\n`) } });
  const statement = sched.createGroup('statement', 1000);
  const steps = new Durations();
  if (store instanceof LsaStore) {
    const pool = store.pool;
    const compactStep = pool.compactStep.bind(pool);
    pool.compactStep = (maxBytes: number): number => {
      const t = performance.now();
      const moved = compactStep(maxBytes);
      if (moved > 0) steps.add(performance.now() - t);
      return moved;
    };
    store.compactor = new LsaBackgroundCompactor({ pool, group: sched.createGroup('compaction', 1000) });
    store.compactor.start();
  }
  const gcPauses = new GcPauses();
  gcPauses.start();
  const durationMs = CHURN_S * 1000;
  const warmupMs = Math.max(3000, WARMUP_FRACTION * durationMs);
  const samples: ChurnSample[] = [];
  const t0 = performance.now();
  const sample = (): void => {
    const m = process.memoryUsage();
    samples.push({ atMs: performance.now() - t0, rss: m.rss, heapAndExternal: m.heapUsed + m.external, own: store.ownBytes() });
  };
  const timer = setInterval(sample, SAMPLE_INTERVAL_MS);
  const loop = await churnLoop(store, statement, rng, keySpace, t0, durationMs, warmupMs);
  clearInterval(timer);
  sample();
  await store.stop();
  await sched.stop();
  await gcPauses.stop();
  return {
    ...churnResult(store, samples, warmupMs, gcPauses, loop.ops, { liveCells, keySpace }),
    batchMsP99: loop.batches.quantile(0.99),
    batchMsMax: loop.batches.quantile(1),
    batchesOver10Ms: loop.batches.values.filter((x) => x > 10).length,
    occupancyMin: store instanceof LsaStore ? loop.occupancy.quantile(0) : Number.NaN,
    occupancyMean: store instanceof LsaStore ? loop.occupancy.values.reduce((a, b) => a + b, 0) / loop.occupancy.values.length : Number.NaN,
    compactStepMsP99: steps.quantile(0.99),
    compactStepMsMax: steps.quantile(1),
  };
}

function churnResult(store: Store, samples: ChurnSample[], warmupMs: number, gcPauses: GcPauses, ops: number, extra: { liveCells: number; keySpace: number }): PhaseResult {
  const warm = samples.find((s) => s.atMs >= warmupMs) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const after = samples.filter((s) => s.atMs >= warmupMs);
  const maxOf = (f: (s: ChurnSample) => number): number => Math.max(...after.map(f));
  const out: PhaseResult = {
    seconds: last.atMs / 1000,
    opsPerSec: ops / (last.atMs / 1000),
    liveCellsTarget: extra.liveCells,
    keySpace: extra.keySpace,
    gcPauses: gcPauses.all.values.length,
    gcPauseMsP99: gcPauses.all.quantile(0.99),
    gcPauseMsMax: gcPauses.all.quantile(1),
    gcPauseMsTotal: gcPauses.all.values.reduce((a, b) => a + b, 0),
    majorPauses: gcPauses.major.values.length,
    majorPauseMsMax: gcPauses.major.quantile(1),
    rssWarmBytes: warm.rss,
    rssEndBytes: last.rss,
    rssMaxAfterWarmupBytes: maxOf((s) => s.rss),
    heapExternalWarmBytes: warm.heapAndExternal,
    heapExternalEndBytes: last.heapAndExternal,
  };
  if (store instanceof LsaStore) {
    const s = store.pool.stats();
    Object.assign(out, {
      lsaWarmBytes: warm.own,
      lsaEndBytes: last.own,
      lsaMaxAfterWarmupBytes: maxOf((x) => x.own),
      liveCellsEnd: store.tree.size,
      usedSegmentsEnd: s.usedSegments,
      totalSegments: s.totalSegments,
      compactionMovedBytes: s.compactionMovedBytes,
      onDemandCompactions: s.onDemandCompactions,
      outOfMemoryErrors: s.outOfMemoryErrors,
    });
  } else if (store instanceof JsStore) {
    out.liveCellsEnd = store.map.size;
  }
  return out;
}

// ---------------- parent: run phases, report ----------------

const PHASES = ['memory-lsa', 'memory-js', 'churn-lsa', 'churn-js'] as const;
type Phase = (typeof PHASES)[number];

function runChild(phase: Phase): PhaseResult {
  const res = spawnSync(process.execPath, ['--expose-gc', __filename, `--phase=${phase}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  const line = res.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (res.status !== 0 || line === undefined) throw new Error(`lsa.bench phase ${phase} failed (exit ${res.status ?? res.signal})`);
  return JSON.parse(line.slice('RESULT '.length)) as PhaseResult;
}

/** Per key, the median over runs. */
function medians(results: PhaseResult[]): PhaseResult {
  const out: PhaseResult = {};
  for (const k of Object.keys(results[0]!)) {
    const xs = results.map((r) => r[k]!).sort((a, b) => a - b);
    out[k] = xs[Math.floor(xs.length / 2)]!;
  }
  return out;
}

const r3 = (x: number): number => Number(x.toFixed(3));
const mib = (x: number): number => Number((x / 1024 ** 2).toFixed(1));

function report(res: Record<Phase, PhaseResult>, allRuns: Record<Phase, PhaseResult[]>): void {
  /** Every run's value of `key` in `phase`, rounded (shown beside the median). */
  const perRun = (phase: Phase, key: string): number[] => allRuns[phase].map((r) => r3(r[key]!));
  const m = res['memory-lsa'];
  const j = res['memory-js'];
  const payload = m.payloadBytes!;
  const lsaBytes = m.segmentBytes! + m.metadataBytes!;
  const base = { suite: 'lsa', runs: RUNS };
  reportBench({
    ...base, metric: 'memory.lsa_bytes_per_payload_byte', value: r3(lsaBytes / payload), unit: 'x', target: '<= 1.5', met: lsaBytes / payload <= 1.5,
    withIndex: r3((lsaBytes + m.indexBytes!) / payload), js: r3(j.processBytes! / payload), cells: m.cells, payloadMiB: mib(payload),
    segmentMiB: mib(m.segmentBytes!), usedSegmentMiB: mib(m.usedSegmentBytes!), liveMiB: mib(m.liveBytes!), handleMetadataMiB: mib(m.metadataBytes!),
    indexMiB: mib(m.indexBytes!), processDeltaMiB: mib(m.processBytes!), jsMiB: mib(j.processBytes!),
  });
  reportBench({ ...base, metric: 'memory.js_bytes_per_payload_byte', value: r3(j.processBytes! / payload), unit: 'x', what: 'Map<latin1 key, Uint8Array>, heap+external growth' });
  reportBench({ ...base, metric: 'memory.insert_rate', value: Math.round(m.insertsPerSec!), unit: 'cells/s', with: 'LSA + B-tree index', js: Math.round(j.insertsPerSec!) });
  const c = res['churn-lsa'];
  const cj = res['churn-js'];
  reportBench({
    ...base, metric: 'churn.occupancy_min', value: r3(c.occupancyMin!), unit: 'ratio', target: '>= 0.85', met: c.occupancyMin! >= 0.85, perRun: perRun('churn-lsa', 'occupancyMin'),
    mean: r3(c.occupancyMean!), seconds: r3(c.seconds!), budgetMiB: mib(CHURN_BUDGET_BYTES), liveCells: c.liveCellsEnd, usedSegments: c.usedSegmentsEnd,
    totalSegments: c.totalSegments, compactionMovedMiB: mib(c.compactionMovedBytes!), onDemandCompactions: c.onDemandCompactions, outOfMemoryErrors: c.outOfMemoryErrors,
  });
  reportBench({
    ...base, metric: 'churn.lsa_memory_growth_after_warmup', value: mib(c.lsaEndBytes! - c.lsaWarmBytes!), unit: 'MiB',
    perRun: allRuns['churn-lsa'].map((r) => mib(r.lsaEndBytes! - r.lsaWarmBytes!)),
    lsaWarmMiB: mib(c.lsaWarmBytes!), lsaMaxMiB: mib(c.lsaMaxAfterWarmupBytes!), rssWarmMiB: mib(c.rssWarmBytes!), rssEndMiB: mib(c.rssEndBytes!),
    rssMaxMiB: mib(c.rssMaxAfterWarmupBytes!), jsRssWarmMiB: mib(cj.rssWarmBytes!), jsRssEndMiB: mib(cj.rssEndBytes!),
  });
  reportBench({ ...base, metric: 'churn.ops_per_sec', value: Math.round(c.opsPerSec!), unit: 'ops/s', js: Math.round(cj.opsPerSec!) });
  reportBench({
    ...base, metric: 'churn.batch_ms_max', value: r3(c.batchMsMax!), unit: 'ms', what: `${CHURN_BATCH_OPS} ops between yields`, p99: r3(c.batchMsP99!),
    over10Ms: c.batchesOver10Ms, js: r3(cj.batchMsMax!), jsP99: r3(cj.batchMsP99!), jsOver10Ms: cj.batchesOver10Ms,
    compactStepMsP99: r3(c.compactStepMsP99!), compactStepMsMax: r3(c.compactStepMsMax!),
  });
  reportBench({
    ...base, metric: 'gc.max_pause_ms', value: r3(c.gcPauseMsMax!), unit: 'ms', target: '<= 10', met: c.gcPauseMsMax! <= 10,
    perRun: perRun('churn-lsa', 'gcPauseMsMax'), jsPerRun: perRun('churn-js', 'gcPauseMsMax'),
    js: r3(cj.gcPauseMsMax!), pauses: c.gcPauses, jsPauses: cj.gcPauses, totalMs: r3(c.gcPauseMsTotal!), jsTotalMs: r3(cj.gcPauseMsTotal!),
    majorPauses: c.majorPauses, majorMaxMs: r3(c.majorPauseMsMax!), jsMajorPauses: cj.majorPauses, jsMajorMaxMs: r3(cj.majorPauseMsMax!),
  });
  reportBench({
    ...base, metric: 'gc.p99_pause_ms', value: r3(c.gcPauseMsP99!), unit: 'ms', js: r3(cj.gcPauseMsP99!),
    perRun: perRun('churn-lsa', 'gcPauseMsP99'), jsPerRun: perRun('churn-js', 'gcPauseMsP99'),
  });
}

async function main(): Promise<void> {
  const phaseArg = process.argv.find((a) => a.startsWith('--phase='));
  if (phaseArg !== undefined) {
    const phase = phaseArg.slice('--phase='.length) as Phase;
    const [what, kind] = phase.split('-') as ['memory' | 'churn', 'lsa' | 'js'];
    const result = what === 'memory' ? memoryPhase(kind) : await churnPhase(kind);
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    return;
  }
  const all = {} as Record<Phase, PhaseResult>;
  const allRuns = {} as Record<Phase, PhaseResult[]>;
  for (const phase of PHASES) {
    const runs: PhaseResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      process.stderr.write(`lsa.bench: ${phase} run ${i + 1}/${RUNS}\n`);
      runs.push(runChild(phase));
    }
    all[phase] = medians(runs);
    allRuns[phase] = runs;
  }
  report(all, allRuns);
}

main().catch((err: unknown) => {
  process.stderr.write(`lsa.bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
