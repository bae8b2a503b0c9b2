import fs from 'node:fs';
import path from 'node:path';
import { hasErrorCode } from '../src/errors';
import {
  allocateAligned,
  createIoBackend,
  DMA_ALIGNMENT,
  IoErrorCodes,
  isBufferAligned,
  IoUringBackend,
  openFile,
} from '../src/io/backend';
import type { IoBackend } from '../src/io/backend';
import { nativeBinding } from '../src/native/native-addon';
import { backendCases, fillBlock, makeTempDir } from './fixtures/io-test-helpers';

const dir = makeTempDir('io-backend');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('allocateAligned', () => {
  test('returns zeroed buffers at aligned addresses, for any size and power-of-two alignment', () => {
    const withAddon = nativeBinding() !== null;
    for (const [size, alignment] of [[0, 4096], [1, 4096], [4096, 4096], [12345, 4096], [65536, 512], [100, 8192]] as const) {
      if (!withAddon && alignment > 4096) {
        // Without the addon JS cannot see addresses: only page alignment is guaranteed.
        expect(() => allocateAligned(size, alignment)).toThrow(expect.objectContaining({ code: IoErrorCodes.ALIGNMENT_UNAVAILABLE }) as Error);
        continue;
      }
      const buf = allocateAligned(size, alignment);
      expect(buf.length).toBe(size);
      expect(buf.every((b) => b === 0)).toBe(true);
      expect(isBufferAligned(buf, alignment)).toBe(true);
    }
    expect(isBufferAligned(allocateAligned(8192).subarray(1), 4096)).toBe(false);
    // An ordinary Buffer's address is invisible to JS without the addon.
    expect(isBufferAligned(Buffer.alloc(8192), 4096) === undefined).toBe(!withAddon);
  });

  test('rejects a bad size or alignment with INVALID_ARGUMENT', () => {
    expect(() => allocateAligned(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
    expect(() => allocateAligned(10, 3000)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
});

describe('openFile', () => {
  test('falls back to buffered I/O where the filesystem refuses O_DIRECT, and says so', async () => {
    // procfs has no direct I/O: open(O_DIRECT) fails with EINVAL there.
    const opened = await openFile('/proc/self/status', { direct: true, readOnly: true });
    try {
      expect(opened.direct).toBe(false);
      expect(opened.directFallbackReason).toMatch(/refused O_DIRECT for \/proc\/self\/status \(EINVAL\)/);
    } finally {
      fs.closeSync(opened.fd);
    }
    const plain = await openFile(path.join(dir, 'plain'), { create: true });
    expect(plain).toMatchObject({ direct: false, directFallbackReason: null });
    fs.closeSync(plain.fd);
  });
});

describe('createIoBackend', () => {
  test('picks io_uring where it works, else the thread pool, and says why', async () => {
    const probe = IoUringBackend.probe();
    const chosen = createIoBackend();
    expect(chosen.kind).toBe(probe.available ? 'io_uring' : 'threadpool');
    expect(chosen.backend.kind).toBe(chosen.kind);
    expect(chosen.reason).toMatch(probe.available ? /io_uring available; ring of \d+ entries/ : /io_uring unavailable \(.+\)/);
    await chosen.backend.close();
    const pool = createIoBackend({ prefer: 'threadpool' });
    expect(pool.kind).toBe('threadpool');
    await pool.backend.close();
  });
});

describe.each(backendCases())('$name backend', ({ name, make }) => {
  let backend: IoBackend;
  beforeEach(() => {
    backend = make();
  });
  afterEach(async () => {
    await backend.close();
  });

  test('write, read back, fdatasync, fsync, fallocate', async () => {
    const file = path.join(dir, `${name}-roundtrip`);
    const { fd } = await openFile(file, { create: true, truncate: true });
    try {
      const data = Buffer.from('the quick brown fox jumps over the lazy dog');
      expect(await backend.write(fd, data, 10)).toBe(data.length);
      await backend.fdatasync(fd);
      await backend.fsync(fd);
      const back = Buffer.alloc(data.length);
      expect(await backend.read(fd, back, 10)).toBe(data.length);
      expect(back.equals(data)).toBe(true);
      // The 10 bytes before the write read as zeros (a hole), and a read past EOF is short.
      const all = Buffer.alloc(100);
      expect(await backend.read(fd, all, 0)).toBe(10 + data.length);
      expect(all.subarray(0, 10).every((b) => b === 0)).toBe(true);
      expect(await backend.read(fd, Buffer.alloc(10), 1000)).toBe(0);
      // fallocate extends the size and leaves existing data alone.
      await backend.fallocate(fd, 0, 1 << 20);
      expect(fs.fstatSync(fd).size).toBe(1 << 20);
      expect(await backend.read(fd, back, 10)).toBe(data.length);
      expect(back.equals(data)).toBe(true);
      await backend.fallocate(fd, 4096, 4096); // inside the file: no change
      expect(fs.fstatSync(fd).size).toBe(1 << 20);
      expect(backend.inFlight).toBe(0);
    } finally {
      fs.closeSync(fd);
    }
  });

  test('O_DIRECT with aligned buffers; a misaligned buffer is refused by the kernel (EINVAL)', async () => {
    const file = path.join(dir, `${name}-direct`);
    const opened = await openFile(file, { create: true, truncate: true, direct: true });
    expect(opened.direct).toBe(true);
    expect(opened.directFallbackReason).toBeNull();
    try {
      const block = fillBlock(allocateAligned(4 * DMA_ALIGNMENT), 3, 1);
      expect(await backend.write(opened.fd, block, 8 * DMA_ALIGNMENT)).toBe(block.length);
      const back = allocateAligned(4 * DMA_ALIGNMENT);
      expect(await backend.read(opened.fd, back, 8 * DMA_ALIGNMENT)).toBe(back.length);
      expect(back.equals(block)).toBe(true);
      // The disk's logical sectors are 512 bytes: only a byte-misaligned buffer is refused.
      const misaligned = allocateAligned(2 * DMA_ALIGNMENT).subarray(1, 1 + DMA_ALIGNMENT);
      await expect(backend.read(opened.fd, misaligned, 8 * DMA_ALIGNMENT)).rejects.toMatchObject({ code: 'EINVAL' });
      await expect(backend.write(opened.fd, block, 100)).rejects.toMatchObject({ code: 'EINVAL' });
    } finally {
      fs.closeSync(opened.fd);
    }
  });

  test('errors carry the errno name and do not disturb other requests', async () => {
    const file = path.join(dir, `${name}-errors`);
    fs.writeFileSync(file, 'abc');
    const fd = fs.openSync(file, 'r');
    const closedFd = fs.openSync(file, 'r');
    fs.closeSync(closedFd);
    try {
      const results = await Promise.allSettled([
        backend.read(fd, Buffer.alloc(3), 0),
        backend.read(closedFd, Buffer.alloc(3), 0),
        backend.write(fd, Buffer.from('x'), 0), // read-only descriptor
        backend.fdatasync(closedFd),
        backend.read(fd, Buffer.alloc(3), 0),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
      expect(results[1]).toMatchObject({ reason: { code: 'EBADF', syscall: 'read' } });
      expect(results[2]).toMatchObject({ reason: { code: 'EBADF' } });
      expect(results[3]).toMatchObject({ reason: { code: 'EBADF' } });
      expect(results[4]).toMatchObject({ value: 3 });
      expect(() => backend.read(fd, Buffer.alloc(1), -1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
      expect(() => backend.read(fd, Buffer.alloc(1), 1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
      // A request the backend refuses synchronously is not left counted as in flight.
      await expect(Promise.resolve().then(() => backend.read(fd, {} as Uint8Array, 0))).rejects.toThrow();
      expect(backend.inFlight).toBe(0);
    } finally {
      fs.closeSync(fd);
    }
  });

  test('close() waits for requests in flight, then refuses new ones with IO_CLOSED', async () => {
    const file = path.join(dir, `${name}-close`);
    const { fd } = await openFile(file, { create: true, truncate: true });
    try {
      const writes = Array.from({ length: 64 }, (_, i) => backend.write(fd, Buffer.alloc(65536, i), i * 65536));
      expect(backend.inFlight).toBe(64);
      await backend.close();
      expect(backend.inFlight).toBe(0);
      // Already settled: they win a race against the next macrotask.
      const first = await Promise.race([
        Promise.all(writes),
        new Promise<'not settled'>((resolve) => setImmediate(() => resolve('not settled'))),
      ]);
      expect(first).toEqual(Array(64).fill(65536));
      const late = backend.read(fd, Buffer.alloc(1), 0);
      await expect(late).rejects.toMatchObject({ code: IoErrorCodes.CLOSED });
      expect(hasErrorCode(await late.catch((e: unknown) => e), IoErrorCodes.CLOSED)).toBe(true);
    } finally {
      fs.closeSync(fd);
    }
  });
});

const describeUring = IoUringBackend.probe().available ? describe : describe.skip;

describeUring('io_uring ring', () => {
  test('submits in batches, never one io_uring_enter per request, and queues beyond the ring size', async () => {
    const backend = IoUringBackend.create();
    const file = path.join(dir, 'uring-batch');
    const { fd } = await openFile(file, { create: true, truncate: true });
    try {
      await backend.write(fd, Buffer.alloc(1 << 20, 7), 0);
      const before = backend.ringStats();
      const count = 3 * backend.entries + 17;
      const reads = Array.from({ length: count }, (_, i) => backend.read(fd, Buffer.alloc(512), (i * 512) % (1 << 20)));
      const mid = backend.ringStats();
      expect(mid.inRing).toBe(backend.entries); // bounded by the ring; the rest waits
      expect(mid.waiting).toBe(count - backend.entries);
      expect((await Promise.all(reads)).every((n) => n === 512)).toBe(true);
      const after = backend.ringStats();
      expect(after.submitted - before.submitted).toBe(count);
      expect(after.completed - before.completed).toBe(count);
      // Batches: one enter per `submitBatch` (8) prepared requests at most, plus one per reap.
      const enters = after.enterCalls - before.enterCalls;
      expect(enters).toBeGreaterThan(0);
      expect(enters).toBeLessThanOrEqual(Math.ceil(count / Math.max(backend.submitBatch, 1)) + (after.reapWakeups - before.reapWakeups));
      expect(after.inRing + after.waiting).toBe(0);
    } finally {
      fs.closeSync(fd);
      await backend.close();
    }
  });

  test('every IoUringBackend of a thread shares the thread\'s ring', () => {
    const a = IoUringBackend.create();
    const b = IoUringBackend.create({ entries: 8 });
    expect(b.entries).toBe(a.entries); // the first setup decided the size
    expect(a.ringStats().entries).toBe(a.entries);
  });
});
