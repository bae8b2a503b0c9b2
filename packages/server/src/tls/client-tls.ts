import fs from 'node:fs';
import tls from 'node:tls';
import { CharybdisError } from '@charybdis/core';
import type { NodeConfig } from '../config';

/** Code of a client TLS file that is missing, unreadable or not a valid PEM certificate/key. */
export const TLS_INVALID = 'CHARYBDIS_TLS_INVALID';

/** The PEM contents of the client TLS files, and whether client certificates are required. */
export interface ClientTlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly ca: string | null;
  readonly requireClientAuth: boolean;
}

type FileKey = 'client_encryption_certificate' | 'client_encryption_keyfile' | 'client_encryption_truststore';

function readPem(config: NodeConfig, key: FileKey): string {
  const file = config[key]!;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CharybdisError(TLS_INVALID, `${key} ${file} cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads and checks the client TLS files named by the config (null when TLS is off): each
 * must be readable, and together they must make a secure context (a certificate whose key
 * matches, a truststore of PEM certificates). Throws CHARYBDIS_TLS_INVALID naming the file,
 * so a node with a bad certificate refuses to start instead of failing every handshake.
 * The supervisor calls it before starting shards; each shard calls it again to build its
 * own secure context (contexts are not shared between worker threads).
 */
export function loadClientTls(config: NodeConfig): ClientTlsMaterial | null {
  if (!config.client_encryption_enabled) return null;
  const cert = readPem(config, 'client_encryption_certificate');
  const key = readPem(config, 'client_encryption_keyfile');
  const ca = config.client_encryption_truststore === null ? null : readPem(config, 'client_encryption_truststore');
  const attempt = (what: FileKey, options: tls.SecureContextOptions): void => {
    try {
      tls.createSecureContext(options);
    } catch (err) {
      throw new CharybdisError(TLS_INVALID, `${what} ${config[what]} is not valid: ${(err as Error).message}`, { cause: err });
    }
  };
  attempt('client_encryption_certificate', { cert });
  attempt('client_encryption_keyfile', { key });
  attempt('client_encryption_keyfile', { cert, key });
  if (ca !== null) {
    // createSecureContext ignores a CA file without certificates: say so here.
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new CharybdisError(TLS_INVALID, `client_encryption_truststore ${config.client_encryption_truststore} is not valid: no PEM certificate in it`);
    }
    attempt('client_encryption_truststore', { ca });
  }
  return { cert, key, ca, requireClientAuth: config.client_encryption_require_client_auth };
}
