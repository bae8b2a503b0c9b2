import net from 'node:net';
import { decodeStringMultimap } from '@charybdis/cql';

/** What a connection learnt from the SUPPORTED answer to OPTIONS. */
export interface ProbeResult {
  localPort: number;
  options: Map<string, string[]>;
  shard: number;
}

/**
 * Opens a connection (optionally from a chosen local port), sends a CQL v4 OPTIONS frame,
 * reads SUPPORTED and closes. Resolves null when the chosen local port is taken.
 */
export function probeShard(port: number, localPort?: number): Promise<ProbeResult | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, ...(localPort !== undefined ? { localPort } : {}) });
    let data = Buffer.alloc(0);
    socket.once('connect', () => {
      const header = Buffer.alloc(9);
      header.writeUInt8(4, 0); // version 4, request
      header.writeInt16BE(1, 2); // stream 1
      header.writeUInt8(0x05, 4); // OPTIONS
      socket.write(header);
    });
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 9 || data.length < 9 + data.readInt32BE(5)) return;
      const usedPort = socket.localPort!;
      socket.destroy();
      if (data[4] !== 0x06) {
        reject(new Error(`expected SUPPORTED (0x06), got opcode ${data[4]}`));
        return;
      }
      const options = decodeStringMultimap(data.subarray(9, 9 + data.readInt32BE(5)));
      resolve({ localPort: usedPort, options, shard: Number(options.get('SCYLLA_SHARD')?.[0]) });
    });
    socket.once('error', (err: Error & { code?: string }) => {
      if (err.code === 'EADDRINUSE' && localPort !== undefined) resolve(null);
      else reject(err);
    });
  });
}
