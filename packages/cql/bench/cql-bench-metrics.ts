// Reads the node's Prometheus endpoint for the CQL benchmark: how many EXECUTE requests each
// shard's transport received (to see how the driver's connections landed on the shards), and
// the node's own request latency histogram (decode to response, every shard summed), so a
// phase's latency can be split into the node's part and the rest (client, kernel, CPU
// contention between the node and the load generator).

const EXECUTE_LINE = /^cql_requests_total\{(?=[^}]*opcode="execute")(?=[^}]*shard="(\d+)")[^}]*\}\s+([0-9.e+]+)$/;
const LATENCY_BUCKET_LINE = /^cql_request_latency_us_bucket\{(?=[^}]*le="([^"]+)")[^}]*\}\s+([0-9.e+]+)$/;
const LOOP_DELAY_LINE = /^reactor_loop_delay_(p99|max)_ms\{[^}]*\}\s+([0-9.e+-]+)$/;

/** One reading of the node's counters. */
export interface NodeCounters {
  /** EXECUTE requests received so far, indexed by shard (shards without any are 0). */
  executes: number[];
  /** Cumulative request-latency buckets summed over the shards: upper bound (µs, Infinity last) → count. */
  latencyBuckets: Map<number, number>;
  /**
   * The shards' event-loop delay since the previous reading of the endpoint (the worst
   * shard's p99 and max, ms): how long a request that arrived waited before it was read.
   */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

/** Reads the counters the benchmark needs. */
export async function readNodeCounters(metricsUrl: string, shardCount: number): Promise<NodeCounters> {
  const res = await fetch(`${metricsUrl}/metrics`);
  if (!res.ok) throw new Error(`GET ${metricsUrl}/metrics: HTTP ${res.status}`);
  const executes = new Array<number>(shardCount).fill(0);
  const latencyBuckets = new Map<number, number>();
  let loopDelayP99Ms = 0;
  let loopDelayMaxMs = 0;
  for (const line of (await res.text()).split('\n')) {
    const d = LOOP_DELAY_LINE.exec(line);
    if (d !== null) {
      if (d[1] === 'p99') loopDelayP99Ms = Math.max(loopDelayP99Ms, Number(d[2]));
      else loopDelayMaxMs = Math.max(loopDelayMaxMs, Number(d[2]));
      continue;
    }
    const e = EXECUTE_LINE.exec(line);
    if (e !== null) {
      const shard = Number(e[1]);
      if (shard < shardCount) executes[shard] = Number(e[2]);
      continue;
    }
    const b = LATENCY_BUCKET_LINE.exec(line);
    if (b !== null) {
      const le = b[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(b[1]);
      latencyBuckets.set(le, (latencyBuckets.get(le) ?? 0) + Number(b[2]));
    }
  }
  return { executes, latencyBuckets, loopDelayP99Ms, loopDelayMaxMs };
}

/** Each shard's share of the requests between two readings (0..1, rounded to 0.01). */
export function sharesBetween(before: number[], after: number[]): number[] {
  const deltas = after.map((v, i) => v - (before[i] ?? 0));
  const total = deltas.reduce((a, b) => a + b, 0);
  return deltas.map((d) => (total === 0 ? 0 : Math.round((d / total) * 100) / 100));
}

/**
 * The node-side latency quantile `q` between two readings, in ms: the upper bound of the
 * histogram bucket it falls in (buckets double, so this is within 2x above the true value),
 * or null without requests.
 */
export function nodeLatencyQuantileMs(before: NodeCounters, after: NodeCounters, q: number): number | null {
  const bounds = [...after.latencyBuckets.keys()].sort((a, b) => a - b);
  const delta = (le: number): number => (after.latencyBuckets.get(le) ?? 0) - (before.latencyBuckets.get(le) ?? 0);
  const total = delta(Number.POSITIVE_INFINITY);
  if (!(total > 0)) return null;
  for (const le of bounds) if (delta(le) >= q * total) return le / 1000;
  return null;
}
