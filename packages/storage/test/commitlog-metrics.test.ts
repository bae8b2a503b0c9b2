import { MetricsRegistry, ThreadPoolBackend } from '@charybdis/core';
import { Commitlog, ENTRY_OVERHEAD_BYTES, registerCommitlogMetrics } from '../src/commitlog';
import { RecordingLogger, makeCommitlogTempDir } from './fixtures/commitlog-test-doubles';

const SEGMENT_BYTES = 64 * 1024;

function valueOf(registry: MetricsRegistry, name: string): number {
  const family = registry.collect().families.find((f) => f.name === name);
  if (family === undefined) throw new Error(`no family ${name}`);
  if (family.type === 'histogram') return (family).samples[0]!.count;
  return (family).samples[0]!.value;
}

describe('registerCommitlogMetrics', () => {
  test('periodic mode: bytes wait for the sync, which clears them and is timed; segments and rolls are counted', async () => {
    const backend = new ThreadPoolBackend();
    // A sync period far beyond the test: only the explicit sync() and segment rolls sync.
    const log = await Commitlog.open({ directory: makeCommitlogTempDir(), backend, segmentSizeBytes: SEGMENT_BYTES, syncMode: 'periodic', syncPeriodMs: 3_600_000, logger: new RecordingLogger() });
    const registry = new MetricsRegistry();
    registerCommitlogMetrics(registry, log);
    try {
      expect(valueOf(registry, 'commitlog_segments')).toBe(1);
      await log.append(Buffer.alloc(100));
      await log.append(Buffer.alloc(50));
      const written = 150 + 2 * ENTRY_OVERHEAD_BYTES;
      expect(valueOf(registry, 'commitlog_bytes_written_total')).toBe(written);
      expect(valueOf(registry, 'commitlog_entries_written_total')).toBe(2);
      expect(valueOf(registry, 'commitlog_unsynced_bytes')).toBe(written);
      expect(valueOf(registry, 'commitlog_syncs_total')).toBe(0);
      expect(valueOf(registry, 'commitlog_pending_operations')).toBe(0);

      // Queued appends are visible until the chain runs them.
      const queued = [log.append(Buffer.alloc(10)), log.append(Buffer.alloc(10)), log.append(Buffer.alloc(10))];
      expect(valueOf(registry, 'commitlog_pending_operations')).toBeGreaterThanOrEqual(2);
      await Promise.all(queued);
      expect(valueOf(registry, 'commitlog_pending_operations')).toBe(0);

      await log.sync();
      expect(valueOf(registry, 'commitlog_unsynced_bytes')).toBe(0);
      expect(valueOf(registry, 'commitlog_syncs_total')).toBe(1);
      expect(valueOf(registry, 'commitlog_sync_latency_us')).toBe(1);

      // Fill past one segment: the roll fdatasyncs the full segment (counted and timed too).
      for (let i = 0; i < 8; i++) await log.append(Buffer.alloc(10_000));
      expect(valueOf(registry, 'commitlog_segments')).toBe(2);
      expect(valueOf(registry, 'commitlog_segments_created_total')).toBe(2);
      expect(valueOf(registry, 'commitlog_syncs_total')).toBe(2);
      expect(valueOf(registry, 'commitlog_sync_latency_us')).toBe(2);
      expect(valueOf(registry, 'commitlog_unsynced_bytes')).toBeGreaterThan(0);
      // A second commitlog cannot take over the same registry's callback series.
      expect(() => registerCommitlogMetrics(registry, log)).toThrow(/already registered/);
    } finally {
      await log.close();
      await backend.close();
    }
  });
});
