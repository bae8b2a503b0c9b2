import { MetricsRegistry, renderPrometheus } from '../src/metrics';
import type { MetricsSnapshot } from '../src/metrics';
import { ErrorCodes } from '../src/util';

/** The `code` of what `fn` throws, or undefined if it does not throw. */
function thrownCode(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return undefined;
}

interface ParsedSample {
  name: string;
  labels: Map<string, string>;
  value: number;
}

interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  samples: ParsedSample[];
}

/**
 * A strict reader of the text exposition format 0.0.4, enough to check what we emit:
 * every line is a HELP, a TYPE or a sample; HELP then TYPE once per family, before its
 * samples; samples of a family are contiguous and named after it (with _bucket/_sum/_count
 * for histograms); label values use only the three escapes; values parse as Go floats.
 */
function parseExposition(text: string): ParsedFamily[] {
  expect(text.endsWith('\n')).toBe(true);
  const families: ParsedFamily[] = [];
  const seen = new Set<string>();
  let current: ParsedFamily | undefined;
  const lines = text.slice(0, -1).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1} ${JSON.stringify(line)}: ${why}`);
    };
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (help !== null) {
      const name = help[1] as string;
      if (seen.has(name)) fail('second HELP for a family');
      seen.add(name);
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(lines[++i] ?? '');
      if (type === null || type[1] !== name) fail('HELP not followed by the TYPE of the same family');
      if (/\\[^\\n]/.test((help[2] as string).replace(/\\\\/g, ''))) fail('bad escape in HELP');
      current = { name, type: (type as RegExpExecArray)[2] as string, help: help[2] as string, samples: [] };
      families.push(current);
      continue;
    }
    if (line.startsWith('#')) fail('unexpected comment');
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    if (sample === null) fail('not a sample line');
    const [, name, body, rawValue] = sample as RegExpExecArray;
    if (current === undefined) fail('sample before any TYPE');
    const family = current as ParsedFamily;
    const allowed = family.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => family.name + s) : [family.name];
    if (!allowed.includes(name as string)) fail(`sample ${String(name)} outside its family ${family.name}`);
    if (!/^(NaN|[+-]Inf|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(rawValue as string)) fail('value is not a float');
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    family.samples.push({ name: name as string, labels: parseLabels(body as string, fail), value });
  }
  return families;
}

function parseLabels(body: string, fail: (why: string) => never): Map<string, string> {
  const labels = new Map<string, string>();
  let pos = 0;
  while (pos < body.length) {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*="/.exec(body.slice(pos));
    if (name === null) fail(`bad label name at ${pos}`);
    const labelName = (name)[0].slice(0, -2);
    pos += (name)[0].length;
    let value = '';
    for (;;) {
      const c = body[pos++];
      if (c === undefined) fail('unterminated label value');
      if (c === '"') break;
      if (c === '\n') fail('raw newline in label value');
      if (c === '\\') {
        const e = body[pos++];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else fail(`bad escape \\${String(e)}`);
      } else {
        value += c;
      }
    }
    if (labels.has(labelName)) fail(`duplicate label ${labelName}`);
    labels.set(labelName, value);
    if (pos < body.length) {
      if (body[pos] !== ',') fail('labels not separated by a comma');
      pos++;
    }
  }
  return labels;
}

/** Two shards running the same code, with different values. */
function twoShards(): Array<{ shard: number; snapshot: MetricsSnapshot }> {
  const snapshots = [];
  for (const shard of [0, 1]) {
    const registry = new MetricsRegistry();
    const tasks = registry.counter({ name: 'charybdis_tasks_total', help: 'Tasks run per scheduling group', labelNames: ['group'] });
    const memory = registry.gauge({ name: 'charybdis_memory_bytes', help: 'Bytes in use' });
    const latency = registry.histogram({ name: 'charybdis_latency_seconds', help: 'Request latency', buckets: [0.1, 1] });
    if (shard === 0) {
      tasks.labels({ group: 'statement' }).inc(5);
      tasks.labels({ group: 'compaction' }).inc(2);
      memory.set(1024);
      for (const v of [0.0625, 0.5, 3]) latency.observe(v);
    } else {
      tasks.labels({ group: 'statement' }).inc(1);
      memory.set(2048);
      latency.observe(0.25);
    }
    snapshots.push({ shard, snapshot: registry.collect() });
  }
  return snapshots;
}

const TWO_SHARDS_TEXT = [
  '# HELP charybdis_latency_seconds Request latency',
  '# TYPE charybdis_latency_seconds histogram',
  'charybdis_latency_seconds_bucket{shard="0",le="0.1"} 1',
  'charybdis_latency_seconds_bucket{shard="0",le="1"} 2',
  'charybdis_latency_seconds_bucket{shard="0",le="+Inf"} 3',
  'charybdis_latency_seconds_sum{shard="0"} 3.5625',
  'charybdis_latency_seconds_count{shard="0"} 3',
  'charybdis_latency_seconds_bucket{shard="1",le="0.1"} 0',
  'charybdis_latency_seconds_bucket{shard="1",le="1"} 1',
  'charybdis_latency_seconds_bucket{shard="1",le="+Inf"} 1',
  'charybdis_latency_seconds_sum{shard="1"} 0.25',
  'charybdis_latency_seconds_count{shard="1"} 1',
  '# HELP charybdis_memory_bytes Bytes in use',
  '# TYPE charybdis_memory_bytes gauge',
  'charybdis_memory_bytes{shard="0"} 1024',
  'charybdis_memory_bytes{shard="1"} 2048',
  '# HELP charybdis_tasks_total Tasks run per scheduling group',
  '# TYPE charybdis_tasks_total counter',
  'charybdis_tasks_total{group="compaction",shard="0"} 2',
  'charybdis_tasks_total{group="statement",shard="0"} 5',
  'charybdis_tasks_total{group="statement",shard="1"} 1',
  '',
].join('\n');

describe('renderPrometheus', () => {
  test('renders the exact text format, merging shards under one HELP/TYPE per family', () => {
    expect(renderPrometheus(twoShards())).toBe(TWO_SHARDS_TEXT);
  });

  test('output does not depend on the order snapshots arrive in', () => {
    expect(renderPrometheus([...twoShards()].reverse())).toBe(TWO_SHARDS_TEXT);
  });

  test('extra labels go after the metric labels and before shard, sorted and escaped', () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: 'c_total', help: 'h', labelNames: ['op'] }).labels({ op: 'read' }).inc();
    const text = renderPrometheus([{ shard: 3, snapshot: registry.collect() }], { instance: 'n"1', dc: 'east' });
    expect(text).toBe('# HELP c_total h\n# TYPE c_total counter\nc_total{op="read",dc="east",instance="n\\"1",shard="3"} 1\n');
  });

  test('escapes label values (\\\\, \\", \\n) and help text (\\\\, \\n)', () => {
    const registry = new MetricsRegistry();
    registry.gauge({ name: 'g', help: 'line one\nback\\slash "quoted"', labelNames: ['path'] })
      .labels({ path: 'C:\\data\n"x"' }).set(1);
    const text = renderPrometheus([{ shard: 0, snapshot: registry.collect() }]);
    expect(text).toBe([
      '# HELP g line one\\nback\\\\slash "quoted"',
      '# TYPE g gauge',
      'g{path="C:\\\\data\\n\\"x\\"",shard="0"} 1',
      '',
    ].join('\n'));
    const [family] = parseExposition(text);
    expect(family?.samples[0]?.labels.get('path')).toBe('C:\\data\n"x"');
  });

  test('formats NaN, +Inf, -Inf and small or large numbers as Prometheus reads them', () => {
    const registry = new MetricsRegistry();
    registry.gauge({ name: 'nan', help: 'h' }).set(Number.NaN);
    registry.gauge({ name: 'pinf', help: 'h' }).set(Number.POSITIVE_INFINITY);
    registry.gauge({ name: 'ninf', help: 'h' }).set(Number.NEGATIVE_INFINITY);
    registry.gauge({ name: 'tiny', help: 'h' }).set(1e-7);
    registry.gauge({ name: 'huge', help: 'h' }).set(2 ** 70);
    const values = new Map(parseExposition(renderPrometheus([{ shard: 0, snapshot: registry.collect() }]))
      .map((f) => [f.name, f.samples[0]?.value]));
    expect(values.get('nan')).toBeNaN();
    expect(values.get('pinf')).toBe(Infinity);
    expect(values.get('ninf')).toBe(-Infinity);
    expect(values.get('tiny')).toBe(1e-7);
    expect(values.get('huge')).toBe(2 ** 70);
  });

  test('a name with two types across shards is METRIC_CONFLICT; bad shard numbers and extra labels are INVALID_ARGUMENT', () => {
    const a = new MetricsRegistry();
    a.counter({ name: 'x', help: 'h' });
    const b = new MetricsRegistry();
    b.gauge({ name: 'x', help: 'h' });
    expect(thrownCode(() => renderPrometheus([{ shard: 0, snapshot: a.collect() }, { shard: 1, snapshot: b.collect() }]))).toBe(ErrorCodes.METRIC_CONFLICT);
    expect(thrownCode(() => renderPrometheus([{ shard: 0, snapshot: a.collect() }, { shard: 0, snapshot: a.collect() }]))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(thrownCode(() => renderPrometheus([{ shard: -1, snapshot: a.collect() }]))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(thrownCode(() => renderPrometheus([{ shard: 0, snapshot: a.collect() }], { shard: '9' }))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(thrownCode(() => renderPrometheus([{ shard: 0, snapshot: a.collect() }], { 'bad-name': 'v' }))).toBe(ErrorCodes.INVALID_ARGUMENT);
  });

  test('a metric label that clashes with an extra label is METRIC_CONFLICT', () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: 'c', help: 'h', labelNames: ['instance'] }).labels({ instance: 'a' }).inc();
    expect(thrownCode(() => renderPrometheus([{ shard: 0, snapshot: registry.collect() }], { instance: 'n1' }))).toBe(ErrorCodes.METRIC_CONFLICT);
  });

  test('empty input renders nothing', () => {
    expect(renderPrometheus([])).toBe('');
    expect(renderPrometheus([{ shard: 0, snapshot: new MetricsRegistry().collect() }])).toBe('');
  });

  test('every line of a larger multi-shard exposition parses back and is consistent', () => {
    const shards = 4;
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31; // seeded LCG: deterministic
      return seed / 2 ** 31;
    };
    const awkward = ['statement', 'a "quoted" one', 'back\\slash', 'new\nline', 'ünïcödé', ''];
    const snapshots = [];
    for (let shard = 0; shard < shards; shard++) {
      const registry = new MetricsRegistry();
      const c = registry.counter({ name: 'charybdis_requests_total', help: 'Requests', labelNames: ['group', 'op'] });
      const g = registry.gauge({ name: 'charybdis_queue_length', help: 'Queue length', labelNames: ['group'] });
      const h = registry.histogram({ name: 'charybdis_io_latency_seconds', help: 'I/O latency', labelNames: ['class'], buckets: [0.001, 0.01, 0.1, 1] });
      registry.gauge({ name: 'charybdis_up', help: 'Shard is up', collect: () => 1 });
      for (let i = 0; i < 50; i++) {
        const group = awkward[Math.floor(random() * awkward.length)] as string;
        c.labels({ group, op: random() < 0.5 ? 'read' : 'write' }).inc(Math.floor(random() * 10));
        g.labels({ group }).set(random() * 100 - 50);
        h.labels({ class: random() < 0.5 ? 'query' : 'commitlog' }).observe(random() * 2);
      }
      snapshots.push({ shard, snapshot: registry.collect() });
    }
    const families = parseExposition(renderPrometheus(snapshots, { instance: '127.0.0.1:9180' }));
    expect(families.map((f) => f.name)).toEqual([
      'charybdis_io_latency_seconds', 'charybdis_queue_length', 'charybdis_requests_total', 'charybdis_up',
    ]);
    for (const family of families) {
      for (const s of family.samples) {
        expect(Number(s.labels.get('shard'))).toBeGreaterThanOrEqual(0);
        expect(Number(s.labels.get('shard'))).toBeLessThan(shards);
        expect(s.labels.get('instance')).toBe('127.0.0.1:9180');
      }
    }
    expect(families.find((f) => f.name === 'charybdis_up')?.samples).toHaveLength(shards);
    const requests = families.find((f) => f.name === 'charybdis_requests_total') as ParsedFamily;
    expect(requests.samples.every((s) => awkward.includes(s.labels.get('group') as string))).toBe(true);
    const keys = requests.samples.map((s) => JSON.stringify([...s.labels]));
    expect(new Set(keys).size).toBe(keys.length); // no duplicate series

    // Histogram series: buckets cumulative and non-decreasing, +Inf equals _count.
    const histogram = families.find((f) => f.name === 'charybdis_io_latency_seconds') as ParsedFamily;
    const bySeries = new Map<string, ParsedSample[]>();
    for (const s of histogram.samples) {
      const key = JSON.stringify([...s.labels].filter(([k]) => k !== 'le'));
      bySeries.set(key, [...(bySeries.get(key) ?? []), s]);
    }
    expect(bySeries.size).toBeGreaterThan(0);
    for (const series of bySeries.values()) {
      const buckets = series.filter((s) => s.name.endsWith('_bucket'));
      expect(buckets.map((b) => b.labels.get('le'))).toEqual(['0.001', '0.01', '0.1', '1', '+Inf']);
      for (let i = 1; i < buckets.length; i++) expect((buckets[i] as ParsedSample).value).toBeGreaterThanOrEqual((buckets[i - 1] as ParsedSample).value);
      const count = series.find((s) => s.name.endsWith('_count'));
      expect(buckets[buckets.length - 1]?.value).toBe(count?.value);
      expect(series.filter((s) => s.name.endsWith('_sum'))).toHaveLength(1);
    }
  });
});
