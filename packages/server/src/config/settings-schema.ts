import { isIP } from 'node:net';
import { z } from 'zod';
import type { LogLevel } from '@charybdis/core';
import type { NodeConfig } from './node-config';
import { parseSizeBytes } from './parse-size-bytes';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const satisfies readonly LogLevel[];

const address = z
  .string()
  .refine((value) => value === 'localhost' || isIP(value) !== 0)
  .transform((value) => (value === 'localhost' ? '127.0.0.1' : value));

const port = z.int().min(1).max(65535);

const path = z.string().min(1);

/** Short class name, or Cassandra's / ScyllaDB's fully qualified one. */
function authClass<T extends string>(names: readonly [T, ...T[]]) {
  return z
    .string()
    .transform((value) => value.replace(/^(org\.apache\.cassandra\.auth|com\.scylladb\.auth)\./, ''))
    .pipe(z.enum(names));
}

// Bytes as a number, or a string with an optional binary suffix ('512M', '1.5GiB').
const sizeBytes = z.union([
  z.int().nonnegative(),
  z.string().transform((text, ctx) => {
    const bytes = parseSizeBytes(text);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: 'not a size', input: text });
      return z.NEVER;
    }
    return bytes;
  }),
]);

/**
 * What each setting accepts, one validator per key of conf/charybdis.yaml. Strict: an
 * unknown key is an issue. Values are checked one by one here; checks across keys (port
 * clashes, memory per shard) and path resolution happen once every source is merged.
 */
export const settingsSchema = z.strictObject({
  cluster_name: z.string().min(1),
  listen_address: address,
  rpc_address: address,
  api_address: address,
  prometheus_address: address,
  native_transport_port: port,
  native_shard_aware_transport_port: port,
  api_port: port,
  prometheus_port: port,
  workdir: path,
  data_file_directories: z.array(path).min(1),
  commitlog_directory: path,
  commitlog_sync: z.enum(['periodic', 'batch']),
  commitlog_sync_period_in_ms: z.int().min(1).max(600_000),
  commitlog_segment_size_in_mb: z.int().min(1).max(1024),
  io_properties_file: path,
  smp: z.int().min(1).max(256),
  memory: sizeBytes,
  default_log_level: z.enum(LOG_LEVELS),
  authenticator: authClass(['AllowAllAuthenticator', 'PasswordAuthenticator']),
  authorizer: authClass(['AllowAllAuthorizer', 'CassandraAuthorizer']),
  auth_superuser_name: z.string().min(1),
  auth_superuser_password: z.string().min(1),
  allow_unauthenticated_remote_access: z.boolean(),
  client_encryption_enabled: z.boolean(),
  client_encryption_certificate: path,
  client_encryption_keyfile: path,
  client_encryption_truststore: path,
  client_encryption_require_client_auth: z.boolean(),
});

/** The validated value of every setting, before defaults and path resolution. */
export type Settings = z.output<typeof settingsSchema>;

// Compile-time check: a fully validated Settings is a NodeConfig (same keys, same types).
const _settingsAreNodeConfig = (settings: Settings): NodeConfig => settings;
