import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPorts } from '@charybdis/core';

/** The repository root, from tools/stress/test. */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const CHARYBDIS_BIN = path.join(ROOT, 'packages', 'server', 'dist', 'src', 'bin', 'charybdis.js');
/** The built stress command, as a user runs it. */
export const STRESS_BIN = path.join(ROOT, 'tools', 'stress', 'bin', 'stress');

/** Free ports on 127.0.0.1 (core's helper, under the name these tests use). */
export const freePorts = freeLoopbackPorts;

/** A real charybdis process on free ports in its own scratch folder. */
export class TestNode {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charybdis-stress-test-'));
  readonly output: string[] = [];
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  private readonly exited: Promise<number>;

  /** The node's Prometheus port (/metrics). */
  readonly prometheusPort: number;

  constructor(readonly cqlPort: number, otherPorts: number[]) {
    const [shardAware, api, prometheus] = otherPorts.map(String) as [string, string, string];
    this.prometheusPort = Number(prometheus);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CHARYBDIS_CONF;
    this.proc = spawn(
      process.execPath,
      [CHARYBDIS_BIN, '--smp', '2', '--memory', '1G', '--workdir', this.dir, '--native-transport-port', String(cqlPort),
        '--native-shard-aware-transport-port', shardAware, '--api-port', api, '--prometheus-port', prometheus],
      { cwd: this.dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code ?? 1)));
    this.ready = new Promise((resolve, reject) => {
      this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        this.output.push(chunk);
        if (chunk.includes('"node_ready"')) resolve();
      });
      this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => this.output.push(chunk));
      void this.exited.then((code) => reject(new Error(`charybdis exited with ${code} before it was ready:\n${this.output.join('')}`)));
    });
    this.ready.catch(() => undefined); // awaited by the test
  }

  static async start(): Promise<TestNode> {
    const [cql, ...rest] = (await freePorts(4)) as [number, ...number[]];
    const node = new TestNode(cql, rest);
    await node.ready;
    return node;
  }

  async stop(): Promise<number> {
    this.proc.kill('SIGTERM');
    const code = await this.exited;
    fs.rmSync(this.dir, { recursive: true, force: true });
    return code;
  }
}

/** What a stress run printed and how it exited. */
export interface StressRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built stress command with `args` (never rejects: the exit code is in the result). */
export function runStress(args: string[]): Promise<StressRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [STRESS_BIN, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}
