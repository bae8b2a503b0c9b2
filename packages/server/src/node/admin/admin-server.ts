import type http from 'node:http';
import type { Logger } from '@charybdis/core';
import { closeHttp, listenHttp } from '../http-listener';
import { AdminErrorCodes, AdminHttpError, toAdminHttpError } from './admin-http-error';
import type { AdminRouter } from './admin-router';

/** Longest request URL accepted (names and tags are short; this bounds what is parsed). */
export const MAX_URL_BYTES = 8 * 1024;

/**
 * The REST admin API's HTTP server (api_address:api_port, loopback by default since it can
 * flush, drain and decommission), served by the supervisor thread. JSON in the query
 * string, JSON out; every error is `{ message, code, error }` with a 4xx/5xx status.
 */
export class AdminServer {
  private server: http.Server | null = null;

  constructor(
    private readonly router: AdminRouter,
    private readonly log: Logger,
  ) {}

  /** Listens; throws CHARYBDIS_LISTEN_FAILED naming api_port when the port is unusable. */
  async listen(host: string, port: number): Promise<void> {
    this.server = await listenHttp((req, res) => void this.handle(req, res), host, port, 'api_port', this.log, 'admin API error');
  }

  /** Stops listening and closes every connection (requests in flight are cut). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    await closeHttp(server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Parameters travel in the query string; a body (curl -d, requests' json=) is read and ignored.
    req.resume();
    const started = Date.now();
    try {
      const rawUrl = req.url ?? '/';
      if (rawUrl.length > MAX_URL_BYTES) throw new AdminHttpError(414, AdminErrorCodes.BAD_PARAMETER, `request URL longer than ${MAX_URL_BYTES} bytes`);
      const url = new URL(rawUrl, 'http://admin');
      const { route, params } = this.router.match(req.method ?? 'GET', url.pathname);
      const value = await route.handler({ params, query: url.searchParams });
      send(res, 200, value === undefined ? null : value);
      this.log.debug({ method: req.method, url: rawUrl, ms: Date.now() - started }, 'admin request');
    } catch (err) {
      const e = toAdminHttpError(err);
      if (e.status >= 500) this.log.warn({ err, method: req.method, url: req.url }, 'admin request failed');
      send(res, e.status, { message: e.message, code: e.status, error: e.code }, e.headers);
    }
  }
}

function send(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
