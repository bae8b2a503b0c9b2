/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-explicit-any */
// Cross-check with cassandra-driver 4.10 (the real Node client): its request writers
// produce frames our decoders read, and its frame reader parses the frames we encode.
// The driver has no types for its internals, hence the `any` above.
import path from 'node:path';
import { nativeType, listType, mapType, udtType, tupleType } from '@charybdis/schema';
import { FrameDecoder } from '../src/protocol/frame-decoder';
import { UNSET_VALUE } from '../src/protocol/frame-reader';
import { ErrorCode, Opcode } from '../src/protocol/opcodes';
import { decodeRequest } from '../src/protocol/request-decoder';
import type { ColumnSpec } from '../src/protocol/result-metadata';
import { encodeResponse, ResponseWriter } from '../src/protocol/response-writer';
import { RowsEncoder } from '../src/protocol/rows-encoder';

/**
 * cassandra-driver is a devDependency of the workspace (declared by packages/schema); it
 * is resolved from there until packages/cql declares it too.
 */
function driverModule(name: string): any {
  const root = path.resolve(__dirname, '../../..');
  const pkg = require.resolve('cassandra-driver/package.json', {
    paths: [__dirname, path.join(root, 'packages/cql'), path.join(root, 'packages/schema')],
  });
  return require(path.join(path.dirname(pkg), name));
}

const requests = driverModule('lib/requests');
const Encoder = driverModule('lib/encoder');
const { FrameReader } = driverModule('lib/readers');
const types = driverModule('lib/types');
const { ExecutionOptions } = driverModule('lib/execution-options');

class Options extends ExecutionOptions {
  constructor(private readonly o: Record<string, unknown>) {
    super();
  }
  getConsistency(): unknown {
    return this.o['consistency'];
  }
  getFetchSize(): unknown {
    return this.o['fetchSize'];
  }
  getPageState(): unknown {
    return this.o['pageState'];
  }
  getSerialConsistency(): unknown {
    return this.o['serialConsistency'];
  }
  getOrGenerateTimestamp(): unknown {
    return this.o['timestamp'];
  }
  getKeyspace(): unknown {
    return this.o['keyspace'];
  }
  isBatchLogged(): boolean {
    return true;
  }
  isBatchCounter(): boolean {
    return false;
  }
}

/**
 * cassandra-driver 4.10 has no native v5; its DSE_V2 (0x42) layout of QUERY, PREPARE,
 * EXECUTE and BATCH is the one v5 adopted ([int] flags, keyspace, result_metadata_id), so a
 * 0x42 frame relabelled 5 is a v5 frame, and a v5 response relabelled 0x42 is what the
 * driver's v5-style reader expects.
 */
function relabel(frame: Buffer, version: number): Buffer {
  const out = Buffer.from(frame);
  out[0] = (out[0]! & 0x80) | version;
  return out;
}

function decodeDriverFrame(frame: Buffer, version: number): ReturnType<typeof decodeRequest> {
  const d = new FrameDecoder({ version });
  d.push(frame);
  const f = d.next()!;
  expect(f).not.toBeNull();
  expect(d.next()).toBeNull();
  return decodeRequest(f.header, f.body);
}

describe('cassandra-driver requests decode in our decoder', () => {
  const enc4 = new Encoder(4, { encoding: { useUndefinedAsUnset: true } });

  test('STARTUP, OPTIONS, REGISTER, AUTH_RESPONSE', () => {
    const startup = decodeDriverFrame(new requests.StartupRequest({}).write(enc4, 0), 4);
    if (startup.kind !== 'startup') throw new Error(startup.kind);
    expect(startup.options.get('CQL_VERSION')).toBe('3.0.0');
    expect(startup.options.get('DRIVER_NAME')).toBe('Apache Cassandra Node.js Driver');
    expect(decodeDriverFrame(new requests.RegisterRequest(['TOPOLOGY_CHANGE', 'STATUS_CHANGE', 'SCHEMA_CHANGE']).write(enc4, 1), 4)).toEqual({
      kind: 'register',
      events: ['TOPOLOGY_CHANGE', 'STATUS_CHANGE', 'SCHEMA_CHANGE'],
    });
    expect(decodeDriverFrame(new requests.AuthResponseRequest(Buffer.from('\0u\0p')).write(enc4, 2), 4)).toEqual({
      kind: 'authResponse',
      token: Buffer.from('\0u\0p'),
    });
  });

  test('QUERY with a double, null, unset, paging, serial consistency and timestamp (v4)', () => {
    const opts = new Options({
      consistency: types.consistencies.localQuorum,
      fetchSize: 100,
      pageState: Buffer.from('0102', 'hex'),
      serialConsistency: types.consistencies.localSerial,
      timestamp: types.Long.fromNumber(1_700_000_000_000_000),
    });
    const r = decodeDriverFrame(new requests.QueryRequest('SELECT * FROM t WHERE k=?', [1.5, null, undefined], opts, false).write(enc4, 7), 4);
    if (r.kind !== 'query') throw new Error(r.kind);
    expect(r.query).toBe('SELECT * FROM t WHERE k=?');
    expect(r.params).toMatchObject({ consistency: 6, pageSize: 100, serialConsistency: 9, timestamp: 1_700_000_000_000_000n });
    expect(r.params.values).toEqual([Buffer.from('3ff8000000000000', 'hex'), null, UNSET_VALUE]);
    expect(r.params.pagingState).toEqual(Buffer.from('0102', 'hex'));
  });

  test('QUERY with named parameters', () => {
    const r = decodeDriverFrame(new requests.QueryRequest('SELECT :a', [{ name: 'a', value: 'x' }], new Options({ consistency: 1 }), true).write(enc4, 1), 4);
    if (r.kind !== 'query') throw new Error(r.kind);
    expect(r.params.names).toEqual(['a']);
    expect(r.params.values).toEqual([Buffer.from('x')]);
  });

  test('PREPARE and EXECUTE in v4 and v5 (result_metadata_id, keyspace)', () => {
    expect(decodeDriverFrame(new requests.PrepareRequest('SELECT 1', 'ks').write(enc4, 3), 4)).toMatchObject({ query: 'SELECT 1', keyspace: null });
    const enc5 = new Encoder(0x42, { encoding: { useUndefinedAsUnset: true } });
    const prepare5 = relabel(new requests.PrepareRequest('SELECT 1', 'ks').write(enc5, 3), 5);
    expect(decodeDriverFrame(prepare5, 5)).toMatchObject({ query: 'SELECT 1', keyspace: 'ks' });
    const meta = { columns: [{ type: { code: types.dataTypes.int } }], resultId: Buffer.from('beef', 'hex') };
    const exec = new requests.ExecuteRequest('q', Buffer.from('cafe', 'hex'), [42], new Options({ consistency: 1 }), meta);
    expect(decodeDriverFrame(exec.write(enc4, 4), 4)).toMatchObject({ kind: 'execute', id: Buffer.from('cafe', 'hex'), resultMetadataId: null });
    const v5 = decodeDriverFrame(relabel(exec.write(enc5, 4), 5), 5);
    expect(v5).toMatchObject({ kind: 'execute', resultMetadataId: Buffer.from('beef', 'hex') });
    if (v5.kind !== 'execute') throw new Error(v5.kind);
    expect(v5.params.values).toEqual([Buffer.from('0000002a', 'hex')]);
  });

  test('BATCH of a query string and a prepared statement', () => {
    const queries = [
      { query: 'INSERT INTO t (k) VALUES (?)', params: ['a'] },
      { query: 'q', queryId: Buffer.from('aa', 'hex'), params: [7], meta: { columns: [{ type: { code: types.dataTypes.int } }] } },
    ];
    const batch = new requests.BatchRequest(queries, new Options({ consistency: 4, timestamp: types.Long.fromNumber(5) }));
    batch.hints = [];
    const r = decodeDriverFrame(batch.write(enc4, 9), 4);
    expect(r).toMatchObject({ kind: 'batch', batchType: 0, consistency: 4, timestamp: 5n });
    if (r.kind !== 'batch') throw new Error(r.kind);
    expect(r.entries).toEqual([
      { query: 'INSERT INTO t (k) VALUES (?)', id: null, values: [Buffer.from('a')] },
      { query: null, id: Buffer.from('aa', 'hex'), values: [Buffer.from('00000007', 'hex')] },
    ]);
  });
});

describe('our responses parse in the cassandra-driver frame reader', () => {
  const reader = (frame: Buffer): any => new FrameReader(types.FrameHeader.fromBuffer(frame), frame.subarray(9));
  const columns: ColumnSpec[] = [
    { keyspace: 'ks', table: 't', name: 'k', type: nativeType('int') },
    { keyspace: 'ks', table: 't', name: 'tags', type: listType(nativeType('text')) },
    { keyspace: 'ks', table: 't', name: 'm', type: mapType(nativeType('text'), nativeType('bigint')) },
    { keyspace: 'ks', table: 't', name: 'u', type: udtType('ks', 'addr', [{ name: 'street', type: nativeType('text') }]) },
    { keyspace: 'ks', table: 't', name: 'tup', type: tupleType([nativeType('int'), nativeType('uuid')]) },
    { keyspace: 'ks', table: 't', name: 'd', type: nativeType('duration') },
  ];

  test.each([4, 5])('Rows v%i: metadata, paging state and cells', (version) => {
    const w = new ResponseWriter();
    const rows = new RowsEncoder(w);
    rows.beginRows({ version, stream: 12 }, { columns, pagingState: Buffer.from('pp') });
    const encoder = new Encoder(version, {});
    const cells = [
      encoder.encode(5, types.dataTypes.int),
      encoder.encode(['a', 'b'], { code: types.dataTypes.list, info: { code: types.dataTypes.text } }),
      null,
      null,
      null,
      null,
    ];
    rows.addRow(cells);
    rows.finish();
    const r = reader(w.take());
    expect(r.header).toMatchObject({ version, streamId: 12, opcode: Opcode.RESULT });
    expect(r.readInt()).toBe(types.resultKind.rows);
    const meta = r.readMetadata(types.resultKind.rows);
    expect(meta).toMatchObject({ global_tables_spec: true, keyspace: 'ks', table: 't', pageState: Buffer.from('pp') });
    expect(meta.columns.map((c: any) => c.name)).toEqual(columns.map((c) => c.name));
    expect(meta.columns[0].type.code).toBe(types.dataTypes.int);
    expect(meta.columns[1].type).toMatchObject({ code: types.dataTypes.list, info: { code: types.dataTypes.varchar } });
    expect(meta.columns[3].type.info).toMatchObject({ keyspace: 'ks', name: 'addr', fields: [{ name: 'street' }] });
    expect(meta.columns[4].type.info.map((t: any) => t.code)).toEqual([types.dataTypes.int, types.dataTypes.uuid]);
    if (version === 5) expect(meta.columns[5].type.code).toBe(types.dataTypes.duration);
    else expect(meta.columns[5].type).toMatchObject({ code: types.dataTypes.custom, info: 'org.apache.cassandra.db.marshal.DurationType' });
    expect(r.readInt()).toBe(1);
    expect(encoder.decode(r.readBytes(), meta.columns[0].type)).toBe(5);
    expect(encoder.decode(r.readBytes(), meta.columns[1].type)).toEqual(['a', 'b']);
    for (let i = 2; i < columns.length; i++) expect(r.readBytes()).toBeNull();
    expect(r.remainingLength()).toBe(0);
  });

  test('Prepared v4 and v5 with partition key indexes', () => {
    for (const version of [4, 5]) {
      const frame = encodeResponse(
        { version, stream: 1 },
        {
          kind: 'result',
          result: { kind: 'prepared', id: Buffer.from('abcd', 'hex'), resultMetadataId: Buffer.from('ef', 'hex'), bindColumns: columns.slice(0, 2), pkIndexes: [0], resultColumns: columns.slice(0, 1) },
        },
      );
      const r = reader(version === 5 ? relabel(frame, 0x42) : frame);
      expect(r.readInt()).toBe(types.resultKind.prepared);
      expect(r.readShortBytes()).toEqual(Buffer.from('abcd', 'hex'));
      const bind = r.readMetadata(types.resultKind.prepared);
      expect(bind).toMatchObject({ partitionKeys: [0], keyspace: 'ks', table: 't' });
      if (version === 5) expect(bind.resultId).toEqual(Buffer.from('ef', 'hex'));
      const result = r.readMetadata(types.resultKind.rows);
      expect(result.columns.map((c: any) => c.name)).toEqual(['k']);
      expect(r.remainingLength()).toBe(0);
    }
  });

  test('errors with extra fields, in both failure forms', () => {
    const addr = Buffer.from([127, 0, 0, 1]);
    const parse = (version: number, error: Parameters<typeof encodeResponse>[1]): any => reader(encodeResponse({ version, stream: 0 }, error)).readError();
    expect(parse(4, { kind: 'error', error: { code: ErrorCode.UNPREPARED, message: 'gone', id: Buffer.from('cafe', 'hex') } })).toMatchObject({
      code: ErrorCode.UNPREPARED,
      queryId: Buffer.from('cafe', 'hex'),
    });
    expect(parse(4, { kind: 'error', error: { code: ErrorCode.UNAVAILABLE, message: 'x', consistency: 4, required: 2, alive: 1 } })).toMatchObject({ required: 2, alive: 1 });
    const failure = { code: ErrorCode.WRITE_FAILURE, message: 'x', consistency: 1, received: 0, blockFor: 1, writeType: 'SIMPLE', failures: [{ address: addr, reasonCode: 3 }] } as const;
    expect(parse(4, { kind: 'error', error: failure })).toMatchObject({ failures: 1, writeType: 'SIMPLE' });
    const v5 = parse(5, { kind: 'error', error: failure });
    expect(v5).toMatchObject({ failures: 1, writeType: 'SIMPLE' });
    expect(v5.reasons['127.0.0.1']).toBe(3);
    expect(parse(4, { kind: 'error', error: { code: ErrorCode.READ_TIMEOUT, message: 'x', consistency: 1, received: 1, blockFor: 1, dataPresent: false } })).toMatchObject({
      received: 1,
      blockFor: 1,
      isDataPresent: 0,
    });
    expect(parse(4, { kind: 'error', error: { code: ErrorCode.ALREADY_EXISTS, message: 'x', keyspace: 'ks', table: 't' } })).toMatchObject({ keyspace: 'ks', table: 't' });
  });

  test('events', () => {
    const ev = (event: any): any => reader(encodeResponse({ version: 4, stream: -1 }, { kind: 'event', event })).readEvent();
    expect(ev({ type: 'STATUS_CHANGE', change: 'DOWN', node: { address: Buffer.from([10, 0, 0, 2]), port: 9042 } })).toMatchObject({
      eventType: 'STATUS_CHANGE',
      up: false,
      inet: { port: 9042 },
    });
    expect(ev({ type: 'SCHEMA_CHANGE', schema: { change: 'CREATED', target: 'TABLE', keyspace: 'ks', name: 't' } })).toMatchObject({
      eventType: 'SCHEMA_CHANGE',
      schemaChangeType: 'CREATED',
      keyspace: 'ks',
      table: 't',
    });
  });
});
