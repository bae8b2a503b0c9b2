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
