import { formatConnectionError, formatQueryError } from '../src/error-format';

const response = (code: number, message: string, extra: object = {}) => Object.assign(new Error(message), { name: 'ResponseError', code, ...extra });

test('server errors read as the Python driver names them in cqlsh', () => {
  expect(formatQueryError(response(0x2200, 'unconfigured table x'))).toBe('InvalidRequest: Error from server: code=2200 [Invalid query] message="unconfigured table x"');
  expect(formatQueryError(response(0x2000, "line 1:0 no viable alternative at input 'FOO'"))).toBe("SyntaxException: line 1:0 no viable alternative at input 'FOO'");
  expect(formatQueryError(response(0x2400, 'x', { keyspace: 'ks', table: 't' }))).toBe("AlreadyExists: Table 'ks.t' already exists");
  expect(formatQueryError(response(0x2400, 'x', { keyspace: 'ks', table: '' }))).toBe("AlreadyExists: Keyspace 'ks' already exists");
  expect(formatQueryError(response(0x2300, 'bad rf'))).toBe('ConfigurationException: bad rf');
  expect(formatQueryError(response(0x1000, 'down', { consistencies: 4, required: 2, alive: 1 }))).toBe(
    `Unavailable: Error from server: code=1000 [Unavailable exception] message="down" info={'consistency': 'QUORUM', 'required_replicas': 2, 'alive_replicas': 1}`,
  );
});

test('the connection error line', () => {
  const err = Object.assign(new Error('All host(s) tried'), { name: 'NoHostAvailableError', innerErrors: { '127.0.0.1:9042': new Error('connect ECONNREFUSED 127.0.0.1:9042') } });
  expect(formatConnectionError(err, '127.0.0.1:9042')).toBe("Connection error: ('Unable to connect to any servers', {'127.0.0.1:9042': 'connect ECONNREFUSED 127.0.0.1:9042'})");
});
