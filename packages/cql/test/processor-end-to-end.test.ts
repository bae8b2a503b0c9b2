import { codecFor, nativeType } from '@charybdis/schema';
import type { ClientSession } from '../src/execution/execution-types';
import { createStatementPreparers } from '../src/query-processor/create-statement-preparers';
import { QueryProcessor } from '../src/query-processor/query-processor';
import type { QueryParameters, Request } from '../src/protocol/request-types';
import type { Response } from '../src/protocol/response-types';
import { SystemTablesDataAccess } from '../src/system-tables/system-tables-data-access';
import { TestSchemaNode } from './fixtures/processor-node';

const NOW_MS = 1_700_000_000_000;
const int = codecFor(nativeType('int'));
const text = codecFor(nativeType('text'));
const NODE_INFO = {
  clusterName: 'c',
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

function query(q: string, p: Partial<QueryParameters> = {}): Request {
  const params: QueryParameters = { consistency: 1, flags: 0, values: null, names: null, skipMetadata: false, pageSize: null, pagingState: null, serialConsistency: null, timestamp: null, keyspace: null, nowInSeconds: null, ...p };
  return { kind: 'query', query: q, params, customPayload: null };
}

function rowsOf(r: Response): (Uint8Array | null)[][] {
  if (r.kind !== 'result' || r.result.kind !== 'rows') throw new Error(`expected rows, got ${JSON.stringify(r)}`);
  return r.result.rows.map((row) => [...row]);
}

describe('QueryProcessor with the real SELECT and modification preparers', () => {
  it('creates a table, writes with INSERT and a protocol BATCH, and reads back with SELECT', async () => {
    const node = new TestSchemaNode(2);
    const preparers = createStatementPreparers();
    const processors = node.services.map((s, id) => new QueryProcessor({ shard: node.smp.shard(id), schema: s, data: new SystemTablesDataAccess(node.data, s, NODE_INFO), preparers }));
    const session: ClientSession = { keyspace: null, protocolVersion: 4 };
    const run = (i: number, r: Request): Promise<Response> => processors[i]!.process(r, session, NOW_MS);
    await run(0, query("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"));
    await run(1, query('USE ks'));
    expect((await run(1, query('CREATE TABLE t (k int, c int, v text, PRIMARY KEY (k, c))'))).kind).toBe('result');
    expect(await run(0, query("INSERT INTO t (k, c, v) VALUES (1, 1, 'a')"))).toEqual({ kind: 'result', result: { kind: 'void' } });
    const prepared = await run(0, { kind: 'prepare', query: 'INSERT INTO t (k, c, v) VALUES (?, ?, ?)', keyspace: null, customPayload: null });
    if (prepared.kind !== 'result' || prepared.result.kind !== 'prepared') throw new Error('expected Prepared');
    const batch: Request = {
      kind: 'batch',
      batchType: 0,
      entries: [
        { query: null, id: Buffer.from(prepared.result.id), values: [int.serialize(1), int.serialize(2), text.serialize('b')] },
        { query: "INSERT INTO t (k, c, v) VALUES (2, 1, 'c')", id: null, values: [] },
      ],
      consistency: 1,
      flags: 0,
      serialConsistency: null,
      timestamp: null,
      keyspace: null,
      nowInSeconds: null,
      customPayload: null,
    };
    expect(await run(1, batch)).toEqual({ kind: 'result', result: { kind: 'void' } });
    const one = rowsOf(await run(1, query('SELECT v FROM t WHERE k = ?', { values: [int.serialize(1)] })));
    expect(one.map((r) => text.deserialize(r[0]!))).toEqual(['a', 'b']);
    const all = rowsOf(await run(0, query('SELECT k, c FROM ks.t')));
    expect(all.length).toBe(3);
    await run(0, query('TRUNCATE t'));
    expect(node.records.every((r) => r.truncated.length === 1)).toBe(true);
  });
});
