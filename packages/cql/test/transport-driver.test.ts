/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return */
// The real cassandra-driver 4.10 client against CqlConnection with a handler double: its
// control connection must get through version negotiation (STARTUP at 0x42, our
// ProtocolError, reconnect at v4), OPTIONS, the system.local / system.peers /
// system_schema.keyspaces queries and REGISTER, then serve the user's queries.
import { listType, mapType, nativeType, setType, type CqlType } from '@charybdis/schema';
import type { Response } from '../src/protocol/response-types';
import type { TransportMetrics } from '../src/transport/transport-metrics';
import { rowsResponse, startTransport, type TransportHarness } from './fixtures/transport-handler-double';

const cassandra = require('cassandra-driver');

const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const uuid = (hex: string): Buffer => Buffer.from(hex.replace(/-/g, ''), 'hex');

function textSet(values: string[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(4)];
  parts[0]!.writeInt32BE(values.length, 0);
  for (const v of values) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(Buffer.byteLength(v), 0);
    parts.push(len, text(v));
  }
  return Buffer.concat(parts);
}

const LOCAL_COLUMNS: Array<[string, CqlType]> = [
  ['key', nativeType('text')],
  ['cluster_name', nativeType('text')],
  ['data_center', nativeType('text')],
  ['rack', nativeType('text')],
  ['release_version', nativeType('text')],
  ['host_id', nativeType('uuid')],
  ['partitioner', nativeType('text')],
  ['tokens', setType(nativeType('text'))],
  ['schema_version', nativeType('uuid')],
  ['rpc_address', nativeType('inet')],
  ['cql_version', nativeType('text')],
  ['native_protocol_version', nativeType('text')],
];

/** Canned answers to the control connection's queries (cql-drivers.md §2). */
function systemAnswer(query: string): Response | null {
  const q = query.replace(/\s+/g, ' ').trim();
  if (q === "SELECT * FROM system.local WHERE key='local'") {
    return rowsResponse('system', 'local', LOCAL_COLUMNS, [
      [
        text('local'),
        text('Test Cluster'),
        text('datacenter1'),
        text('rack1'),
        text('4.0.11'),
        uuid('2f4b7d3e-1c5a-4e8b-9a0d-6b3c2e1f0a9b'),
        text('org.apache.cassandra.dht.Murmur3Partitioner'),
        textSet(['0']),
        uuid('59adb24e-f3cd-3e02-97f0-5b395827453f'),
        Buffer.from([127, 0, 0, 1]),
        text('3.4.5'),
        text('4'),
      ],
    ]);
  }
  if (q === 'SELECT * FROM system.peers') {
    return rowsResponse(
      'system',
      'peers',
      [
        ['peer', nativeType('inet')],
        ['rpc_address', nativeType('inet')],
        ['data_center', nativeType('text')],
        ['rack', nativeType('text')],
        ['host_id', nativeType('uuid')],
        ['tokens', setType(nativeType('text'))],
      ],
      [],
    );
  }
  if (q === 'SELECT * FROM system_schema.keyspaces') {
    return rowsResponse(
      'system_schema',
      'keyspaces',
      [
        ['keyspace_name', nativeType('text')],
        ['durable_writes', nativeType('boolean')],
        ['replication', mapType(nativeType('text'), nativeType('text'))],
      ],
      [],
    );
  }
  if (q.startsWith('SELECT * FROM system_virtual_schema')) {
    return rowsResponse('system_virtual_schema', 'keyspaces', [['keyspace_name', nativeType('text')], ['x', listType(nativeType('int'))]], []);
  }
  return null;
}

class CountingMetricsDouble implements TransportMetrics {
  opened = 0;
  readonly errors = new Map<number, number>();
  readonly requests = new Map<number, number>();
  connectionOpened(): void {
    this.opened++;
  }
  connectionClosed(): void {}
  requestReceived(opcode: number): void {
    this.requests.set(opcode, (this.requests.get(opcode) ?? 0) + 1);
  }
  errorSent(code: number): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }
  inFlightChanged(): void {}
  requestCompleted(): void {}
}

describe('CqlConnection with the real cassandra-driver', () => {
  let h: TransportHarness;
  let client: any;
  const metrics = new CountingMetricsDouble();

  beforeAll(async () => {
    h = await startTransport({ metrics });
    h.handler.systemAnswer = systemAnswer;
    client = new cassandra.Client({
      contactPoints: [`127.0.0.1:${h.port}`],
      localDataCenter: 'datacenter1',
      protocolOptions: { port: h.port },
      pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 1 } },
    });
    await client.connect();
  });

  afterAll(async () => {
    await client?.shutdown();
    await h.close();
  });

  it('connects: negotiates down from DSE_V2 to v4, answers the system queries, registers for events', () => {
    expect(metrics.errors.get(0x000a)).toBeGreaterThanOrEqual(1); // the 0x42 STARTUP was refused
    expect([...h.handler.sessions].every((s) => s.protocolVersion === 4)).toBe(true);
    expect(h.handler.queries).toEqual(
      expect.arrayContaining(["SELECT * FROM system.local WHERE key='local'", 'SELECT * FROM system.peers', 'SELECT * FROM system_schema.keyspaces']),
    );
    expect(metrics.requests.get(0x0b)).toBe(1); // REGISTER
    expect(h.transport.events.subscriberCount('SCHEMA_CHANGE')).toBe(1);
    expect(client.hosts.length).toBe(1);
  });

  it('executes queries and gets the rows back', async () => {
    const result = await client.execute('echo from the driver');
    expect(result.rows.map((r: any) => r.v)).toEqual(['from the driver']);
    const many = await Promise.all(Array.from({ length: 200 }, (_, i) => client.execute(`delay ${i % 7} n${i}`)));
    expect(many.map((r: any) => r.rows[0].v)).toEqual(Array.from({ length: 200 }, (_, i) => `n${i}`));
  });

  it('surfaces Invalid and Server errors as ResponseErrors with their codes', async () => {
    await expect(client.execute('invalid unknown table t')).rejects.toMatchObject({ code: 0x2200, message: 'unknown table t' });
    await expect(client.execute('throw handler bug')).rejects.toMatchObject({ code: 0x0000, message: 'handler bug' });
    // The connection survived both.
    expect((await client.execute('echo ok')).rows[0].v).toBe('ok');
  });

  it('receives a schema change event on its control connection', async () => {
    const seen = new Promise<void>((resolve) => {
      const original = client.metadata.refreshKeyspace?.bind(client.metadata);
      client.metadata.refreshKeyspace = (...args: any[]) => {
        resolve();
        return original ? original(...args) : Promise.resolve();
      };
    });
    h.transport.events.publish({ type: 'SCHEMA_CHANGE', schema: { change: 'CREATED', target: 'KEYSPACE', keyspace: 'ks1' } });
    await seen;
  });
});
