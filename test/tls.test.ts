import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, errors } from 'cassandra-driver';
import { freePorts, portArgs, startNode, tempDir } from './src';
import type { NodeProcess } from './src';

/**
 * Client-to-node TLS (client_encryption_options) through cassandra-driver: a TLS client
 * works on both CQL ports, a plaintext client fails cleanly without harming the others,
 * require_client_auth refuses a client without a certificate, and a missing or invalid
 * certificate file stops the node at start naming the file. Uses the test-only files in
 * test/fixtures/tls.
 */

jest.setTimeout(120_000);

const TLS_DIR = path.join(__dirname, 'fixtures', 'tls');
const pem = (name: string): Buffer => fs.readFileSync(path.join(TLS_DIR, name));

function tlsArgs(extra: Record<string, string> = {}): string[] {
  const settings: Record<string, string> = {
    'client-encryption-enabled': 'true',
    'client-encryption-certificate': path.join(TLS_DIR, 'node.crt'),
    'client-encryption-keyfile': path.join(TLS_DIR, 'node.key'),
    ...extra,
  };
  return Object.entries(settings).flatMap(([k, v]) => [`--${k}`, v]);
}

function tlsClient(port: number, options: { cert?: boolean } = {}): Client {
  return new Client({
    contactPoints: [`127.0.0.1:${port}`],
    localDataCenter: 'datacenter1',
    sslOptions: {
      ca: [pem('ca.crt')],
      servername: 'localhost',
      ...(options.cert === true ? { cert: pem('client.crt'), key: pem('client.key') } : {}),
    },
  });
}

describe('TLS on the CQL ports', () => {
  let ports: number[];
  let node: NodeProcess;

  beforeAll(async () => {
    ports = await freePorts(4);
    node = startNode(['--smp', '2', '--memory', '1G', ...portArgs(ports), ...tlsArgs()], { cwd: tempDir('charybdis-tls-') });
    await node.ready;
  });

  afterAll(async () => {
    if (node.proc.exitCode === null) expect(await node.stop()).toBe(0);
  });

  test('a driver with sslOptions connects, writes and reads', async () => {
    const client = tlsClient(ports[0]!);
    await client.connect();
    await client.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await client.execute('CREATE TABLE ks.t (k int PRIMARY KEY, v text)');
    await client.execute('INSERT INTO ks.t (k, v) VALUES (?, ?)', [1, 'secret'], { prepare: true });
    expect((await client.execute('SELECT v FROM ks.t WHERE k = 1')).first().get('v')).toBe('secret');
    await client.shutdown();
  });

  test('a plaintext client fails cleanly and TLS clients are unaffected', async () => {
    const tlsFirst = tlsClient(ports[0]!);
    await tlsFirst.connect();
    // A plaintext CQL client (OPTIONS, as drivers open with) gets no CQL answer: the node
    // closes the connection at once. (cassandra-driver 4.10 itself only gives up at its read
    // timeout and then keeps the process alive for a minute, so it is not used here.)
    const closed = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: ports[0]! }, () => socket.write(Buffer.from([4, 0, 0, 1, 5, 0, 0, 0, 0])));
      let cqlAnswer = false;
      socket.on('data', (d: Buffer) => {
        if (d[0] === 0x84) cqlAnswer = true;
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(!cqlAnswer));
    });
    expect(closed).toBe(true);
    expect((await tlsFirst.execute("SELECT key FROM system.local WHERE key = 'local'")).rowLength).toBe(1);
    await tlsFirst.shutdown();
  });

  test('the shard-aware port speaks TLS too', async () => {
    const client = tlsClient(ports[1]!);
    await client.connect();
    expect((await client.execute("SELECT key FROM system.local WHERE key = 'local'")).rowLength).toBe(1);
    await client.shutdown();
  });
});

test('require_client_auth refuses a client without a certificate signed by the truststore', async () => {
  const ports = await freePorts(4);
  const args = tlsArgs({ 'client-encryption-truststore': path.join(TLS_DIR, 'ca.crt'), 'client-encryption-require-client-auth': 'true' });
  const node = startNode(['--smp', '1', '--memory', '512M', ...portArgs(ports), ...args], { cwd: tempDir('charybdis-tls-mtls-') });
  try {
    await node.ready;
    const anonymous = tlsClient(ports[0]!);
    await expect(anonymous.connect()).rejects.toBeInstanceOf(errors.NoHostAvailableError);
    await anonymous.shutdown();
    const withCert = tlsClient(ports[0]!, { cert: true });
    await withCert.connect();
    expect((await withCert.execute("SELECT key FROM system.local WHERE key = 'local'")).rowLength).toBe(1);
    await withCert.shutdown();
  } finally {
    await node.stop();
  }
});

describe('a bad TLS file stops the node at start, naming the file', () => {
  test.each([
    ['a missing certificate', { 'client-encryption-certificate': '/nonexistent/node.crt' }, 'client_encryption_certificate /nonexistent/node.crt cannot be read'],
    ['a key that is not PEM', { 'client-encryption-keyfile': path.join(TLS_DIR, 'README.md') }, `client_encryption_keyfile ${path.join(TLS_DIR, 'README.md')} is not valid`],
    ['a key that does not match the certificate', { 'client-encryption-keyfile': path.join(TLS_DIR, 'client.key') }, `client_encryption_keyfile ${path.join(TLS_DIR, 'client.key')} is not valid`],
    ['a truststore without certificates', { 'client-encryption-truststore': path.join(TLS_DIR, 'README.md') }, 'client_encryption_truststore'],
  ])('%s', async (_name, extra, message) => {
    const node = startNode(['--memory', '512M', '--smp', '1', ...portArgs(await freePorts(4)), ...tlsArgs(extra)], { cwd: tempDir('charybdis-tls-bad-') });
    expect(await node.exited).toBe(1);
    expect(node.stderr).toHaveLength(1);
    expect(node.stderr[0]).toContain(message);
  });

  test('TLS enabled without a certificate is a config error', async () => {
    const node = startNode(['--memory', '512M', '--smp', '1', ...portArgs(await freePorts(4)), '--client-encryption-enabled', 'true'], { cwd: tempDir('charybdis-tls-bad-') });
    expect(await node.exited).toBe(1);
    expect(node.stderr.join('\n')).toContain('client_encryption_enabled is true but client_encryption_certificate is not set');
  });
});
