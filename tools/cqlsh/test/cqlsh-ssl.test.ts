import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { cqlshAsync, startNode, tempDir } from './support/node-harness';
import type { TestNode } from './support/node-harness';

/**
 * --ssl: the node speaks plain CQL, so a TLS terminator run by the test (node:tls, a
 * throw-away self-signed certificate made with the openssl command) forwards to it. The
 * certificate is verified against $SSL_CERTFILE, refused without it (not a system CA), and
 * accepted unverified with SSL_VALIDATE=false.
 */

jest.setTimeout(120_000);

const HAVE_OPENSSL = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
if (!HAVE_OPENSSL) console.warn('cqlsh-ssl.test.ts skipped: no openssl command to make a test certificate');
const sslTest = HAVE_OPENSSL ? test : test.skip;

let node: TestNode | undefined;
let proxy: tls.Server | undefined;
let proxyPort = 0;
let certFile = '';

beforeAll(async () => {
  if (!HAVE_OPENSSL) return;
  node = await startNode();
  const dir = tempDir('cqlsh-ssl-');
  certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  const cqlPort = node.port;
  proxy = tls.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (client) => {
    const upstream = net.connect(cqlPort, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as net.AddressInfo).port;
});

afterAll(async () => {
  proxy?.close();
  await node?.stop();
});

sslTest('--ssl with SSL_CERTFILE: verified connection, statements run', async () => {
  const r = await cqlshAsync(['127.0.0.1', String(proxyPort), '--ssl', '-e', "SELECT cluster_name FROM system.local WHERE key = 'local'"], { env: { SSL_CERTFILE: certFile } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain(' Test Cluster\n\n(1 rows)');
});

sslTest('--ssl verifying against the system CAs refuses a self-signed certificate', async () => {
  const r = await cqlshAsync(['127.0.0.1', String(proxyPort), '--ssl', '--connect-timeout', '5', '-e', 'SELECT 1'], { env: { SSL_CERTFILE: '' } });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^Connection error: \('Unable to connect to any servers', \{'127\.0\.0\.1:\d+': '.*self.signed.*'\}\)\n$/i);
});

sslTest('SSL_VALIDATE=false connects without verifying', async () => {
  const r = await cqlshAsync(['127.0.0.1', String(proxyPort), '--ssl', '-e', 'SHOW HOST'], { env: { SSL_VALIDATE: 'false', SSL_CERTFILE: '' } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(`Connected to Test Cluster at 127.0.0.1:${proxyPort}\n`);
});
