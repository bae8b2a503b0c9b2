import type { Authenticator, SaslNegotiator } from './authenticator';
import { AuthErrorCodes } from './authenticator';
import { CharybdisError } from '@charybdis/core';

/**
 * Cassandra's default `AllowAllAuthenticator`: no credentials, STARTUP is answered with
 * READY. A client that sends AUTH_RESPONSE anyway gets a protocol error from the
 * connection before this is ever asked for a negotiator.
 */
export class AllowAllAuthenticator implements Authenticator {
  readonly requireAuthentication = false;
  readonly className = 'org.apache.cassandra.auth.AllowAllAuthenticator';

  newSaslNegotiator(): SaslNegotiator {
    // Unreachable through CqlConnection (it never starts SASL when authentication is not
    // required); kept total so that a caller that does ask gets a clear refusal.
    return {
      evaluateResponse: () =>
        Promise.reject(new CharybdisError(AuthErrorCodes.BAD_CREDENTIALS, 'AllowAllAuthenticator does not negotiate SASL')),
    };
  }
}
