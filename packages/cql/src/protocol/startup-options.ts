import { protocolError } from './protocol-error';

/** Compression algorithms a client may ask for in STARTUP (SUPPORTED's COMPRESSION list). */
export const SUPPORTED_COMPRESSION: readonly string[] = ['lz4'];

/** What a STARTUP message settles for the connection. */
export interface StartupSettings {
  cqlVersion: string;
  compression: 'lz4' | null;
}

/**
 * Validates STARTUP options: CQL_VERSION must be present and 3.x (drivers send 3.0.0 or
 * a newer 3.x), COMPRESSION, if present, must be one we support (matched
 * case-insensitively, as Cassandra does). Unknown keys (DRIVER_NAME, CLIENT_ID...) are
 * ignored. Violations are CQL_PROTOCOL errors worded like Cassandra's.
 */
export function negotiateStartup(options: ReadonlyMap<string, string>): StartupSettings {
  const cqlVersion = options.get('CQL_VERSION');
  if (cqlVersion === undefined) throw protocolError('Missing value CQL_VERSION in STARTUP message');
  if (!/^3(\.\d+){0,2}$/.test(cqlVersion)) {
    throw protocolError(`Invalid or unsupported CQL version ${cqlVersion}; this server speaks CQL 3.x`);
  }
  const requested = options.get('COMPRESSION');
  if (requested === undefined || requested === '') return { cqlVersion, compression: null };
  if (requested.toLowerCase() === 'lz4') return { cqlVersion, compression: 'lz4' };
  throw protocolError(`Unknown compression algorithm: ${requested} (supported: ${SUPPORTED_COMPRESSION.join(', ')})`);
}
