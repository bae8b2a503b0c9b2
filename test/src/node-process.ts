import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPorts } from '@charybdis/core';

/** The built `charybdis` entry point: what the README's start command runs. */
export const CHARYBDIS_BIN = path.resolve(__dirname, '..', '..', 'packages', 'server', 'dist', 'src', 'bin', 'charybdis.js');

/** A charybdis process started by a test, with its output collected line by line. */
export interface NodeProcess {
  proc: ChildProcess;
  /** Lines written to stdout so far (JSON log lines when stdout is not a TTY). */
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or 128 + signal number). */
  exited: Promise<number>;
  /** Resolves with the node_ready log record; rejects if the process exits first. */
  ready: Promise<Record<string, unknown>>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number>;
}

/** Starts `charybdis ARGS` in `cwd` with the environment plus `env`. */
export function startNode(args: string[], opts: { cwd: string; env?: Record<string, string> }): NodeProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  delete env.CHARYBDIS_CONF;
  const proc = spawn(process.execPath, [CHARYBDIS_BIN, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number>((resolve) => {
    proc.once('exit', (code, signal) => resolve(code ?? 128 + (signal !== null ? os.constants.signals[signal] : 0)));
  });
  let onReady: (rec: Record<string, unknown>) => void = () => undefined;
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    onReady = resolve;
    void exited.then((code) =>
      reject(new Error(`charybdis exited with ${code} before it was ready\nstderr: ${stderr.join('\n')}\nstdout: ${stdout.join('\n')}`)),
    );
  });
  ready.catch(() => undefined); // observed by the tests that wait for it
  collectLines(proc.stdout, (line) => {
    stdout.push(line);
    if (line.includes('"node_ready"')) onReady(JSON.parse(line) as Record<string, unknown>);
  });
  collectLines(proc.stderr, (line) => stderr.push(line));
  return {
    proc,
    stdout,
    stderr,
    exited,
    ready,
    async stop() {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

function collectLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
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

/** A fresh empty folder to run a node in. */
export function tempDir(prefix = 'charybdis-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Free ports on 127.0.0.1 (core's helper, under the name these tests use). */
export const freePorts = freeLoopbackPorts;

/** The flags that put a node on the given ports (CQL, shard-aware, API, Prometheus). */
export function portArgs([cql, shardAware, api, prometheus]: number[]): string[] {
  return [
    '--native-transport-port', String(cql),
    '--native-shard-aware-transport-port', String(shardAware),
    '--api-port', String(api),
    '--prometheus-port', String(prometheus),
  ];
}
