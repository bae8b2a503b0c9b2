import type { LogLevel } from '@charybdis/core';

/**
 * The settings of one node after every source is merged, defaults filled in, paths made
 * absolute and cross-field checks passed. Plain data (it is posted to every shard worker);
 * key names are those of scylla.yaml so a ScyllaDB user can guess them.
 */
export interface NodeConfig {
  /** Name of the cluster; nodes only talk to nodes with the same name. */
  readonly cluster_name: string;
  /** Address other nodes reach this one on (node-to-node rpc). IP literal. */
  readonly listen_address: string;
  /** Address the CQL ports listen on. IP literal. */
  readonly rpc_address: string;
  /** Address of the REST admin API (nodetool). IP literal. */
  readonly api_address: string;
  /** Address of the Prometheus metrics endpoint. IP literal. */
  readonly prometheus_address: string;
  /** CQL native protocol port (connections spread over shards by the kernel). */
  readonly native_transport_port: number;
  /** Shard-aware CQL port (shard chosen from the client's source port). */
  readonly native_shard_aware_transport_port: number;
  /** REST admin API port. */
  readonly api_port: number;
  /** Prometheus metrics port. */
  readonly prometheus_port: number;
  /** Absolute folder under which data and commitlog go unless set on their own. */
  readonly workdir: string;
  /** Absolute folders holding SSTables; at least one. */
  readonly data_file_directories: readonly string[];
  /** Absolute folder holding commitlog segments. */
  readonly commitlog_directory: string;
  /** 'periodic' (acknowledge when buffered, fdatasync every period) or 'batch' (acknowledge once durable). */
  readonly commitlog_sync: 'periodic' | 'batch';
  /** Period of the periodic commitlog sync, ms. */
  readonly commitlog_sync_period_in_ms: number;
  /** Size of each commitlog segment file, MiB. */
  readonly commitlog_segment_size_in_mb: number;
  /** Absolute path of the disk model written by tools/iotune (may not exist). */
  readonly io_properties_file: string;
  /** Number of shards (worker threads), 1..256. */
  readonly smp: number;
  /** Memory for the whole node in bytes, split evenly between shards. */
  readonly memory: number;
  /** Level of the node's logger. */
  readonly default_log_level: LogLevel;
  /** Who may connect: 'AllowAllAuthenticator' (anyone, anonymous) or 'PasswordAuthenticator' (roles with passwords). */
  readonly authenticator: AuthenticatorName;
  /** What a role may do: 'AllowAllAuthorizer' (everything) or 'CassandraAuthorizer' (GRANT/REVOKE). */
  readonly authorizer: AuthorizerName;
  /** Name of the superuser created on the first start with PasswordAuthenticator. */
  readonly auth_superuser_name: string;
  /** Its initial password (better given by CHARYBDIS_AUTH_SUPERUSER_PASSWORD than written in a file). */
  readonly auth_superuser_password: string;
  /** True to run AllowAllAuthenticator on a non-loopback rpc_address anyway (otherwise the node refuses to start). */
  readonly allow_unauthenticated_remote_access: boolean;
  /** True: the CQL ports speak TLS (client_encryption_options.enabled). */
  readonly client_encryption_enabled: boolean;
  /** Absolute path of the server certificate chain (PEM), or null. */
  readonly client_encryption_certificate: string | null;
  /** Absolute path of the certificate's private key (PEM), or null. */
  readonly client_encryption_keyfile: string | null;
  /** Absolute path of the CA certificates (PEM) client certificates are checked against, or null. */
  readonly client_encryption_truststore: string | null;
  /** True: clients must present a certificate signed by the truststore's CAs. */
  readonly client_encryption_require_client_auth: boolean;
}

/** The authenticators a node can run (short names; fully qualified ones are accepted in config). */
export type AuthenticatorName = 'AllowAllAuthenticator' | 'PasswordAuthenticator';
/** The authorizers a node can run. */
export type AuthorizerName = 'AllowAllAuthorizer' | 'CassandraAuthorizer';

/** Name of one setting (a key of conf/charybdis.yaml). */
export type SettingName = keyof NodeConfig;
