import net from 'node:net';
import type { Shard } from '@charybdis/core';
import { closeListenerFd, createReusePortListener, subsystemLogger } from '@charybdis/core';
import type { NodeConfig } from '../config';
import type { ListenerEndpoint } from './control-messages';
import { portError } from './port-probe';

/**
 * The client-facing sockets of one shard: the CQL port and the shard-aware port, each an
 * SO_REUSEPORT socket of its own joined to the port's group, handed to a net.Server. Owns
 * the servers and every accepted connection until {@link ShardListeners.close}.
 */
export class ShardListeners {
  private readonly servers: net.Server[] = [];
  private readonly connections = new Set<net.Socket>();
  private readonly log;
  private readonly accepted;

  constructor(
    private readonly shard: Shard,
    private readonly config: NodeConfig,
    private readonly reusePort: boolean,
    /** Serves CQL on an accepted socket (the shard's CQL frontend). */
    private readonly serve: (socket: net.Socket) => void,
  ) {
    this.log = subsystemLogger(shard.logger, 'transport');
    this.accepted = shard.metrics.counter({
      name: 'transport_connections_accepted_total',
      help: 'Client connections accepted, by listener',
      labelNames: ['listener'],
    });
    shard.metrics.gauge({
      name: 'transport_current_connections',
      help: 'Client connections open now',
      collect: () => this.connections.size,
    });
  }

  /**
   * Opens this shard's listeners. With SO_REUSEPORT every shard opens both ports; without
   * the addon only shard 0 opens the CQL port, as an ordinary socket, and there is no
   * shard-aware port. Throws CHARYBDIS_LISTEN_FAILED naming the setting and address.
   */
  async open(): Promise<ListenerEndpoint[]> {
    const host = this.config.rpc_address;
    const wanted: Array<{ name: ListenerEndpoint['name']; port: number; bpf: number }> = this.reusePort
      ? [
          { name: 'native_transport_port', port: this.config.native_transport_port, bpf: 0 },
          { name: 'native_shard_aware_transport_port', port: this.config.native_shard_aware_transport_port, bpf: this.shard.count },
        ]
      : this.shard.id === 0
        ? [{ name: 'native_transport_port', port: this.config.native_transport_port, bpf: 0 }]
        : [];
    const endpoints: ListenerEndpoint[] = [];
    for (const w of wanted) {
      const accepted = this.accepted.labels({ listener: w.name });
      const server = net.createServer((socket) => {
        accepted.inc();
        this.connections.add(socket);
        socket.once('close', () => this.connections.delete(socket));
        socket.setNoDelay(true);
        this.serve(socket);
      });
      let fd: number | null = null;
      try {
        if (this.reusePort) fd = createReusePortListener({ host, port: w.port, bpfShardCount: w.bpf });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          if (fd !== null) server.listen({ fd }, resolve);
          else server.listen({ host, port: w.port, exclusive: true }, resolve);
        });
      } catch (err) {
        if (fd !== null && !server.listening) closeListenerFd(fd);
        throw portError(err, host, w.port, w.name);
      }
      this.servers.push(server);
      endpoints.push({ name: w.name, host, port: w.port });
      this.log.debug({ host, port: w.port, setting: w.name }, 'listening');
    }
    return endpoints;
  }

  /** Stops accepting, closes every open connection, and resolves once all are closed. */
  async close(): Promise<void> {
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const socket of this.connections) socket.destroy();
    await Promise.all(closed);
    this.servers.length = 0;
  }
}
