/**
 * Test support: starts a real charybdis node (the built server) on free ports in its own
 * temporary folder, and runs the built cqlsh against it. The same approach as the root
 * black-box tests (test/src/node-process.ts); tools may not import that folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** The built node entry point. */
export const CHARYBDIS_BIN = path.join(ROOT, 'packages', 'server', 'dist', 'src', 'bin', 'charybdis.js');
/** The cqlsh executable under test (it runs the built dist). */
export const CQLSH_BIN = path.resolve(__dirname, '..', '..', 'bin', 'cqlsh');

/** Distinct ports that were free a moment ago on 127.0.0.1. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  for (let i = 0; i < count; i++) {
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    servers.push(s);
  }
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** A fresh empty folder. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A running node: its CQL port and how to stop it. */
export interface TestNode {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** Starts a one-shard node and resolves once it logged node_ready. */
export async function startNode(): Promise<TestNode> {
  const [cql, shardAware, api, prometheus] = await freePorts(4);
  const dir = tempDir('cqlsh-node-');
  const env = { ...process.env };
  delete env.CHARYBDIS_CONF;
  const args = ['--smp', '1', '--memory', '512M', '--native-transport-port', String(cql), '--native-shard-aware-transport-port', String(shardAware),
    '--api-port', String(api), '--prometheus-port', String(prometheus)];
  const proc: ChildProcess = spawn(process.execPath, [CHARYBDIS_BIN, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('"node_ready"')) resolve();
    });
    proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    proc.once('exit', (code) => reject(new Error(`node exited with ${code} before it was ready:\n${log}`)));
  });
  return {
    port: cql!,
    dir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** What a cqlsh run printed and its exit status. */
export interface CqlshRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Like `cqlsh` but without blocking the test's event loop (for servers run by the test). */
export function cqlshAsync(args: string[], opts: { env?: Record<string, string> } = {}): Promise<CqlshRun> {
  return new Promise((resolve) => {
    const proc = spawn(CQLSH_BIN, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs cqlsh without a terminal (stdin a pipe) and waits for it. */
export function cqlsh(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  return spawnSync(CQLSH_BIN, args, { input: opts.input ?? '', encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: 60_000 });
}
