import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_KEYS, defaultConfig, helpText, loadConfig } from '../src/config';
import type { LoadConfigOptions, NodeConfig } from '../src/config';

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const SHIPPED_CONF = path.resolve(__dirname, '../../../conf/charybdis.yaml');

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charybdis-config-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function options(over: Partial<LoadConfigOptions> = {}): LoadConfigOptions {
  return {
    argv: [],
    env: {},
    cwd: dir,
    defaultConfigPath: path.join(dir, 'conf', 'charybdis.yaml'),
    cpuCount: 4,
    totalMemoryBytes: 16 * GIB,
    ...over,
  };
}

function load(over: Partial<LoadConfigOptions> = {}): { config: NodeConfig; configPath: string | null } {
  const result = loadConfig(options(over));
  if (result.kind !== 'config') throw new Error(`expected a config, got ${result.kind}`);
  return result;
}

function writeConf(text: string, name = 'charybdis.yaml'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Loads expecting a ConfigError; checks the contract every message keeps; returns it. */
function failure(over: Partial<LoadConfigOptions>): string {
  let caught: unknown;
  try {
    loadConfig(options(over));
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(Error);
  const err = caught as Error & { code?: unknown };
  expect(err.code).toBe('CHARYBDIS_CONFIG_INVALID');
  expect(err.message).not.toMatch(/[\r\n]/);
  expect(err.message.startsWith('charybdis: ')).toBe(true);
  return err.message;
}

describe('defaults', () => {
  test('with no config file, every setting has its embedded default', () => {
    const { config, configPath } = load();
    expect(configPath).toBeNull();
    expect(config).toEqual({
      cluster_name: 'Test Cluster',
      listen_address: '127.0.0.1',
      rpc_address: '127.0.0.1',
      api_address: '127.0.0.1',
      prometheus_address: '127.0.0.1',
      native_transport_port: 9042,
      native_shard_aware_transport_port: 19042,
      api_port: 10000,
      prometheus_port: 9180,
      workdir: path.join(dir, 'data'),
      data_file_directories: [path.join(dir, 'data', 'data')],
      commitlog_directory: path.join(dir, 'data', 'commitlog'),
      commitlog_sync: 'periodic',
      commitlog_sync_period_in_ms: 10000,
      commitlog_segment_size_in_mb: 32,
      io_properties_file: path.join(dir, 'conf', 'io_properties.yaml'),
      smp: 4,
      memory: 8 * GIB,
      default_log_level: 'info',
      authenticator: 'AllowAllAuthenticator',
      authorizer: 'AllowAllAuthorizer',
      auth_superuser_name: 'cassandra',
      auth_superuser_password: 'cassandra',
      allow_unauthenticated_remote_access: false,
      client_encryption_enabled: false,
      client_encryption_certificate: null,
      client_encryption_keyfile: null,
      client_encryption_truststore: null,
      client_encryption_require_client_auth: false,
    });
    expect(config).toEqual(defaultConfig({ cwd: dir, cpuCount: 4, totalMemoryBytes: 16 * GIB }));
  });

  test('the shipped conf/charybdis.yaml validates and gives exactly the defaults', () => {
    const { config, configPath } = load({ defaultConfigPath: SHIPPED_CONF });
    expect(configPath).toBe(SHIPPED_CONF);
    expect(config).toEqual(load().config);
  });

  test('the shipped file leaves the directories to follow --data-dir', () => {
    const { config } = load({ defaultConfigPath: SHIPPED_CONF, argv: ['--data-dir', 'elsewhere'] });
    expect(config.data_file_directories).toEqual([path.join(dir, 'elsewhere', 'data')]);
    expect(config.commitlog_directory).toBe(path.join(dir, 'elsewhere', 'commitlog'));
  });

  test('an empty config file, or one with only comments, is fine', () => {
    const empty = writeConf('');
    expect(load({ argv: ['-c', empty] })).toEqual({ kind: 'config', config: load().config, configPath: empty });
    const comments = writeConf('# nothing set\n', 'comments.yaml');
    expect(load({ argv: ['-c', comments] }).config).toEqual(load().config);
  });

  test('a key with no value (YAML null) takes the default', () => {
    const file = writeConf('smp:\nmemory: ~\ncluster_name: null\n');
    expect(load({ argv: ['--config', file] }).config).toEqual(load().config);
  });

  test('the default config path is read when it exists', () => {
    const file = writeConf('cluster_name: from default path\n');
    const { config, configPath } = load({ defaultConfigPath: file });
    expect(configPath).toBe(file);
    expect(config.cluster_name).toBe('from default path');
  });
});

describe('sources and precedence', () => {
  test('file < environment < option, key by key', () => {
    const file = writeConf('smp: 2\napi_port: 10001\ncluster_name: file\n');
    const env = { CHARYBDIS_SMP: '3', CHARYBDIS_API_PORT: '10002' };
    expect(load({ argv: ['-c', file] }).config).toMatchObject({ smp: 2, api_port: 10001, cluster_name: 'file' });
    expect(load({ argv: ['-c', file], env }).config).toMatchObject({ smp: 3, api_port: 10002, cluster_name: 'file' });
    expect(load({ argv: ['-c', file, '--smp', '1'], env }).config).toMatchObject({
      smp: 1,
      api_port: 10002,
      cluster_name: 'file',
    });
  });

  test('--config beats CHARYBDIS_CONF, which beats the default path', () => {
    const byDefault = writeConf('cluster_name: default\n', 'default.yaml');
    const byEnv = writeConf('cluster_name: env\n', 'env.yaml');
    const byFlag = writeConf('cluster_name: flag\n', 'flag.yaml');
    const base = { defaultConfigPath: byDefault };
    expect(load(base).config.cluster_name).toBe('default');
    expect(load({ ...base, env: { CHARYBDIS_CONF: byEnv } }).config.cluster_name).toBe('env');
    const both = load({ ...base, env: { CHARYBDIS_CONF: byEnv }, argv: ['--config', byFlag] });
    expect(both).toMatchObject({ configPath: byFlag, config: { cluster_name: 'flag' } });
  });

  test('every setting can be given by its environment variable', () => {
    const { config } = load({
      env: {
        CHARYBDIS_CLUSTER_NAME: 'env cluster',
        CHARYBDIS_LISTEN_ADDRESS: '127.0.0.2',
        CHARYBDIS_RPC_ADDRESS: '::1',
        CHARYBDIS_API_ADDRESS: 'localhost',
        CHARYBDIS_PROMETHEUS_ADDRESS: '0.0.0.0',
        CHARYBDIS_NATIVE_TRANSPORT_PORT: '9043',
        CHARYBDIS_NATIVE_SHARD_AWARE_TRANSPORT_PORT: '19043',
        CHARYBDIS_API_PORT: '10001',
        CHARYBDIS_PROMETHEUS_PORT: '9181',
        CHARYBDIS_WORKDIR: 'w',
        CHARYBDIS_DATA_FILE_DIRECTORIES: 'd1, /abs/d2',
        CHARYBDIS_COMMITLOG_DIRECTORY: 'cl',
        CHARYBDIS_COMMITLOG_SYNC: 'batch',
        CHARYBDIS_COMMITLOG_SYNC_PERIOD_IN_MS: '500',
        CHARYBDIS_COMMITLOG_SEGMENT_SIZE_IN_MB: '8',
        CHARYBDIS_IO_PROPERTIES_FILE: 'io.yaml',
        CHARYBDIS_SMP: '2',
        CHARYBDIS_MEMORY: '1G',
        CHARYBDIS_DEFAULT_LOG_LEVEL: 'debug',
        CHARYBDIS_AUTHENTICATOR: 'org.apache.cassandra.auth.PasswordAuthenticator',
        CHARYBDIS_AUTHORIZER: 'CassandraAuthorizer',
        CHARYBDIS_AUTH_SUPERUSER_NAME: 'admin',
        CHARYBDIS_AUTH_SUPERUSER_PASSWORD: 'from-env',
        CHARYBDIS_ALLOW_UNAUTHENTICATED_REMOTE_ACCESS: 'yes',
        CHARYBDIS_CLIENT_ENCRYPTION_ENABLED: 'true',
        CHARYBDIS_CLIENT_ENCRYPTION_CERTIFICATE: 'node.crt',
        CHARYBDIS_CLIENT_ENCRYPTION_KEYFILE: '/abs/node.key',
        CHARYBDIS_CLIENT_ENCRYPTION_TRUSTSTORE: 'ca.crt',
        CHARYBDIS_CLIENT_ENCRYPTION_REQUIRE_CLIENT_AUTH: '1',
        CHARYBDIS_NATIVE: '0', // read elsewhere; ignored here
        CHARYBDIS_SOMETHING_ELSE: 'x',
      },
    });
    expect(config).toEqual({
      cluster_name: 'env cluster',
      listen_address: '127.0.0.2',
      rpc_address: '::1',
      api_address: '127.0.0.1',
      prometheus_address: '0.0.0.0',
      native_transport_port: 9043,
      native_shard_aware_transport_port: 19043,
      api_port: 10001,
      prometheus_port: 9181,
      workdir: path.join(dir, 'w'),
      data_file_directories: [path.join(dir, 'd1'), '/abs/d2'],
      commitlog_directory: path.join(dir, 'cl'),
      commitlog_sync: 'batch',
      commitlog_sync_period_in_ms: 500,
      commitlog_segment_size_in_mb: 8,
      io_properties_file: path.join(dir, 'io.yaml'),
      smp: 2,
      memory: GIB,
      default_log_level: 'debug',
      authenticator: 'PasswordAuthenticator',
      authorizer: 'CassandraAuthorizer',
      auth_superuser_name: 'admin',
      auth_superuser_password: 'from-env',
      allow_unauthenticated_remote_access: true,
      client_encryption_enabled: true,
      client_encryption_certificate: path.join(dir, 'node.crt'),
      client_encryption_keyfile: '/abs/node.key',
      client_encryption_truststore: path.join(dir, 'ca.crt'),
      client_encryption_require_client_auth: true,
    });
  });

  test('every setting can be given as --key VALUE and --key=VALUE', () => {
    const values: Record<string, string> = {
      '--cluster-name': 'flag cluster',
      '--listen-address': '127.0.0.3',
      '--rpc-address': '127.0.0.4',
      '--api-address': '127.0.0.5',
      '--prometheus-address': '127.0.0.6',
      '--native-transport-port': '9044',
      '--native-shard-aware-transport-port': '19044',
      '--api-port': '10004',
      '--prometheus-port': '9184',
      '--workdir': 'w',
      '--data-file-directories': 'a,b',
      '--commitlog-directory': 'c',
      '--commitlog-sync': 'batch',
      '--commitlog-sync-period-in-ms': '2000',
      '--commitlog-segment-size-in-mb': '64',
      '--io-properties-file': '/etc/io.yaml',
      '--smp': '3',
      '--memory': '1.5GiB',
      '--default-log-level': 'warn',
      '--authenticator': 'PasswordAuthenticator',
      '--authorizer': 'com.scylladb.auth.CassandraAuthorizer',
      '--auth-superuser-name': 'root',
      '--auth-superuser-password': 'pw',
      '--allow-unauthenticated-remote-access': 'false',
      '--client-encryption-enabled': 'false',
      '--client-encryption-certificate': 'n.crt',
      '--client-encryption-keyfile': 'n.key',
      '--client-encryption-truststore': 'ca.crt',
      '--client-encryption-require-client-auth': 'no',
    };
    expect(Object.keys(values).sort()).toEqual(CONFIG_KEYS.map((key) => key.flag).sort());
    const spaced = load({ argv: Object.entries(values).flat() }).config;
    const joined = load({ argv: Object.entries(values).map(([flag, value]) => `${flag}=${value}`) }).config;
    expect(joined).toEqual(spaced);
    expect(spaced).toMatchObject({
      cluster_name: 'flag cluster',
      rpc_address: '127.0.0.4',
      native_shard_aware_transport_port: 19044,
      data_file_directories: [path.join(dir, 'a'), path.join(dir, 'b')],
      commitlog_directory: path.join(dir, 'c'),
      commitlog_sync: 'batch',
      commitlog_sync_period_in_ms: 2000,
      commitlog_segment_size_in_mb: 64,
      io_properties_file: '/etc/io.yaml',
      smp: 3,
      memory: 1.5 * GIB,
      default_log_level: 'warn',
      authorizer: 'CassandraAuthorizer',
      auth_superuser_name: 'root',
      client_encryption_certificate: path.join(dir, 'n.crt'),
      client_encryption_require_client_auth: false,
    });
  });

  test('the last of a repeated option wins, and --key=VALUE keeps later "=" in the value', () => {
    const { config } = load({ argv: ['--smp', '1', '--smp=2', '--cluster-name=a=b'] });
    expect(config).toMatchObject({ smp: 2, cluster_name: 'a=b' });
  });

  test('shortcuts: --log-level, and an empty environment variable counts as unset', () => {
    const { config } = load({ argv: ['--log-level', 'error'], env: { CHARYBDIS_SMP: '' } });
    expect(config).toMatchObject({ default_log_level: 'error', smp: 4 });
  });

  test('memory accepts bytes or a size with a binary suffix', () => {
    const memoryOf = (value: string): number => load({ argv: ['--memory', value] }).config.memory;
    expect(memoryOf('536870912')).toBe(512 * MIB);
    expect(memoryOf('512M')).toBe(512 * MIB);
    expect(memoryOf('512MB')).toBe(512 * MIB);
    expect(memoryOf('512Mi')).toBe(512 * MIB);
    expect(memoryOf('2G')).toBe(2 * GIB);
    expect(memoryOf('1.5GiB')).toBe(1.5 * GIB);
    expect(memoryOf('8g')).toBe(8 * GIB);
    expect(load({ argv: ['--memory', '1T'], totalMemoryBytes: 2 ** 41 }).config.memory).toBe(2 ** 40);
    const file = writeConf('memory: 1073741824\n');
    expect(load({ argv: ['-c', file] }).config.memory).toBe(GIB);
  });
});

describe('paths', () => {
  test('--data-dir moves data and commitlog, unless they are set explicitly', () => {
    const moved = load({ argv: ['--data-dir', './data2'] }).config;
    expect(moved.workdir).toBe(path.join(dir, 'data2'));
    expect(moved.data_file_directories).toEqual([path.join(dir, 'data2', 'data')]);
    expect(moved.commitlog_directory).toBe(path.join(dir, 'data2', 'commitlog'));

    const file = writeConf('workdir: from-file\ncommitlog_directory: /fast/commitlog\n');
    const mixed = load({ argv: ['-c', file, '--data-dir', 'from-flag'] }).config;
    expect(mixed.data_file_directories).toEqual([path.join(dir, 'from-flag', 'data')]);
    expect(mixed.commitlog_directory).toBe('/fast/commitlog');
  });

  test('CHARYBDIS_DATA_DIR is an alias of CHARYBDIS_WORKDIR, which wins when both are set', () => {
    expect(load({ env: { CHARYBDIS_DATA_DIR: 'alias' } }).config.commitlog_directory).toBe(
      path.join(dir, 'alias', 'commitlog'),
    );
    expect(load({ env: { CHARYBDIS_DATA_DIR: 'alias', CHARYBDIS_WORKDIR: 'main' } }).config.workdir).toBe(
      path.join(dir, 'main'),
    );
  });

  test('relative paths resolve against cwd, not against the config file', () => {
    fs.mkdirSync(path.join(dir, 'conf'));
    const file = path.join(dir, 'conf', 'node.yaml');
    fs.writeFileSync(file, 'data_file_directories: [d1, /abs/d2]\ncommitlog_directory: ../cl\n');
    const cwd = path.join(dir, 'run');
    const { config, configPath } = load({ cwd, argv: ['-c', '../conf/node.yaml'] });
    expect(configPath).toBe(file);
    expect(config.workdir).toBe(path.join(cwd, 'data'));
    expect(config.data_file_directories).toEqual([path.join(cwd, 'd1'), '/abs/d2']);
    expect(config.commitlog_directory).toBe(path.join(dir, 'cl'));
  });
});

describe('help and version', () => {
  test('--help lists every setting with its option and environment variable, in 80 columns', () => {
    const result = loadConfig(options({ argv: ['--help'] }));
    expect(result.kind).toBe('help');
    const text = result.kind === 'help' ? result.text : '';
    expect(text).toMatch(/^Usage: charybdis \[options\]/);
    for (const key of CONFIG_KEYS) {
      expect(text).toContain(`${key.flag} `);
      expect(text).toContain(key.envVar);
    }
    for (const extra of ['--data-dir', '--log-level', 'CHARYBDIS_DATA_DIR', '--config', 'CHARYBDIS_CONF', '--version']) {
      expect(text).toContain(extra);
    }
    expect(text).toContain(path.join(dir, 'conf', 'charybdis.yaml'));
    for (const line of helpText().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  test('-h, --version and -V; help wins over a broken command line', () => {
    expect(loadConfig(options({ argv: ['-h'] })).kind).toBe('help');
    expect(loadConfig(options({ argv: ['--smpp', '2', '--help'] })).kind).toBe('help');
    expect(loadConfig(options({ argv: ['--version'] }))).toEqual({ kind: 'version' });
    expect(loadConfig(options({ argv: ['-V', '--smp', 'x'] }))).toEqual({ kind: 'version' });
  });
});

describe('errors name the source and the key, on one line', () => {
  test('a wrong type in the file', () => {
    const file = writeConf('smp: two\n');
    expect(failure({ argv: ['-c', file] })).toBe(
      `charybdis: ${file}: smp: expected an integer from 1 to 256, got "two"`,
    );
  });

  test('an unknown key in the file, with a suggestion when one is close', () => {
    const file = writeConf('clustr_name: x\n');
    expect(failure({ argv: ['-c', file] })).toBe(`charybdis: ${file}: unknown key 'clustr_name' (did you mean 'cluster_name'?)`);
    const far = writeConf('seeds: 127.0.0.1\n', 'far.yaml');
    const message = failure({ argv: ['-c', far] });
    expect(message).toContain(far);
    expect(message).toContain("unknown key 'seeds'");
    expect(message).not.toContain('did you mean');
  });

  test.each([
    ['native_transport_port: 70000', 'native_transport_port', 'an integer from 1 to 65535', '70000'],
    ['api_port: 0', 'api_port', 'an integer from 1 to 65535', '0'],
    ['prometheus_port: 9180.5', 'prometheus_port', 'an integer from 1 to 65535', '9180.5'],
    ['smp: 0', 'smp', 'an integer from 1 to 256', '0'],
    ['smp: 257', 'smp', 'an integer from 1 to 256', '257'],
    ['memory: lots', 'memory', 'a size in bytes', '"lots"'],
    ['memory: -5', 'memory', 'a size in bytes', '-5'],
    ['cluster_name: ""', 'cluster_name', 'a non-empty string', '""'],
    ['rpc_address: my-host.example', 'rpc_address', 'an IPv4 or IPv6 address', '"my-host.example"'],
    ['listen_address: 300.1.1.1', 'listen_address', 'an IPv4 or IPv6 address', '"300.1.1.1"'],
    ['default_log_level: verbose', 'default_log_level', 'one of trace, debug', '"verbose"'],
    ['data_file_directories: []', 'data_file_directories', 'a non-empty list', '[]'],
    ['data_file_directories: [a, ""]', 'data_file_directories', 'a non-empty list', '["a",""]'],
    ['data_file_directories: /one/dir', 'data_file_directories', 'a non-empty list', '"/one/dir"'],
    ['workdir: [a, b]', 'workdir', 'a non-empty path', '["a","b"]'],
  ])('impossible value in the file: %s', (yamlText, key, expected, got) => {
    const file = writeConf(`${yamlText}\n`);
    const message = failure({ argv: ['-c', file] });
    expect(message).toContain(`${file}: ${key}: expected ${expected}`);
    expect(message).toMatch(new RegExp(`, got ${got.replace(/[[\]]/g, '\\$&')}$`));
  });

  test('a bad environment value names the variable', () => {
    expect(failure({ env: { CHARYBDIS_SMP: 'two' } })).toBe(
      'charybdis: environment variable CHARYBDIS_SMP: expected an integer from 1 to 256, got "two"',
    );
    expect(failure({ env: { CHARYBDIS_DATA_FILE_DIRECTORIES: 'a,,b' } })).toContain(
      'environment variable CHARYBDIS_DATA_FILE_DIRECTORIES: expected a non-empty list',
    );
  });

  test('a bad option value names the option as typed', () => {
    expect(failure({ argv: ['--native-transport-port', '70000'] })).toBe(
      'charybdis: option --native-transport-port: expected an integer from 1 to 65535, got "70000"',
    );
    expect(failure({ argv: ['--log-level=loud'] })).toContain('option --log-level: expected one of trace');
    expect(failure({ argv: ['--smp', '-1'] })).toContain('option --smp: expected an integer from 1 to 256, got "-1"');
  });

  test('an unknown option, with a suggestion when one is close', () => {
    expect(failure({ argv: ['--smpp', '2'] })).toBe('charybdis: unknown option --smpp; did you mean --smp? (see charybdis --help)');
    expect(failure({ argv: ['--native_transport_port=9042'] })).toContain('did you mean --native-transport-port?');
    expect(failure({ argv: ['--frobnicate'] })).toBe('charybdis: unknown option --frobnicate (see charybdis --help)');
    expect(failure({ argv: ['stray'] })).toContain('unexpected argument "stray"');
  });

  test('an option without its value', () => {
    expect(failure({ argv: ['--smp'] })).toContain('option --smp needs a value');
    expect(failure({ argv: ['--data-dir', '--smp', '2'] })).toContain('option --data-dir needs a value');
    expect(failure({ argv: ['-c'] })).toContain('option -c needs a value');
    expect(failure({ argv: ['--config='] })).toContain('option --config needs a file name');
  });

  test('the same port twice', () => {
    expect(failure({ argv: ['--native-shard-aware-transport-port', '9042'] })).toBe(
      'charybdis: native_transport_port 9042 (default) and native_shard_aware_transport_port ' +
        '(option --native-shard-aware-transport-port) are the same port on 127.0.0.1; give each its own port',
    );
    const file = writeConf('prometheus_port: 10000\n');
    expect(failure({ argv: ['-c', file] })).toContain(`api_port 10000 (default) and prometheus_port (${file})`);
    expect(failure({ env: { CHARYBDIS_API_PORT: '9042' } })).toContain('native_transport_port 9042 (default) and api_port');
    // A wildcard address overlaps every other address.
    expect(failure({ argv: ['--api-port', '9180', '--api-address', '0.0.0.0'] })).toContain(
      'api_port 9180 (option --api-port) and prometheus_port (default) are the same port on 0.0.0.0 and 127.0.0.1',
    );
  });

  test('the same port on different addresses is fine', () => {
    const { config } = load({ argv: ['--api-port', '9042', '--api-address', '127.0.0.2'] });
    expect(config).toMatchObject({ api_port: 9042, api_address: '127.0.0.2', native_transport_port: 9042 });
  });

  test('memory below 64 MiB per shard or above the RAM', () => {
    expect(failure({ argv: ['--memory', '128M'] })).toBe(
      'charybdis: memory 128 MiB (option --memory) is less than 64 MiB per shard × smp 4 (default) = 256 MiB; ' +
        'raise memory or lower smp',
    );
    expect(load({ argv: ['--memory', '128M', '--smp', '2'] }).config.memory).toBe(128 * MIB);
    expect(failure({ argv: ['--memory', '32G'] })).toBe(
      "charybdis: memory 32 GiB (option --memory) is more than this machine's 16 GiB of RAM",
    );
    // The default (half the RAM) is checked too, against the smp in force.
    expect(failure({ totalMemoryBytes: 256 * MIB })).toContain('memory 128 MiB (default) is less than');
  });

  test('a data directory listed twice', () => {
    expect(failure({ argv: ['--data-file-directories', 'a,./a'] })).toBe(
      `charybdis: data_file_directories (option --data-file-directories) lists ${path.join(dir, 'a')} twice`,
    );
  });

  test('a YAML syntax error gives file, line and column', () => {
    const file = writeConf('cluster_name: ok\nsmp: [1, 2\napi_port: 3\n');
    expect(failure({ argv: ['-c', file] })).toMatch(
      new RegExp(`^charybdis: ${file.replace(/[.]/g, '\\.')}: invalid YAML at line 3, column 1: .+`),
    );
    const duplicate = writeConf('smp: 1\nsmp: 2\n', 'dup.yaml');
    expect(failure({ argv: ['-c', duplicate] })).toContain(`${duplicate}: invalid YAML at line 2, column 1`);
  });

  test('the top level of the file must be a mapping', () => {
    const list = writeConf('- smp: 2\n');
    expect(failure({ argv: ['-c', list] })).toBe(
      `charybdis: ${list}: expected a mapping of settings (key: value lines) at the top level, got a list`,
    );
    const scalar = writeConf('just words\n', 'scalar.yaml');
    expect(failure({ argv: ['-c', scalar] })).toContain('at the top level, got "just words"');
  });

  test('an explicitly named config file must exist', () => {
    const missing = path.join(dir, 'nope.yaml');
    expect(failure({ argv: ['--config', 'nope.yaml'] })).toBe(
      `charybdis: config file ${missing} (named by option --config) does not exist`,
    );
    expect(failure({ env: { CHARYBDIS_CONF: missing } })).toContain('(named by environment variable CHARYBDIS_CONF)');
  });

  test('a config path that is not a readable file', () => {
    expect(failure({ argv: ['-c', dir] })).toContain(`cannot read config file ${dir}: EISDIR`);
  });
});

describe('authentication and client TLS settings', () => {
  test('a non-loopback rpc_address with AllowAllAuthenticator is refused, naming both fixes', () => {
    for (const address of ['0.0.0.0', '::', '10.1.2.3']) {
      const message = failure({ argv: ['--rpc-address', address] });
      expect(message).toBe(
        `charybdis: rpc_address ${address} (option --rpc-address) is not a loopback address and authenticator is AllowAllAuthenticator, ` +
          'so anyone who can reach port 9042 can read and change every table; set authenticator: PasswordAuthenticator ' +
          '(CHARYBDIS_AUTHENTICATOR), or allow_unauthenticated_remote_access: true (CHARYBDIS_ALLOW_UNAUTHENTICATED_REMOTE_ACCESS) to accept that',
      );
    }
  });

  test('loopback addresses, the opt-in or PasswordAuthenticator make it start', () => {
    for (const address of ['127.0.0.1', '127.0.0.42', '::1', '::ffff:127.0.0.1', 'localhost']) {
      expect(load({ argv: ['--rpc-address', address] }).config.authenticator).toBe('AllowAllAuthenticator');
    }
    expect(load({ argv: ['--rpc-address', '0.0.0.0', '--allow-unauthenticated-remote-access', 'true'] }).config.allow_unauthenticated_remote_access).toBe(true);
    expect(load({ env: { CHARYBDIS_RPC_ADDRESS: '0.0.0.0', CHARYBDIS_AUTHENTICATOR: 'PasswordAuthenticator' } }).config.rpc_address).toBe('0.0.0.0');
  });

  test('fully qualified class names are accepted; unknown ones are refused', () => {
    writeConf('authenticator: com.scylladb.auth.PasswordAuthenticator\nauthorizer: org.apache.cassandra.auth.CassandraAuthorizer\n');
    expect(load({ argv: ['--config', 'charybdis.yaml'] }).config).toMatchObject({ authenticator: 'PasswordAuthenticator', authorizer: 'CassandraAuthorizer' });
    expect(failure({ argv: ['--authenticator', 'LdapAuthenticator'] })).toBe(
      'charybdis: option --authenticator: expected AllowAllAuthenticator or PasswordAuthenticator, got "LdapAuthenticator"',
    );
  });

  test('CassandraAuthorizer needs PasswordAuthenticator', () => {
    expect(failure({ argv: ['--authorizer', 'CassandraAuthorizer'] })).toContain('authorizer CassandraAuthorizer (option --authorizer) needs authenticator: PasswordAuthenticator');
  });

  test('a boolean setting takes true/false (yes/no, 1/0 from text) and nothing else', () => {
    expect(failure({ env: { CHARYBDIS_CLIENT_ENCRYPTION_ENABLED: 'maybe' } })).toBe(
      'charybdis: environment variable CHARYBDIS_CLIENT_ENCRYPTION_ENABLED: expected true or false, got "maybe"',
    );
    writeConf('allow_unauthenticated_remote_access: "true"\n');
    expect(failure({ argv: ['--config', 'charybdis.yaml'] })).toContain('allow_unauthenticated_remote_access: expected true or false');
  });

  test("cassandra.yaml's nested client_encryption_options is read from the file; flat keys win", () => {
    writeConf('client_encryption_options:\n  enabled: true\n  certificate: conf/node.crt\n  keyfile: conf/node.key\nclient_encryption_keyfile: other.key\n');
    expect(load({ argv: ['--config', 'charybdis.yaml'] }).config).toMatchObject({
      client_encryption_enabled: true,
      client_encryption_certificate: path.join(dir, 'conf', 'node.crt'),
      client_encryption_keyfile: path.join(dir, 'other.key'),
      client_encryption_truststore: null,
    });
    const file = writeConf('client_encryption_options:\n  enabled: true\n  keystore: conf/.keystore\n');
    expect(failure({ argv: ['--config', file] })).toBe(
      `charybdis: ${file}: client_encryption_options: unknown key 'keystore' (known: enabled, certificate, keyfile, truststore, require_client_auth)`,
    );
    writeConf('client_encryption_options: yes\n');
    expect(failure({ argv: ['--config', 'charybdis.yaml'] })).toContain('client_encryption_options: expected a mapping');
  });

  test('TLS needs a certificate and a key, and a truststore to require client certificates', () => {
    expect(failure({ argv: ['--client-encryption-enabled', 'true'] })).toBe(
      'charybdis: client_encryption_enabled is true but client_encryption_certificate is not set; name a PEM file',
    );
    expect(failure({ argv: ['--client-encryption-enabled', 'true', '--client-encryption-certificate', 'a', '--client-encryption-keyfile', 'b', '--client-encryption-require-client-auth', 'true'] })).toContain(
      'client_encryption_require_client_auth is true but client_encryption_truststore is not set',
    );
    // Off, the files are not needed.
    expect(load({ argv: ['--client-encryption-require-client-auth', 'true'] }).config.client_encryption_enabled).toBe(false);
  });
});
