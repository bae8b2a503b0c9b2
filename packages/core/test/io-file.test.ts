import fs from 'node:fs';
import path from 'node:path';
import { hasErrorCode } from '../src/errors';
import { allocateAligned, DMA_ALIGNMENT, IoErrorCodes } from '../src/io/backend';
import type { IoBackend } from '../src/io/backend';
import { AppendWriter, DmaFile } from '../src/io/file';
import type { IoDispatch, IoRequest, IoRequestKind } from '../src/io/file';
import { backendCases, fillBlock, makeTempDir, seededRandom, tryMountTmpfs, unmount } from './fixtures/io-test-helpers';

const dir = makeTempDir('io-file');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const BLOCK = DMA_ALIGNMENT;

function errnoError(code: string): Error {
  return Object.assign(new Error(`${code}: injected`), { code });
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; cause?: { code?: string } }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string; cause?: { code?: string } };
  }
  throw new Error('expected a rejection');
}

describe.each(backendCases())('DmaFile on the $name backend', ({ name, make }) => {
  let backend: IoBackend;
  beforeEach(() => {
    backend = make();
  });
  afterEach(async () => {
    await backend.close();
  });

  test('buffered round trip: write, read, readInto, syncs, fallocate, size', async () => {
    const file = await DmaFile.open(backend, path.join(dir, `${name}-buffered`), { create: true, truncate: true });
    try {
      expect(file.direct).toBe(false);
      expect(file.alignment).toBe(1);
      const data = Buffer.from('Charybdis writes this at an odd position');
      expect(await file.write(1234, data)).toBe(data.length);
      await file.fdatasync();
      await file.fsync();
      expect(await file.size()).toBe(1234 + data.length);
      const back = await file.read(1234, data.length);
      expect(back.equals(data)).toBe(true);
      const into = Buffer.alloc(10);
      expect(await file.readInto(1234 + 10, into)).toBe(10);
      expect(into.toString()).toBe(data.subarray(10, 20).toString());
      await file.fallocate(0, 64 * 1024);
      expect(await file.size()).toBe(64 * 1024);
      expect((await file.read(1234, data.length)).equals(data)).toBe(true);
    } finally {
      await file.close();
    }
  });

  test('O_DIRECT round trip with aligned buffers; misalignment is IO_MISALIGNED before anything is submitted', async () => {
    const kinds: IoRequestKind[] = [];
    const dispatch: IoDispatch = (request, execute) => {
      kinds.push(request.kind);
      return execute(request);
    };
    const p = path.join(dir, `${name}-direct`);
    const file = await DmaFile.open(backend, p, { create: true, truncate: true, direct: true, dispatch });
    try {
      expect(file.direct).toBe(true);
      expect(file.alignment).toBe(BLOCK);
      const blocks = fillBlock(allocateAligned(8 * BLOCK), 1, 1);
      expect(await file.write(4 * BLOCK, blocks)).toBe(blocks.length);
      await file.fdatasync();
      const back = await file.read(4 * BLOCK, 8 * BLOCK);
      expect(back.equals(blocks)).toBe(true);
      expect(kinds).toEqual(['write', 'fdatasync', 'read']);

      const cases: [string, Promise<unknown>][] = [
        ['position 100', file.write(100, blocks)],
        ['length 100', file.write(0, blocks.subarray(0, 100))],
        ['buffer address', file.write(0, allocateAligned(2 * BLOCK).subarray(512, 512 + BLOCK))],
        ['position 512', file.read(512, BLOCK)],
        ['length 1000', file.read(0, 1000)],
      ];
      for (const [what, op] of cases) {
        const err = await rejection(op);
        expect(err.code).toBe(IoErrorCodes.MISALIGNED);
        expect(err.message).toContain(p);
        expect(err.message).toContain(what);
      }
      expect(kinds).toHaveLength(3); // none of them reached the dispatch
    } finally {
      await file.close();
    }
  });

  test('2000 concurrent random 4 KiB reads and writes (O_DIRECT) return the expected content', async () => {
    const blocks = 2048;
    const file = await DmaFile.open(backend, path.join(dir, `${name}-many`), { create: true, truncate: true, direct: true });
    try {
      const initial = allocateAligned(blocks * BLOCK);
      for (let b = 0; b < blocks; b++) fillBlock(initial.subarray(b * BLOCK, (b + 1) * BLOCK), b, 0);
      await file.write(0, initial);
      // Writes go to blocks [0, 1024) (each at most once, version 1), reads to [1024, 2048):
      // no two requests touch the same block, so every result is determined.
      const random = seededRandom(42);
      const writeBlocks = [...Array(1024).keys()].sort(() => random() - 0.5).slice(0, 1000);
      const ops: Promise<{ block: number; data: Buffer | null }>[] = [];
      for (let i = 0; i < 2000; i++) {
        if (i % 2 === 0) {
          const block = writeBlocks[i / 2]!;
          const buf = fillBlock(allocateAligned(BLOCK), block, 1);
          ops.push(file.write(block * BLOCK, buf).then(() => ({ block, data: null })));
        } else {
          const block = 1024 + Math.floor(random() * 1024);
          ops.push(file.read(block * BLOCK, BLOCK).then((data) => ({ block, data })));
        }
      }
      const results = await Promise.all(ops);
      const expected = allocateAligned(BLOCK);
      for (const { block, data } of results) {
        if (data === null) continue;
        expect(data.equals(fillBlock(expected, block, 0))).toBe(true);
      }
      const after = await file.read(0, blocks * BLOCK);
      const written = new Set(writeBlocks);
      for (let b = 0; b < blocks; b++) {
        const want = fillBlock(expected, b, written.has(b) ? 1 : 0);
        if (!after.subarray(b * BLOCK, (b + 1) * BLOCK).equals(want)) throw new Error(`block ${b} differs`);
      }
      expect(backend.inFlight).toBe(0);
    } finally {
      await file.close();
    }
  });

  test('reads past end of file return the short count or an empty buffer, never stale bytes', async () => {
    const p = path.join(dir, `${name}-eof`);
    fs.writeFileSync(p, Buffer.alloc(3 * BLOCK + 100, 0xab));
    const buffered = await DmaFile.open(backend, p);
    const direct = await DmaFile.open(backend, p, { direct: true });
    try {
      expect((await buffered.read(3 * BLOCK, BLOCK)).length).toBe(100);
      expect((await buffered.read(10 * BLOCK, BLOCK)).length).toBe(0);
      const tail = await direct.read(2 * BLOCK, 2 * BLOCK);
      expect(tail.length).toBe(BLOCK + 100);
      expect(tail.every((b) => b === 0xab)).toBe(true);
      expect((await direct.read(8 * BLOCK, BLOCK)).length).toBe(0);
      const dirty = allocateAligned(2 * BLOCK).fill(0x55);
      expect(await direct.readInto(3 * BLOCK, dirty)).toBe(100);
      expect(dirty.subarray(0, 100).every((b) => b === 0xab)).toBe(true);
      expect(dirty.subarray(100).every((b) => b === 0)).toBe(true);
    } finally {
      await buffered.close();
      await direct.close();
    }
  });

  test('a missing directory or file is IO_NOT_FOUND naming the path', async () => {
    const missingDir = path.join(dir, 'no-such-dir', 'data.db');
    const err = await rejection(DmaFile.open(backend, missingDir, { create: true }));
    expect(err.code).toBe(IoErrorCodes.NOT_FOUND);
    expect(err.message).toContain(missingDir);
    expect(err.message).toContain('open');
    expect(err.cause?.code).toBe('ENOENT');
    const missingFile = path.join(dir, `${name}-absent`);
    expect((await rejection(DmaFile.open(backend, missingFile, { direct: true }))).code).toBe(IoErrorCodes.NOT_FOUND);
  });

  test('EIO injected through the fault hook fails that request only, naming the file', async () => {
    const p = path.join(dir, `${name}-eio`);
    let writes = 0;
    const file = await DmaFile.open(backend, p, {
      create: true,
      truncate: true,
      faults: { beforeOp: (op) => (op === 'write' && ++writes === 2 ? errnoError('EIO') : null) },
    });
    try {
      const results = await Promise.allSettled([0, 1, 2].map((i) => file.write(i * 100, Buffer.alloc(100, i + 1))));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const err = (results[1] as PromiseRejectedResult).reason as { code: string; message: string; cause: { code: string } };
      expect(err.code).toBe(IoErrorCodes.EIO);
      expect(err.message).toMatch(new RegExp(`^write of ${p} at 100 \\(100 bytes\\) failed: EIO`));
      expect(err.cause.code).toBe('EIO');
      expect(hasErrorCode(err, IoErrorCodes.EIO)).toBe(true);
      const fsyncFault = await DmaFile.open(backend, p, { faults: { beforeOp: (op) => (op === 'fdatasync' ? errnoError('EIO') : null) } });
      expect((await rejection(fsyncFault.fdatasync())).code).toBe(IoErrorCodes.EIO);
      await fsyncFault.close();
      expect((await file.read(200, 100)).every((b) => b === 3)).toBe(true);
    } finally {
      await file.close();
    }
  });

  test('ENOSPC for real on a full tmpfs: IO_ENOSPC naming the file, and the backend keeps serving', async () => {
    const mnt = makeTempDir(`${name}-tmpfs`);
    const why = tryMountTmpfs(mnt, 1024 * 1024);
    if (why !== null) {
      console.log(`SKIPPED: ENOSPC test needs a 1 MiB tmpfs and mount is not permitted here (${why})`);
      fs.rmSync(mnt, { recursive: true, force: true });
      return;
    }
    try {
      const p = path.join(mnt, 'fill.log');
      const file = await DmaFile.open(backend, p, { create: true, truncate: true });
      const chunk = Buffer.alloc(64 * 1024, 0x42);
      let failure: { code: string; message: string; cause?: { code?: string } } | null = null;
      for (let i = 0; i < 40 && failure === null; i++) {
        failure = await file.write(i * chunk.length, chunk).then(
          () => null,
          (err: unknown) => err as { code: string; message: string },
        );
      }
      expect(failure?.code).toBe(IoErrorCodes.ENOSPC);
      expect(failure?.message).toContain(p);
      expect(failure?.cause?.code).toBe('ENOSPC');
      const fall = await rejection(file.fallocate(0, 4 * 1024 * 1024));
      expect(fall.code).toBe(IoErrorCodes.ENOSPC);
      expect(fall.message).toContain(p);
      // Still serving: reads on the full filesystem and writes elsewhere.
      expect((await file.read(0, chunk.length)).equals(chunk)).toBe(true);
      const other = await DmaFile.open(backend, path.join(dir, `${name}-after-enospc`), { create: true, truncate: true });
      expect(await other.write(0, chunk)).toBe(chunk.length);
      await other.close();
      await file.close();
    } finally {
      unmount(mnt);
      fs.rmSync(mnt, { recursive: true, force: true });
    }
  });

  test('a closed file refuses operations with IO_CLOSED', async () => {
    const file = await DmaFile.open(backend, path.join(dir, `${name}-closed`), { create: true });
    const pending = file.write(0, Buffer.alloc(4096, 1));
    const closing = file.close();
    expect((await rejection(file.read(0, 10))).code).toBe(IoErrorCodes.CLOSED);
    expect(await pending).toBe(4096); // issued before close(): completes
    await closing;
    expect(file.close()).toBe(closing);
  });

  test('the dispatch wrapper sees every request and may hold it back (the I/O queue seam)', async () => {
    const held: { request: IoRequest; run: () => void }[] = [];
    const dispatch: IoDispatch = (request, execute) =>
      new Promise<void>((resolve) => held.push({ request, run: resolve })).then(() => execute(request));
    const file = await DmaFile.open(backend, path.join(dir, `${name}-dispatch`), { create: true, truncate: true, dispatch });
    const write = file.write(0, Buffer.from('held'));
    const sync = file.fdatasync();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.map((h) => [h.request.kind, h.request.position, h.request.length])).toEqual([['write', 0, 4], ['fdatasync', 0, 0]]);
    expect(fs.readFileSync(file.path).length).toBe(0); // nothing reached the backend yet
    for (const h of held.splice(0)) h.run();
    await write;
    await sync;
    const read = file.read(0, 4);
    await new Promise((resolve) => setImmediate(resolve));
    held.splice(0).forEach((h) => h.run());
    expect((await read).toString()).toBe('held');
    await file.close();
  });
});

describe.each(backendCases())('AppendWriter on the $name backend', ({ name, make }) => {
  let backend: IoBackend;
  beforeEach(() => {
    backend = make();
  });
  afterEach(async () => {
    await backend.close();
  });

  function records(seed: number, count: number): Buffer[] {
    const random = seededRandom(seed);
    return Array.from({ length: count }, (_, i) => Buffer.alloc(1 + Math.floor(random() * 3000), i % 251));
  }

  test.each([false, true])('appends come back byte for byte (direct: %s), with flushes in between', async (direct) => {
    const file = await DmaFile.open(backend, path.join(dir, `${name}-append-${direct}`), { create: true, truncate: true, direct });
    const writer = new AppendWriter(file, { chunkSizeBytes: 16 * 1024, maxWritesInFlight: 2 });
    const recs = records(7, 400);
    const pending: Promise<void>[] = [];
    recs.forEach((r, i) => {
      pending.push(writer.append(r));
      if (i === 100 || i === 101 || i === 250) pending.push(writer.flush());
    });
    await Promise.all(pending);
    await writer.sync();
    const all = Buffer.concat(recs);
    expect(writer.position).toBe(all.length);
    const size = await file.size();
    expect(size).toBe(direct ? Math.ceil(all.length / BLOCK) * BLOCK : all.length);
    const back = await file.read(0, size);
    expect(back.subarray(0, all.length).equals(all)).toBe(true);
    expect(back.subarray(all.length).every((b) => b === 0)).toBe(true); // padding is zeros
    await writer.close();
    expect((await rejection(writer.append(Buffer.from('x')))).code).toBe(IoErrorCodes.CLOSED);
    await file.close();
  });

  test('memory stays bounded: at most maxWritesInFlight chunk writes at once, full chunks only', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const sizes: number[] = [];
    const dispatch: IoDispatch = async (request, execute) => {
      if (request.kind !== 'write') return execute(request);
      sizes.push(request.length);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1)); // a slow device
      try {
        return await execute(request);
      } finally {
        inFlight--;
      }
    };
    const file = await DmaFile.open(backend, path.join(dir, `${name}-append-bounded`), { create: true, truncate: true, direct: true, dispatch });
    const writer = new AppendWriter(file, { chunkSizeBytes: 8192, maxWritesInFlight: 2 });
    for (const r of records(9, 200)) await writer.append(r);
    await writer.sync();
    expect(maxInFlight).toBe(2);
    expect(sizes.slice(0, -1).every((s) => s === 8192)).toBe(true);
    await file.close();
  });

  test('a failed write breaks the writer: sync and later appends reject with IO_ENOSPC', async () => {
    let writes = 0;
    const p = path.join(dir, `${name}-append-fail`);
    const file = await DmaFile.open(backend, p, {
      create: true,
      truncate: true,
      faults: { beforeOp: (op) => (op === 'write' && ++writes === 2 ? errnoError('ENOSPC') : null) },
    });
    const writer = new AppendWriter(file, { chunkSizeBytes: 4096 });
    const appends = records(3, 20).map((r) => writer.append(r));
    const settled = await Promise.allSettled(appends);
    const sync = await rejection(writer.sync());
    expect(sync.code).toBe(IoErrorCodes.ENOSPC);
    expect(sync.message).toContain(p);
    expect(settled.some((s) => s.status === 'rejected')).toBe(true);
    expect((await rejection(writer.append(Buffer.from('more')))).code).toBe(IoErrorCodes.ENOSPC);
    await file.close();
  });
});

describe('native and thread-pool backends', () => {
  const cases = backendCases();
  const test2 = cases.length === 2 ? test : test.skip;

  test2('produce identical files from the same workload', async () => {
    const contents: Buffer[] = [];
    for (const { name, make } of cases) {
      const backend = make();
      const p = path.join(dir, `${name}-same`);
      const file = await DmaFile.open(backend, p, { create: true, truncate: true, direct: true });
      const random = seededRandom(1234);
      await file.fallocate(0, 256 * BLOCK);
      for (let i = 0; i < 300; i++) {
        const block = Math.floor(random() * 256);
        await file.write(block * BLOCK, fillBlock(allocateAligned(BLOCK), block, i));
      }
      const writer = new AppendWriter(file, { chunkSizeBytes: 16 * 1024, startPosition: 256 * BLOCK });
      const rec = seededRandom(99);
      for (let i = 0; i < 500; i++) await writer.append(Buffer.alloc(1 + Math.floor(rec() * 700), i & 0xff));
      await writer.sync();
      await file.fsync();
      await file.close();
      await backend.close();
      contents.push(fs.readFileSync(p));
    }
    expect(contents[0]!.length).toBeGreaterThan(256 * BLOCK);
    expect(contents[0]!.equals(contents[1]!)).toBe(true);
  });
});
