import type { HistogramJson, TableStatsJson } from '../api-types';
import { latencyMs } from '../format';
import { usageError } from '../nodetool-error';
import type { Command } from './command';

/** `ks` or `ks.table` arguments as the API's table_stats query (ks=…, cf=ks.t,…). */
function statsQuery(args: readonly string[]): { ks?: string[]; cf?: string[] } {
  const ks = args.filter((a) => !a.includes('.'));
  const cf = args.filter((a) => a.includes('.'));
  return { ks: ks.length > 0 ? ks : undefined, cf: cf.length > 0 ? cf : undefined };
}

export const tableStatsCommand: Command = {
  name: 'tablestats',
  aliases: ['cfstats'],
  synopsis: '[<keyspace.table>...]',
  summary: 'Print statistics on tables',
  options: [
    { names: ['-i'], key: 'ignore', takesValue: false, help: 'Ignore the list of tables and display the remaining tables' },
    { names: ['-H', '--human-readable'], key: 'human', takesValue: false, help: 'Display bytes in human readable form' },
  ],
  minArgs: 0,
  maxArgs: Infinity,
  async run(ctx) {
    const args = ctx.parsed.args;
    const ignore = ctx.parsed.options.has('ignore');
    let tables = await ctx.client.get<TableStatsJson[]>('/charybdis/table_stats', ignore ? {} : statsQuery(args));
    if (ignore) {
      const excluded = await ctx.client.get<TableStatsJson[]>('/charybdis/table_stats', statsQuery(args));
      const ids = new Set(excluded.map((t) => t.id));
      tables = tables.filter((t) => !ids.has(t.id));
    }
    const human = ctx.parsed.options.has('human');
    const bytes = (n: number): string => (human ? humanBytes(n) : String(n));
    ctx.out(`Total number of tables: ${tables.length}`);
    ctx.out('----------------');
    const keyspaces = [...new Set(tables.map((t) => t.keyspace))];
    for (const ks of keyspaces) {
      const inKs = tables.filter((t) => t.keyspace === ks);
      const reads = inKs.reduce((n, t) => n + (t.read_latency_us?.count ?? 0), 0);
      const readUs = inKs.reduce((n, t) => n + (t.read_latency_us?.sum ?? 0), 0);
      const writes = inKs.reduce((n, t) => n + (t.write_latency_us?.count ?? 0), 0);
      const writeUs = inKs.reduce((n, t) => n + (t.write_latency_us?.sum ?? 0), 0);
      ctx.out(`Keyspace : ${ks}`);
      ctx.out(`\tRead Count: ${inKs.reduce((n, t) => n + t.read_count, 0)}`);
      ctx.out(`\tRead Latency: ${latencyMs(readUs, reads)}`);
      ctx.out(`\tWrite Count: ${inKs.reduce((n, t) => n + t.write_count, 0)}`);
      ctx.out(`\tWrite Latency: ${latencyMs(writeUs, writes)}`);
      ctx.out(`\tPending Flushes: ${inKs.reduce((n, t) => n + t.pending_flushes, 0)}`);
      for (const t of inKs) {
        const line = (label: string, value: string | number): void => ctx.out(`\t\t${label}: ${value}`);
        line('Table', t.table);
        line('SSTable count', t.sstable_count);
        line('Space used (live)', bytes(t.space_used_live_bytes));
        line('Space used (total)', bytes(t.space_used_total_bytes));
        line('Space used by snapshots (total)', bytes(t.space_used_by_snapshots_bytes));
        line('SSTable Compression Ratio', t.compression_ratio < 0 ? '-1.0' : t.compression_ratio.toFixed(5));
        line('Number of partitions (estimate)', t.estimated_partitions);
        line('Memtable data size', bytes(t.memtable_data_bytes));
        line('Memtable partition count', t.memtable_partitions);
        line('Memtable switch count', t.memtable_switch_count);
        line('Local read count', t.read_count);
        line('Local read latency', latencyMs(t.read_latency_us?.sum ?? 0, t.read_latency_us?.count ?? 0));
        line('Local write count', t.write_count);
        line('Local write latency', latencyMs(t.write_latency_us?.sum ?? 0, t.write_latency_us?.count ?? 0));
        line('Pending flushes', t.pending_flushes);
        line('Pending compactions', t.pending_compactions);
        line('Compacted partition mean bytes', t.mean_partition_bytes);
        line('Average SSTables per read', t.sstables_per_read !== null && t.sstables_per_read.count > 0 ? (t.sstables_per_read.sum / t.sstables_per_read.count).toFixed(2) : 'NaN');
        line('Auto compaction', t.auto_compaction ? 'enabled' : 'disabled');
        if (t.failed !== null) line('Failed', t.failed);
        ctx.out();
      }
      ctx.out('----------------');
    }
  },
};

function humanBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} bytes` : `${v.toFixed(2)} ${units[i]}`;
}

/** The value at quantile `q` (0..1) of a cumulative histogram: the upper bound of the bucket reaching it (Cassandra reports bucket offsets too). */
export function histogramQuantile(h: HistogramJson | null, q: number): number {
  if (h === null) return NaN;
  if (h.count === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * h.count));
  for (let i = 0; i < h.buckets.length; i++) if (h.buckets[i]! >= rank) return h.bounds[i]!;
  return h.bounds[h.bounds.length - 1] ?? NaN;
}

/** Smallest recorded value's bucket (lower end: 0 or the previous bound). */
function histogramMin(h: HistogramJson | null): number {
  if (h === null) return NaN;
  if (h.count === 0) return 0;
  const i = h.buckets.findIndex((b) => b > 0);
  return i <= 0 ? 0 : h.bounds[i - 1]!;
}

export const tableHistogramsCommand: Command = {
  name: 'tablehistograms',
  aliases: ['cfhistograms'],
  synopsis: '<keyspace> <table> | <keyspace.table>',
  summary: 'Print statistic histograms for a given table',
  options: [],
  minArgs: 1,
  maxArgs: 2,
  async run(ctx) {
    const args = ctx.parsed.args;
    let ks: string;
    let table: string;
    if (args.length === 2) [ks, table] = args as [string, string];
    else {
      const dot = args[0]!.indexOf('.');
      if (dot <= 0 || dot === args[0]!.length - 1) throw usageError('tablehistograms requires <keyspace> <table> or <keyspace.table>', 'tablehistograms');
      ks = args[0]!.slice(0, dot);
      table = args[0]!.slice(dot + 1);
    }
    const [t] = await ctx.client.get<TableStatsJson[]>('/charybdis/table_stats', { cf: [`${ks}.${table}`] });
    if (t === undefined) throw usageError(`Table ${ks}.${table} does not exist`, 'tablehistograms');
    const f = (v: number): string => (Number.isNaN(v) ? 'NaN' : v.toFixed(2));
    const row = (cells: string[]): string => cells[0]!.padEnd(10) + cells.slice(1).map((c) => c.padStart(18)).join('');
    ctx.out(`${ks}/${table} histograms`);
    ctx.out(row(['Percentile', 'Read Latency', 'Write Latency', 'SSTables', 'Partition Size', 'Cell Count']));
    ctx.out(row(['', '(micros)', '(micros)', '', '(bytes)', '']));
    const hs = [t.read_latency_us, t.write_latency_us, t.sstables_per_read];
    for (const [label, q] of [['50%', 0.5], ['75%', 0.75], ['95%', 0.95], ['98%', 0.98], ['99%', 0.99]] as const) {
      ctx.out(row([label, ...hs.map((h) => f(histogramQuantile(h, q))), 'NaN', 'NaN']));
    }
    ctx.out(row(['Min', ...hs.map((h) => f(histogramMin(h))), 'NaN', 'NaN']));
    ctx.out(row(['Max', ...hs.map((h) => f(histogramQuantile(h, 1))), 'NaN', 'NaN']));
    ctx.out();
  },
};
