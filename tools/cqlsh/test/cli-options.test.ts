import { DEFAULT_CONNECT_TIMEOUT_S, parseCliArgs } from '../src/cli-options';

const run = (argv: string[], env: Record<string, string> = {}) => {
  const c = parseCliArgs(argv, env);
  if (c.kind !== 'run') throw new Error(`expected run, got ${c.kind}`);
  return c.options;
};

test('defaults: 127.0.0.1:9042, no SSL, cqlsh timeouts', () => {
  expect(run([])).toMatchObject({ host: '127.0.0.1', port: 9042, ssl: false, connectTimeoutS: DEFAULT_CONNECT_TIMEOUT_S, requestTimeoutS: 10 });
});

test('host and port, flags with separate or = values', () => {
  expect(run(['10.0.0.2', '9043', '-u', 'bob', '--password=pw', '-k', 'ks', '-e', 'SELECT 1', '--request-timeout', '2.5'])).toMatchObject({
    host: '10.0.0.2', port: 9043, username: 'bob', password: 'pw', keyspace: 'ks', execute: 'SELECT 1', requestTimeoutS: 2.5,
  });
  expect(run(['-f', 'x.cql', '--connect-timeout=1'])).toMatchObject({ file: 'x.cql', connectTimeoutS: 1 });
});

test('environment: CQLSH_HOST/PORT, SSL_VALIDATE and SSL_CERTFILE', () => {
  expect(run([], { CQLSH_HOST: 'h', CQLSH_PORT: '1234' })).toMatchObject({ host: 'h', port: 1234 });
  expect(run(['--ssl'], { SSL_VALIDATE: 'false' })).toMatchObject({ ssl: true, sslValidate: false });
  expect(run(['--ssl'], { SSL_CERTFILE: '/ca.pem' })).toMatchObject({ ssl: true, sslValidate: true, sslCertfile: '/ca.pem' });
});

test('help and version', () => {
  expect(parseCliArgs(['--help'], {}).kind).toBe('help');
  expect(parseCliArgs(['-h'], {}).kind).toBe('help');
  expect(parseCliArgs(['--version'], {}).kind).toBe('version');
});

test.each([
  [['--bogus'], 'unrecognized arguments: --bogus'],
  [['h', 'p'], "invalid port 'p'"],
  [['h', '70000'], "invalid port '70000'"],
  [['a', '1', 'b'], 'unrecognized arguments: b'],
  [['-e'], 'argument -e: expected one argument'],
  [['--connect-timeout', '0'], 'argument --connect-timeout: invalid value'],
  [['-e', 'x', '-f', 'y'], '-e and -f cannot be used together'],
])('bad command line %j is a usage error', (argv, message) => {
  expect(() => parseCliArgs(argv, {})).toThrow(message);
});
