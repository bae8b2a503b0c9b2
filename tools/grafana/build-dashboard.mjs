#!/usr/bin/env node
// Writes tools/grafana/charybdis-dashboard.json, the Grafana dashboard of a Charybdis node
// (or cluster). Edit the panels here, then run: node tools/grafana/build-dashboard.mjs
// The black-box test test/metrics.test.ts checks that every expression of the written
// JSON references a metric family a real node exports, and that the JSON is what this
// script writes (so the two never drift apart).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'charybdis-dashboard.json');

/** Label matchers every query uses (the template variables). */
const NODE = 'instance=~"$instance",shard=~"$shard"';
const TABLE = `${NODE},ks=~"$ks",table=~"$table"`;
const RATE = '[$__rate_interval]';

/** p-quantile of histogram `name` (µs/ms as exported), summed over `by` plus le. */
function quantile(q, name, matchers, by) {
  const group = by.length > 0 ? `${by.join(', ')}, le` : 'le';
  return `histogram_quantile(${q}, sum by (${group}) (rate(${name}_bucket{${matchers}}${RATE})))`;
}

let nextId = 1;
let y = 0;
const panels = [];

function row(title) {
  panels.push({ type: 'row', title, id: nextId++, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: y++ }, panels: [] });
  x = 0;
}

let x = 0;
/** A time series panel; `targets` are [expr, legend] pairs; width in grid units (24 per line). */
function graph(title, unit, targets, { w = 8, description } = {}) {
  if (x + w > 24) {
    x = 0;
    y += 8;
  }
  panels.push({
    type: 'timeseries',
    title,
    id: nextId++,
    ...(description !== undefined ? { description } : {}),
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: 8, w, x, y },
    fieldConfig: { defaults: { unit, custom: { lineWidth: 1, fillOpacity: 10 } }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: targets.map(([expr, legendFormat], i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: { type: 'prometheus', uid: '${datasource}' },
      expr,
      legendFormat,
    })),
  });
  x += w;
  if (x >= 24) {
    x = 0;
    y += 8;
  }
}

function endRow() {
  if (x > 0) {
    x = 0;
    y += 8;
  }
}

// --- Reactor -------------------------------------------------------------------------
row('Reactor');
graph('Reactor utilization', 'percentunit', [[`reactor_utilization{${NODE}}`, '{{instance}} shard {{shard}}']]);
graph('Reactor stalls', 'ops', [[`sum by (instance, shard) (rate(reactor_stalls_total{${NODE}}${RATE}))`, '{{instance}} shard {{shard}}']]);
graph('LSA occupancy', 'percentunit', [[`lsa_occupancy_ratio{${NODE}}`, '{{instance}} shard {{shard}}']]);
endRow();

// --- CQL -----------------------------------------------------------------------------
row('CQL');
graph('Requests by opcode', 'reqps', [[`sum by (opcode) (rate(cql_requests_total{${NODE}}${RATE}))`, '{{opcode}}']]);
graph('Errors by code', 'reqps', [[`sum by (code) (rate(cql_errors_total{${NODE}}${RATE}))`, '{{code}}']]);
graph('Request latency (statements)', 'µs', [
  [quantile(0.5, 'cql_request_latency_us', NODE, []), 'p50'],
  [quantile(0.95, 'cql_request_latency_us', NODE, []), 'p95'],
  [quantile(0.99, 'cql_request_latency_us', NODE, []), 'p99'],
]);
graph('Connections', 'short', [
  [`sum by (instance) (cql_connections{${NODE}})`, 'open {{instance}}'],
  [`sum by (instance) (rate(cql_connections_opened_total{${NODE}}${RATE}))`, 'opened/s {{instance}}'],
  [`sum by (listener) (rate(transport_connections_accepted_total{${NODE}}${RATE}))`, 'accepted/s {{listener}}'],
]);
graph('Requests in flight', 'short', [[`sum by (instance, shard) (cql_requests_in_flight{${NODE}})`, '{{instance}} shard {{shard}}']]);
graph('Statement caches', 'short', [
  [`sum by (cache) (cql_statement_cache_entries{${NODE}})`, 'entries {{cache}}'],
  [`sum by (cache) (rate(cql_statement_cache_hits_total{${NODE}}${RATE}))`, 'hits/s {{cache}}'],
  [`sum by (cache) (rate(cql_statement_cache_misses_total{${NODE}}${RATE}))`, 'misses/s {{cache}}'],
  [`sum by (cache) (rate(cql_statement_cache_evictions_total{${NODE}}${RATE}))`, 'evictions/s {{cache}}'],
]);
endRow();

// --- Tables --------------------------------------------------------------------------
row('Tables ($ks.$table)');
graph('Reads (single partition)', 'ops', [[`sum by (ks, table) (rate(table_reads_total{${TABLE}}${RATE}))`, '{{ks}}.{{table}}']]);
graph('Writes', 'ops', [[`sum by (ks, table) (rate(table_writes_total{${TABLE}}${RATE}))`, '{{ks}}.{{table}}']]);
graph('Range scans', 'ops', [[`sum by (ks, table) (rate(table_range_scans_total{${TABLE}}${RATE}))`, '{{ks}}.{{table}}']]);
graph('Read latency (local)', 'µs', [
  [quantile(0.5, 'table_read_latency_us', TABLE, ['ks', 'table']), 'p50 {{ks}}.{{table}}'],
  [quantile(0.99, 'table_read_latency_us', TABLE, ['ks', 'table']), 'p99 {{ks}}.{{table}}'],
]);
graph('Write latency (local)', 'µs', [
  [quantile(0.5, 'table_write_latency_us', TABLE, ['ks', 'table']), 'p50 {{ks}}.{{table}}'],
  [quantile(0.99, 'table_write_latency_us', TABLE, ['ks', 'table']), 'p99 {{ks}}.{{table}}'],
]);
graph('SSTables per read', 'short', [
  [quantile(0.5, 'table_sstables_per_read', TABLE, ['ks', 'table']), 'p50 {{ks}}.{{table}}'],
  [quantile(0.99, 'table_sstables_per_read', TABLE, ['ks', 'table']), 'p99 {{ks}}.{{table}}'],
]);
graph('Live SSTables', 'short', [[`sum by (ks, table) (table_live_sstables{${TABLE}})`, '{{ks}}.{{table}}']]);
graph('Disk space', 'bytes', [
  [`sum by (ks, table) (table_live_disk_bytes{${TABLE}})`, 'live {{ks}}.{{table}}'],
  [`sum by (ks, table) (table_total_disk_bytes{${TABLE}})`, 'total {{ks}}.{{table}}'],
]);
graph('Partitions', 'short', [
  [`sum by (ks, table) (table_estimated_partitions{${TABLE}})`, 'estimated {{ks}}.{{table}}'],
  [`sum by (ks, table) (table_memtable_partitions{${TABLE}})`, 'in memtables {{ks}}.{{table}}'],
]);
endRow();

// --- Memtables and flushes -----------------------------------------------------------
row('Memtables and flushes');
graph('Memtable memory', 'bytes', [
  [`sum by (instance, shard) (memtable_dirty_bytes{${NODE}})`, 'dirty {{instance}} shard {{shard}}'],
  [`sum by (ks, table) (table_memtable_bytes{${TABLE}})`, '{{ks}}.{{table}}'],
]);
graph('Flushes', 'ops', [
  [`sum by (instance, shard) (rate(memtable_flushes_total{${NODE}}${RATE}))`, 'flushes {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (rate(memtable_flush_failures_total{${NODE}}${RATE}))`, 'failures {{instance}} shard {{shard}}'],
  [`sum by (ks, table) (rate(table_memtable_switches_total{${TABLE}}${RATE}))`, 'switches {{ks}}.{{table}}'],
]);
graph('Flush bandwidth', 'Bps', [[`sum by (instance, shard) (rate(memtable_flush_bytes_total{${NODE}}${RATE}))`, '{{instance}} shard {{shard}}']]);
graph('Flush duration', 'ms', [
  [quantile(0.5, 'memtable_flush_duration_ms', NODE, []), 'p50'],
  [quantile(0.99, 'memtable_flush_duration_ms', NODE, []), 'p99'],
]);
graph('Pending flushes', 'short', [[`sum by (ks, table) (table_pending_flushes{${TABLE}})`, '{{ks}}.{{table}}']]);
endRow();

// --- Commitlog -----------------------------------------------------------------------
row('Commitlog');
graph('Commitlog writes', 'Bps', [[`sum by (instance, shard) (rate(commitlog_bytes_written_total{${NODE}}${RATE}))`, '{{instance}} shard {{shard}}']]);
graph('Syncs', 'ops', [
  [`sum by (instance, shard) (rate(commitlog_syncs_total{${NODE}}${RATE}))`, 'syncs {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (rate(commitlog_group_commits_total{${NODE}}${RATE}))`, 'group commits {{instance}} shard {{shard}}'],
]);
graph('Sync latency', 'µs', [
  [quantile(0.5, 'commitlog_sync_latency_us', NODE, []), 'p50'],
  [quantile(0.99, 'commitlog_sync_latency_us', NODE, []), 'p99'],
]);
graph('Segments', 'short', [
  [`sum by (instance, shard) (commitlog_segments{${NODE}})`, 'in use {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (commitlog_recycled_segments{${NODE}})`, 'recycled {{instance}} shard {{shard}}'],
]);
graph('Waiting', 'short', [
  [`sum by (instance, shard) (commitlog_pending_operations{${NODE}})`, 'operations {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (commitlog_pending_sync_waiters{${NODE}})`, 'sync waiters {{instance}} shard {{shard}}'],
]);
graph('Bytes waiting for sync', 'bytes', [[`sum by (instance, shard) (commitlog_unsynced_bytes{${NODE}})`, '{{instance}} shard {{shard}}']]);
endRow();

// --- Compaction ----------------------------------------------------------------------
row('Compaction');
graph('Compaction throughput', 'Bps', [
  [`sum by (ks, table) (rate(compaction_bytes_read_total{${TABLE}}${RATE}))`, 'read {{ks}}.{{table}}'],
  [`sum by (ks, table) (rate(compaction_bytes_written_total{${TABLE}}${RATE}))`, 'written {{ks}}.{{table}}'],
]);
graph('Compaction backlog', 'bytes', [[`sum by (ks, table) (compaction_backlog_bytes{${TABLE}})`, '{{ks}}.{{table}}']]);
graph('Compaction tasks', 'short', [
  [`sum by (ks, table) (compaction_pending_tasks{${TABLE}})`, 'pending {{ks}}.{{table}}'],
  [`sum by (ks, table) (compaction_running_tasks{${TABLE}})`, 'running {{ks}}.{{table}}'],
  [`sum by (ks, table) (rate(compaction_tasks_failed_total{${TABLE}}${RATE}))`, 'failed/s {{ks}}.{{table}}'],
]);
endRow();

// --- LSA -----------------------------------------------------------------------------
row('LSA memory');
graph('LSA memory', 'bytes', [
  [`sum by (instance, shard) (lsa_memory_bytes{${NODE}})`, 'allocated {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (lsa_live_bytes{${NODE}})`, 'live {{instance}} shard {{shard}}'],
]);
graph('LSA segments', 'short', [
  [`sum by (instance, shard) (lsa_segments_used{${NODE}})`, 'used {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (lsa_segments_free{${NODE}})`, 'free {{instance}} shard {{shard}}'],
]);
graph('LSA compaction and eviction', 'Bps', [
  [`sum by (instance, shard) (rate(lsa_compaction_moved_bytes_total{${NODE}}${RATE}))`, 'moved {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (rate(lsa_evicted_bytes_total{${NODE}}${RATE}))`, 'evicted {{instance}} shard {{shard}}'],
]);
endRow();

// --- CPU scheduler -------------------------------------------------------------------
row('CPU scheduler');
graph('Runtime by group', 'percentunit', [[`sum by (group) (rate(scheduler_runtime_ms_total{${NODE}}${RATE})) / 1000`, '{{group}}']], {
  description: 'Share of one core each scheduling group used (summed over the selected shards).',
});
graph('Run queue by group', 'short', [[`sum by (group) (scheduler_queue_length{${NODE}})`, '{{group}}']]);
graph('Wait time by group', 'ms', [
  [`sum by (group) (rate(scheduler_waittime_ms_total{${NODE}}${RATE})) / sum by (group) (rate(scheduler_tasks_processed_total{${NODE}}${RATE}))`, 'mean {{group}}'],
  [`max by (group) (scheduler_waittime_p99_ms{${NODE}})`, 'p99 {{group}}'],
]);
endRow();

// --- I/O queue -----------------------------------------------------------------------
row('I/O queue');
graph('Bandwidth by class', 'Bps', [[`sum by (class, kind) (rate(io_queue_bytes_total{${NODE}}${RATE}))`, '{{class}} {{kind}}']]);
graph('IOPS by class', 'iops', [[`sum by (class, kind) (rate(io_queue_requests_total{${NODE}}${RATE}))`, '{{class}} {{kind}}']]);
graph('Latency by class (p99)', 'ms', [
  [quantile(0.99, 'io_queue_latency_ms', NODE, ['class']), 'total {{class}}'],
  [quantile(0.99, 'io_queue_wait_ms', NODE, ['class']), 'queue wait {{class}}'],
]);
graph('Queue by class', 'short', [
  [`sum by (class) (io_queue_queue_length{${NODE}})`, 'queued {{class}}'],
  [`sum by (class) (io_queue_in_flight_requests{${NODE}})`, 'in device {{class}}'],
]);
endRow();

// --- smp -----------------------------------------------------------------------------
row('Cross-shard messages (smp)');
graph('Messages', 'ops', [
  [`sum by (instance, shard) (rate(smp_messages_sent_total{${NODE}}${RATE}))`, 'sent {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (rate(smp_messages_received_total{${NODE}}${RATE}))`, 'received {{instance}} shard {{shard}}'],
]);
graph('Bytes sent', 'Bps', [[`sum by (instance, shard) (rate(smp_bytes_sent_total{${NODE}}${RATE}))`, '{{instance}} shard {{shard}}']]);
graph('Requests in flight, full rings, timeouts', 'short', [
  [`sum by (instance, shard) (smp_requests_in_flight{${NODE}})`, 'in flight {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (rate(smp_full_ring_waits_total{${NODE}}${RATE}))`, 'full ring/s {{instance}} shard {{shard}}'],
  [`sum by (instance, shard) (rate(smp_timeouts_total{${NODE}}${RATE}))`, 'timeouts/s {{instance}} shard {{shard}}'],
]);
endRow();

function queryVariable(name, label, query, { multi = true } = {}) {
  return {
    name,
    label,
    type: 'query',
    datasource: { type: 'prometheus', uid: '${datasource}' },
    definition: query,
    query: { query, refId: `${name}-variable` },
    refresh: 2,
    includeAll: true,
    allValue: '.*',
    multi,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 3,
  };
}

const dashboard = {
  title: 'Charybdis',
  uid: 'charybdis-overview',
  description: 'A Charybdis node or cluster: CQL, tables, commitlog, memtables, compaction, LSA, schedulers, I/O queue, smp. Metric reference: docs/metrics.md.',
  tags: ['charybdis'],
  timezone: 'browser',
  schemaVersion: 39,
  version: 1,
  editable: true,
  graphTooltip: 1,
  refresh: '30s',
  time: { from: 'now-1h', to: 'now' },
  templating: {
    list: [
      { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
      queryVariable('instance', 'Node', 'label_values(reactor_utilization, instance)'),
      queryVariable('shard', 'Shard', 'label_values(reactor_utilization{instance=~"$instance"}, shard)'),
      queryVariable('ks', 'Keyspace', 'label_values(table_reads_total{instance=~"$instance"}, ks)'),
      queryVariable('table', 'Table', 'label_values(table_reads_total{instance=~"$instance",ks=~"$ks"}, table)'),
    ],
  },
  annotations: { list: [] },
  panels,
};

const text = `${JSON.stringify(dashboard, null, 2)}\n`;
if (process.argv.includes('--check')) {
  const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  if (current !== text) {
    process.stderr.write(`${OUT} is out of date: run node tools/grafana/build-dashboard.mjs\n`);
    process.exit(1);
  }
} else {
  fs.writeFileSync(OUT, text);
  process.stdout.write(`wrote ${OUT} (${panels.filter((p) => p.type !== 'row').length} panels)\n`);
}
