import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_IO_DISK, ShardIo, ThreadPoolBackend, hasErrorCode } from '@charybdis/core';
import { Commitlog, CommitlogErrorCodes, encodeEntry, readEntry, replayCommitlog, segmentCrcSeed } from '../src/commitlog';
import { seededRandomForCommitlog } from './fixtures/commitlog-seeded-random';
import type { ReplayPosition } from '../src/commitlog';
import { RecordingLogger, SyncRecordingBackend, makeCommitlogTempDir, payloadFor, until } from './fixtures/commitlog-test-doubles';

const SEGMENT_BYTES = 64 * 1024;

async function replayAll(directory: string, logger = new RecordingLogger()): Promise<{ entries: { payload: Buffer; position: ReplayPosition }[]; logger: RecordingLogger }> {
  const entries: { payload: Buffer; position: ReplayPosition }[] = [];
  const backend = new ThreadPoolBackend();
  await replayCommitlog(directory, (payload, position) => {
    entries.push({ payload: Buffer.from(payload), position });
  }, { backend, logger });
  await backend.close();
  return { entries, logger };
}

async function writeEntries(directory: string, count: number, maxPayload: number): Promise<ReplayPosition[]> {
  const backend = new ThreadPoolBackend();
  const log = await Commitlog.open({ directory, backend, segmentSizeBytes: SEGMENT_BYTES, syncMode: 'batch', logger: new RecordingLogger() });
  const positions = await Promise.all(Array.from({ length: count }, (_, i) => log.append(payloadFor(i, maxPayload))));
  await log.close();
  await backend.close();
  return positions;
}

function segmentPath(directory: string, segmentId: number): string {
  return path.join(directory, `commitlog-${segmentId}.log`);
}

describe('Commitlog', () => {
  test.each(['periodic', 'batch'] as const)('round trip of many entries across several segments (%s)', async (syncMode) => {
    const directory = makeCommitlogTempDir();
    const backend = new ThreadPoolBackend();
    const log = await Commitlog.open({ directory, backend, segmentSizeBytes: SEGMENT_BYTES, syncMode, syncPeriodMs: 5, logger: new RecordingLogger() });
    const positions: ReplayPosition[] = [];
    for (let i = 0; i < 600; i++) positions.push(await log.append(payloadFor(i, 2000)));
    await log.close();
    await backend.close();
    const segments = new Set(positions.map((p) => p.segmentId));
    expect(segments.size).toBeGreaterThanOrEqual(5);
    const { entries, logger } = await replayAll(directory);
    expect(entries.map((e) => e.position)).toEqual(positions);
    entries.forEach((e, i) => expect(e.payload.equals(payloadFor(i, 2000))).toBe(true));
    expect(logger.warnings()).toEqual([]);
    // Segment files are preallocated to the full segment size.
    for (const id of segments) expect(fs.statSync(segmentPath(directory, id)).size).toBe(SEGMENT_BYTES);
    await expect(log.append(Buffer.alloc(1))).rejects.toMatchObject({ code: CommitlogErrorCodes.CLOSED });
  });

  test('a replay at start-up reads only the segments of earlier runs, not the one just opened', async () => {
    const directory = makeCommitlogTempDir();
    const earlier = await writeEntries(directory, 20, 500);
    const backend = new ThreadPoolBackend();
    const log = await Commitlog.open({ directory, backend, segmentSizeBytes: SEGMENT_BYTES, syncMode: 'periodic', logger: new RecordingLogger() });
    const logger = new RecordingLogger();
    const seen: ReplayPosition[] = [];
    const result = await replayCommitlog(directory, (_p, position) => void seen.push(position), { backend, logger, beforeSegmentId: log.position.segmentId });
    expect(seen).toEqual(earlier);
    expect(result.corruptSegments).toBe(0);
    expect(logger.warnings()).toEqual([]);
    await log.close();
    await backend.close();
  });

  test('rejects an entry larger than a segment', async () => {
    const directory = makeCommitlogTempDir();
    const backend = new ThreadPoolBackend();
    const log = await Commitlog.open({ directory, backend, segmentSizeBytes: 8192, syncMode: 'batch', logger: new RecordingLogger() });
    const err = await log.append(Buffer.alloc(8192)).catch((e: unknown) => e);
    expect(hasErrorCode(err, CommitlogErrorCodes.ENTRY_TOO_LARGE)).toBe(true);
    await log.append(Buffer.alloc(log.maxEntrySizeBytes, 1));
    await log.close();
    await backend.close();
    expect((await replayAll(directory)).entries.map((e) => e.payload.length)).toEqual([log.maxEntrySizeBytes]);
  });

  test('batch mode acknowledges only after fdatasync, and group commit shares one fdatasync', async () => {
    const directory = makeCommitlogTempDir();
    const backend = new SyncRecordingBackend();
    const log = await Commitlog.open({ directory, backend, segmentSizeBytes: 1024 * 1024, syncMode: 'batch', logger: new RecordingLogger() });
    backend.holdSyncs = true;
    let firstAcked = false;
    const first = log.append(payloadFor(0, 100)).then((p) => {
      firstAcked = true;
      return p;
    });
    await until(() => backend.heldSyncs === 1);
    // The fdatasync covering the entry is issued but not complete: no acknowledgement.
    for (let i = 0; i < 50; i++) await new Promise<void>((r) => setImmediate(r));
    expect(firstAcked).toBe(false);
    // 50 appends while that sync is held: they must all wait for, and share, the next one.
    let acked = 0;
    const rest = Array.from({ length: 50 }, (_, i) => log.append(payloadFor(i + 1, 100)).then(() => acked++));
    for (let i = 0; i < 50; i++) await new Promise<void>((r) => setImmediate(r));
    expect(acked).toBe(0);
    const syncsBefore = backend.fdatasyncCalls;
    backend.holdSyncs = false;
    backend.releaseSyncs();
    await first;
    expect(firstAcked).toBe(true);
    await Promise.all(rest);
    expect(backend.fdatasyncCalls - syncsBefore).toBe(1);
    const stats = log.stats();
    expect(stats.groupCommits).toBe(2);
    expect(stats.entriesGroupCommitted).toBe(51);
    expect(stats.maxEntriesPerGroupCommit).toBe(50);
    await log.close();
    await backend.close();
    expect((await replayAll(directory)).entries).toHaveLength(51);
  });

  test('periodic mode acknowledges before the sync and syncs within the period', async () => {
    const directory = makeCommitlogTempDir();
    const backend = new SyncRecordingBackend();
    const log = await Commitlog.open({ directory, backend, segmentSizeBytes: 1024 * 1024, syncMode: 'periodic', syncPeriodMs: 10, logger: new RecordingLogger() });
    await log.append(payloadFor(1, 100));
    expect(backend.fdatasyncsCompleted).toBe(0);
    await until(() => backend.fdatasyncsCompleted >= 1, 1_000_000);
    await log.close();
    await backend.close();
  });

  test('periodic mode keeps acknowledging appends while a periodic fdatasync is in progress', async () => {
    const directory = makeCommitlogTempDir();
    const backend = new SyncRecordingBackend();
    const log = await Commitlog.open({ directory, backend, segmentSizeBytes: SEGMENT_BYTES, syncMode: 'periodic', syncPeriodMs: 5, logger: new RecordingLogger() });
    await log.append(payloadFor(0, 100));
    backend.holdSyncs = true;
    await until(() => backend.heldSyncs > 0); // the period came: its fdatasync is now stuck in the "disk"
    const positions: ReplayPosition[] = [];
    for (let i = 1; i <= 50; i++) positions.push(await log.append(payloadFor(i, 100))); // not blocked by it
    expect(positions).toHaveLength(50);
    expect(backend.heldSyncs).toBeGreaterThan(0);
    backend.releaseSyncs();
    await log.sync();
    await log.close();
    await backend.close();
    const { entries } = await replayAll(directory);
    expect(entries).toHaveLength(51);
  });

  test('a torn tail is skipped with a log line naming file and offset; earlier entries replayed', async () => {
    const directory = makeCommitlogTempDir();
    const positions = await writeEntries(directory, 20, 500);
    const torn = positions[15]!;
    expect(torn.segmentId).toBe(positions[0]!.segmentId);
    fs.truncateSync(segmentPath(directory, torn.segmentId), torn.offset + 10);
    const { entries, logger } = await replayAll(directory);
    expect(entries.map((e) => e.payload.readUInt32LE(0))).toEqual(Array.from({ length: 15 }, (_, i) => i));
    const warnings = logger.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toMatchObject({ path: segmentPath(directory, torn.segmentId), offset: torn.offset, code: CommitlogErrorCodes.CORRUPT_ENTRY });
  });

  test.each([
    ['payload', 12],
    ['length', 0],
    ['length CRC', 5],
    ['payload CRC', -1],
  ] as const)('a corrupt %s byte ends the segment there, never applied', async (_what, delta) => {
    const directory = makeCommitlogTempDir();
    const positions = await writeEntries(directory, 20, 500);
    const bad = positions[10]!;
    const file = segmentPath(directory, bad.segmentId);
    const bytes = fs.readFileSync(file);
    const at = delta >= 0 ? bad.offset + delta : positions[11]!.offset - 1;
    bytes[at] = bytes[at]! ^ 0x5a;
    fs.writeFileSync(file, bytes);
    const { entries, logger } = await replayAll(directory);
    expect(entries.map((e) => e.payload.readUInt32LE(0))).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(logger.warnings().map((w) => w.obj)).toEqual([expect.objectContaining({ path: file, offset: bad.offset })]);
  });

  test('a segment with a corrupt header is skipped with a warning; other segments replayed', async () => {
    const directory = makeCommitlogTempDir();
    const positions = await writeEntries(directory, 300, 1000);
    const ids = [...new Set(positions.map((p) => p.segmentId))];
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const file = segmentPath(directory, ids[1]!);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0xff]), 0, 1, 2);
    fs.closeSync(fd);
    const { entries, logger } = await replayAll(directory);
    const expected = positions.map((p, i) => ({ p, i })).filter(({ p }) => p.segmentId !== ids[1]).map(({ i }) => i);
    expect(entries.map((e) => e.payload.readUInt32LE(0))).toEqual(expected);
    expect(logger.warnings().map((w) => w.obj.path)).toEqual([file]);
  });

  test('discardUpTo recycles segments; stale entries of a reused file are never replayed', async () => {
    const directory = makeCommitlogTempDir();
    const backend = new ThreadPoolBackend();
    const log = await Commitlog.open({ directory, backend, segmentSizeBytes: 16384, syncMode: 'batch', maxRecycledSegments: 2, logger: new RecordingLogger() });
    const positions: ReplayPosition[] = [];
    for (let i = 0; i < 150; i++) positions.push(await log.append(payloadFor(i, 1000)));
    const cut = log.position;
    await log.discardUpTo(cut);
    const s1 = log.stats();
    expect(s1.segmentsRecycled).toBe(2);
    expect(s1.segmentsDeleted).toBeGreaterThan(0);
    for (let i = 150; i < 250; i++) positions.push(await log.append(payloadFor(i, 1000)));
    expect(log.stats().segmentsReused).toBe(2);
    await log.close();
    await backend.close();
    const { entries, logger } = await replayAll(directory);
    const expected = positions.map((p, i) => ({ p, i })).filter(({ p }) => p.segmentId >= cut.segmentId).map(({ i }) => i);
    expect(entries.map((e) => e.payload.readUInt32LE(0))).toEqual(expected);
    entries.forEach((e) => expect(e.payload.equals(payloadFor(e.payload.readUInt32LE(0), 1000))).toBe(true));
    // A reused file may end in stale bytes of its former id: reported, never applied.
    for (const w of logger.warnings()) expect(String(w.obj.reason)).toMatch(/CRC/);
  });
});

test('through a ShardIo, every commitlog request goes through the I/O queue in the commitlog class', async () => {
  const directory = makeCommitlogTempDir();
  const shardIo = ShardIo.create({ shardCount: 1, disk: DEFAULT_IO_DISK, backend: 'threadpool' });
  const log = await Commitlog.open({ directory, shardIo, segmentSizeBytes: SEGMENT_BYTES, syncMode: 'batch', logger: new RecordingLogger() });
  for (let i = 0; i < 100; i++) await log.append(payloadFor(i, 2000));
  await log.close();
  const commitlogClass = shardIo.queue.classStats('commitlog');
  expect(commitlogClass.writeRequests).toBeGreaterThan(0);
  expect(commitlogClass.writeBytes).toBeGreaterThanOrEqual(100 * 4);
  await shardIo.close();
  expect((await replayAll(directory)).entries).toHaveLength(100);
});

describe('commitlog entry codec', () => {
  test('any byte string gives an entry, a clean end or a corrupt result, never a throw or a wrong payload', () => {
    const seed = segmentCrcSeed(42);
    const valid = encodeEntry(Buffer.from('hello commitlog'), seed);
    expect(readEntry(valid, 0, seed)).toMatchObject({ kind: 'entry', nextOffset: valid.length });
    // Another segment id's seed never validates (stale entries of a recycled file).
    expect(readEntry(valid, 0, segmentCrcSeed(43)).kind).toBe('corrupt');
    expect(readEntry(Buffer.alloc(64), 0, seed).kind).toBe('end');
    const random = seededRandomForCommitlog(7);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(valid);
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(random() * bytes.length);
        bytes[at] = bytes[at]! ^ (1 + Math.floor(random() * 255));
      }
      const cut = bytes.subarray(0, Math.floor(random() * (bytes.length + 1)));
      const r = readEntry(cut, 0, seed);
      expect(r.kind).not.toBe('entry');
    }
  });
});
