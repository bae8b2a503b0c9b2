import type { SettingName } from './node-config';

/** How a string from the environment or the command line becomes the setting's value. */
export type SettingKind = 'string' | 'integer' | 'size' | 'list' | 'boolean';

/** Everything users see about one setting: its names in each source and its docs. */
export interface ConfigKey {
  /** Key in conf/charybdis.yaml and in NodeConfig. */
  readonly name: SettingName;
  /** Command-line option, `--` + name with dashes. */
  readonly flag: string;
  /** Other options meaning the same (`--data-dir` for `--workdir`). */
  readonly flagAliases: readonly string[];
  /** Environment variable, `CHARYBDIS_` + name in upper case. */
  readonly envVar: string;
  /** Other variables meaning the same, read when `envVar` is not set. */
  readonly envAliases: readonly string[];
  readonly kind: SettingKind;
  /** What a valid value looks like, as errors say after "expected". */
  readonly expected: string;
  /** Placeholder for the value in --help. */
  readonly metavar: string;
  /** The default as users read it (some depend on the machine or on workdir). */
  readonly defaultText: string;
  /** One line of --help. */
  readonly summary: string;
}

type KeyDoc = Omit<ConfigKey, 'name' | 'flag' | 'envVar' | 'flagAliases' | 'envAliases'> & {
  readonly flagAliases?: readonly string[];
  readonly envAliases?: readonly string[];
};

const ADDRESS = { kind: 'string', expected: "an IPv4 or IPv6 address or 'localhost'", metavar: 'ADDR', defaultText: '127.0.0.1' } as const;
const PORT = { kind: 'integer', expected: 'an integer from 1 to 65535', metavar: 'PORT' } as const;
const PATH = { kind: 'string', expected: 'a non-empty path', metavar: 'DIR' } as const;
const BOOLEAN = { kind: 'boolean', expected: 'true or false', metavar: 'BOOL', defaultText: 'false' } as const;
const PEM_FILE = { ...PATH, metavar: 'FILE', defaultText: 'none' } as const;

// Record<SettingName, …> makes the compiler insist on a doc for every setting; the order
// here is the order of --help.
const DOCS: Readonly<Record<SettingName, KeyDoc>> = {
  cluster_name: {
    kind: 'string', expected: 'a non-empty string', metavar: 'NAME', defaultText: '"Test Cluster"',
    summary: 'Name of the cluster; a node only joins nodes with the same name.',
  },
  listen_address: { ...ADDRESS, summary: 'Address other nodes reach this node on.' },
  rpc_address: { ...ADDRESS, summary: 'Address the CQL ports listen on.' },
  api_address: { ...ADDRESS, summary: 'Address of the REST admin API (used by nodetool).' },
  prometheus_address: { ...ADDRESS, summary: 'Address of the Prometheus metrics endpoint.' },
  native_transport_port: { ...PORT, defaultText: '9042', summary: 'CQL native protocol port.' },
  native_shard_aware_transport_port: {
    ...PORT, defaultText: '19042', summary: "Shard-aware CQL port: the client's source port picks the shard.",
  },
  api_port: { ...PORT, defaultText: '10000', summary: 'REST admin API port.' },
  prometheus_port: { ...PORT, defaultText: '9180', summary: 'Prometheus metrics port.' },
  workdir: {
    ...PATH, defaultText: './data', flagAliases: ['--data-dir'], envAliases: ['CHARYBDIS_DATA_DIR'],
    summary: 'Folder under which data and commitlog go unless set on their own.',
  },
  data_file_directories: {
    kind: 'list', expected: 'a non-empty list of non-empty paths', metavar: 'DIR[,DIR...]',
    defaultText: '<workdir>/data', summary: 'Folders for SSTables (comma-separated list).',
  },
  commitlog_directory: { ...PATH, defaultText: '<workdir>/commitlog', summary: 'Folder for commitlog segments.' },
  commitlog_sync: {
    kind: 'string', expected: "'periodic' or 'batch'", metavar: 'MODE', defaultText: 'periodic',
    summary: 'periodic: acknowledge writes once buffered; batch: once on disk.',
  },
  commitlog_sync_period_in_ms: {
    kind: 'integer', expected: 'an integer from 1 to 600000', metavar: 'MS', defaultText: '10000',
    summary: 'How often the periodic mode syncs the commitlog to disk.',
  },
  commitlog_segment_size_in_mb: {
    kind: 'integer', expected: 'an integer from 1 to 1024', metavar: 'MIB', defaultText: '32',
    summary: 'Size of each commitlog segment file; also bounds the largest single write.',
  },
  io_properties_file: {
    ...PATH, metavar: 'FILE', defaultText: './conf/io_properties.yaml',
    summary: 'Disk model for the I/O scheduler, written by iotune (defaults if missing).',
  },
  smp: {
    kind: 'integer', expected: 'an integer from 1 to 256', metavar: 'N', defaultText: 'number of CPUs',
    summary: 'Number of shards (one worker thread each), 1 to 256.',
  },
  memory: {
    kind: 'size', expected: 'a size in bytes such as 1073741824, 512M or 1.5GiB', metavar: 'SIZE',
    defaultText: 'half of RAM', summary: 'Memory for the node (bytes, 512M, 2G...), at least 64 MiB a shard.',
  },
  default_log_level: {
    kind: 'string', expected: 'one of trace, debug, info, warn, error, fatal', metavar: 'LEVEL',
    defaultText: 'info', flagAliases: ['--log-level'], summary: 'Log level: trace, debug, info, warn, error or fatal.',
  },
  authenticator: {
    kind: 'string', expected: 'AllowAllAuthenticator or PasswordAuthenticator', metavar: 'CLASS',
    defaultText: 'AllowAllAuthenticator', summary: 'Who may connect: anyone (AllowAll) or roles with a password.',
  },
  authorizer: {
    kind: 'string', expected: 'AllowAllAuthorizer or CassandraAuthorizer', metavar: 'CLASS',
    defaultText: 'AllowAllAuthorizer', summary: 'What roles may do: anything (AllowAll) or what was granted.',
  },
  auth_superuser_name: {
    kind: 'string', expected: 'a non-empty string', metavar: 'NAME', defaultText: 'cassandra',
    summary: 'Superuser created on the first start with PasswordAuthenticator.',
  },
  auth_superuser_password: {
    kind: 'string', expected: 'a non-empty string', metavar: 'PASSWORD', defaultText: 'cassandra',
    summary: "That superuser's initial password; prefer the environment to a file.",
  },
  allow_unauthenticated_remote_access: {
    ...BOOLEAN, summary: 'Run AllowAllAuthenticator on a non-loopback rpc_address anyway.',
  },
  client_encryption_enabled: { ...BOOLEAN, summary: 'TLS on the CQL ports (client_encryption_options.enabled).' },
  client_encryption_certificate: { ...PEM_FILE, summary: 'Server certificate chain, PEM (client_encryption_options.certificate).' },
  client_encryption_keyfile: { ...PEM_FILE, summary: 'Private key of the certificate, PEM (client_encryption_options.keyfile).' },
  client_encryption_truststore: { ...PEM_FILE, summary: 'CA certificates that sign client certificates, PEM (...truststore).' },
  client_encryption_require_client_auth: {
    ...BOOLEAN, summary: 'Clients must present a certificate signed by the truststore.',
  },
};

/**
 * Every setting with its option, environment variable, accepted values and docs: the one
 * table that argument parsing, environment reading, error messages and --help share.
 */
export const CONFIG_KEYS: readonly ConfigKey[] = Object.entries(DOCS).map(([name, doc]) => ({
  ...doc,
  name: name as SettingName,
  flag: `--${name.replace(/_/g, '-')}`,
  flagAliases: doc.flagAliases ?? [],
  envVar: `CHARYBDIS_${name.toUpperCase()}`,
  envAliases: doc.envAliases ?? [],
}));
