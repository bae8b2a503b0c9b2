import { decodeStringMultimap } from '../src/protocol/frame-codec';
import type { Authenticator, SaslNegotiator, SaslStep } from '../src/transport/authenticator';
import { AuthErrorCodes } from '../src/transport/authenticator';
import { CharybdisError } from '@charybdis/core';
import { startTransport, type TransportHarness } from './fixtures/transport-handler-double';
import {
  RawCqlClient,
  parseError,
  parseTextRows,
  queryBody,
  registerBody,
  requestFrame,
  startupBody,
  waitFor,
} from './fixtures/transport-raw-client';

const OP = { ERROR: 0, STARTUP: 1, READY: 2, AUTHENTICATE: 3, OPTIONS: 5, SUPPORTED: 6, QUERY: 7, RESULT: 8, REGISTER: 0x0b, EVENT: 0x0c, AUTH_RESPONSE: 0x0f, AUTH_CHALLENGE: 0x0e, AUTH_SUCCESS: 0x10 };

/** The ERROR frame a driver must receive for an unsupported version, built by hand. */
function expectedVersionError(headerVersion: number, stream: number, requested: number, legacy: boolean): Buffer {
  const message = Buffer.from(
    `Invalid or unsupported protocol version (${requested}); supported versions are (3/v3, 4/v4, 5/v5)`,
    'utf8',
  );
  const body = Buffer.alloc(6 + message.length);
  body.writeInt32BE(0x000a, 0);
  body.writeUInt16BE(message.length, 4);
  message.copy(body, 6);
  const header = Buffer.alloc(legacy ? 8 : 9);
  header[0] = 0x80 | headerVersion;
  if (legacy) {
    header.writeInt8(stream, 2);
    header[3] = 0;
    header.writeInt32BE(body.length, 4);
  } else {
    header.writeInt16BE(stream, 2);
    header[4] = 0;
    header.writeInt32BE(body.length, 5);
  }
  return Buffer.concat([header, body]);
}

async function rawReply(port: number, request: Buffer): Promise<{ bytes: Buffer; closed: boolean }> {
  const client = await RawCqlClient.connect(port);
  const chunks: Buffer[] = [];
  client.socket.on('data', (c: Buffer) => chunks.push(c));
  client.sendRaw(request);
  await client.waitClosed();
  return { bytes: Buffer.concat(chunks), closed: client.isClosed };
}

describe('CqlConnection handshake', () => {
  let h: TransportHarness;
  beforeEach(async () => {
    h = await startTransport();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    ['cassandra-driver STARTUP at DSE_V2 (0x42)', 0x42, OP.STARTUP, 0, 4],
    ['Python OPTIONS at DSE_V2 (0x42)', 0x42, OP.OPTIONS, 0, 4],
    ['Python OPTIONS at DSE_V1 (0x41)', 0x41, OP.OPTIONS, 7, 4],
    ['a v6 frame', 6, OP.OPTIONS, 300, 4],
  ])('answers %s with the exact ProtocolError the drivers step down on, then closes', async (_n, version, opcode, stream, headerVersion) => {
    const { bytes, closed } = await rawReply(h.port, requestFrame(version, stream, opcode, startupBody()));
    expect(bytes.equals(expectedVersionError(headerVersion, stream, version, false))).toBe(true);
    expect(closed).toBe(true);
  });

  it.each([1, 2])('answers a v%i frame in its own 8-byte header format', async (version) => {
    const legacy = Buffer.from([version, 0, 5, OP.OPTIONS, 0, 0, 0, 0]);
    const { bytes } = await rawReply(h.port, legacy);
    expect(bytes.equals(expectedVersionError(version, 5, version, true))).toBe(true);
  });

  it('answers OPTIONS with SUPPORTED including the ScyllaDB sharding keys', async () => {
    const c = await RawCqlClient.connect(h.port);
    c.send(requestFrame(4, 3, OP.OPTIONS));
    const [reply] = await c.next();
    expect(reply).toMatchObject({ version: 4, stream: 3, opcode: OP.SUPPORTED });
    expect(Object.fromEntries(decodeStringMultimap(reply!.body))).toEqual({
      CQL_VERSION: ['3.4.5'],
      COMPRESSION: ['lz4'],
      PROTOCOL_VERSIONS: ['3/v3', '4/v4', '5/v5'],
      SCYLLA_SHARD: ['0'],
      SCYLLA_NR_SHARDS: ['2'],
      SCYLLA_PARTITIONER: ['org.apache.cassandra.dht.Murmur3Partitioner'],
      SCYLLA_SHARDING_ALGORITHM: ['biased-token-round-robin'],
      SCYLLA_SHARDING_IGNORE_MSB: ['12'],
      SCYLLA_SHARD_AWARE_PORT: ['19142'],
    });
    c.close();
  });

  it.each([3, 4, 5])('v%i: STARTUP → READY, then queries are answered in the same version', async (version) => {
    const c = await RawCqlClient.connect(h.port);
    if (version === 5) c.expectSegmentsAfterStartup(null);
    c.send(requestFrame(version, 0, OP.OPTIONS), requestFrame(version, 1, OP.STARTUP, startupBody()));
    const [supported, ready] = await c.next(2);
    expect(supported).toMatchObject({ version, stream: 0, opcode: OP.SUPPORTED });
    expect(ready).toMatchObject({ version, stream: 1, opcode: OP.READY, body: Buffer.alloc(0) });
    c.send(requestFrame(version, 2, OP.QUERY, queryBody('echo hello', version)));
    const [result] = await c.next();
    expect(result).toMatchObject({ version, stream: 2, opcode: OP.RESULT });
    expect(parseTextRows(result!.body)).toEqual([['hello']]);
    if (version === 5) expect(c.segmentCount).toBeGreaterThan(0);
    expect([...h.handler.sessions].map((s) => s.protocolVersion)).toEqual([version]);
    c.close();
  });

  it('refuses requests before STARTUP and a second STARTUP with Cassandra\'s messages', async () => {
    const c = await RawCqlClient.connect(h.port);
    c.send(requestFrame(4, 9, OP.QUERY, queryBody('echo no', 4)), requestFrame(4, 10, OP.REGISTER, registerBody(['SCHEMA_CHANGE'])));
    const [q, r] = await c.next(2);
    expect(q!.stream).toBe(9);
    expect(parseError(q!.body)).toEqual({ code: 0x000a, message: 'Unexpected message QUERY, expecting STARTUP or OPTIONS' });
    expect(parseError(r!.body).message).toBe('Unexpected message REGISTER, expecting STARTUP or OPTIONS');
    c.send(requestFrame(4, 1, OP.STARTUP, startupBody()), requestFrame(4, 2, OP.STARTUP, startupBody()));
    const [ready, again] = await c.next(2);
    expect(ready!.opcode).toBe(OP.READY);
    expect(parseError(again!.body)).toEqual({ code: 0x000a, message: 'Unexpected message STARTUP, the connection is already initialized' });
    expect(h.handler.calls).toBe(0);
    c.close();
  });

  it('refuses a STARTUP without a 3.x CQL_VERSION or with an unknown compression, and stays usable', async () => {
    const c = await RawCqlClient.connect(h.port);
    c.send(
      requestFrame(4, 1, OP.STARTUP, startupBody({ CQL_VERSION: '4.0.0' })),
      requestFrame(4, 2, OP.STARTUP, startupBody({ CQL_VERSION: '3.0.0', COMPRESSION: 'snappy' })),
      requestFrame(4, 3, OP.STARTUP, startupBody({ CQL_VERSION: '3.0.0', DRIVER_NAME: 'x' })),
    );
    const [a, b, ready] = await c.next(3);
    expect(parseError(a!.body).code).toBe(0x000a);
    expect(parseError(b!.body).message).toContain('snappy');
    expect(ready!.opcode).toBe(OP.READY);
    c.close();
  });

  it.each([4, 5])('v%i: REGISTER → READY, and published events arrive on stream -1 only where registered', async (version) => {
    const registered = await RawCqlClient.connect(h.port);
    const other = await RawCqlClient.connect(h.port);
    for (const c of [registered, other]) {
      if (version === 5) c.expectSegmentsAfterStartup(null);
      c.send(requestFrame(version, 1, OP.STARTUP, startupBody()));
      await c.next();
    }
    registered.send(requestFrame(version, 2, OP.REGISTER, registerBody(['SCHEMA_CHANGE', 'STATUS_CHANGE'])));
    expect((await registered.next())[0]).toMatchObject({ stream: 2, opcode: OP.READY });
    expect(h.transport.events.subscriberCount('SCHEMA_CHANGE')).toBe(1);

    expect(
      h.transport.events.publish({ type: 'SCHEMA_CHANGE', schema: { change: 'CREATED', target: 'TABLE', keyspace: 'ks', name: 't' } }),
    ).toBe(1);
    expect(h.transport.events.publish({ type: 'TOPOLOGY_CHANGE', change: 'NEW_NODE', node: { address: Buffer.from([127, 0, 0, 2]), port: 9042 } })).toBe(0);
    const [event] = await registered.next();
    expect(event).toMatchObject({ version, stream: -1, opcode: OP.EVENT });
    const strings: string[] = [];
    for (let pos = 0; pos < event!.body.length; ) {
      const n = event!.body.readUInt16BE(pos);
      strings.push(event!.body.toString('utf8', pos + 2, pos + 2 + n));
      pos += 2 + n;
    }
    expect(strings).toEqual(['SCHEMA_CHANGE', 'CREATED', 'TABLE', 'ks', 't']);

    other.send(requestFrame(version, 3, OP.OPTIONS));
    expect((await other.next())[0]!.opcode).toBe(OP.SUPPORTED);
    registered.close();
    await waitFor(() => h.transport.connectionCount === 1, 'the server to see the close');
    expect(h.transport.events.subscriberCount('SCHEMA_CHANGE')).toBe(0);
    other.close();
  });
});

/** A PasswordAuthenticator stand-in: accepts `\0user\0pass` for one user. */
class PasswordAuthenticatorDouble implements Authenticator {
  readonly requireAuthentication = true;
  readonly className = 'org.apache.cassandra.auth.PasswordAuthenticator';
  newSaslNegotiator(): SaslNegotiator {
    return {
      evaluateResponse(token: Buffer | null): Promise<SaslStep> {
        const parts = (token ?? Buffer.alloc(0)).toString('utf8').split('\0');
        if (parts[1] === 'alice' && parts[2] === 'secret') return Promise.resolve({ kind: 'success', token: null, user: 'alice' });
        return Promise.reject(new CharybdisError(AuthErrorCodes.BAD_CREDENTIALS, 'Provided username alice and/or password are incorrect'));
      },
    };
  }
}

function bytesBody(b: Buffer): Buffer {
  const n = Buffer.alloc(4);
  n.writeInt32BE(b.length, 0);
  return Buffer.concat([n, b]);
}

describe('CqlConnection authentication', () => {
  it.each([4, 5])('v%i: STARTUP → AUTHENTICATE; bad credentials → 0x0100; good → AUTH_SUCCESS and queries', async (version) => {
    const h = await startTransport({ authenticator: new PasswordAuthenticatorDouble() });
    const c = await RawCqlClient.connect(h.port);
    if (version === 5) c.expectSegmentsAfterStartup(null);
    c.send(requestFrame(version, 1, OP.STARTUP, startupBody()));
    const [auth] = await c.next();
    expect(auth!.opcode).toBe(OP.AUTHENTICATE);
    expect(auth!.body.toString('utf8', 2)).toBe('org.apache.cassandra.auth.PasswordAuthenticator');
    c.send(requestFrame(version, 2, OP.QUERY, queryBody('echo early', version)));
    expect(parseError((await c.next())[0]!.body).message).toBe('Unexpected message QUERY, expecting SASL_RESPONSE');
    c.send(requestFrame(version, 3, OP.AUTH_RESPONSE, bytesBody(Buffer.from('\0alice\0wrong'))));
    const [bad] = await c.next();
    expect(parseError(bad!.body)).toEqual({ code: 0x0100, message: 'Provided username alice and/or password are incorrect' });
    c.send(requestFrame(version, 4, OP.AUTH_RESPONSE, bytesBody(Buffer.from('\0alice\0secret'))));
    expect((await c.next())[0]).toMatchObject({ stream: 4, opcode: OP.AUTH_SUCCESS });
    c.send(requestFrame(version, 5, OP.QUERY, queryBody('echo in', version)));
    expect(parseTextRows((await c.next())[0]!.body)).toEqual([['in']]);
    c.close();
    await h.close();
  });
});
