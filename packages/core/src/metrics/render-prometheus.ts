import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';
import { checkLabelName } from './check-label-name';
import type { MetricFamilySnapshot, MetricsSnapshot, MetricType } from './metrics-snapshot';

/** One shard's snapshot, as the main thread receives it. */
export interface ShardMetricsSnapshot {
  shard: number;
  snapshot: MetricsSnapshot;
}

/** Content type of what {@link renderPrometheus} returns. */
export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface MergedFamily {
  type: MetricType;
  help: string;
  parts: Array<{ shard: number; family: MetricFamilySnapshot }>;
}

interface Row {
  /** Rendered `k="v",` pairs of the metric's own labels and the extra labels, without shard. */
  labels: string;
  shard: number;
  lines: string[];
}

/**
 * Renders the snapshots of every shard in the Prometheus text exposition format, version
 * 0.0.4: one `# HELP` and `# TYPE` per family (families of the same name from several
 * shards merge under the first shard's help), every sample labeled `shard="N"` as
 * ScyllaDB exports per-shard series, histograms as cumulative `_bucket{le=...}` ending
 * with `le="+Inf"`, then `_sum` and `_count`. Label values and help are escaped.
 *
 * Output is deterministic: families by name, samples by label values then shard; labels
 * in the order declared labels, `extraLabels` (sorted by name), `shard`, `le`. Throws
 * METRIC_CONFLICT when one name has two types across shards or a family declares a label
 * the exporter adds, INVALID_ARGUMENT for a bad shard number or extra label.
 */
export function renderPrometheus(snapshots: readonly ShardMetricsSnapshot[], extraLabels: Readonly<Record<string, string>> = {}): string {
  const extraNames = Object.keys(extraLabels).sort(compareStrings);
  let extra = '';
  for (const name of extraNames) {
    checkLabelName(name, 'renderPrometheus extraLabels');
    extra += `${name}="${escapeLabelValue(String(extraLabels[name]))}",`;
  }
  const merged = mergeFamilies(snapshots);
  const out: string[] = [];
  for (const name of [...merged.keys()].sort(compareStrings)) {
    const family = merged.get(name) as MergedFamily;
    out.push(`# HELP ${name} ${escapeHelp(family.help)}\n`, `# TYPE ${name} ${family.type}\n`);
    const rows: Row[] = [];
    for (const { shard, family: part } of family.parts) renderPart(part, shard, extra, extraNames, rows);
    rows.sort((a, b) => compareStrings(a.labels, b.labels) || a.shard - b.shard);
    for (const row of rows) out.push(...row.lines);
  }
  return out.join('');
}

function mergeFamilies(snapshots: readonly ShardMetricsSnapshot[]): Map<string, MergedFamily> {
  const seenShards = new Set<number>();
  const ordered = [...snapshots].sort((a, b) => a.shard - b.shard);
  const merged = new Map<string, MergedFamily>();
  for (const { shard, snapshot } of ordered) {
    if (!Number.isSafeInteger(shard) || shard < 0 || seenShards.has(shard)) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `renderPrometheus: shard ${String(shard)} is not a distinct non-negative integer`);
    }
    seenShards.add(shard);
    for (const family of snapshot.families) {
      const existing = merged.get(family.name);
      if (existing === undefined) {
        merged.set(family.name, { type: family.type, help: family.help, parts: [{ shard, family }] });
      } else if (existing.type !== family.type) {
        throw new CharybdisError(
          ErrorCodes.METRIC_CONFLICT,
          `metric ${family.name} is a ${existing.type} on one shard and a ${family.type} on shard ${shard}`,
        );
      } else {
        existing.parts.push({ shard, family });
      }
    }
  }
  return merged;
}

function renderPart(family: MetricFamilySnapshot, shard: number, extra: string, extraNames: readonly string[], rows: Row[]): void {
  for (const label of family.labelNames) {
    if (label === 'shard' || label === 'le' || extraNames.includes(label)) {
      throw new CharybdisError(ErrorCodes.METRIC_CONFLICT, `metric ${family.name} declares label "${label}", which the exporter sets`);
    }
  }
  const shardLabel = `shard="${shard}"`;
  const name = family.name;
  if (family.type === 'histogram') {
    for (const sample of family.samples) {
      const labels = renderLabels(family.labelNames, sample.labelValues, name) + extra;
      const lines: string[] = [];
      family.bounds.forEach((bound, i) => {
        lines.push(`${name}_bucket{${labels}${shardLabel},le="${formatNumber(bound)}"} ${formatNumber(sample.buckets[i] ?? Number.NaN)}\n`);
      });
      lines.push(
        `${name}_bucket{${labels}${shardLabel},le="+Inf"} ${formatNumber(sample.count)}\n`,
        `${name}_sum{${labels}${shardLabel}} ${formatNumber(sample.sum)}\n`,
        `${name}_count{${labels}${shardLabel}} ${formatNumber(sample.count)}\n`,
      );
      rows.push({ labels, shard, lines });
    }
  } else {
    for (const sample of family.samples) {
      const labels = renderLabels(family.labelNames, sample.labelValues, name) + extra;
      rows.push({ labels, shard, lines: [`${name}{${labels}${shardLabel}} ${formatNumber(sample.value)}\n`] });
    }
  }
}

/** `k="v",` for each declared label (trailing comma: `shard` always follows). */
function renderLabels(names: readonly string[], values: readonly string[], metric: string): string {
  if (names.length !== values.length) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `metric ${metric}: ${values.length} label values for ${names.length} label names`);
  }
  let out = '';
  for (let i = 0; i < names.length; i++) out += `${names[i]}="${escapeLabelValue(values[i] as string)}",`;
  return out;
}

/** Go-style float text that Prometheus parses: NaN, +Inf, -Inf, else JS's shortest round-trip form. */
function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** Code-unit order, independent of locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
