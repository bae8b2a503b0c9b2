import net from 'node:net';

/**
 * `count` distinct TCP ports that are free on 127.0.0.1 now: the OS picks them (listen on
 * port 0), and they are released before the promise settles. For tests and benchmarks that
 * start a node on ports of their own; another process may still take one meanwhile.
 */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
