import type { Logger } from '@charybdis/core';
import type { AdminNode } from './admin-context';
import { AdminRouter } from './admin-router';
import { AdminServer } from './admin-server';
import { snapshotRoutes } from './snapshot-routes';
import { storageServiceRoutes } from './storage-service-routes';
import { tableRoutes } from './table-routes';

/**
 * The REST admin API of a node (docs/admin-api.md): every route over `node`, served on
 * api_address:api_port by the supervisor. `start` throws CHARYBDIS_LISTEN_FAILED naming
 * api_port when it cannot listen; `stop` closes it.
 */
export class AdminApi {
  private readonly server: AdminServer;

  constructor(node: AdminNode, log: Logger) {
    const routes = [...storageServiceRoutes(node), ...snapshotRoutes(node), ...tableRoutes(node)];
    const index = routes.map((r) => ({ method: r.method, path: r.path }));
    const router = new AdminRouter([...routes, { method: 'GET', path: '/', handler: () => index }]);
    this.server = new AdminServer(router, log);
  }

  start(host: string, port: number): Promise<void> {
    return this.server.listen(host, port);
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}
