import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, shardLogger, subsystemLogger } from '../src';

describe('logger', () => {
  test('writes JSON lines carrying shard and subsystem, filtered by level', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charybdis-log-'));
    const file = path.join(dir, 'log.jsonl');
    const fd = fs.openSync(file, 'w');
    try {
      const root = createLogger({ level: 'info', pretty: false, fd, base: { node: 'n1' } });
      const transport = subsystemLogger(shardLogger(root, 3), 'transport');
      transport.info({ port: 9042 }, 'listening');
      transport.debug('not written at info level');
      root.warn('from the root');
    } finally {
      fs.closeSync(fd);
    }
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ node: 'n1', shard: 3, subsystem: 'transport', port: 9042, msg: 'listening', level: 30 });
    expect(lines[1]).toMatchObject({ node: 'n1', msg: 'from the root', level: 40 });
    expect(lines[1]).not.toHaveProperty('shard');
    fs.rmSync(dir, { recursive: true });
  });
});
