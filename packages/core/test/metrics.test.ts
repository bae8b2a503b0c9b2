import { pack, unpack } from 'msgpackr';
import { hasErrorCode } from '../src/errors';
import { MetricsRegistry, exponentialBuckets, linearBuckets, renderPrometheus } from '../src/metrics';
import type { HistogramFamilySnapshot, MetricsSnapshot } from '../src/metrics';
import { ErrorCodes } from '../src/util';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('counters', () => {
  test('count up, per label set, and refuse to go down', () => {
    const registry = new MetricsRegistry();
    const plain = registry.counter({ name: 'charybdis_flushes_total', help: 'Memtable flushes' });
    plain.inc();
    plain.inc(2.5);
    expect(plain.value).toBe(3.5);
    expect(codeOf(() => plain.inc(-1))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => plain.inc(Number.NaN))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => plain.inc(Number.POSITIVE_INFINITY))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(plain.value).toBe(3.5);

    const byGroup = registry.counter({ name: 'charybdis_tasks_total', help: 'Tasks run', labelNames: ['group'] });
    const statement = byGroup.labels({ group: 'statement' });
    statement.inc();
    statement.inc();
    byGroup.labels({ group: 'compaction' }).inc(7);
    expect(byGroup.labels({ group: 'statement' })).toBe(statement);
    expect(statement.value).toBe(2);
    expect(byGroup.labels({ group: 'compaction' }).value).toBe(7);
    // A labeled family has no single series to update.
    expect(codeOf(() => byGroup.inc())).toBe(ErrorCodes.INVALID_STATE);
  });
});

describe('gauges', () => {
  test('set, inc, dec', () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge({ name: 'open_connections', help: 'Open CQL connections' });
    g.set(10);
    g.inc();
    g.dec(3);
    expect(g.value).toBe(8);
    g.set(-2.5);
    expect(g.value).toBe(-2.5);
  });

  test('callback gauges are evaluated at each collection and cannot be set', () => {
    const registry = new MetricsRegistry();
    let queued = 3;
    const g = registry.gauge({ name: 'queue_length', help: 'Queued tasks', collect: () => queued });
    const valueOf = (s: MetricsSnapshot): number | undefined => {
      const family = s.families.find((f) => f.name === 'queue_length');
      return family?.type === 'gauge' ? family.samples[0]?.value : undefined;
    };
    expect(valueOf(registry.collect())).toBe(3);
    queued = 9;
    expect(valueOf(registry.collect())).toBe(9);
    expect(codeOf(() => g.set(1))).toBe(ErrorCodes.INVALID_STATE);

    const labeled = registry.gauge({ name: 'group_queue_length', help: 'Queued tasks per group', labelNames: ['group'] });
    labeled.labels({ group: 'statement' }).setCallback(() => 42);
    const family = registry.collect().families.find((f) => f.name === 'group_queue_length');
    expect(family).toEqual({
      type: 'gauge', name: 'group_queue_length', help: 'Queued tasks per group', labelNames: ['group'],
      samples: [{ labelValues: ['statement'], value: 42 }],
    });
    expect(codeOf(() => registry.gauge({ name: 'bad', help: 'h', labelNames: ['a'], collect: () => 1 }))).toBe(ErrorCodes.INVALID_ARGUMENT);
  });

  test('a throwing callback fails collect() with METRIC_COLLECT_FAILED naming the gauge, cause attached', () => {
    const registry = new MetricsRegistry();
    const boom = new Error('boom');
    registry.gauge({ name: 'broken_gauge', help: 'h', collect: () => { throw boom; } });
    let caught: unknown;
    try {
      registry.collect();
    } catch (err) {
      caught = err;
    }
    expect(hasErrorCode(caught, ErrorCodes.METRIC_COLLECT_FAILED)).toBe(true);
    expect((caught as Error).message).toContain('broken_gauge');
    expect((caught as Error).cause).toBe(boom);
  });
});

describe('histograms', () => {
  test('bucket math: le is inclusive, cumulative buckets, +Inf is the count, sum', () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram({ name: 'latency_seconds', help: 'Latency', buckets: [1, 2, 5] });
    for (const v of [0.5, 1, 1.5, 2, 5, 5.0001, 7, -3]) h.observe(v);
    const family = registry.collect().families[0] as HistogramFamilySnapshot;
    expect(family.bounds).toEqual([1, 2, 5]);
    expect(family.samples).toEqual([{ labelValues: [], buckets: [3, 5, 6], count: 8, sum: 0.5 + 1 + 1.5 + 2 + 5 + 5.0001 + 7 - 3 }]);
    expect(codeOf(() => h.observe(Number.NaN))).toBe(ErrorCodes.INVALID_ARGUMENT);
  });

  test('binary search agrees with a linear scan on many values', () => {
    const bounds = exponentialBuckets(0.001, 2, 20);
    const registry = new MetricsRegistry();
    const h = registry.histogram({ name: 'h', help: 'h', buckets: bounds });
    const expected = new Array<number>(bounds.length).fill(0);
    let seed = 12345;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31; // seeded LCG: deterministic
      const v = i % 50 === 0 ? (bounds[i % bounds.length] as number) : (seed / 2 ** 31) * 1200;
      h.observe(v);
      bounds.forEach((b, j) => {
        if (v <= b) expected[j] = (expected[j] as number) + 1;
      });
    }
    const sample = (registry.collect().families[0] as HistogramFamilySnapshot).samples[0];
    expect(sample?.buckets).toEqual(expected);
    expect(sample?.count).toBe(5000);
  });

  test('bounds must be finite and strictly increasing; a trailing Infinity is dropped', () => {
    const registry = new MetricsRegistry();
    expect(registry.histogram({ name: 'a', help: 'h', buckets: [1, 2, Number.POSITIVE_INFINITY] }).bounds).toEqual([1, 2]);
    for (const buckets of [[], [1, 1], [2, 1], [1, Number.NaN], [Number.POSITIVE_INFINITY]]) {
      expect(codeOf(() => registry.histogram({ name: 'b', help: 'h', buckets }))).toBe(ErrorCodes.INVALID_ARGUMENT);
    }
  });

  test('exponentialBuckets and linearBuckets', () => {
    expect(exponentialBuckets(1, 2, 4)).toEqual([1, 2, 4, 8]);
    const small = exponentialBuckets(0.001, 10, 3);
    expect(small).toHaveLength(3);
    expect(small[0]).toBe(0.001);
    expect(small[1]).toBeCloseTo(0.01, 15);
    expect(small[2]).toBeCloseTo(0.1, 15);
    expect(linearBuckets(0, 10, 3)).toEqual([0, 10, 20]);
    expect(codeOf(() => exponentialBuckets(0, 2, 3))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => exponentialBuckets(1, 1, 3))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => exponentialBuckets(1, 2, 0))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => exponentialBuckets(1, 1e300, 3))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => linearBuckets(0, 0, 3))).toBe(ErrorCodes.INVALID_ARGUMENT);
  });
});

describe('names and labels', () => {
  test('metric names must match [a-zA-Z_:][a-zA-Z0-9_:]*', () => {
    const registry = new MetricsRegistry();
    for (const name of ['a', 'scylla_reactor_utilization', ':colon:ok', '_x9']) {
      expect(codeOf(() => registry.counter({ name, help: 'h' }))).toBeUndefined();
    }
    for (const name of ['', '9lives', 'a-b', 'a.b', 'é', 'a b']) {
      expect(codeOf(() => registry.counter({ name, help: 'h' }))).toBe(ErrorCodes.INVALID_ARGUMENT);
    }
    expect(codeOf(() => registry.counter({ name: 'no_help', help: '' }))).toBe(ErrorCodes.INVALID_ARGUMENT);
  });

  test('label names are validated; shard and le are reserved; no duplicates', () => {
    const registry = new MetricsRegistry();
    for (const label of ['1x', 'a-b', 'a:b', '__reserved', 'shard', 'le', '']) {
      expect(codeOf(() => registry.counter({ name: 'c', help: 'h', labelNames: [label] }))).toBe(ErrorCodes.INVALID_ARGUMENT);
    }
    expect(codeOf(() => registry.counter({ name: 'c', help: 'h', labelNames: ['a', 'a'] }))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(registry.size).toBe(0);
  });

  test('labels() wants exactly the declared labels, as strings', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter({ name: 'c', help: 'h', labelNames: ['ks', 'table'] });
    expect(codeOf(() => c.labels({ ks: 'a' } as never))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => c.labels({ ks: 'a', table: 't', extra: 'x' } as never))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => c.labels({ ks: 'a', table: 1 } as never))).toBe(ErrorCodes.INVALID_ARGUMENT);
    c.labels({ ks: 'a', table: 't' }).inc();
    // Values that would collide under a naive join stay distinct series.
    c.labels({ ks: 'a,b', table: 'c' }).inc();
    c.labels({ ks: 'a', table: 'b,c' }).inc(2);
    expect(c.seriesCount).toBe(3);
  });

  test('the number of label sets is bounded; remove() frees a slot', () => {
    const registry = new MetricsRegistry({ maxSeriesPerMetric: 3 });
    const c = registry.counter({ name: 'per_key', help: 'h', labelNames: ['key'] });
    for (const key of ['a', 'b', 'c']) c.labels({ key }).inc();
    let caught: unknown;
    try {
      c.labels({ key: 'd' });
    } catch (err) {
      caught = err;
    }
    expect(hasErrorCode(caught, ErrorCodes.METRIC_CARDINALITY_EXCEEDED)).toBe(true);
    expect((caught as Error).message).toContain('per_key');
    expect(c.labels({ key: 'a' }).value).toBe(1); // existing series still work
    expect(c.seriesCount).toBe(3);
    expect(c.remove({ key: 'b' })).toBe(true);
    expect(c.remove({ key: 'b' })).toBe(false);
    c.labels({ key: 'd' }).inc();
    expect(c.seriesCount).toBe(3);
  });

  test('the number of families is bounded too', () => {
    const registry = new MetricsRegistry({ maxMetrics: 2 });
    registry.counter({ name: 'a', help: 'h' });
    registry.gauge({ name: 'b', help: 'h' });
    expect(codeOf(() => registry.counter({ name: 'c', help: 'h' }))).toBe(ErrorCodes.METRIC_CARDINALITY_EXCEEDED);
    expect(registry.size).toBe(2);
  });
});

describe('registration', () => {
  test('the same definition returns the same metric; any difference is METRIC_CONFLICT', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter({ name: 'reqs_total', help: 'Requests', labelNames: ['op'] });
    expect(registry.counter({ name: 'reqs_total', help: 'Requests', labelNames: ['op'] })).toBe(c);
    expect(codeOf(() => registry.gauge({ name: 'reqs_total', help: 'Requests', labelNames: ['op'] }))).toBe(ErrorCodes.METRIC_CONFLICT);
    expect(codeOf(() => registry.counter({ name: 'reqs_total', help: 'Requests', labelNames: ['verb'] }))).toBe(ErrorCodes.METRIC_CONFLICT);
    expect(codeOf(() => registry.counter({ name: 'reqs_total', help: 'Requests' }))).toBe(ErrorCodes.METRIC_CONFLICT);
    expect(codeOf(() => registry.counter({ name: 'reqs_total', help: 'Other', labelNames: ['op'] }))).toBe(ErrorCodes.METRIC_CONFLICT);

    const h = registry.histogram({ name: 'lat', help: 'h', buckets: [1, 2] });
    expect(registry.histogram({ name: 'lat', help: 'h', buckets: [1, 2, Number.POSITIVE_INFINITY] })).toBe(h);
    expect(codeOf(() => registry.histogram({ name: 'lat', help: 'h', buckets: [1, 3] }))).toBe(ErrorCodes.METRIC_CONFLICT);

    registry.gauge({ name: 'cb', help: 'h', collect: () => 1 });
    expect(codeOf(() => registry.gauge({ name: 'cb', help: 'h', collect: () => 2 }))).toBe(ErrorCodes.METRIC_CONFLICT);
  });

  test("names that collide with a histogram's _bucket/_sum/_count series are METRIC_CONFLICT", () => {
    const registry = new MetricsRegistry();
    registry.histogram({ name: 'io', help: 'h', buckets: [1] });
    expect(codeOf(() => registry.counter({ name: 'io_count', help: 'h' }))).toBe(ErrorCodes.METRIC_CONFLICT);
    registry.gauge({ name: 'x_sum', help: 'h' });
    expect(codeOf(() => registry.histogram({ name: 'x', help: 'h', buckets: [1] }))).toBe(ErrorCodes.METRIC_CONFLICT);
    expect(registry.remove('io')).toBe(true);
    expect(codeOf(() => registry.counter({ name: 'io_count', help: 'h' }))).toBeUndefined();
  });
});

describe('collect()', () => {
  function sampleRegistry(): MetricsRegistry {
    const registry = new MetricsRegistry();
    registry.counter({ name: 'c_total', help: 'c', labelNames: ['group'] }).labels({ group: 'statement' }).inc(5);
    registry.gauge({ name: 'g', help: 'g' }).set(Number.NaN);
    registry.gauge({ name: 'inf', help: 'g', collect: () => Number.POSITIVE_INFINITY });
    registry.histogram({ name: 'h', help: 'h', buckets: [0.5, 1] }).observe(0.7);
    return registry;
  }

  test('is plain data: only plain objects, arrays, strings and numbers', () => {
    const snapshot = sampleRegistry().collect();
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(visit);
      } else if (typeof v === 'object' && v !== null) {
        expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
        Object.values(v).forEach(visit);
      } else {
        expect(['string', 'number']).toContain(typeof v);
      }
    };
    visit(snapshot);
  });

  test('survives structured clone and msgpackr, NaN and Infinity included', () => {
    const snapshot = sampleRegistry().collect();
    expect(structuredClone(snapshot)).toEqual(snapshot);
    expect(unpack(pack(snapshot))).toEqual(snapshot);
  });

  test('is a copy: mutating it does not touch the registry', () => {
    const registry = sampleRegistry();
    const snapshot = registry.collect();
    const counter = snapshot.families[0];
    if (counter?.type !== 'counter') throw new Error('expected the counter first (registration order)');
    (counter.samples[0] as { labelValues: string[] }).labelValues[0] = 'mutated';
    counter.labelNames.push('oops');
    expect(registry.collect().families[0]).toEqual({
      type: 'counter', name: 'c_total', help: 'c', labelNames: ['group'], samples: [{ labelValues: ['statement'], value: 5 }],
    });
  });

  test('an unlabeled metric is exported (as 0) before its first update', () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: 'never_total', help: 'h' });
    expect(registry.collect().families[0]).toEqual({ type: 'counter', name: 'never_total', help: 'h', labelNames: [], samples: [{ labelValues: [], value: 0 }] });
  });
});

describe('series removal (a dropped table)', () => {
  test("remove() drops one label set's series from every kind of family; the others stay", () => {
    const registry = new MetricsRegistry();
    const labelNames = ['ks', 'table'] as const;
    const reads = registry.counter({ name: 't_reads_total', help: 'h', labelNames });
    const bytes = registry.gauge({ name: 't_bytes', help: 'h', labelNames });
    const lat = registry.histogram({ name: 't_lat_us', help: 'h', labelNames, buckets: [10, 100] });
    for (const table of ['a', 'b']) {
      reads.labels({ ks: 'ks', table }).inc();
      bytes.labels({ ks: 'ks', table }).setCallback(() => 42);
      lat.labels({ ks: 'ks', table }).observe(5);
    }
    for (const family of [reads, bytes, lat]) expect(family.remove({ ks: 'ks', table: 'a' })).toBe(true);
    const tablesOf = (name: string): string[] =>
      registry.collect().families.find((f) => f.name === name)!.samples.map((s) => s.labelValues.join('.'));
    expect(tablesOf('t_reads_total')).toEqual(['ks.b']);
    expect(tablesOf('t_bytes')).toEqual(['ks.b']);
    expect(tablesOf('t_lat_us')).toEqual(['ks.b']);
    expect(renderPrometheus([{ shard: 0, snapshot: registry.collect() }])).not.toContain('table="a"');
    // A table re-created under the same name starts from zero.
    expect(reads.labels({ ks: 'ks', table: 'a' }).value).toBe(0);
    // The unlabeled series of a family without labels cannot be removed (it lives as long as the family).
    expect(registry.counter({ name: 'plain_total', help: 'h' }).remove({} as never)).toBe(false);
  });
});

describe('callback counters', () => {
  test('read the owner\'s total at collection; inc() on them is INVALID_STATE; a second callback is METRIC_CONFLICT', () => {
    const registry = new MetricsRegistry();
    let total = 3;
    const c = registry.counter({ name: 'owned_total', help: 'h', collect: () => total });
    expect(c.value).toBe(3);
    total = 10;
    const family = registry.collect().families.find((f) => f.name === 'owned_total');
    expect(family).toMatchObject({ type: 'counter', samples: [{ labelValues: [], value: 10 }] });
    expect(codeOf(() => c.inc())).toBe(ErrorCodes.INVALID_STATE);
    expect(codeOf(() => registry.counter({ name: 'owned_total', help: 'h', collect: () => 1 }))).toBe(ErrorCodes.METRIC_CONFLICT);
    expect(codeOf(() => registry.counter({ name: 'labeled_total', help: 'h', labelNames: ['x'], collect: () => 1 }))).toBe(ErrorCodes.INVALID_ARGUMENT);

    const labeled = registry.counter({ name: 'hits_total', help: 'h', labelNames: ['cache'] });
    labeled.labels({ cache: 'prepared' }).setCallback(() => 7);
    expect(registry.collect().families.find((f) => f.name === 'hits_total')!.samples).toEqual([{ labelValues: ['prepared'], value: 7 }]);
    labeled.labels({ cache: 'prepared' }).setCallback(() => {
      throw new Error('boom');
    });
    expect(codeOf(() => registry.collect())).toBe(ErrorCodes.METRIC_COLLECT_FAILED);
  });
});
