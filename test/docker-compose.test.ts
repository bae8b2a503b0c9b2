import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEYS, loadConfig } from '@charybdis/server';

/** The container files as a user would run them; the image itself needs a Docker engine. */
const root = path.resolve(__dirname, '..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { build: string; environment: Record<string, string>; ports: string[]; volumes: string[] }>;
  volumes: Record<string, unknown>;
};
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');

function configFromEnv(env: Record<string, string>) {
  const result = loadConfig({
    argv: [],
    env,
    cwd: '/opt/charybdis',
    defaultConfigPath: '/nonexistent/charybdis.yaml',
    cpuCount: 2,
    totalMemoryBytes: 8 * 2 ** 30,
  });
  if (result.kind !== 'config') throw new Error('expected a config');
  return result.config;
}

describe('docker-compose.yml', () => {
  const services = Object.entries(compose.services);

  test('has at least one node, built from this repository', () => {
    expect(services.length).toBeGreaterThanOrEqual(1);
    for (const [, svc] of services) expect(svc.build).toBe('.');
  });

  test.each(services)('%s: every CHARYBDIS_* variable is a real setting with a valid value', (_name, svc) => {
    const known = new Set(CONFIG_KEYS.flatMap((k) => [k.envVar, ...k.envAliases]));
    for (const key of Object.keys(svc.environment)) expect([key, known.has(key)]).toEqual([key, true]);
    const config = configFromEnv(svc.environment);
    expect(config.rpc_address).toBe('0.0.0.0');
    // The data volume is mounted where the node keeps its files.
    expect(svc.volumes.map((v) => v.split(':')[1])).toContain(config.workdir);
    const named = svc.volumes.map((v) => v.split(':')[0]!);
    for (const v of named) expect(Object.keys(compose.volumes)).toContain(v);
  });

  test.each(services)('%s: publishes both CQL ports', (_name, svc) => {
    const published = svc.ports.map((p) => p.split(':').pop());
    const config = configFromEnv(svc.environment);
    expect(published).toEqual(
      expect.arrayContaining([String(config.native_transport_port), String(config.native_shard_aware_transport_port)]) as string[],
    );
  });

  const haveCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
  (haveCompose ? test : test.skip)('is valid for docker-compose config -q', () => {
    const res = spawnSync('docker-compose', ['-f', path.join(root, 'docker-compose.yml'), 'config', '-q'], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});

describe('Dockerfile', () => {
  test('builds on node:20-bookworm-slim and runs the built charybdis entry point', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim AS build$/m);
    const entry = /^ENTRYPOINT \["node", "([^"]+)"\]$/m.exec(dockerfile);
    expect(entry).not.toBeNull();
    expect(fs.existsSync(path.join(root, entry![1]!))).toBe(true);
  });

  test('its environment is a valid configuration', () => {
    const env: Record<string, string> = {};
    for (const m of dockerfile.matchAll(/(CHARYBDIS_[A-Z_]+)=(\S+)/g)) env[m[1]!] = m[2]!;
    expect(Object.keys(env).length).toBeGreaterThan(0);
    expect(configFromEnv(env).workdir).toBe('/var/lib/charybdis');
  });
});
