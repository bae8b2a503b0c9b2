import { createHash } from 'node:crypto';
import { MetricsRegistry } from '@charybdis/core';
import type { CounterFamilySnapshot, GaugeFamilySnapshot } from '@charybdis/core';
import { codecFor, nativeType } from '@charybdis/schema';
import type { ClientSession } from '../src/execution/execution-types';
import { QueryProcessor } from '../src/query-processor/query-processor';
import { FrameReader } from '../src/protocol/frame-reader';
import { readTypeOption } from '../src/protocol/type-option-codec';
import type { QueryParameters, Request } from '../src/protocol/request-types';
import type { Response, ResultBody } from '../src/protocol/response-types';
import { CQL_UNPREPARED, errorToResponse } from '../src/query-processor/error-to-response';
import { AlreadyExistsError } from '../src/schema-statements/ddl-errors';
import { SystemTablesDataAccess } from '../src/system-tables/system-tables-data-access';
import { TestSchemaNode } from './fixtures/processor-node';
import { PreparersDouble } from './fixtures/processor-preparers-double';

const NOW_MS = 1_700_000_000_000;
const NODE_INFO = {
  clusterName: 'Test Cluster',
  dataCenter: 'datacenter1',
  rack: 'rack1',
  hostId: '2f7a2b8e-8f0c-4d8e-9b1a-6c3d5e7f9a0b',
  tokens: ['0'],
  rpcAddress: '127.0.0.1',
  listenAddress: '127.0.0.1',
  broadcastAddress: '127.0.0.1',
  rpcPort: 9042,
  listenPort: 7000,
  gossipGeneration: 1,
};
const int = codecFor(nativeType('int'));
const text = codecFor(nativeType('text'));

function params(p: Partial<QueryParameters> = {}): QueryParameters {
  return { consistency: 1, flags: 0, values: null, names: null, skipMetadata: false, pageSize: null, pagingState: null, serialConsistency: null, timestamp: null, keyspace: null, nowInSeconds: null, ...p };
}

function query(q: string, p: Partial<QueryParameters> = {}): Request {
  return { kind: 'query', query: q, params: params(p), customPayload: null };
}

function result(r: Response): ResultBody {
  if (r.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(r)}`);
  return r.result;
}

function rows(r: Response): { names: string[]; rows: (Uint8Array | null)[][] } {
  const body = result(r);
  if (body.kind !== 'rows') throw new Error(`expected rows, got ${body.kind}`);
  const cols = body.metadata.columns;
  const names = 'encoded' in cols ? encodedNames(cols.bytes, cols.count, cols.globalTableSpec) : cols.map((c) => c.name);
  return { names, rows: body.rows.map((row) => [...row]) };
}

function skipTableSpec(r: FrameReader): void {
  r.readString('ks');
  r.readString('table');
}

/** Column names out of pre-encoded column specs ([global spec] then [ks][table]?[name][option] each). */
function encodedNames(bytes: Buffer, count: number, global: boolean): string[] {
  const r = new FrameReader(bytes, 'test');
  if (global) skipTableSpec(r);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (!global) skipTableSpec(r);
    names.push(r.readString('name'));
    readTypeOption(r, 'type');
  }
  return names;
}

function error(r: Response): { code: number; message: string } & Record<string, unknown> {
  if (r.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(r)}`);
  return r.error as { code: number; message: string };
}

describe('QueryProcessor', () => {
  let node: TestSchemaNode;
  let preparers: PreparersDouble;
  let processors: QueryProcessor[];
  let session: ClientSession;
  const logged: object[] = [];

  beforeEach(async () => {
    node = new TestSchemaNode(2);
    preparers = new PreparersDouble();
    processors = node.services.map(
      (s, id) => new QueryProcessor({ shard: node.smp.shard(id), schema: s, data: new SystemTablesDataAccess(node.data, s, NODE_INFO), preparers, logger: { error: (o) => logged.push(o) } }),
    );
    session = { keyspace: null, protocolVersion: 4 };
    const ddl = [
      "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      'CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c))',
    ];
    for (const q of ddl) expect(result(await processors[1]!.process(query(q), session, NOW_MS)).kind).toBe('schemaChange');
  });

  it('answers the control-connection queries of both drivers', async () => {
    const p = processors[0]!;
    const local = rows(await p.process(query("SELECT * FROM system.local WHERE key='local'"), session, NOW_MS));
    expect(local.rows.length).toBe(1);
    const at = (name: string): Uint8Array | null => local.rows[0]![local.names.indexOf(name)]!;
    expect(text.deserialize(at('cluster_name')!)).toBe('Test Cluster');
    expect(text.deserialize(at('release_version')!)).toBe('4.0.11');
    expect(codecFor(nativeType('uuid')).deserialize(at('schema_version')!)).toBe(node.services[0]!.schema.version);
    expect(rows(await p.process(query('SELECT schema_version FROM system.local'), session, NOW_MS)).rows.length).toBe(1);
    expect(rows(await p.process(query('SELECT * FROM system.peers'), session, NOW_MS)).rows).toEqual([]);
    expect(error(await p.process(query('SELECT * FROM system.peers_v2'), session, NOW_MS))).toEqual({ code: 0x2200, message: 'unconfigured table peers_v2' });
    const keyspaces = rows(await p.process(query('SELECT * FROM system_schema.keyspaces'), session, NOW_MS));
    expect(keyspaces.rows.map((r) => text.deserialize(r[keyspaces.names.indexOf('keyspace_name')]!)).sort()).toEqual(['ks', 'system', 'system_auth', 'system_schema']);
    const columns = rows(await p.process(query("select * from system_schema.columns where keyspace_name='ks' and table_name='t'"), session, NOW_MS));
    expect(columns.rows.map((r) => text.deserialize(r[columns.names.indexOf('column_name')]!))).toEqual(['c', 'k', 'v']);
  });

  it('runs DDL from any shard and every shard sees the new schema', async () => {
    const change = await processors[0]!.process(query('ALTER TABLE ks.t ADD w int'), session, NOW_MS);
    expect(result(change)).toEqual({ kind: 'schemaChange', schema: { change: 'UPDATED', target: 'TABLE', keyspace: 'ks', name: 't' } });
    expect(node.services[1]!.schema.table('ks', 't')!.columns.map((c) => c.name)).toEqual(['v', 'w']);
    expect(result(await processors[1]!.process(query('CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY)'), session, NOW_MS))).toEqual({ kind: 'void' });
  });

  it('USE sets the session keyspace; an unknown keyspace is Invalid', async () => {
    expect(result(await processors[0]!.process(query('USE ks'), session, NOW_MS))).toEqual({ kind: 'setKeyspace', keyspace: 'ks' });
    expect(session.keyspace).toBe('ks');
    expect(rows(await processors[0]!.process(query('SELECT * FROM t'), session, NOW_MS)).names).toEqual(['k', 'c', 'v']);
    expect(error(await processors[0]!.process(query('USE nope'), session, NOW_MS))).toEqual({ code: 0x2200, message: "Keyspace 'nope' does not exist" });
    expect(session.keyspace).toBe('ks');
  });

  it('prepares with deterministic ids (MD5 of keyspace + text), the same on every shard', async () => {
    const q = 'SELECT v FROM t WHERE k = ? AND c = ?';
    const v4 = { keyspace: 'ks', protocolVersion: 4 };
    const a = result(await processors[0]!.process({ kind: 'prepare', query: q, keyspace: null, customPayload: null }, v4, NOW_MS));
    const b = result(await processors[1]!.process({ kind: 'prepare', query: q, keyspace: null, customPayload: null }, v4, NOW_MS));
    if (a.kind !== 'prepared' || b.kind !== 'prepared') throw new Error('expected Prepared');
    expect(Buffer.from(a.id)).toEqual(createHash('md5').update(`ks${q}`).digest());
    expect(Buffer.from(b.id)).toEqual(Buffer.from(a.id));
    expect(a.pkIndexes).toEqual([0]);
    expect(a.bindColumns.map((c) => c.name)).toEqual(['k', 'c']);
    expect(a.resultColumns!.map((c) => c.name)).toEqual(['v']);
    expect(a.resultMetadataId).toBeNull();
    const noKs = result(await processors[0]!.process({ kind: 'prepare', query: 'SELECT * FROM ks.t', keyspace: null, customPayload: null }, session, NOW_MS));
    expect(noKs.kind === 'prepared' && Buffer.from(noKs.id)).toEqual(createHash('md5').update('SELECT * FROM ks.t').digest());
  });

  it('EXECUTE runs a prepared statement; an unknown id is Unprepared carrying the id', async () => {
    const prep = result(await processors[0]!.process({ kind: 'prepare', query: 'INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)', keyspace: null, customPayload: null }, session, NOW_MS));
    if (prep.kind !== 'prepared') throw new Error('expected Prepared');
    expect(prep.pkIndexes).toEqual([0]);
    const values = [int.serialize(1), int.serialize(2), text.serialize('x')];
    const exec: Request = { kind: 'execute', id: Buffer.from(prep.id), resultMetadataId: null, params: params({ values, timestamp: 42n }), customPayload: null };
    expect(result(await processors[0]!.process(exec, session, NOW_MS))).toEqual({ kind: 'void' });
    expect(preparers.writes[0]).toEqual({ kind: 'insert', table: 't', values, timestampUs: 42n });
    // Prepared on shard 0, executed on shard 1: PREPARE reached every shard.
    expect(result(await processors[1]!.process(exec, session, NOW_MS))).toEqual({ kind: 'void' });
    const unknown = Buffer.alloc(16, 7);
    const err = error(await processors[1]!.process({ ...exec, id: unknown }, session, NOW_MS));
    expect(err.code).toBe(0x2500);
    expect(Buffer.from(err.id as Uint8Array)).toEqual(unknown);
    expect(err.message).toContain(`Prepared query with ID ${unknown.toString('hex')} not found`);
  });

  it('re-prepares after a schema change and tells a v5 client its result metadata changed', async () => {
    const v5: ClientSession = { keyspace: null, protocolVersion: 5 };
    const prep = result(await processors[0]!.process({ kind: 'prepare', query: 'SELECT * FROM ks.t', keyspace: null, customPayload: null }, v5, NOW_MS));
    if (prep.kind !== 'prepared') throw new Error('expected Prepared');
    expect(prep.resultMetadataId).toBeInstanceOf(Buffer);
    const exec: Request = { kind: 'execute', id: Buffer.from(prep.id), resultMetadataId: Buffer.from(prep.resultMetadataId!), params: params(), customPayload: null };
    const before = result(await processors[0]!.process(exec, v5, NOW_MS));
    expect(before.kind === 'rows' && before.metadata.newMetadataId).toBeNull();
    await processors[1]!.process(query('ALTER TABLE ks.t ADD w int'), v5, NOW_MS);
    const after = result(await processors[0]!.process(exec, v5, NOW_MS));
    if (after.kind !== 'rows') throw new Error('expected rows');
    expect(after.metadata.newMetadataId).toBeInstanceOf(Buffer);
    expect(Buffer.from(after.metadata.newMetadataId!)).not.toEqual(Buffer.from(prep.resultMetadataId!));
    expect('encoded' in after.metadata.columns && after.metadata.columns.count).toBe(4);
  });

  it('maps named values onto markers and checks the value count', async () => {
    const named = query('INSERT INTO ks.t (k, c, v) VALUES (:k, :c, :v)', { values: [text.serialize('x'), int.serialize(1), int.serialize(2)], names: ['v', 'k', 'c'] });
    expect(result(await processors[0]!.process(named, session, NOW_MS))).toEqual({ kind: 'void' });
    expect(preparers.writes[0]!.values).toEqual([int.serialize(1), int.serialize(2), text.serialize('x')]);
    const short = query('INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)', { values: [int.serialize(1)] });
    expect(error(await processors[0]!.process(short, session, NOW_MS))).toEqual({ code: 0x2200, message: 'Invalid amount of bind variables: expected 3 received 1' });
  });

  it('refuses SERIAL writes without a condition', async () => {
    const q = query('INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)', { consistency: 0x0008, values: [int.serialize(1), int.serialize(2), text.serialize('x')] });
    expect(error(await processors[0]!.process(q, session, NOW_MS))).toEqual({ code: 0x2200, message: 'You must use conditional updates for serializable writes' });
  });

  it('runs a protocol BATCH mixing query strings and prepared ids', async () => {
    const prep = result(await processors[0]!.process({ kind: 'prepare', query: 'INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)', keyspace: null, customPayload: null }, session, NOW_MS));
    if (prep.kind !== 'prepared') throw new Error('expected Prepared');
    const values = [int.serialize(1), int.serialize(2), text.serialize('x')];
    const batch: Request = {
      kind: 'batch',
      batchType: 1,
      entries: [
        { query: 'INSERT INTO ks.t (k, c) VALUES (?, ?)', id: null, values: values.slice(0, 2) },
        { query: null, id: Buffer.from(prep.id), values },
      ],
      consistency: 1,
      flags: 0,
      serialConsistency: null,
      timestamp: null,
      keyspace: null,
      nowInSeconds: null,
      customPayload: null,
    };
    expect(result(await processors[1]!.process(batch, session, NOW_MS))).toEqual({ kind: 'void' });
    expect(preparers.batches.map((b) => [b.type, b.children.map((c) => c.values.length)])).toEqual([['unlogged', [2, 3]]]);
    const withSelect = { ...batch, entries: [{ query: 'SELECT * FROM ks.t', id: null, values: [] }] } as Request;
    expect(error(await processors[1]!.process(withSelect, session, NOW_MS)).message).toBe('Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.');
  });

  it('TRUNCATE empties the table on every shard; system tables cannot be truncated', async () => {
    expect(result(await processors[0]!.process(query('TRUNCATE ks.t'), session, NOW_MS))).toEqual({ kind: 'void' });
    const id = node.services[0]!.schema.table('ks', 't')!.id;
    for (const r of node.records) expect(r.truncated).toEqual([id]);
    expect(error(await processors[0]!.process(query('TRUNCATE ks.nope'), session, NOW_MS))).toEqual({ code: 0x2200, message: 'table nope does not exist' });
    expect(error(await processors[0]!.process(query('TRUNCATE system.local'), session, NOW_MS)).code).toBe(0x2100);
  });

  it.each([
    ['SELEC * FROM ks.t', 0x2000],
    ['CREATE INDEX ON ks.t (nope)', 0x2200],
    ["CREATE ROLE r WITH PASSWORD = 'p'", 0x2200],
    ["CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", 0x2400],
    ['CREATE TABLE ks.u (k int PRIMARY KEY) WITH nope = 1', 0x2000],
    ['CREATE TABLE ks.u (k int PRIMARY KEY) WITH gc_grace_seconds = -5', 0x2300],
    ['CREATE TABLE ks.u (k int PRIMARY KEY, v nope)', 0x2200],
    ['CREATE TABLE ks.u (k list<int> PRIMARY KEY)', 0x2200],
    ['DROP KEYSPACE system', 0x2100],
    ['SELECT * FROM ks.nope', 0x2200],
  ])('%s → error code %d', async (q, code) => {
    const r = error(await processors[0]!.process(query(q), session, NOW_MS));
    expect(r.code).toBe(code);
    if (code === 0x2400) expect(r).toMatchObject({ keyspace: 'ks', table: '' });
  });

  it('evicts the least recently used prepared statement past its bound, and its metrics count it', async () => {
    const registry = new MetricsRegistry();
    const small = new QueryProcessor({ schema: node.services[0]!, data: node.data, preparers, maxPreparedStatements: 2, metrics: registry });
    const ids: Buffer[] = [];
    for (const q of ['SELECT k FROM ks.t', 'SELECT c FROM ks.t', 'SELECT v FROM ks.t']) {
      const r = result(await small.process({ kind: 'prepare', query: q, keyspace: null, customPayload: null }, session, NOW_MS));
      if (r.kind !== 'prepared') throw new Error('expected Prepared');
      ids.push(Buffer.from(r.id));
    }
    expect(small.preparedCount).toBe(2);
    const exec = (id: Buffer): Request => ({ kind: 'execute', id, resultMetadataId: null, params: params(), customPayload: null });
    expect(error(await small.process(exec(ids[0]!), session, NOW_MS)).code).toBe(0x2500);
    expect(result(await small.process(exec(ids[2]!), session, NOW_MS)).kind).toBe('rows');
    const prepared = (name: string): number | undefined => {
      const family = registry.collect().families.find((f) => f.name === name) as CounterFamilySnapshot | GaugeFamilySnapshot | undefined;
      return family?.samples.find((x) => x.labelValues[0] === 'prepared')?.value;
    };
    expect(prepared('cql_statement_cache_entries')).toBe(2);
    expect(prepared('cql_statement_cache_bytes')).toBeGreaterThan(0);
    expect(prepared('cql_statement_cache_evictions_total')).toBe(1);
    // three first PREPAREs and the EXECUTE of the evicted id missed; the EXECUTE of ids[2] hit
    expect(prepared('cql_statement_cache_misses_total')).toBe(4);
    expect(prepared('cql_statement_cache_hits_total')).toBe(1);
  });
});

describe('errorToResponse (the one error mapping)', () => {
  it.each([
    ['CQL_SYNTAX', 0x2000],
    ['CQL_INVALID', 0x2200],
    ['CQL_NOT_SUPPORTED', 0x2200],
    ['CQL_CONFIG', 0x2300],
    ['CQL_UNAUTHORIZED', 0x2100],
    ['CQL_OVERLOADED', 0x1001],
    ['SCHEMA_INVALID_DEFINITION', 0x2200],
    ['SCHEMA_INVALID_OPTION', 0x2300],
    ['SCHEMA_UNKNOWN_OPTION', 0x2000],
    ['SCHEMA_NOT_FOUND', 0x2200],
    ['SCHEMA_INVALID_TYPE', 0x2200],
    ['SCHEMA_INVALID_VALUE', 0x2200],
    ['READ_INVALID_PAGING_STATE', 0x2200],
    ['REPLICA_OVERLOADED', 0x1001],
    ['REPLICA_TABLE_FAILED', 0x0000],
    ['SCHEMA_CORRUPT_SCHEMA', 0x0000],
    ['SOMETHING_ELSE', 0x0000],
  ])('%s → %d with its message', (code, expected) => {
    const logged: object[] = [];
    const r = errorToResponse(Object.assign(new Error('boom'), { code }), { error: (o) => logged.push(o) });
    expect(r).toEqual({ kind: 'error', error: { code: expected, message: 'boom' } });
    expect(logged.length).toBe(code === 'SOMETHING_ELSE' || code === 'SCHEMA_CORRUPT_SCHEMA' ? 1 : 0);
  });

  it('keeps AlreadyExists fields and the Unprepared id; a thrown non-error is a server error', () => {
    expect(errorToResponse(new AlreadyExistsError('exists', 'ks', 't'))).toEqual({ kind: 'error', error: { code: 0x2400, message: 'exists', keyspace: 'ks', table: 't' } });
    const id = Buffer.from([1, 2, 3]);
    expect(errorToResponse(Object.assign(new Error('gone'), { code: CQL_UNPREPARED, id }))).toEqual({ kind: 'error', error: { code: 0x2500, message: 'gone', id } });
    expect(errorToResponse('weird')).toEqual({ kind: 'error', error: { code: 0x0000, message: 'weird' } });
  });
});
