import net from 'node:net';
import { createReusePortListener, hasErrorCode, reusePortAvailable } from '../src';

const describeNative = reusePortAvailable() ? describe : describe.skip;

function listenOnFd(fd: number, onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer(onConnection);
    server.once('error', reject);
    server.listen({ fd }, () => resolve(server));
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Connects from a chosen local port; resolves with the port actually used (null if taken). */
function connectFrom(host: string, port: number, localPort: number): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, localPort });
    socket.once('connect', () => {
      socket.once('close', () => resolve(localPort));
    });
    socket.once('error', (err) => {
      if (hasErrorCode(err, 'EADDRINUSE')) resolve(null);
      else if (hasErrorCode(err, 'ECONNRESET')) resolve(localPort);
      else resolve(null);
    });
  });
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await closeServer(server);
  return port;
}

describeNative('SO_REUSEPORT listeners', () => {
  test('several sockets share one port and the kernel spreads connections over them', async () => {
    const port = await freePort();
    const counts = [0, 0];
    const servers = await Promise.all(
      [0, 1].map(async (i) =>
        listenOnFd(createReusePortListener({ host: '127.0.0.1', port }), (s) => {
          counts[i]!++;
          s.destroy();
        }),
      ),
    );
    for (let i = 0; i < 100; i++) {
      await new Promise<void>((resolve) => {
        const c = net.connect({ host: '127.0.0.1', port }, () => c.end());
        c.on('close', () => resolve());
        c.on('error', () => resolve());
      });
    }
    await Promise.all(servers.map(closeServer));
    expect(counts[0]! + counts[1]!).toBe(100);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
  });

  test.each(['127.0.0.1', '::1'])('with the BPF program, a connection to %s lands on socket (source port %% N)', async (host) => {
    const port = await freePort();
    const n = 3;
    const landed = new Map<number, number>();
    const servers: net.Server[] = [];
    for (let i = 0; i < n; i++) {
      // Sockets are indexed in listen order: open them one after the other.
      const fd = createReusePortListener({ host, port, bpfShardCount: n });
      servers.push(
        await listenOnFd(fd, (s) => {
          landed.set(s.remotePort!, i);
          s.destroy();
        }),
      );
    }
    let checked = 0;
    for (let k = 0; k < 60 && checked < 30; k++) {
      const localPort = 20000 + ((k * 7919) % 30000);
      const used = await connectFrom(host, port, localPort);
      if (used === null) continue;
      expect([used, landed.get(used)]).toEqual([used, used % n]);
      checked++;
    }
    await Promise.all(servers.map(closeServer));
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  test('a port held by a socket without SO_REUSEPORT gives EADDRINUSE', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      expect(thrown(() => createReusePortListener({ host: '127.0.0.1', port }))).toMatchObject({
        code: 'EADDRINUSE',
        syscall: 'bind',
      });
    } finally {
      await closeServer(holder);
    }
  });

  test('a host that is not a numeric address is rejected with EINVAL', () => {
    expect(thrown(() => createReusePortListener({ host: 'not-an-address', port: 1 }))).toMatchObject({
      code: 'EINVAL',
    });
  });
});
