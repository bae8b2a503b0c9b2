import net from 'node:net';
import { Client, auth, errors } from 'cassandra-driver';
import { freePorts, portArgs, startNode, tempDir } from './src';
import type { NodeProcess } from './src';

/**
 * Authentication and authorization through cassandra-driver against a real node with
 * PasswordAuthenticator and CassandraAuthorizer: the default superuser, bad and missing
 * credentials, roles logging in, Cassandra's Unauthorized messages, GRANT/REVOKE of
 * SELECT and MODIFY on tables and keyspaces, role inheritance, persistence across a
 * restart, and the refusal to run unauthenticated on a non-loopback address.
 */

jest.setTimeout(120_000);

const UNAUTHORIZED = 0x2100;

let cwd: string;
let ports: number[];
let node: NodeProcess;
const clients: Client[] = [];

async function start(): Promise<void> {
  node = startNode(['--smp', '2', '--memory', '1G', ...portArgs(ports), '--authenticator', 'PasswordAuthenticator', '--authorizer', 'CassandraAuthorizer'], { cwd });
  await node.ready;
}

async function connect(user?: string, password?: string): Promise<Client> {
  const client = new Client({
    contactPoints: [`127.0.0.1:${ports[0]}`],
    localDataCenter: 'datacenter1',
    ...(user !== undefined ? { authProvider: new auth.PlainTextAuthProvider(user, password ?? '') } : {}),
  });
  clients.push(client);
  await client.connect();
  return client;
}

async function closeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.shutdown()));
}

/** The error a failed connect carries for our host (NoHostAvailableError wraps it). */
async function connectError(user?: string, password?: string): Promise<Error> {
  const err = await connect(user, password).then(
    () => {
      throw new Error('connect succeeded');
    },
    (e: unknown) => e as errors.NoHostAvailableError,
  );
  expect(err).toBeInstanceOf(errors.NoHostAvailableError);
  return Object.values(err.innerErrors as Record<string, Error>)[0]!;
}

async function expectUnauthorized(client: Client, query: string, message: string): Promise<void> {
  await expect(client.execute(query)).rejects.toMatchObject({ code: UNAUTHORIZED, message });
}

let admin: Client;

beforeAll(async () => {
  cwd = tempDir('charybdis-auth-');
  ports = await freePorts(4);
  await start();
  admin = await connect('cassandra', 'cassandra');
  await admin.execute("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}");
  await admin.execute('CREATE TABLE ks.t (k int PRIMARY KEY, v int)');
  await admin.execute('CREATE TABLE ks.u (k int PRIMARY KEY, v int)');
  await admin.execute('INSERT INTO ks.t (k, v) VALUES (1, 10)');
  await admin.execute("CREATE ROLE bob WITH PASSWORD = 'bob-pw' AND LOGIN = true");
});

afterAll(async () => {
  await closeClients();
  if (node.proc.exitCode === null) await node.stop();
});

test('the default superuser logs in and sees itself in system_auth.roles', async () => {
  const row = (await admin.execute("SELECT role, is_superuser, can_login, salted_hash FROM system_auth.roles WHERE role = 'cassandra'")).first();
  expect(row.get('is_superuser')).toBe(true);
  expect(row.get('can_login')).toBe(true);
  expect(row.get('salted_hash')).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$/);
});

test('a wrong password is refused with BadCredentials in Cassandra words', async () => {
  const err = await connectError('cassandra', 'nope');
  expect(err).toBeInstanceOf(errors.AuthenticationError);
  expect(err.message).toBe('Provided username cassandra and/or password are incorrect');
  // An unknown role gets the same answer.
  expect((await connectError('mallory', 'x')).message).toBe('Provided username mallory and/or password are incorrect');
});

test('a client without credentials is refused', async () => {
  const err = await connectError();
  expect(err).toBeInstanceOf(errors.AuthenticationError);
  expect(err.message).toContain('requires authentication');
});

test('a request before authentication is a protocol error', async () => {
  const answers = await rawExchange(ports[0]!, [startupFrame(), queryFrame('SELECT * FROM system.local')]);
  expect(answers[0]!.opcode).toBe(0x03); // AUTHENTICATE
  expect(answers[0]!.body.toString('latin1')).toContain('org.apache.cassandra.auth.PasswordAuthenticator');
  expect(answers[1]!.opcode).toBe(0x00); // ERROR
  expect(answers[1]!.body.readInt32BE(0)).toBe(0x000a);
});

test('a new role logs in; SELECT and MODIFY need their own grants', async () => {
  const bob = await connect('bob', 'bob-pw');
  await expectUnauthorized(bob, 'SELECT * FROM ks.t', 'User bob has no SELECT permission on <table ks.t> or any of its parents');
  // Drivers' metadata queries stay allowed.
  await bob.execute("SELECT release_version FROM system.local WHERE key = 'local'");
  await bob.execute('SELECT * FROM system_schema.tables');

  await admin.execute('GRANT SELECT ON ks.t TO bob');
  expect((await bob.execute('SELECT v FROM ks.t WHERE k = 1')).first().get('v')).toBe(10);
  await expectUnauthorized(bob, 'INSERT INTO ks.t (k, v) VALUES (2, 20)', 'User bob has no MODIFY permission on <table ks.t> or any of its parents');

  await admin.execute('GRANT MODIFY ON TABLE ks.t TO bob');
  await bob.execute('INSERT INTO ks.t (k, v) VALUES (2, 20)');
  await bob.execute('UPDATE ks.t SET v = 21 WHERE k = 2', [], { prepare: true });

  await admin.execute('REVOKE SELECT ON ks.t FROM bob');
  await expectUnauthorized(bob, 'SELECT * FROM ks.t', 'User bob has no SELECT permission on <table ks.t> or any of its parents');
  await bob.execute('DELETE FROM ks.t WHERE k = 2'); // MODIFY stays
  // Prepared statements and batches are checked when they run, each table of a batch.
  await expect(bob.execute('SELECT v FROM ks.t WHERE k = ?', [1], { prepare: true })).rejects.toMatchObject({
    code: UNAUTHORIZED,
    message: 'User bob has no SELECT permission on <table ks.t> or any of its parents',
  });
  const batch = [
    { query: 'INSERT INTO ks.t (k, v) VALUES (?, ?)', params: [5, 50] },
    { query: 'INSERT INTO ks.u (k, v) VALUES (?, ?)', params: [5, 50] },
  ];
  await expect(bob.batch(batch, { prepare: true })).rejects.toMatchObject({
    code: UNAUTHORIZED,
    message: 'User bob has no MODIFY permission on <table ks.u> or any of its parents',
  });
  expect((await admin.execute('SELECT * FROM ks.t WHERE k = 5')).rowLength).toBe(0); // nothing of the batch applied
  const listed = await admin.execute('LIST ALL PERMISSIONS OF bob');
  expect(listed.rows.map((r) => [r.get('resource') as string, r.get('permission') as string])).toEqual([['<table ks.t>', 'MODIFY']]);
});

test('a keyspace-level grant covers every table of the keyspace', async () => {
  await admin.execute("CREATE ROLE kim WITH PASSWORD = 'kim-pw' AND LOGIN = true");
  const kim = await connect('kim', 'kim-pw');
  await expectUnauthorized(kim, 'SELECT * FROM ks.u', 'User kim has no SELECT permission on <table ks.u> or any of its parents');
  await admin.execute('GRANT SELECT ON KEYSPACE ks TO kim');
  await kim.execute('SELECT * FROM ks.u');
  await kim.execute('SELECT * FROM ks.t');
  await expectUnauthorized(kim, 'CREATE TABLE ks.kims (k int PRIMARY KEY)', 'User kim has no CREATE permission on <keyspace ks> or any of its parents');
});

test('a role inherits the permissions of the roles granted to it', async () => {
  await admin.execute('CREATE ROLE readers');
  await admin.execute('GRANT SELECT ON ALL KEYSPACES TO readers');
  await admin.execute("CREATE ROLE carol WITH LOGIN = true AND PASSWORD = 'carol-pw'");
  const carol = await connect('carol', 'carol-pw');
  await expectUnauthorized(carol, 'SELECT * FROM ks.t', 'User carol has no SELECT permission on <table ks.t> or any of its parents');
  await admin.execute('GRANT readers TO carol');
  await carol.execute('SELECT * FROM ks.t');
  const roles = await admin.execute('LIST ROLES OF carol');
  expect(roles.rows.map((r) => r.get('role') as string)).toEqual(['carol', 'readers']);
  await admin.execute('REVOKE readers FROM carol');
  await expectUnauthorized(carol, 'SELECT * FROM ks.t', 'User carol has no SELECT permission on <table ks.t> or any of its parents');
});

test('role statement errors name the role as Cassandra does', async () => {
  await expect(admin.execute("CREATE ROLE bob WITH PASSWORD = 'x'")).rejects.toMatchObject({ code: 0x2200, message: 'bob already exists' });
  await admin.execute("CREATE ROLE IF NOT EXISTS bob WITH PASSWORD = 'x'");
  await expect(admin.execute('DROP ROLE nobody')).rejects.toMatchObject({ code: 0x2200, message: "nobody doesn't exist" });
  await expect(admin.execute('GRANT SELECT ON ks.t TO nobody')).rejects.toMatchObject({ code: 0x2200, message: "Role nobody doesn't exist" });
  await expect(admin.execute('GRANT SELECT ON ks.nothere TO bob')).rejects.toMatchObject({ code: 0x2200, message: "Resource <table ks.nothere> doesn't exist" });
  const bob = await connect('bob', 'bob-pw');
  await expectUnauthorized(bob, "CREATE ROLE eve WITH PASSWORD = 'x'", 'User bob has no CREATE permission on <all roles> or any of its parents');
});

test('the creator of a keyspace gets every permission on it', async () => {
  await admin.execute("CREATE ROLE dana WITH PASSWORD = 'dana-pw' AND LOGIN = true");
  await admin.execute('GRANT CREATE ON ALL KEYSPACES TO dana');
  const dana = await connect('dana', 'dana-pw');
  await dana.execute("CREATE KEYSPACE danas WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  await dana.execute('CREATE TABLE danas.t (k int PRIMARY KEY)');
  await dana.execute('INSERT INTO danas.t (k) VALUES (1)');
  expect((await dana.execute('SELECT * FROM danas.t')).rowLength).toBe(1);
});

test('roles and grants survive a restart; a dropped default superuser is not created again', async () => {
  await admin.execute("CREATE ROLE root WITH PASSWORD = 'root-pw' AND LOGIN = true AND SUPERUSER = true");
  const root = await connect('root', 'root-pw');
  await root.execute('DROP ROLE cassandra');
  await closeClients();
  expect(await node.stop()).toBe(0);
  await start();
  const bob = await connect('bob', 'bob-pw');
  await bob.execute('INSERT INTO ks.t (k, v) VALUES (3, 30)');
  await expectUnauthorized(bob, 'SELECT * FROM ks.t', 'User bob has no SELECT permission on <table ks.t> or any of its parents');
  const kim = await connect('kim', 'kim-pw');
  await kim.execute('SELECT * FROM ks.u');
  expect((await connectError('cassandra', 'cassandra')).message).toBe('Provided username cassandra and/or password are incorrect');
  admin = await connect('root', 'root-pw');
  const roles = (await admin.execute('LIST ROLES')).rows.map((r) => r.get('role') as string);
  expect(roles).toEqual(['bob', 'carol', 'dana', 'kim', 'readers', 'root']);
});

test('a node on a non-loopback address without authentication refuses to start', async () => {
  const refused = startNode(['--rpc-address', '0.0.0.0', ...portArgs(await freePorts(4))], { cwd: tempDir('charybdis-auth-open-') });
  expect(await refused.exited).toBe(1);
  const message = refused.stderr.join('\n');
  expect(message).toContain('rpc_address 0.0.0.0 (option --rpc-address) is not a loopback address and authenticator is AllowAllAuthenticator');
  expect(message).toContain('anyone who can reach port');
  expect(message).toContain('PasswordAuthenticator');
  expect(message).toContain('allow_unauthenticated_remote_access: true');
  expect(refused.stderr).toHaveLength(1);
});

// --- raw protocol helpers (v4 frames) ---

function frame(opcode: number, stream: number, body: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUInt8(4, 0);
  header.writeInt16BE(stream, 2);
  header.writeUInt8(opcode, 4);
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

function startupFrame(): Buffer {
  const entries = [['CQL_VERSION', '3.0.0']];
  const parts: Buffer[] = [Buffer.from([0, entries.length])];
  for (const [k, v] of entries) {
    for (const s of [k!, v!]) {
      const b = Buffer.from(s);
      parts.push(Buffer.from([b.length >> 8, b.length & 0xff]), b);
    }
  }
  return frame(0x01, 1, Buffer.concat(parts));
}

function queryFrame(query: string): Buffer {
  const q = Buffer.from(query);
  const len = Buffer.alloc(4);
  len.writeInt32BE(q.length);
  return frame(0x07, 2, Buffer.concat([len, q, Buffer.from([0, 1, 0])]));
}

/** Sends each frame after the previous answer; resolves with the answers. */
function rawExchange(port: number, frames: Buffer[]): Promise<{ opcode: number; body: Buffer }[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const answers: { opcode: number; body: Buffer }[] = [];
    let data = Buffer.alloc(0);
    socket.once('connect', () => socket.write(frames[0]!));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      while (data.length >= 9 && data.length >= 9 + data.readInt32BE(5)) {
        const length = data.readInt32BE(5);
        answers.push({ opcode: data[4]!, body: data.subarray(9, 9 + length) });
        data = data.subarray(9 + length);
        if (answers.length === frames.length) {
          socket.destroy();
          resolve(answers);
          return;
        }
        socket.write(frames[answers.length]!);
      }
    });
    socket.once('error', reject);
  });
}
