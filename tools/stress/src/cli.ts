import fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { connect } from './connect';
import type { Connected } from './connect';
import { CqlWorkload, ensureSchema } from './cql-workload';
import { createKeySampler, formatDistribution } from './key-distribution';
import type { Clock, PhaseOutcome, PhasePlan } from './load-runner';
import { LoadRunner } from './load-runner';
import type { OpKind, StressOptions } from './options';
import { parseStressArgs, USAGE } from './options';
import { SeededRandom } from './random';
import type { StressIo } from './report';
import { ProgressReporter } from './report';
import { connectPerShard } from './shard-routing';
import { StressError, StressErrorCode, errorMessage, hasStressCode } from './stress-error';
import { buildSummary } from './stress-summary';
import type { StressSummary } from './stress-summary';

/** Exit statuses of the CLI. */
export const ExitCode = {
  ok: 0,
  /** Node unreachable, schema failure, --max-errors exceeded, output not written. */
  failed: 1,
  /** A bad command line. */
  usage: 2,
  /** Stopped by SIGINT/SIGTERM (the summary of what ran is still printed). */
  interrupted: 130,
} as const;

/** Resolution of the event-loop delay monitor, ms. */
const LOOP_DELAY_RESOLUTION_MS = 1;

/** The real clock: performance.now() and timers that do not keep the process alive on their own. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Lets a signal handler stop a run that is under way. */
export interface RunControl {
  /** Set by runStress while a load is running. */
  stop?: () => void;
}

/**
 * The stress command: parses `argv`, runs, and turns every failure into a line on stderr
 * (`stress: error: …`, plus the usage text for a bad command line) and an exit status.
 * Never throws.
 */
export async function runCli(argv: readonly string[], io: StressIo, control: RunControl = {}): Promise<number> {
  let options: StressOptions;
  try {
    const command = parseStressArgs(argv);
    if (command.kind === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return ExitCode.ok;
    }
    options = command.options;
  } catch (err) {
    io.stderr.write(`stress: error: ${message(err)}\n\n${USAGE}\n`);
    return ExitCode.usage;
  }
  try {
    const summary = await runStress(options, io, control);
    if (summary.stoppedBy === 'interrupted') return ExitCode.interrupted;
    if (summary.stoppedBy === 'max-errors') {
      throw new StressError(StressErrorCode.tooManyErrors, `stopped after ${summary.errors} failed operations (more than --max-errors ${options.maxErrors})`);
    }
    return ExitCode.ok;
  } catch (err) {
    io.stderr.write(`stress: error: ${message(err)}\n`);
    return hasStressCode(err, StressErrorCode.usage) ? ExitCode.usage : ExitCode.failed;
  }
}

function message(err: unknown): string {
  return errorMessage(err).replace(/\s*\n\s*/g, ' ');
}

function describe(o: StressOptions): string {
  const bound = o.durationMs !== undefined ? `${o.durationMs / 1000}s` : `${o.ops} ops`;
  const shape = o.ratePerSec !== undefined ? `rate ${o.ratePerSec}/s` : `${o.concurrency * o.connections} in flight`;
  const keys = `${formatDistribution(o.distribution)} over ${o.population} rows from ${o.firstKey}`;
  return `${o.workload}${o.workload === 'mixed' ? ` (write=${o.ratio.write},read=${o.ratio.read})` : ''}, ${bound}, ${shape}, ${keys}`;
}

/**
 * Runs a whole stress session: connect (and balance the connections over the node's
 * shards), create the schema, warm up, measure, print the summary (and write --json).
 * Resolves with the summary; throws a StressError when the node cannot be used.
 */
export async function runStress(o: StressOptions, io: StressIo, control: RunControl = {}): Promise<StressSummary> {
  const reporter = new ProgressReporter(io, o.format, o.quiet);
  const perShard = o.shardAware ? await connectPerShard(o) : null;
  if (o.shardAware && perShard === null) io.stderr.write('stress: the node does not report shards; --shard-aware has no effect\n');
  const connected: Connected =
    perShard !== null
      ? { client: perShard.clients[0]!, layout: perShard.layout, attempts: perShard.attempts, balanced: true }
      : await connect(o, (line) => io.stderr.write(`${line}\n`));
  const client = connected.client;
  const allClients = perShard?.clients ?? [client];
  try {
    await ensureSchema(client, o);
    const random = new SeededRandom(o.seed);
    const sampler = createKeySampler(o.distribution, o.population, random);
    const writeShare = o.workload === 'write' ? 1 : o.workload === 'read' ? 0 : o.ratio.write / (o.ratio.write + o.ratio.read);
    const nextKind = writeShare === 1 ? (): OpKind => 'write' : writeShare === 0 ? (): OpKind => 'read' : (): OpKind => (random.nextDouble() < writeShare ? 'write' : 'read');
    const runner = new LoadRunner({
      executor: new CqlWorkload(allClients, o),
      clock: systemClock,
      nextKind,
      nextRow: () => o.firstKey + sampler.next(),
      maxInFlight: o.concurrency * o.connections * allClients.length,
      ...(o.ratePerSec !== undefined ? { ratePerSec: o.ratePerSec } : {}),
      ...(o.maxErrors !== undefined ? { maxErrors: o.maxErrors } : {}),
      intervalMs: o.intervalMs,
      onInterval: (phase, snap, timing) => reporter.interval(phase, snap, timing),
    });
    control.stop = () => runner.stop();
    let warmup: PhaseOutcome | null = null;
    if (o.warmupMs > 0) {
      reporter.phaseStarted('warmup', `${o.warmupMs / 1000}s, not measured`);
      warmup = await runner.runPhase({ name: 'warmup', durationMs: o.warmupMs });
      if (warmup.stoppedBy === 'max-errors') {
        const kinds = [...warmup.stats.errorsByKind].map(([kind, e]) => `${kind} x${e.count} (e.g. ${e.sample})`).join('; ');
        throw new StressError(StressErrorCode.tooManyErrors, `stopped during the warm-up after ${warmup.stats.errors} failed operations (more than --max-errors ${o.maxErrors}): ${kinds}`);
      }
    }
    const plan: PhasePlan = { name: 'measure', ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : { ops: o.ops! }) };
    reporter.phaseStarted('measure', describe(o));
    const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
    loopDelay.enable();
    const cpu0 = process.cpuUsage();
    let outcome: PhaseOutcome;
    try {
      outcome = await runner.runPhase(plan);
    } finally {
      loopDelay.disable();
      control.stop = undefined;
    }
    const cpu = process.cpuUsage(cpu0);
    // The histogram holds whole intervals between the probe's runs: the delay is what exceeds the period.
    const lateNs = (ns: number): number => Math.max(0, ns - LOOP_DELAY_RESOLUTION_MS * 1e6);
    const summary = buildSummary(o, outcome, warmup, connected, {
      cpuUs: cpu.user + cpu.system,
      loopDelayP99Ns: lateNs(loopDelay.percentile(99)),
      loopDelayMaxNs: lateNs(loopDelay.max),
    });
    reporter.summary(summary);
    if (o.jsonFile !== undefined) writeJson(o.jsonFile, summary);
    return summary;
  } finally {
    await Promise.all(allClients.map((c) => c.shutdown()));
  }
}

function writeJson(file: string, summary: StressSummary): void {
  try {
    fs.writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  } catch (err) {
    throw new StressError(StressErrorCode.output, `cannot write --json ${file}: ${message(err)}`, { cause: err });
  }
}
