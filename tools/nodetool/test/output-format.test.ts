import { parseCommandArgs, parseGlobalOptions } from '../src/command-line';
import { progressLine } from '../src/commands/maintenance-commands';
import { histogramQuantile } from '../src/commands/table-commands';
import { alignColumns, decimal2, fileSize, latencyMs, percent } from '../src/format';

/** nodetool's pure parts: Cassandra's number and table layouts, the command line, progress and percentiles. */

describe('Cassandra layouts', () => {
  test('file sizes as FileUtils.stringifyFileSize prints them', () => {
    expect(fileSize(0)).toBe('0 bytes');
    expect(fileSize(1023)).toBe('1023 bytes');
    expect(fileSize(1024)).toBe('1 KiB');
    expect(fileSize(5150)).toBe('5.03 KiB');
    expect(fileSize(3 * 1024 ** 3 + 1024 ** 3 / 2)).toBe('3.5 GiB');
    expect(decimal2(1.005)).toBe('1');
  });

  test('columns left-aligned two spaces apart, no trailing spaces', () => {
    expect(alignColumns([['--', 'Address', 'Load'], ['UN', '127.0.0.1', '1 KiB']])).toEqual(['--  Address    Load', 'UN  127.0.0.1  1 KiB']);
  });

  test('percentages and latencies', () => {
    expect(percent(1)).toBe('100.0%');
    expect(percent(1 / 3, 2)).toBe('33.33%');
    expect(latencyMs(0, 0)).toBe('NaN ms');
    expect(latencyMs(3000, 2)).toBe('1.500 ms');
  });
});

describe('command line', () => {
  test('global options anywhere, as -h/-p or --host=/--port=', () => {
    expect(parseGlobalOptions(['flush', '-h', '10.0.0.1', 'ks', '--port=10001', 't'])).toEqual({ host: '10.0.0.1', port: 10001, help: false, rest: ['flush', 'ks', 't'] });
    expect(parseGlobalOptions(['-u', 'cassandra', '-pw', 'x', 'status']).rest).toEqual(['status']);
    expect(() => parseGlobalOptions(['-p', '70000', 'status'])).toThrow(/Invalid port '70000'/);
  });

  test('command options, -- ends them', () => {
    const specs = [{ names: ['-t', '--tag'], key: 'tag', takesValue: true, help: '' }, { names: ['-sf'], key: 'sf', takesValue: false, help: '' }];
    const parsed = parseCommandArgs('snapshot', specs, ['--tag=x', '-sf', 'ks', '--', '-weird']);
    expect([...parsed.options]).toEqual([['tag', 'x'], ['sf', 'true']]);
    expect(parsed.args).toEqual(['ks', '-weird']);
    expect(() => parseCommandArgs('snapshot', specs, ['-t'])).toThrow("Required value for '-t' is missing");
  });
});

describe('compact progress and histogram percentiles', () => {
  test('progress line per running compaction', () => {
    expect(progressLine([])).toBe('compacting...');
    expect(progressLine([{ id: '0-1', ks: 'ks', cf: 't', task_type: 'COMPACTION', unit: 'partitions', completed: 40, total: 100, major: true }])).toBe('compacting ks.t: 40% (40/100 partitions)');
  });

  test('a percentile is the upper bound of the bucket that reaches its rank; absent is NaN, empty 0', () => {
    const h = { bounds: [10, 100, 1000], buckets: [5, 9, 10], count: 10, sum: 0 };
    expect(histogramQuantile(h, 0.5)).toBe(10);
    expect(histogramQuantile(h, 0.75)).toBe(100);
    expect(histogramQuantile(h, 1)).toBe(1000);
    expect(histogramQuantile(null, 0.5)).toBeNaN();
    expect(histogramQuantile({ bounds: [1], buckets: [0], count: 0, sum: 0 }, 0.5)).toBe(0);
  });
});
