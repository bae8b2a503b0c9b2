import { CharybdisError } from '@charybdis/core';
import type { Authenticator, SaslNegotiator, SaslStep } from '../transport/authenticator';
import { AuthErrorCodes } from '../transport/authenticator';

/** Where a login is checked (AuthService). */
export interface CredentialsChecker {
  /** Resolves with the role logged in as; rejects with BAD_CREDENTIALS. */
  authenticate(user: string, password: string): Promise<string>;
}

/** Longest SASL PLAIN token accepted (user and password are short; this bounds the work). */
export const MAX_SASL_TOKEN_BYTES = 4096;

function bad(message: string): CharybdisError {
  return new CharybdisError(AuthErrorCodes.BAD_CREDENTIALS, message);
}

/**
 * The credentials of a SASL PLAIN token (RFC 4616): `[authzid] NUL authcid NUL passwd`,
 * UTF-8, as drivers send it in AUTH_RESPONSE. Throws BAD_CREDENTIALS with Cassandra's
 * messages when a part is missing. Pure.
 */
export function decodeSaslPlain(token: Uint8Array | null): { user: string; password: string } {
  if (token === null || token.length === 0) throw bad('Authentication ID must not be null');
  if (token.length > MAX_SASL_TOKEN_BYTES) throw bad(`SASL token longer than ${MAX_SASL_TOKEN_BYTES} bytes`);
  const buf = Buffer.from(token.buffer, token.byteOffset, token.byteLength);
  const last = buf.lastIndexOf(0);
  if (last < 0) throw bad('Password must not be null');
  const before = buf.lastIndexOf(0, last - 1);
  const user = buf.toString('utf8', before + 1, last);
  const password = buf.toString('utf8', last + 1);
  if (user.length === 0) throw bad('Authentication ID must not be null');
  if (password.length === 0) throw bad('Password must not be null');
  return { user, password };
}

/**
 * Cassandra's PasswordAuthenticator: STARTUP is answered with AUTHENTICATE naming
 * `org.apache.cassandra.auth.PasswordAuthenticator` (drivers pick their plain-text
 * provider by it), and one AUTH_RESPONSE with a SASL PLAIN token completes the exchange.
 */
export class PasswordAuthenticator implements Authenticator {
  readonly requireAuthentication = true;
  readonly className = 'org.apache.cassandra.auth.PasswordAuthenticator';

  constructor(private readonly checker: CredentialsChecker) {}

  newSaslNegotiator(): SaslNegotiator {
    return {
      evaluateResponse: async (token): Promise<SaslStep> => {
        const { user, password } = decodeSaslPlain(token);
        const role = await this.checker.authenticate(user, password);
        return { kind: 'success', token: null, user: role };
      },
    };
  }
}
