import http from 'node:http';
import type { Logger } from '@charybdis/core';
import { portError } from './port-probe';

/** Limits every HTTP server of the supervisor (admin API, metrics) applies. */
export interface HttpListenerLimits {
  requestTimeoutMs?: number;
}

/**
 * Creates an HTTP server for `handler` with the supervisor's limits (keep-alive, header
 * timeout and count) and listens on host:port exclusively; throws CHARYBDIS_LISTEN_FAILED
 * naming `setting` when the port is unusable. Later server errors are logged as `what`.
 */
export async function listenHttp(
  handler: http.RequestListener,
  host: string,
  port: number,
  setting: string,
  log: Logger,
  what: string,
  limits: HttpListenerLimits = {},
): Promise<http.Server> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 10_000;
  if (limits.requestTimeoutMs !== undefined) server.requestTimeout = limits.requestTimeoutMs;
  server.maxHeadersCount = 64;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (err) {
    throw portError(err, host, port, setting);
  }
  server.on('error', (err) => log.error({ err }, what));
  return server;
}

/** Stops listening and closes every connection (requests in flight are cut). */
export async function closeHttp(server: http.Server | null): Promise<void> {
  if (server === null) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
