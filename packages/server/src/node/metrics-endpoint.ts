import type http from 'node:http';
import type { Logger } from '@charybdis/core';
import { closeHttp, listenHttp } from './http-listener';

/** How long one scrape may wait for the shards before it answers 503. */
export const SCRAPE_TIMEOUT_MS = 5_000;

/**
 * The Prometheus endpoint (`GET /metrics` on prometheus_address:prometheus_port), served
 * by the supervisor thread. `collect` gathers every shard's metrics and renders the text
 * format; concurrent scrapes share one collection in flight, so a burst of scrapers costs
 * the shards one collection.
 */
export class MetricsEndpoint {
  private server: http.Server | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly collect: () => Promise<string>,
    private readonly log: Logger,
  ) {}

  /** Listens; throws CHARYBDIS_LISTEN_FAILED naming the setting when the port is unusable. */
  async listen(host: string, port: number): Promise<void> {
    this.server = await listenHttp((req, res) => this.handle(req, res), host, port, 'prometheus_port', this.log, 'metrics endpoint error', { requestTimeoutMs: 15_000 });
  }

  /** Stops listening and closes idle connections. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    await closeHttp(server);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    this.inFlight ??= this.collectWithTimeout().finally(() => {
      this.inFlight = null;
    });
    this.inFlight.then(
      (text) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: Error) => {
        this.log.warn({ err }, 'metrics scrape failed');
        res.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${err.message}\n`);
      },
    );
  }

  private collectWithTimeout(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`shards did not answer within ${SCRAPE_TIMEOUT_MS} ms`)), SCRAPE_TIMEOUT_MS);
    });
    return Promise.race([this.collect(), timeout]).finally(() => clearTimeout(timer));
  }
}
