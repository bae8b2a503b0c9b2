import { runCli } from '../src/cli';
import { parseStressArgs } from '../src/options';
import type { StressOptions } from '../src/options';

function options(argv: string[]): StressOptions {
  const cmd = parseStressArgs(argv);
  if (cmd.kind !== 'run') throw new Error('expected a run');
  return cmd.options;
}

test('defaults: a write populates -n rows in order; a read draws uniformly from them', () => {
  const w = options(['write', '-n', '5000']);
  expect(w).toMatchObject({ workload: 'write', ops: 5000, population: 5000, firstKey: 0, distribution: { kind: 'seq' }, concurrency: 32, connections: 1 });
  expect(w.contactPoints).toEqual(['127.0.0.1:9042']);
  expect(w.durationMs).toBeUndefined();
  const r = options(['read', '--duration', '30s', '--host', 'a,b:9999', '--port', '9043']);
  expect(r).toMatchObject({ durationMs: 30_000, population: 1_000_000, distribution: { kind: 'uniform' }, contactPoints: ['a:9043', 'b:9999'] });
  expect(r.ops).toBeUndefined();
});

test('mixed ratio, zipf exponent, rate mode and the rest of the options', () => {
  const o = options(['mixed', '--ratio', 'write=1,read=3', '--dist', 'zipf:1.2', '--rate', '5k/s', '--warmup', '500ms', '--value-size', '4k',
    '--rows-per-partition', '10', '--cl', 'local_quorum', '--max-errors', '0', '--format', 'json', '--json', 'out.json', '--connections', '2']);
  expect(o).toMatchObject({
    ratio: { write: 1, read: 3 }, distribution: { kind: 'zipf', exponent: 1.2 }, ratePerSec: 5000, concurrency: 1024, warmupMs: 500,
    valueSizeBytes: 4096, rowsPerPartition: 10, consistency: 'LOCAL_QUORUM', maxErrors: 0, format: 'json', jsonFile: 'out.json', connections: 2,
  });
  expect(options(['mixed', '--dist', 'zipf']).distribution).toEqual({ kind: 'zipf', exponent: 0.99 });
});

test.each([
  [[], /missing the workload/],
  [['scan'], /unknown workload 'scan'/],
  [['write', '--bogus'], /Unknown option '--bogus'/],
  [['write', '-n', 'ten'], /--ops must be a whole number/],
  [['write', '-n', '0'], /--ops must be a whole number >= 1/],
  [['write', '-n', '10', '--duration', '5s'], /not both/],
  [['write', '--duration', 'soon'], /--duration must be a duration/],
  [['write', '--ratio', 'write=1'], /mixed workload only/],
  [['mixed', '--ratio', 'write=1,scan=2'], /--ratio must look like/],
  [['mixed', '--ratio', 'write=0,read=0'], /positive weight/],
  [['read', '--dist', 'zipf:0'], /--dist must be/],
  [['read', '--dist', 'gauss'], /--dist must be/],
  [['read', '--rate', '0'], /--rate must be a positive number/],
  [['read', '--rate', '-5'], /Option '--rate' argument is ambiguous/],
  [['read', '--cl', 'SOME'], /--cl must be one of/],
  [['read', '--concurrency', '100000'], /--concurrency must be a whole number from 1 to 30000/],
  [['read', '--keyspace', 'drop table x'], /--keyspace must be a CQL identifier/],
  [['read', '--host', 'h:99999'], /--host port/],
  [['read', '--user', 'u'], /--user and --password go together/],
  [['read', '--format', 'xml'], /--format must be text or json/],
  [['read', 'extra'], /unexpected argument 'extra'/],
  [['read', '--value-size', '0'], /--value-size must be a size/],
])('bad command line %j is a usage error', (argv, message) => {
  let thrown: unknown;
  try {
    parseStressArgs(argv);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toMatchObject({ code: 'STRESS_USAGE' });
  expect((thrown as Error).message).toMatch(message);
});

test('the CLI prints the problem and the usage on stderr and exits 2; --help prints the usage and exits 0', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } };
  expect(await runCli(['write', '--rate', 'fast'], io)).toBe(2);
  expect(err.join('')).toMatch(/^stress: error: --rate must be a positive number .*'fast'\n\nUsage: stress <write\|read\|mixed>/);
  expect(out).toEqual([]);
  expect(await runCli(['--help'], io)).toBe(0);
  expect(out.join('')).toMatch(/^Usage: stress/);
});
