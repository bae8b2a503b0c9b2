import path from 'node:path';
import type { NodeConfig } from './node-config';

/** What the defaults depend on. */
export interface DefaultConfigOptions {
  /** Folder relative paths resolve against. */
  readonly cwd: string;
  /** Default smp (clamped to 1..256). */
  readonly cpuCount: number;
  /** Default memory is half of it. */
  readonly totalMemoryBytes: number;
  /** Workdir the directory defaults follow; default './data'. Relative to cwd. */
  readonly workdir?: string;
}

/**
 * The embedded defaults, which conf/charybdis.yaml repeats: what a node runs with when no
 * source sets anything. Data and commitlog directories default to folders under workdir,
 * so moving workdir moves them.
 */
export function defaultConfig(opts: DefaultConfigOptions): NodeConfig {
  const workdir = path.resolve(opts.cwd, opts.workdir ?? './data');
  return {
    cluster_name: 'Test Cluster',
    listen_address: '127.0.0.1',
    rpc_address: '127.0.0.1',
    api_address: '127.0.0.1',
    prometheus_address: '127.0.0.1',
    native_transport_port: 9042,
    native_shard_aware_transport_port: 19042,
    api_port: 10000,
    prometheus_port: 9180,
    workdir,
    data_file_directories: [path.join(workdir, 'data')],
    commitlog_directory: path.join(workdir, 'commitlog'),
    commitlog_sync: 'periodic',
    commitlog_sync_period_in_ms: 10_000,
    commitlog_segment_size_in_mb: 32,
    io_properties_file: path.resolve(opts.cwd, 'conf', 'io_properties.yaml'),
    smp: Math.min(256, Math.max(1, Math.floor(opts.cpuCount))),
    memory: Math.floor(opts.totalMemoryBytes / 2),
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
  };
}
