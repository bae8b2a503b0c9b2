// The node process of the CQL benchmark: start the built `charybdis` on free ports in a
// scratch folder, wait until it is ready, read its CPU time from /proc, stop it. The
// benchmark (cql.bench.ts) owns the process and stops it on every path out.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPorts } from '@charybdis/core';

/** The repository root, from packages/cql/dist/bench. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CHARYBDIS_BIN = path.join(REPO_ROOT, 'packages', 'server', 'dist', 'src', 'bin', 'charybdis.js');
/** Output lines kept for the message when the node fails. */
const RECENT_LINES = 40;
/** Clock ticks per second of /proc/<pid>/stat when `getconf CLK_TCK` cannot say (Linux's USER_HZ). */
const DEFAULT_CLOCK_TICKS_PER_SEC = 100;

export interface NodeOptions {
  workdir: string;
  /** CQL, shard-aware CQL, REST API, Prometheus. */
  ports: [number, number, number, number];
  smp: number;
  memory: string;
  /** Options for the node's `node` itself (e.g. --cpu-prof, which NODE_OPTIONS does not allow); worker threads inherit them. */
  nodeArgs?: string[];
  /** When set, everything the node writes is also appended to this file (to line up stalls with flushes). */
  logFile?: string;
}

/** A running `charybdis` process started by the benchmark. */
export class BenchNode {
  readonly proc: ChildProcess;
  /** Resolves with the exit code (or 128 + signal number). */
  readonly exited: Promise<number>;
  /** Resolves once the node logged node_ready; rejects if it exits first. */
  readonly ready: Promise<void>;
  private readonly recent: string[] = [];
  private exitCode: number | null = null;

  constructor(opts: NodeOptions) {
    const [cql, shardAware, api, prometheus] = opts.ports;
    const args = [
      ...(opts.nodeArgs ?? []),
      CHARYBDIS_BIN,
      '--smp', String(opts.smp),
      '--memory', opts.memory,
      '--workdir', opts.workdir,
      '--commitlog-sync', 'periodic',
      '--native-transport-port', String(cql),
      '--native-shard-aware-transport-port', String(shardAware),
      '--api-port', String(api),
      '--prometheus-port', String(prometheus),
    ];
    // The machine's disk model, when iotune wrote one (the node's default path is relative to its cwd).
    const ioProperties = path.join(REPO_ROOT, 'conf', 'io_properties.yaml');
    if (fs.existsSync(ioProperties)) args.push('--io-properties-file', ioProperties);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CHARYBDIS_CONF;
    this.proc = spawn(process.execPath, args, { cwd: opts.workdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exitCode = code ?? 128 + (signal !== null ? os.constants.signals[signal] : 0);
        resolve(this.exitCode);
      });
    });
    if (opts.logFile !== undefined) {
      const log = fs.createWriteStream(opts.logFile, { flags: 'a' });
      this.proc.stdout!.pipe(log);
      this.proc.stderr!.pipe(log);
    }
    this.ready = new Promise((resolve, reject) => {
      onLines(this.proc.stdout!, (line) => {
        this.remember(line);
        if (line.includes('"node_ready"')) resolve();
      });
      void this.exited.then((code) => reject(new Error(`charybdis exited with ${code} before it was ready:\n${this.recentOutput()}`)));
    });
    this.ready.catch(() => undefined); // the benchmark awaits it; this only avoids an unhandled rejection on early cleanup
    onLines(this.proc.stderr!, (line) => this.remember(line));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return this.exitCode === null;
  }

  /** The last lines the node wrote (stdout and stderr interleaved). */
  recentOutput(): string {
    return this.recent.join('\n');
  }

  /** SIGTERM (the node drains and flushes), then SIGKILL after `timeoutMs`. Resolves with the exit code. */
  async stop(timeoutMs: number): Promise<number> {
    if (!this.running) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) this.recent.shift();
  }
}

/** Calls `onLine` for each complete line of a text stream. */
export function onLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const p of parts) onLine(p);
  });
  stream.on('end', () => {
    if (rest !== '') onLine(rest);
  });
}

/** Free ports on 127.0.0.1 (core's helper, under the name these tests use). */
export const freePorts = freeLoopbackPorts;

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`). */
export function clockTicksPerSec(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : DEFAULT_CLOCK_TICKS_PER_SEC;
  } catch {
    return DEFAULT_CLOCK_TICKS_PER_SEC; // no getconf: Linux's USER_HZ has been 100 everywhere
  }
}

/**
 * User plus system CPU time of a process and all its threads so far, in µs, from
 * /proc/<pid>/stat (utime and stime, fields 14 and 15, in clock ticks).
 */
export function processCpuUs(pid: number, ticksPerSec: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return ((utime + stime) * 1e6) / ticksPerSec;
}
