/**
 * Server-side authentication, shaped like Cassandra's IAuthenticator / SaslNegotiator: the
 * connection asks the configured `Authenticator` whether STARTUP must be followed by a
 * SASL exchange; if so it answers AUTHENTICATE with `className` and feeds every
 * AUTH_RESPONSE token to one `SaslNegotiator` until it succeeds (AUTH_SUCCESS) or fails
 * (ERROR 0x0100 Bad credentials). Implementations live with the auth feature; the
 * transport ships only `AllowAllAuthenticator`.
 */
export interface Authenticator {
  /** False for AllowAll: STARTUP is answered with READY and the session is anonymous. */
  readonly requireAuthentication: boolean;
  /** Sent in AUTHENTICATE, e.g. `org.apache.cassandra.auth.PasswordAuthenticator` (drivers choose their provider by it). */
  readonly className: string;
  /** A negotiator for one connection's exchange; `clientAddress` is the peer's IP, when known. */
  newSaslNegotiator(clientAddress: string | null): SaslNegotiator;
}

/** One step of a SASL exchange. */
export type SaslStep =
  | { readonly kind: 'challenge'; readonly token: Uint8Array | null }
  | { readonly kind: 'success'; readonly token: Uint8Array | null; readonly user: string };

/**
 * The server side of one SASL exchange. `evaluateResponse` rejects with a CharybdisError
 * of code `AuthErrorCodes.BAD_CREDENTIALS` (message shown to the client) when the
 * credentials are wrong; any other rejection is reported as a server error.
 */
export interface SaslNegotiator {
  evaluateResponse(token: Buffer | null): Promise<SaslStep>;
}

/** Stable codes of authentication failures. */
export const AuthErrorCodes = {
  /** Answered with ERROR 0x0100 (Bad credentials); drivers raise AuthenticationError. */
  BAD_CREDENTIALS: 'CQL_BAD_CREDENTIALS',
} as const;
