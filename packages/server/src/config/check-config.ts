import { ConfigError } from './config-error';
import { formatSizeBytes } from './format-size-bytes';
import type { NodeConfig, SettingName } from './node-config';

/** Smallest memory a shard can run with (Seastar's floor is in the same range). */
export const MIN_SHARD_MEMORY_BYTES = 64 * 2 ** 20;

type PortKey = 'native_transport_port' | 'native_shard_aware_transport_port' | 'api_port' | 'prometheus_port';
type AddressKey = 'rpc_address' | 'api_address' | 'prometheus_address';

// Which address each port is bound on.
const LISTENERS: readonly (readonly [PortKey, AddressKey])[] = [
  ['native_transport_port', 'rpc_address'],
  ['native_shard_aware_transport_port', 'rpc_address'],
  ['api_port', 'api_address'],
  ['prometheus_port', 'prometheus_address'],
];

const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * Checks that hold across keys of a merged config: no two listeners on the same port of
 * the same address (a wildcard address overlaps every address), no data directory listed
 * twice, and memory between 64 MiB per shard and the machine's RAM. Messages name the
 * keys and where each value came from (`originOf`).
 */
export function checkConfig(config: NodeConfig, totalMemoryBytes: number, originOf: (key: SettingName) => string): void {
  const show = (key: SettingName, value: string | number): string => `${key} ${value} (${originOf(key)})`;
  LISTENERS.forEach(([portKey, addressKey], i) => {
    for (const [otherPortKey, otherAddressKey] of LISTENERS.slice(i + 1)) {
      const address = config[addressKey];
      const otherAddress = config[otherAddressKey];
      const overlap = address === otherAddress || WILDCARDS.has(address) || WILDCARDS.has(otherAddress);
      if (config[portKey] === config[otherPortKey] && overlap) {
        const where = address === otherAddress ? `on ${address}` : `on ${address} and ${otherAddress}`;
        throw new ConfigError(
          `charybdis: ${show(portKey, config[portKey])} and ${otherPortKey} (${originOf(otherPortKey)}) ` +
            `are the same port ${where}; give each its own port`,
        );
      }
    }
  });
  const seen = new Set<string>();
  for (const dir of config.data_file_directories) {
    if (seen.has(dir)) {
      throw new ConfigError(`charybdis: data_file_directories (${originOf('data_file_directories')}) lists ${dir} twice`);
    }
    seen.add(dir);
  }
  checkAuthConfig(config, show);
  const memory = `memory ${formatSizeBytes(config.memory)} (${originOf('memory')})`;
  const neededBytes = config.smp * MIN_SHARD_MEMORY_BYTES;
  if (config.memory < neededBytes) {
    throw new ConfigError(
      `charybdis: ${memory} is less than 64 MiB per shard × ${show('smp', config.smp)} = ` +
        `${formatSizeBytes(neededBytes)}; raise memory or lower smp`,
    );
  }
  if (config.memory > totalMemoryBytes) {
    throw new ConfigError(`charybdis: ${memory} is more than this machine's ${formatSizeBytes(totalMemoryBytes)} of RAM`);
  }
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback: only this machine can connect. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * Authentication and client TLS across keys: an unauthenticated node only on loopback
 * unless explicitly allowed, CassandraAuthorizer only with PasswordAuthenticator (as
 * Cassandra requires), and TLS only with a certificate and key (and a truststore when
 * client certificates are required). Whether the files are readable is checked at start.
 */
function checkAuthConfig(config: NodeConfig, show: (key: SettingName, value: string | number) => string): void {
  if (config.authenticator === 'AllowAllAuthenticator' && !isLoopbackAddress(config.rpc_address) && !config.allow_unauthenticated_remote_access) {
    throw new ConfigError(
      `charybdis: ${show('rpc_address', config.rpc_address)} is not a loopback address and authenticator is AllowAllAuthenticator, ` +
        `so anyone who can reach port ${config.native_transport_port} can read and change every table; ` +
        `set authenticator: PasswordAuthenticator (CHARYBDIS_AUTHENTICATOR), or allow_unauthenticated_remote_access: true ` +
        `(CHARYBDIS_ALLOW_UNAUTHENTICATED_REMOTE_ACCESS) to accept that`,
    );
  }
  if (config.authorizer === 'CassandraAuthorizer' && config.authenticator === 'AllowAllAuthenticator') {
    throw new ConfigError(
      `charybdis: ${show('authorizer', config.authorizer)} needs authenticator: PasswordAuthenticator (AllowAllAuthenticator has no roles to grant to)`,
    );
  }
  if (!config.client_encryption_enabled) return;
  for (const key of ['client_encryption_certificate', 'client_encryption_keyfile'] as const) {
    if (config[key] === null) throw new ConfigError(`charybdis: client_encryption_enabled is true but ${key} is not set; name a PEM file`);
  }
  if (config.client_encryption_require_client_auth && config.client_encryption_truststore === null) {
    throw new ConfigError('charybdis: client_encryption_require_client_auth is true but client_encryption_truststore is not set; name the CA certificates (PEM)');
  }
}
