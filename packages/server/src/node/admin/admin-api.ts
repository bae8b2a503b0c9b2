import type { Logger } from '@charybdis/core';
import type { AdminNode } from './admin-context';
import { ADMIN_FLUSH_TIMEOUT_MS } from './admin-context';
import { AdminRouter } from './admin-router';
import { AdminServer } from './admin-server';
import { snapshotRoutes } from './snapshot-routes';
import { storageServiceRoutes } from './storage-service-routes';
import { tableRoutes } from './table-routes';

/** How often the shards are asked to remove snapshots whose TTL has passed (also once at start). */
export const SNAPSHOT_EXPIRY_SWEEP_MS = 10_000;

/**
 * The REST admin API of a node (docs/admin-api.md): every route over `node`, served on
 * api_address:api_port by the supervisor, and the sweep that removes expired snapshots.
 * `start` throws CHARYBDIS_LISTEN_FAILED naming api_port when it cannot listen; `stop`
 * closes the server and ends the sweep.
 */
export class AdminApi {
  private readonly server: AdminServer;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly node: AdminNode,
    private readonly log: Logger,
  ) {
    const routes = [...storageServiceRoutes(node), ...snapshotRoutes(node), ...tableRoutes(node)];
    const index = routes.map((r) => ({ method: r.method, path: r.path }));
    const router = new AdminRouter([...routes, { method: 'GET', path: '/', handler: () => index }]);
    this.server = new AdminServer(router, log);
  }

  async start(host: string, port: number): Promise<void> {
    await this.server.listen(host, port);
    this.sweep();
    this.sweepTimer = setInterval(() => this.sweep(), SNAPSHOT_EXPIRY_SWEEP_MS);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.server.close();
    await this.sweeping;
  }

  /** Asks every shard to drop its expired snapshots; one sweep at a time, failures logged (the next sweep retries). */
  private sweep(): void {
    if (this.sweeping !== null) return;
    this.sweeping = this.node
      .ask({ op: 'clear-expired-snapshots' }, ADMIN_FLUSH_TIMEOUT_MS)
      .then((removed) => {
        const n = (removed as number[]).reduce((a, b) => a + b, 0);
        if (n > 0) this.log.info({ tableSnapshots: n }, 'expired snapshots removed');
      })
      .catch((err: unknown) => this.log.warn({ err }, 'could not remove expired snapshots'))
      .finally(() => {
        this.sweeping = null;
      });
  }
}
