import { ConfigError } from './config-error';
import { describeValue } from './describe-value';

/** The sub-keys of cassandra.yaml's / scylla.yaml's `client_encryption_options` we support. */
const CLIENT_ENCRYPTION_KEYS = ['enabled', 'certificate', 'keyfile', 'truststore', 'require_client_auth'] as const;

/**
 * Accepts cassandra.yaml's nested `client_encryption_options:` mapping in a config file by
 * turning it into the flat `client_encryption_<key>` settings the rest of the config uses
 * (flat keys are what environment variables and options can express). A flat key written
 * in the same file wins over the nested one. Unknown sub-keys are errors naming the file.
 */
export function flattenNestedSettings(raw: Readonly<Record<string, unknown>>, file: string): Record<string, unknown> {
  const nested = raw.client_encryption_options;
  const out: Record<string, unknown> = { ...raw };
  delete out.client_encryption_options;
  if (nested == null) return out;
  if (typeof nested !== 'object' || Array.isArray(nested)) {
    throw new ConfigError(`charybdis: ${file}: client_encryption_options: expected a mapping (enabled, certificate, keyfile, ...), got ${describeValue(nested)}`);
  }
  for (const [key, value] of Object.entries(nested as Record<string, unknown>)) {
    if (!(CLIENT_ENCRYPTION_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`charybdis: ${file}: client_encryption_options: unknown key '${key}' (known: ${CLIENT_ENCRYPTION_KEYS.join(', ')})`);
    }
    const flat = `client_encryption_${key}`;
    if (out[flat] === undefined) out[flat] = value;
  }
  return out;
}
