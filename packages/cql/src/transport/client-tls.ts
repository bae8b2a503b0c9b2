import type net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '@charybdis/core';

/** The PEM material of the CQL ports' TLS (cassandra.yaml's client_encryption_options). */
export interface ClientTlsOptions {
  readonly cert: string;
  readonly key: string;
  /** CA certificates client certificates are checked against, or null. */
  readonly ca: string | null;
  /** True: a client without a certificate signed by `ca` is refused during the handshake. */
  readonly requireClientAuth: boolean;
}

/** Longest a TLS handshake may take before the connection is dropped (a stalled or plaintext client). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Wraps sockets a shard accepted in server-side TLS. The secure context is built once per
 * shard (contexts are not shared across worker threads). A handshake that fails (a
 * plaintext client, a bad or missing client certificate) or stalls closes that
 * connection only and is logged at debug; the CQL connection sees a TLSSocket and reads
 * decrypted bytes like any socket.
 */
export class ClientTlsWrapper {
  readonly #context: tls.SecureContext;
  readonly #requireClientAuth: boolean;
  readonly #log: Logger;

  constructor(options: ClientTlsOptions, log: Logger) {
    this.#context = tls.createSecureContext({ cert: options.cert, key: options.key, ...(options.ca !== null ? { ca: options.ca } : {}) });
    this.#requireClientAuth = options.requireClientAuth;
    this.#log = log;
  }

  /** The TLS socket over `socket`; errors before the handshake completes destroy it. */
  wrap(socket: net.Socket): tls.TLSSocket {
    const secure = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: this.#context,
      requestCert: this.#requireClientAuth,
      rejectUnauthorized: this.#requireClientAuth,
    });
    let established = false;
    const timer = setTimeout(() => {
      this.#log.debug({ remote: socket.remoteAddress }, 'TLS handshake timed out; closing the connection');
      secure.destroy();
      socket.destroy();
    }, TLS_HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    secure.once('secure', () => {
      established = true;
      clearTimeout(timer);
    });
    secure.on('error', (err) => {
      clearTimeout(timer);
      if (!established) this.#log.debug({ err, remote: socket.remoteAddress }, 'TLS handshake failed; closing the connection');
      // Destroying the TLS layer alone leaves the TCP socket open: the client would wait.
      secure.destroy();
      socket.destroy();
    });
    secure.once('close', () => clearTimeout(timer));
    return secure;
  }
}
