import pino from 'pino';
import { codecFor, nativeType } from '@charybdis/schema';
import type { ClientSession } from '../src/execution/execution-types';
import { InternalCql } from '../src/auth/internal-cql';
import { ShardAuth } from '../src/auth/shard-auth';
import type { AuthConfig } from '../src/auth/auth-service';
import { MAX_PENDING_LOGINS } from '../src/auth/auth-service';
import { resourceChain } from '../src/auth/auth-resource';
import { createStatementPreparers } from '../src/query-processor/create-statement-preparers';
import { QueryProcessor } from '../src/query-processor/query-processor';
import type { QueryParameters, Request } from '../src/protocol/request-types';
import type { Response } from '../src/protocol/response-types';
import { SystemTablesDataAccess } from '../src/system-tables/system-tables-data-access';
import { TestSchemaNode } from './fixtures/processor-node';

/**
 * Permission resolution and role statements on a two-shard test node: the real auth
 * components and query processors over the in-memory DataAccess double and the
 * in-process smp double. Shows that a change made on one shard is seen by the next
 * request on the other (cache invalidation over smp), that grants on a parent cover its
 * children, that roles inherit, and that superusers pass.
 */

const NOW_MS = 1_700_000_000_000;
const text = codecFor(nativeType('text'));
const NODE_INFO = {
  clusterName: 'c', dataCenter: 'datacenter1', rack: 'rack1', hostId: '2f7a2b8e-8f0c-4d8e-9b1a-6c3d5e7f9a0b', tokens: ['0'],
  rpcAddress: '127.0.0.1', listenAddress: '127.0.0.1', broadcastAddress: '127.0.0.1', rpcPort: 9042, listenPort: 7000, gossipGeneration: 1,
};
const PASSWORD_AUTH: AuthConfig = { authenticator: 'PasswordAuthenticator', authorizer: 'CassandraAuthorizer', superuserName: 'cassandra', superuserPassword: 'cassandra' };
const ALLOW_ALL: AuthConfig = { authenticator: 'AllowAllAuthenticator', authorizer: 'AllowAllAuthorizer', superuserName: 'cassandra', superuserPassword: 'cassandra' };

function query(q: string): Request {
  const params: QueryParameters = { consistency: 1, flags: 0, values: null, names: null, skipMetadata: false, pageSize: null, pagingState: null, serialConsistency: null, timestamp: null, keyspace: null, nowInSeconds: null };
  return { kind: 'query', query: q, params, customPayload: null };
}

/** A test node whose shards each have a ShardAuth and a QueryProcessor. */
function authNode(config: AuthConfig) {
  const node = new TestSchemaNode(2);
  const preparers = createStatementPreparers();
  const shards = node.services.map((s, id) => {
    const auth = new ShardAuth({ shard: node.smp.shard(id), cql: new InternalCql(s, node.data, preparers), config, logger: pino({ level: 'silent' }) });
    const processor = new QueryProcessor({ shard: node.smp.shard(id), schema: s, data: new SystemTablesDataAccess(node.data, s, NODE_INFO), preparers, auth, access: auth.access });
    return { auth, processor };
  });
  const run = async (shard: number, user: string | null, q: string): Promise<Response> => {
    const session: ClientSession = { keyspace: null, protocolVersion: 4, user };
    return shards[shard]!.processor.process(query(q), session, NOW_MS);
  };
  /** Runs and expects success; the rows' first column as text when there are rows. */
  const ok = async (shard: number, user: string | null, q: string): Promise<string[]> => {
    const r = await run(shard, user, q);
    if (r.kind === 'error') throw new Error(`${q}: ${r.error.message}`);
    return r.kind === 'result' && r.result.kind === 'rows' ? r.result.rows.map((row) => text.deserialize(row[0]!) as string) : [];
  };
  const error = async (shard: number, user: string | null, q: string): Promise<{ code: number; message: string }> => {
    const r = await run(shard, user, q);
    if (r.kind !== 'error') throw new Error(`${q}: expected an error`);
    return { code: r.error.code, message: r.error.message };
  };
  return { node, shards, run, ok, error };
}

describe('CassandraAuthorizer on a two-shard node', () => {
  let n: ReturnType<typeof authNode>;

  beforeEach(async () => {
    n = authNode(PASSWORD_AUTH);
    await n.shards[0]!.auth.service.setupDefaultSuperuser();
    await n.ok(0, 'cassandra', "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await n.ok(0, 'cassandra', 'CREATE TABLE ks.t (k int PRIMARY KEY, v int)');
    await n.ok(0, 'cassandra', 'CREATE TABLE ks.u (k int PRIMARY KEY, v int)');
    await n.ok(0, 'cassandra', "CREATE ROLE bob WITH PASSWORD = 'pw' AND LOGIN = true");
  });

  test('the default superuser is created once, with a working password; not again once roles exist', async () => {
    expect(await n.shards[1]!.auth.service.authenticate('cassandra', 'cassandra')).toBe('cassandra');
    await expect(n.shards[1]!.auth.service.authenticate('cassandra', 'wrong')).rejects.toMatchObject({ message: 'Provided username cassandra and/or password are incorrect' });
    await n.ok(0, 'cassandra', "CREATE ROLE root WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = 'r'");
    await n.ok(0, 'root', 'DROP ROLE cassandra');
    await n.shards[0]!.auth.service.setupDefaultSuperuser();
    expect(await n.ok(1, 'root', 'LIST ROLES')).toEqual(['bob', 'root']);
  });

  test('password checks in flight are bounded: beyond the bound a login is Overloaded, not queued', async () => {
    const service = n.shards[0]!.auth.service;
    const logins = Array.from({ length: MAX_PENDING_LOGINS + 1 }, () => service.authenticate('bob', 'wrong').then(() => 'ok', (e: { code: string }) => e.code));
    const codes = await Promise.all(logins);
    expect(codes.filter((c) => c === 'CQL_OVERLOADED')).toHaveLength(1);
    expect(codes.filter((c) => c === 'CQL_BAD_CREDENTIALS')).toHaveLength(MAX_PENDING_LOGINS);
    expect(await service.authenticate('bob', 'pw')).toBe('bob'); // the bound is released
  });

  test('a grant made on one shard is enforced by the next request on the other', async () => {
    expect(await n.error(1, 'bob', 'SELECT * FROM ks.t')).toEqual({ code: 0x2100, message: 'User bob has no SELECT permission on <table ks.t> or any of its parents' });
    await n.ok(0, 'cassandra', 'GRANT SELECT ON ks.t TO bob');
    await n.ok(1, 'bob', 'SELECT * FROM ks.t');
    await n.ok(0, 'cassandra', 'REVOKE SELECT ON ks.t FROM bob');
    expect((await n.error(1, 'bob', 'SELECT * FROM ks.t')).code).toBe(0x2100);
  });

  test('a grant on a keyspace or on all keyspaces covers the tables below it', async () => {
    await n.ok(0, 'cassandra', 'GRANT MODIFY ON KEYSPACE ks TO bob');
    await n.ok(1, 'bob', 'INSERT INTO ks.u (k, v) VALUES (1, 1)');
    expect((await n.error(1, 'bob', 'SELECT * FROM ks.u')).message).toBe('User bob has no SELECT permission on <table ks.u> or any of its parents');
    await n.ok(0, 'cassandra', 'GRANT SELECT ON ALL KEYSPACES TO bob');
    await n.ok(1, 'bob', 'SELECT * FROM ks.u');
    expect(resourceChain('data/ks/u')).toEqual(['data/ks/u', 'data/ks', 'data']);
  });

  test('MODIFY on all keyspaces does not reach the system keyspaces: a role cannot make itself a superuser', async () => {
    await n.ok(0, 'cassandra', 'GRANT MODIFY ON ALL KEYSPACES TO bob');
    await n.ok(1, 'bob', 'INSERT INTO ks.t (k, v) VALUES (1, 1)');
    expect(await n.error(1, 'bob', "UPDATE system_auth.roles SET is_superuser = true WHERE role = 'bob'")).toEqual({
      code: 0x2100,
      message: 'system_auth can be granted only SELECT or DESCRIBE permissions to a non-superuser.',
    });
    await n.ok(0, 'cassandra', "UPDATE system_auth.roles SET can_login = true WHERE role = 'bob'");
  });

  test('roles inherit through several levels; superuser status is inherited too', async () => {
    await n.ok(0, 'cassandra', 'CREATE ROLE readers');
    await n.ok(0, 'cassandra', 'CREATE ROLE staff');
    await n.ok(0, 'cassandra', 'GRANT SELECT ON KEYSPACE ks TO readers');
    await n.ok(0, 'cassandra', 'GRANT readers TO staff');
    await n.ok(0, 'cassandra', 'GRANT staff TO bob');
    await n.ok(1, 'bob', 'SELECT * FROM ks.t');
    expect(await n.ok(1, 'bob', 'LIST ROLES')).toEqual(['bob', 'readers', 'staff']);
    expect(await n.ok(1, 'cassandra', 'LIST ROLES OF bob NORECURSIVE')).toEqual(['bob']);
    expect((await n.error(0, 'cassandra', 'GRANT bob TO readers')).message).toBe('bob is a member of readers');
    expect((await n.error(0, 'cassandra', 'GRANT readers TO bob')).message).toBe('bob is a member of readers');
    await n.ok(0, 'cassandra', 'REVOKE staff FROM bob');
    expect((await n.error(1, 'bob', 'SELECT * FROM ks.t')).code).toBe(0x2100);
    expect((await n.error(0, 'cassandra', 'REVOKE staff FROM bob')).message).toBe('bob is not a member of staff');
    await n.ok(0, 'cassandra', 'CREATE ROLE admins WITH SUPERUSER = true');
    await n.ok(0, 'cassandra', 'GRANT admins TO bob');
    await n.ok(1, 'bob', "CREATE ROLE eve WITH PASSWORD = 'e'");
  });

  test('role statements follow Cassandra rules and messages', async () => {
    expect(await n.error(0, 'bob', "CREATE ROLE eve WITH PASSWORD = 'e'")).toEqual({ code: 0x2100, message: 'User bob has no CREATE permission on <all roles> or any of its parents' });
    expect(await n.error(0, 'cassandra', 'CREATE ROLE bob')).toEqual({ code: 0x2200, message: 'bob already exists' });
    expect(await n.error(0, 'cassandra', 'ALTER ROLE nobody WITH LOGIN = true')).toEqual({ code: 0x2200, message: "nobody doesn't exist" });
    expect(await n.error(0, 'cassandra', 'DROP ROLE cassandra')).toEqual({ code: 0x2200, message: 'Cannot DROP primary role for current login' });
    expect(await n.error(0, 'cassandra', "CREATE ROLE x WITH OPTIONS = {'a': 'b'}")).toMatchObject({ code: 0x2200 });
    expect(await n.error(0, 'cassandra', "CREATE ROLE x WITH HASHED PASSWORD = 'nope'")).toMatchObject({ code: 0x2200, message: expect.stringContaining('Invalid HASHED PASSWORD') as unknown });
    // A role may change its own password, not its login or superuser status.
    await n.ok(1, 'bob', "ALTER ROLE bob WITH PASSWORD = 'new'");
    expect(await n.shards[0]!.auth.service.authenticate('bob', 'new')).toBe('bob');
    expect(await n.error(1, 'bob', 'ALTER ROLE bob WITH LOGIN = false')).toEqual({ code: 0x2100, message: "You aren't allowed to alter login" });
    expect(await n.error(1, 'bob', 'ALTER ROLE bob WITH SUPERUSER = true')).toEqual({ code: 0x2100, message: 'Only superusers are allowed to alter superuser status' });
    expect(await n.error(1, 'bob', 'LIST ROLES OF cassandra')).toEqual({ code: 0x2100, message: 'You are not authorized to view roles granted to cassandra' });
    expect(await n.error(1, 'bob', 'LIST ALL PERMISSIONS')).toEqual({ code: 0x2100, message: "You are not authorized to view everyone's permissions" });
    await n.ok(0, 'cassandra', 'GRANT EXECUTE ON ALL FUNCTIONS TO bob');
    await n.ok(0, 'cassandra', 'GRANT EXECUTE ON ALL FUNCTIONS IN KEYSPACE ks TO bob');
    expect(await n.error(0, 'cassandra', 'GRANT EXECUTE ON ALL FUNCTIONS IN KEYSPACE nope TO bob')).toEqual({ code: 0x2200, message: "Resource <all functions in nope> doesn't exist" });
    expect(await n.error(0, 'cassandra', 'GRANT EXECUTE ON FUNCTION ks.f(int) TO bob')).toEqual({ code: 0x2200, message: "Resource <function ks.f> doesn't exist" });
    expect(await n.error(0, 'cassandra', 'GRANT DESCRIBE ON KEYSPACE ks TO bob')).toEqual({ code: 0x2200, message: 'Resource type DataResource does not support any of the requested permissions' });
    // A role without LOGIN is refused, saying so only to the one who knows its password.
    await n.ok(0, 'cassandra', "CREATE ROLE nologin WITH PASSWORD = 'n'");
    await expect(n.shards[1]!.auth.service.authenticate('nologin', 'bad')).rejects.toMatchObject({ message: 'Provided username nologin and/or password are incorrect' });
    await expect(n.shards[1]!.auth.service.authenticate('nologin', 'n')).rejects.toMatchObject({ code: 'CQL_BAD_CREDENTIALS', message: 'nologin is not permitted to log in' });
    // Legacy USER statements.
    await n.ok(0, 'cassandra', "CREATE USER carol WITH PASSWORD 'c' NOSUPERUSER");
    expect(await n.ok(0, 'cassandra', 'LIST USERS')).toEqual(['bob', 'carol', 'cassandra']);
    await n.ok(0, 'cassandra', 'DROP USER carol');
    await expect(n.shards[0]!.auth.service.authenticate('carol', 'c')).rejects.toMatchObject({ code: 'CQL_BAD_CREDENTIALS' });
  });

  test('a keyspace creator gets its permissions; dropping the keyspace removes every grant on it', async () => {
    await n.ok(0, 'cassandra', 'GRANT CREATE ON ALL KEYSPACES TO bob');
    await n.ok(1, 'bob', "CREATE KEYSPACE bobs WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await n.ok(1, 'bob', 'CREATE TABLE bobs.t (k int PRIMARY KEY)');
    await n.ok(0, 'bob', 'SELECT * FROM bobs.t');
    await n.ok(0, 'bob', 'DROP KEYSPACE bobs');
    const listed = await n.run(0, 'cassandra', 'LIST ALL PERMISSIONS OF bob');
    if (listed.kind !== 'result' || listed.result.kind !== 'rows') throw new Error('expected rows');
    expect(listed.result.rows.map((r) => text.deserialize(r[2]!))).toEqual(['<all keyspaces>']);
  });
});

describe('AllowAllAuthenticator', () => {
  test('role statements need a logged-in role; data statements run unchecked', async () => {
    const n = authNode(ALLOW_ALL);
    await n.shards[0]!.auth.service.setupDefaultSuperuser();
    expect(n.shards[0]!.auth.access).toBeNull();
    for (const q of ["CREATE ROLE bob WITH PASSWORD = 'x'", 'LIST ROLES', 'GRANT SELECT ON ALL KEYSPACES TO bob', 'DROP USER bob']) {
      expect(await n.error(0, null, q)).toEqual({ code: 0x2100, message: 'You have to be logged in and not anonymous to perform this request' });
    }
    await n.ok(0, null, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    expect(await n.ok(1, null, 'SELECT role FROM system_auth.roles')).toEqual([]);
  });

  test('with PasswordAuthenticator and AllowAllAuthorizer, GRANT is refused as Cassandra refuses it', async () => {
    const n = authNode({ ...PASSWORD_AUTH, authorizer: 'AllowAllAuthorizer' });
    await n.shards[0]!.auth.service.setupDefaultSuperuser();
    await n.ok(0, 'cassandra', 'CREATE ROLE bob');
    expect(await n.error(0, 'cassandra', 'GRANT SELECT ON ALL KEYSPACES TO bob')).toEqual({ code: 0x2200, message: 'GRANT operation is not supported by AllowAllAuthorizer' });
    expect(await n.error(0, 'cassandra', 'LIST ALL PERMISSIONS')).toEqual({ code: 0x2200, message: 'LIST PERMISSIONS operation is not supported by AllowAllAuthorizer' });
  });
});
