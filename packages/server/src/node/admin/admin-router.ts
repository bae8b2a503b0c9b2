import { AdminErrorCodes, AdminHttpError } from './admin-http-error';

/** HTTP methods the admin API uses. */
export type AdminMethod = 'GET' | 'POST' | 'DELETE';

/** What a handler gets: path parameters by name and the query string. */
export interface AdminRequestContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

/** One endpoint: `path` with `{name}` segments, e.g. `/storage_service/keyspace_flush/{keyspace}`. */
export interface AdminRoute {
  readonly method: AdminMethod;
  readonly path: string;
  /** Returns the JSON value to answer with (undefined: `null`). */
  readonly handler: (req: AdminRequestContext) => unknown;
}

interface CompiledRoute extends AdminRoute {
  readonly segments: readonly string[];
}

/**
 * Matches a request's method and path against the routes. Paths compare segment by
 * segment (a trailing slash is ignored: ScyllaDB's clients send `/storage_service/snapshots/`);
 * `{name}` segments capture one URL-decoded segment. An unknown path is 404; a known path
 * with another method is 405 naming the allowed ones.
 */
export class AdminRouter {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly AdminRoute[]) {
    this.routes = routes.map((r) => ({ ...r, segments: split(r.path) }));
  }

  /** The route and its path parameters; throws AdminHttpError 404/405. */
  match(method: string, pathname: string): { route: AdminRoute; params: Record<string, string> } {
    const segments = split(pathname);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (params === null) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    if (allowed.length > 0) {
      throw new AdminHttpError(405, AdminErrorCodes.METHOD_NOT_ALLOWED, `${method} is not allowed on ${pathname}; use ${allowed.join(' or ')}`, {
        headers: { allow: allowed.join(', ') },
      });
    }
    throw new AdminHttpError(404, AdminErrorCodes.NOT_FOUND, `no such endpoint: ${pathname} (see packages/server/docs/admin-api.md)`);
  }
}

function split(p: string): string[] {
  return p.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith('{') && p.endsWith('}')) {
      let value: string;
      try {
        value = decodeURIComponent(actual[i]!);
      } catch {
        return null;
      }
      params[p.slice(1, -1)] = value;
    } else if (p !== actual[i]) {
      return null;
    }
  }
  return params;
}
