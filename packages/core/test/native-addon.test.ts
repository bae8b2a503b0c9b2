import { Worker } from 'node:worker_threads';
import { nativeStatus, crc32cFallback } from '../src';

const describeNative = nativeStatus().kind === 'native' ? describe : describe.skip;

describe('native addon status', () => {
  test('says which implementation is in use, with a reason for the fallback', () => {
    const status = nativeStatus();
    expect(['native', 'fallback']).toContain(status.kind);
    expect(status.path).toMatch(/charybdis_native\.node$/);
    if (status.kind === 'fallback') expect(status.reason).toEqual(expect.any(String));
    else expect(status.reason).toBeNull();
  });
});

describeNative('native addon in a worker thread', () => {
  test('loads and computes in a worker, alongside the main thread', async () => {
    const nativeEntry = require.resolve('@charybdis/native');
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const { binding, error } = require(workerData.entry).loadNative();
       if (!binding) throw new Error('addon did not load in worker: ' + error);
       const fd = binding.createReusePortListener('127.0.0.1', 0, 16, 0);
       binding.closeFd(fd);
       parentPort.postMessage({ crc: binding.crc32c(Buffer.from('123456789'), 0) >>> 0, fd });`,
      { eval: true, workerData: { entry: nativeEntry } },
    );
    const result = await new Promise<{ crc: number; fd: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(result.crc).toBe(crc32cFallback(Buffer.from('123456789')));
    expect(result.fd).toBeGreaterThanOrEqual(0);
  });
});
