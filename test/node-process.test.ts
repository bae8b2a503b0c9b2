import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createIoBackend } from '@charybdis/core';
import { freePorts, portArgs, probeShard, startNode, tempDir } from './src';
import type { NodeProcess } from './src';

/**
 * The node as a user starts it: `charybdis` with flags, in an empty folder, driven over
 * real sockets. Ports are picked free per test so a developer's own node does not clash.
 */

const running: NodeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(async (n) => (n.proc.exitCode === null ? n.stop() : n.exited)));
});

function track(node: NodeProcess): NodeProcess {
  running.push(node);
  return node;
}

function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('a running node', () => {
  const smp = 3;
  let node: NodeProcess;
  let ports: number[];
  let cwd: string;

  beforeAll(async () => {
    cwd = tempDir();
    ports = await freePorts(4);
    node = startNode(['--smp', String(smp), ...portArgs(ports)], { cwd });
    await node.ready;
  });
  afterAll(async () => {
    if (node.proc.exitCode === null) await node.stop();
  });

  test('logs one ready line naming shards and ports', () => {
    const ready = node.stdout.filter((l) => l.includes('"node_ready"'));
    expect(ready).toHaveLength(1);
    expect(JSON.parse(ready[0]!)).toMatchObject({
      shards: smp,
      cql: `127.0.0.1:${ports[0]}`,
      shardAwarePort: ports[1],
      prometheus: `127.0.0.1:${ports[3]}`,
      smpCheckUs: expect.any(Number) as number,
    });
  });

  test('100 connections to the CQL port are spread over every shard', async () => {
    const perShard = new Array<number>(smp).fill(0);
    for (let i = 0; i < 100; i++) {
      const r = await probeShard(ports[0]!);
      perShard[r!.shard]!++;
    }
    expect(perShard.reduce((a, b) => a + b)).toBe(100);
    for (const count of perShard) expect(count).toBeGreaterThan(0);
  });

  test('connections to the shard-aware port land on shard (source port mod N)', async () => {
    let checked = 0;
    for (let k = 0; checked < 30 && k < 200; k++) {
      const localPort = 20000 + ((k * 7919 + process.pid) % 30000);
      const r = await probeShard(ports[1]!, localPort);
      if (r === null) continue; // local port taken by someone else: try another
      expect({ localPort: r.localPort, shard: r.shard }).toEqual({ localPort, shard: localPort % smp });
      expect(r.options.get('SCYLLA_NR_SHARDS')).toEqual([String(smp)]);
      expect(r.options.get('SCYLLA_SHARD_AWARE_PORT')).toEqual([String(ports[1])]);
      checked++;
    }
    expect(checked).toBe(30);
  });

  test('warns once that io_properties.yaml is missing, and says which disk I/O backend it uses', () => {
    const warnings = node.stdout.filter((l) => l.includes('io_properties_file'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40 });
    expect(warnings[0]).toContain('npm run iotune');
    // The node picks the backend this machine allows, as this test process would.
    const here = createIoBackend();
    void here.backend.close();
    const io = node.stdout.find((l) => l.includes('disk I/O through'));
    expect(JSON.parse(io!)).toMatchObject({ ioBackend: here.kind, defaults: true });
  });

  test('holds a lock in each data directory while it runs', () => {
    for (const dir of ['data', 'data/data', 'data/commitlog']) {
      const lock = JSON.parse(fs.readFileSync(path.join(cwd, dir, 'charybdis.lock'), 'utf8')) as { pid: number };
      expect(lock.pid).toBe(node.proc.pid);
    }
  });

  test('a second node on the same data directory fails clearly and touches nothing', async () => {
    const before = fs.readdirSync(path.join(cwd, 'data'), { recursive: true }).sort();
    const lockBefore = fs.readFileSync(path.join(cwd, 'data', 'charybdis.lock'), 'utf8');
    const other = track(startNode(['--smp', '1', ...portArgs(await freePorts(4))], { cwd }));
    expect(await other.exited).not.toBe(0);
    expect(other.stderr).toHaveLength(1);
    expect(other.stderr[0]).toMatch(/^charybdis: error: directory .*data is in use by another Charybdis node \(pid \d+/);
    expect(fs.readdirSync(path.join(cwd, 'data'), { recursive: true }).sort()).toEqual(before);
    expect(fs.readFileSync(path.join(cwd, 'data', 'charybdis.lock'), 'utf8')).toBe(lockBefore);
    expect((await probeShard(ports[0]!))!.shard).toBeGreaterThanOrEqual(0); // the first node still serves
  });

  test('serves every shard\'s metrics in the Prometheus text format', async () => {
    const res = await fetch(`http://127.0.0.1:${ports[3]}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      if (line === undefined) throw new Error(`no series ${series} in:\n${text.slice(0, 2000)}`);
      return Number(line.slice(series.length + 1));
    };
    for (let shard = 0; shard < smp; shard++) {
      // The 100 connections of the test above reached every shard.
      expect(value(`transport_connections_accepted_total{listener="native_transport_port",shard="${shard}"}`)).toBeGreaterThan(0);
      expect(value(`scheduler_shares{group="statement",shard="${shard}"}`)).toBe(1000);
      expect(value(`reactor_utilization{shard="${shard}"}`)).toBeGreaterThanOrEqual(0);
    }
    // The start-up check sent a ping from shard 0 to every other shard over smp.
    for (let peer = 1; peer < smp; peer++) expect(value(`smp_messages_sent_total{peer="${peer}",shard="0"}`)).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE scheduler_runtime_ms_total counter');
    const notFound = await fetch(`http://127.0.0.1:${ports[3]}/other`);
    expect(notFound.status).toBe(404);
  });

  test('SIGTERM drains every shard, releases the lock and exits 0', async () => {
    expect(await node.stop()).toBe(0);
    expect(node.stdout.some((l) => l.includes('"draining"'))).toBe(true);
    expect(node.stderr).toEqual([]);
    expect(fs.existsSync(path.join(cwd, 'data', 'charybdis.lock'))).toBe(false);
    expect(await connectRefused(ports[0]!)).toBe(true);
    expect(await connectRefused(ports[1]!)).toBe(true);
    expect(await connectRefused(ports[3]!)).toBe(true);
  });
});

describe('start-up errors: one clear line on stderr and a non-zero exit', () => {
  async function failingStart(args: string[], files: Record<string, string> = {}): Promise<{ code: number; stderr: string[] }> {
    const cwd = tempDir();
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(cwd, name), text);
    const node = track(startNode([...portArgs(await freePorts(4)), ...args], { cwd }));
    const code = await node.exited;
    expect(fs.existsSync(path.join(cwd, 'data', 'charybdis.lock'))).toBe(false);
    return { code, stderr: node.stderr };
  }

  test('an unknown key in the config file names the key and the file', async () => {
    const { code, stderr } = await failingStart(['--config', 'bad.yaml'], { 'bad.yaml': 'cluster_name: x\nsmpp: 2\n' });
    expect(code).not.toBe(0);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/bad\.yaml/);
    expect(stderr[0]).toMatch(/smpp/);
  });

  test('a bad value names the setting', async () => {
    const { code, stderr } = await failingStart(['--smp', 'two']);
    expect(code).not.toBe(0);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/--smp/);
  });

  test('an invalid io_properties.yaml names the file and the field', async () => {
    const { code, stderr } = await failingStart(['--io-properties-file', 'io.yaml'], {
      'io.yaml': 'disks:\n  - mountpoint: /\n    read_iops: 1000\n    read_bandwidth: 1000000\n    write_iops: -5\n    write_bandwidth: 1000000\n',
    });
    expect(code).not.toBe(0);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^charybdis: error: .*io\.yaml: disks\[0\]\.write_iops/);
  });

  test('a valid io_properties.yaml is used without a warning', async () => {
    const cwd = tempDir();
    fs.writeFileSync(
      path.join(cwd, 'io.yaml'),
      'disks:\n  - mountpoint: /\n    read_iops: 50000\n    read_bandwidth: 500000000\n    write_iops: 40000\n    write_bandwidth: 400000000\n',
    );
    const node = track(startNode(['--smp', '1', '--io-properties-file', 'io.yaml', ...portArgs(await freePorts(4))], { cwd }));
    await node.ready;
    expect(node.stdout.filter((l) => l.includes('io_properties_file'))).toEqual([]);
    expect(JSON.parse(node.stdout.find((l) => l.includes('disk I/O through'))!)).toMatchObject({ defaults: false, disk: ['/'] });
    expect(await node.stop()).toBe(0);
  });

  test('a port already in use names the port and the setting', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const busy = (holder.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await failingStart(['--native-transport-port', String(busy)]);
      expect(code).not.toBe(0);
      expect(stderr).toEqual([
        `charybdis: error: cannot listen on 127.0.0.1:${busy} (native_transport_port): the port is already in use by another process [EADDRINUSE]`,
      ]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

describe('the charybdis command', () => {
  test('--help lists the options and exits 0', async () => {
    const node = track(startNode(['--help'], { cwd: tempDir() }));
    expect(await node.exited).toBe(0);
    const text = node.stdout.join('\n');
    for (const flag of ['--smp', '--data-dir', '--native-transport-port', '--config']) expect(text).toContain(flag);
  });

  test('a shard that dies stops the node with a non-zero exit and says why', async () => {
    const node = track(
      startNode(['--smp', '2', ...portArgs(await freePorts(4))], { cwd: tempDir(), env: { CHARYBDIS_INJECT_SHARD_CRASH: '1' } }),
    );
    await node.ready;
    expect(await node.exited).toBe(1);
    const fatal = node.stdout.filter((l) => l.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/shard 1 died: .*injected crash of shard 1/);
  });

  test('without the native addon the node still serves CQL, on shard 0 only', async () => {
    const ports = await freePorts(4);
    const node = track(startNode(['--smp', '2', ...portArgs(ports)], { cwd: tempDir(), env: { CHARYBDIS_NATIVE: 'off' } }));
    const ready = await node.ready;
    expect(ready).toMatchObject({ shards: 2, shardAwarePort: null });
    expect(node.stdout.some((l) => l.includes('pure-TypeScript fallbacks'))).toBe(true);
    for (let i = 0; i < 10; i++) expect((await probeShard(ports[0]!))!.shard).toBe(0);
    expect(await connectRefused(ports[1]!)).toBe(true);
    expect(await node.stop()).toBe(0);
  });
});
