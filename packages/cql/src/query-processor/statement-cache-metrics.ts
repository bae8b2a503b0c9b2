import type { MetricsRegistry } from '@charybdis/core';

/** What the metrics read of one cache (a `BoundedLru` fits). */
export interface StatementCacheStats {
  readonly size: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

const LABEL_NAMES = ['cache'] as const;

/**
 * Exposes the query processor's statement caches, labeled `cache`: `prepared` (prepared
 * statements by id, bounded by count and bytes) and `query` (un-prepared statements by
 * text). Callback series read the caches at scrape time, so the request path only bumps
 * the caches' own integers. Once per registry (one query processor per shard).
 */
export function registerStatementCacheMetrics(registry: MetricsRegistry, caches: Readonly<Record<'prepared' | 'query', StatementCacheStats>>): void {
  const entries = registry.gauge({ name: 'cql_statement_cache_entries', help: 'Statements held in the cache', labelNames: LABEL_NAMES });
  const bytes = registry.gauge({ name: 'cql_statement_cache_bytes', help: 'Estimated bytes of the statements held in the cache', labelNames: LABEL_NAMES });
  const hits = registry.counter({ name: 'cql_statement_cache_hits_total', help: 'Cache lookups that found the statement', labelNames: LABEL_NAMES });
  const misses = registry.counter({
    name: 'cql_statement_cache_misses_total',
    help: 'Cache lookups that did not find the statement (prepared: an EXECUTE of an unknown id, or a first PREPARE)',
    labelNames: LABEL_NAMES,
  });
  const evictions = registry.counter({ name: 'cql_statement_cache_evictions_total', help: 'Statements evicted to stay within the cache bounds', labelNames: LABEL_NAMES });
  for (const cache of ['prepared', 'query'] as const) {
    const c = caches[cache];
    entries.labels({ cache }).setCallback(() => c.size);
    bytes.labels({ cache }).setCallback(() => c.bytes);
    hits.labels({ cache }).setCallback(() => c.hits);
    misses.labels({ cache }).setCallback(() => c.misses);
    evictions.labels({ cache }).setCallback(() => c.evictions);
  }
}
