import net from 'node:net';
import { CharybdisError } from '@charybdis/core';

/**
 * Checks that nobody listens on host:port. Needed because SO_REUSEPORT sockets of the same
 * user would silently share a port with another process (say a second node): the probe
 * binds without SO_REUSEPORT, which fails if any socket holds the port. A process that
 * binds the port between the probe and the shards' listeners is not detected.
 */
export async function assertPortFree(host: string, port: number, settingName: string): Promise<void> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (err) {
    throw portError(err, host, port, settingName);
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Turns a bind/listen error into one line naming the setting, the address and the cause. */
export function portError(err: unknown, host: string, port: number, settingName: string): CharybdisError {
  const code = (err as { code?: string }).code ?? 'UNKNOWN';
  const why: Record<string, string> = {
    EADDRINUSE: 'the port is already in use by another process',
    EACCES: 'permission denied (ports below 1024 need privileges)',
    EADDRNOTAVAIL: `${host} is not an address of this machine`,
  };
  return new CharybdisError(
    'CHARYBDIS_LISTEN_FAILED',
    `cannot listen on ${host}:${port} (${settingName}): ${why[code] ?? (err as Error).message} [${code}]`,
    { cause: err },
  );
}
