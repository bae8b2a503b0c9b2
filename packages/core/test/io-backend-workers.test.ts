import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { allocateAligned, IoUringBackend } from '../src/io/backend';
import { DmaFile } from '../src/io/file';
import type { IoWorkerData, IoWorkerReport } from './fixtures/io-worker';
import { makeTempDir } from './fixtures/io-test-helpers';

// The io_uring backend in worker threads (shards), including teardown with requests in
// flight. Workers run the compiled fixture: run `npx tsc -b` first.
const WORKER_JS = path.join(__dirname, '..', 'dist', 'test', 'fixtures', 'io-worker.js');
const describeUring = IoUringBackend.probe().available ? describe : describe.skip;

const dir = makeTempDir('io-workers');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function start(data: IoWorkerData): { worker: Worker; exit: Promise<number>; message: Promise<IoWorkerReport> } {
  if (!fs.existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} is missing: run \`npx tsc -b\` first`);
  const worker = new Worker(WORKER_JS, { workerData: data });
  const exit = new Promise<number>((resolve) => worker.once('exit', resolve));
  const message = new Promise<IoWorkerReport>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, exit, message };
}

/** The main thread's own ring still works after the workers' teardown. */
async function mainThreadStillServes(): Promise<void> {
  const backend = IoUringBackend.create();
  const file = await DmaFile.open(backend, path.join(dir, 'main-after'), { create: true, truncate: true, direct: true });
  const block = allocateAligned(4096).fill(9);
  await file.write(0, block);
  expect((await file.read(0, 4096)).equals(block)).toBe(true);
  await file.close();
  await backend.close();
}

describeUring('io_uring in worker threads', () => {
  test('works in workers alongside the main thread, and an idle ring lets the worker end', async () => {
    const workers = [0, 1, 2].map((id) => start({ dir, scenario: 'roundtrip', id }));
    const reports = await Promise.all(workers.map((w) => w.message));
    expect(reports).toEqual([0, 1, 2].map(() => ({ kind: 'io_uring', ok: true, detail: '64 blocks' })));
    // Nobody terminates them: they exit because nothing is in flight (the poll handle is unref'd).
    expect(await Promise.all(workers.map((w) => w.exit))).toEqual([0, 0, 0]);
    await mainThreadStillServes();
  });

  test('a worker calling process.exit() with hundreds of requests in flight does not crash the process', async () => {
    for (let round = 0; round < 3; round++) {
      const workers = [0, 1, 2, 3].map((id) => start({ dir, scenario: 'exit-in-flight', id: round * 10 + id }));
      expect(await Promise.all(workers.map((w) => w.exit))).toEqual([0, 0, 0, 0]);
    }
    await mainThreadStillServes();
  });

  test('terminate() of a worker with requests in flight does not crash the process', async () => {
    for (let round = 0; round < 3; round++) {
      const workers = [0, 1].map((id) => start({ dir, scenario: 'terminate-in-flight', id: round * 10 + id }));
      const reports = await Promise.all(workers.map((w) => w.message));
      for (const r of reports) expect(r).toMatchObject({ kind: 'io_uring', ok: true });
      await Promise.all(workers.map((w) => w.worker.terminate()));
      await Promise.all(workers.map((w) => w.exit));
    }
    await mainThreadStillServes();
  });
});
