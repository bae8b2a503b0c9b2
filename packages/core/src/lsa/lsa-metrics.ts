import type { CounterChild, MetricsRegistry } from '../metrics';
import type { SegmentPoolStats } from './segment-pool-options';

/** Counters the pool bumps as events happen (once per segment or eviction batch, not per object). */
export interface LsaCounters {
  compactionMovedBytes: CounterChild;
  segmentsCompacted: CounterChild;
  evictedObjects: CounterChild;
  evictedBytes: CounterChild;
  outOfMemory: CounterChild;
  pressureEvents: CounterChild;
}

/**
 * Registers the LSA metrics of one shard's pool in `registry`: callback gauges for the
 * state (segments total/used/free, bytes materialized, live bytes, occupancy, metadata
 * bytes) read from `stats()` at each collection, and counters the pool increments. One
 * pool per registry: a second registration conflicts (METRIC_CONFLICT).
 */
export function registerLsaMetrics(registry: MetricsRegistry, stats: () => SegmentPoolStats): LsaCounters {
  const gauge = (name: string, help: string, read: (s: SegmentPoolStats) => number): void => {
    registry.gauge({ name, help, collect: () => read(stats()) });
  };
  gauge('lsa_segments', 'Segments in the LSA budget', (s) => s.totalSegments);
  gauge('lsa_segments_used', 'LSA segments owned by regions', (s) => s.usedSegments);
  gauge('lsa_segments_free', 'LSA segments free (including the compaction reserve)', (s) => s.freeSegments);
  gauge('lsa_memory_bytes', 'Segment memory allocated from the system, bytes', (s) => s.materializedBytes);
  gauge('lsa_live_bytes', 'Footprint of live LSA objects, bytes', (s) => s.liveBytes);
  gauge('lsa_occupancy_ratio', 'Live bytes / bytes of used segments, 0..1', (s) => s.occupancy);
  gauge('lsa_metadata_bytes', 'Handle tables, LRU links and segment descriptors, bytes', (s) => s.metadataBytes);
  const counter = (name: string, help: string): CounterChild => registry.counter({ name, help }).labels({});
  return {
    compactionMovedBytes: counter('lsa_compaction_moved_bytes_total', 'Bytes moved by LSA compaction'),
    segmentsCompacted: counter('lsa_segments_compacted_total', 'Segments evacuated by LSA compaction'),
    evictedObjects: counter('lsa_evictions_total', 'Objects evicted from evictable LSA regions'),
    evictedBytes: counter('lsa_evicted_bytes_total', 'Footprint bytes evicted from evictable LSA regions'),
    outOfMemory: counter('lsa_out_of_memory_total', 'LSA allocations refused with LSA_OUT_OF_MEMORY'),
    pressureEvents: counter('lsa_pressure_events_total', 'Flush requests sent to non-evictable LSA regions'),
  };
}
