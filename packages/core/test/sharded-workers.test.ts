import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createSmpBuffers } from '../src/smp';

const WORKER_JS = path.join(__dirname, '..', 'dist', 'test', 'fixtures', 'sharded-worker.js');

function next(worker: Worker): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('Sharded over real smp rings between worker threads', () => {
  test('every shard owns its instance; calls, fan-out, errors and an orderly stop', async () => {
    if (!fs.existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} is missing: run \`npx tsc -b\` first`);
    const n = 3;
    const buffers = createSmpBuffers(n, {});
    const workers = Array.from({ length: n }, (_, shardId) => new Worker(WORKER_JS, { workerData: { shardId, buffers } }));
    expect(await Promise.all(workers.map(next))).toEqual([0, 1, 2].map((ready) => ({ ready })));

    workers[0]!.postMessage({ cmd: 'scenario' });
    const result = await next(workers[0]!);
    expect(result.owners).toEqual(Array.from({ length: 30 }, (_, i) => i % n));
    expect(result.sizes).toEqual([10, 10, 10]);
    expect(result.total).toBe(30);
    expect(result.remoteGet).toBe('v2');
    expect(result.missing).toBeNull();
    expect(result.failure).toEqual({ code: 'KV_FAILED', message: 'kv failure on shard 1' });
    expect(result.afterFailure).toBe(10);

    const exits = workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)));
    const stopped = workers.map(next);
    for (const w of workers) w.postMessage({ cmd: 'stop' });
    expect(await Promise.all(stopped)).toEqual([0, 1, 2].map((s) => ({ stopped: s })));
    expect(await Promise.all(exits)).toEqual([0, 0, 0]);
  });
});
