import http from 'node:http';
import { NodetoolError, NodetoolErrorCodes } from './nodetool-error';

/** How long a quick request (a GET) may take; operations (flush, compact, drain) wait as long as the node works. */
export const GET_TIMEOUT_MS = 60_000;
/** Largest response body accepted (a status or table listing is far smaller). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

type Query = Record<string, string | readonly string[] | undefined>;

/**
 * A client of a node's REST admin API (node:http, JSON). Every failure is a NodetoolError:
 * connection problems as `Failed to connect to 'host:port' - CODE`, API errors with the
 * message the node sent.
 */
export class AdminClient {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', path, query, GET_TIMEOUT_MS);
  }

  post<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('POST', path, query, 0);
  }

  delete<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('DELETE', path, query, 0);
  }

  private request<T>(method: string, path: string, query: Query, timeoutMs: number): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      qs.set(k, typeof v === 'string' ? v : v.join(','));
    }
    const search = qs.size > 0 ? `?${qs.toString()}` : '';
    const where = `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
    return new Promise<T>((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, method, path: path + search, headers: { accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new NodetoolError(NodetoolErrorCodes.API, `the response to ${method} ${path} is larger than ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text === '' ? null : JSON.parse(text);
          } catch {
            reject(new NodetoolError(NodetoolErrorCodes.API, `${method} ${path}: the node answered ${res.statusCode} with a body that is not JSON`));
            return;
          }
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
            resolve(body as T);
            return;
          }
          const message = typeof (body as { message?: unknown } | null)?.message === 'string' ? (body as { message: string }).message : `HTTP ${res.statusCode}`;
          reject(new NodetoolError(NodetoolErrorCodes.API, message));
        });
        res.on('error', (err) => reject(connectError(where, err)));
      });
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      }
      req.on('error', (err) => reject(err instanceof NodetoolError ? err : connectError(where, err)));
      req.end();
    });
  }
}

function connectError(where: string, err: Error): NodetoolError {
  const code = (err as NodeJS.ErrnoException).code ?? err.message;
  return new NodetoolError(NodetoolErrorCodes.CONNECT, `Failed to connect to '${where}' - ${code}`);
}
