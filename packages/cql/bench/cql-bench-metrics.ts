// Reads the node's Prometheus endpoint for the CQL benchmark: how many EXECUTE requests each
// shard's transport received, to see how the driver's connections landed on the shards.

const EXECUTE_LINE = /^cql_requests_total\{(?=[^}]*opcode="execute")(?=[^}]*shard="(\d+)")[^}]*\}\s+([0-9.e+]+)$/;

/** EXECUTE requests received so far, indexed by shard (shards without any are 0). */
export async function executeCountsByShard(metricsUrl: string, shardCount: number): Promise<number[]> {
  const res = await fetch(`${metricsUrl}/metrics`);
  if (!res.ok) throw new Error(`GET ${metricsUrl}/metrics: HTTP ${res.status}`);
  const counts = new Array<number>(shardCount).fill(0);
  for (const line of (await res.text()).split('\n')) {
    const m = EXECUTE_LINE.exec(line);
    if (m === null) continue;
    const shard = Number(m[1]);
    if (shard < shardCount) counts[shard] = Number(m[2]);
  }
  return counts;
}

/** Each shard's share of the requests between two readings (0..1, rounded to 0.01). */
export function sharesBetween(before: number[], after: number[]): number[] {
  const deltas = after.map((v, i) => v - (before[i] ?? 0));
  const total = deltas.reduce((a, b) => a + b, 0);
  return deltas.map((d) => (total === 0 ? 0 : Math.round((d / total) * 100) / 100));
}
