import fs from 'node:fs';
import path from 'node:path';
import { CharybdisError, crc32c } from '@charybdis/core';
import type { DmaFile } from '@charybdis/core';
import type { PartitionUpdate } from '@charybdis/schema';
import { comparePartitionPositions } from '../partition-stream';
import { BloomFilter } from './bloom-filter';
import { DataCursor, decodeChunk, readRawWindow } from './compressed-data-reader';
import { decodeDigest } from './digest-codec';
import { INDEX_HEADER_BYTES, checkIndexHeader, decodeIndexPage } from './index-codec';
import type { IndexEntry } from './index-codec';
import { decodeRecordHeader } from './partition-record';
import { decodeWholeRecord, readSlicedPartition, readWholePartition } from './partition-record-reader';
import type { RecordSource } from './partition-record-reader';
import { SSTableErrorCodes, sstableCorrupt } from './sstable-error-codes';
import { SSTABLE_COMPONENTS, sstableFileName } from './sstable-file-names';
import type { SSTableComponent } from './sstable-file-names';
import { openSSTableFile, readFileRange, readWholeFile, removeFileIfExists, syncDirectory } from './sstable-files';
import { INDEX_SCAN_READ_BYTES, RECORD_HEADER_BYTES, SCAN_READ_BYTES } from './sstable-format';
import type { ClusteringSlice, RawPartition, SSTableReaderApi, SSTableReaderOptions, SSTableStats } from './sstable-types';
import { decodeStatistics } from './statistics-codec';
import type { SSTableStatistics } from './statistics-codec';
import { decodeSummary } from './summary-codec';
import type { SSTableSummary } from './summary-codec';
import { checkToc } from './toc-codec';

/** The small components, read whole and checked at open (and again by verify). */
interface Metadata {
  readonly statistics: SSTableStatistics;
  readonly summary: SSTableSummary;
  readonly filter: BloomFilter;
  readonly digest: { dataCrc: number; dataSizeBytes: number };
  readonly totalSizeBytes: number;
}

/**
 * Reads one SSTable generation (docs/sstable-format.md). `open` checks the TOC and loads
 * Summary, Filter, Statistics (with Data's chunk offsets) and Digest, each checked against
 * its own crc32c, and checks the sizes of Data and Index; Index pages and Data chunks are
 * read on demand, each checked when read. Any mismatch is SSTABLE_CORRUPT naming the file
 * (and offset): never a wrong answer. Memory: the loaded metadata, plus one raw window and
 * one decompressed chunk per cursor (one for point reads, one per running scan).
 *
 * Shard-local; reads may run concurrently. After `close` every read throws SSTABLE_CLOSED.
 */
export class SSTableReader implements SSTableReaderApi {
  readonly generation: number;
  readonly directory: string;
  readonly stats: SSTableStats;
  readonly totalSizeBytes: number;
  readonly #options: SSTableReaderOptions;
  readonly #data: DmaFile;
  readonly #index: DmaFile;
  readonly #meta: Metadata;
  readonly #point: RecordSource;
  #closed: Promise<void> | null = null;

  private constructor(options: SSTableReaderOptions, data: DmaFile, index: DmaFile, meta: Metadata) {
    this.#options = options;
    this.generation = options.generation;
    this.directory = options.directory;
    this.stats = meta.statistics.stats;
    this.totalSizeBytes = meta.totalSizeBytes;
    this.#data = data;
    this.#index = index;
    this.#meta = meta;
    this.#point = this.#source(1);
  }

  /** Opens generation `options.generation` of `options.directory`; SSTABLE_MISSING_COMPONENT / SSTABLE_CORRUPT when it cannot be trusted. */
  static async open(options: SSTableReaderOptions): Promise<SSTableReader> {
    const data = await openSSTableFile(options.io, componentPath(options, 'Data'), 'read');
    let index: DmaFile | null = null;
    try {
      index = await openSSTableFile(options.io, componentPath(options, 'Index'), 'read');
      const meta = await loadMetadata(options, data, index);
      options.logger.debug({ directory: options.directory, generation: options.generation, partitions: meta.statistics.stats.partitionCount }, 'sstable opened');
      return new SSTableReader(options, data, index, meta);
    } catch (err) {
      await data.close().catch(() => undefined);
      await index?.close().catch(() => undefined);
      throw err;
    }
  }

  #source(readAheadChunks: number): RecordSource {
    return {
      cursor: new DataCursor(this.#data, this.#meta.statistics.compression, readAheadChunks),
      comparators: this.#options.comparators,
      path: this.#data.path,
    };
  }

  mayContainKey(_partitionKey: Uint8Array, token: bigint): boolean {
    return this.#meta.filter.mayContain(token);
  }

  async readPartition(partitionKey: Uint8Array, token: bigint, slices?: readonly ClusteringSlice[]): Promise<PartitionUpdate | null> {
    this.#checkOpen('readPartition');
    if (!this.#meta.filter.mayContain(token)) return null;
    const entry = await this.#findEntry(partitionKey, token);
    if (entry === null) return null;
    if (slices === undefined) return (await readWholePartition(this.#point, entry.dataPosition, entry.key)).update;
    return readSlicedPartition(this.#point, entry.dataPosition, entry.key, slices, entry.blockIndexOffset);
  }

  /** The Index entry of the key: binary search of the Summary, then one Index page read and checked. */
  async #findEntry(key: Uint8Array, token: bigint): Promise<IndexEntry | null> {
    const s = this.#meta.summary;
    let lo = 0;
    let hi = s.firstKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePartitionPositions(s.firstTokens[mid]!, s.firstKeys[mid]!, token, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return null;
    for (const e of await this.#page(lo - 1)) {
      const c = comparePartitionPositions(e.token, e.key, token, key);
      if (c === 0) return e;
      if (c > 0) break;
    }
    return null;
  }

  async #page(i: number): Promise<IndexEntry[]> {
    const s = this.#meta.summary;
    const position = s.pagePositions[i]!;
    return decodeIndexPage(await readFileRange(this.#index, position, s.pageLengths[i]!), this.#index.path, position, this.#options.comparators.clustering.size);
  }

  /**
   * Every partition as stored, one batch per Index page: the Index is read sequentially in
   * INDEX_SCAN_READ_BYTES requests, Data with the scan cursor (large requests, the next
   * window read ahead). A record inside the chunk decompressed last is a view of it, read
   * without an await; records are not decoded (see `decodeRaw`).
   */
  async *scanRaw(): AsyncGenerator<readonly RawPartition[], void, undefined> {
    this.#checkOpen('scanRaw');
    const s = this.#meta.summary;
    const tableId = this.#meta.statistics.tableId;
    const chunkSize = this.#meta.statistics.compression.chunkSizeBytes;
    const cursor = this.#source(Math.max(1, Math.floor(SCAN_READ_BYTES / chunkSize))).cursor;
    const arity = this.#options.comparators.clustering.size;
    let window: Buffer = Buffer.alloc(0);
    let windowStart = 0;
    for (let p = 0; p < s.firstKeys.length; p++) {
      const pageAt = s.pagePositions[p]!;
      const pageLength = s.pageLengths[p]!;
      if (pageAt + pageLength > windowStart + window.length) {
        windowStart = pageAt;
        window = await readFileRange(this.#index, pageAt, Math.max(pageLength, Math.min(INDEX_SCAN_READ_BYTES, s.indexSizeBytes - pageAt)));
      }
      const entries = decodeIndexPage(window.subarray(pageAt - windowStart, pageAt - windowStart + pageLength), this.#index.path, pageAt, arity);
      const batch: RawPartition[] = [];
      for (const e of entries) {
        this.#checkOpen('scanRaw');
        const header = cursor.readLoaded(e.dataPosition, RECORD_HEADER_BYTES) ?? (await cursor.read(e.dataPosition, RECORD_HEADER_BYTES));
        const length = RECORD_HEADER_BYTES + decodeRecordHeader(header, this.#data.path, e.dataPosition).bodyLength;
        const record = cursor.readLoaded(e.dataPosition, length) ?? (await cursor.read(e.dataPosition, length));
        batch.push({ tableId, token: e.token, partitionKey: e.key, record, blockIndexOffset: e.blockIndexOffset, dataPosition: e.dataPosition, stats: e.stats });
      }
      yield batch;
    }
  }

  /** Decodes a record given by `scanRaw` (checked like `scan`: structure, order, key). */
  decodeRaw(raw: RawPartition): PartitionUpdate {
    const record = Buffer.isBuffer(raw.record) ? raw.record : Buffer.from(raw.record.buffer, raw.record.byteOffset, raw.record.byteLength);
    // No copies: the record is a view of a decompressed chunk that is never reused (or a
    // copy of its own), so views into it stay valid as long as the update is referenced.
    return decodeWholeRecord(record, { comparators: this.#options.comparators, path: this.#data.path }, raw.dataPosition, raw.partitionKey, false);
  }

  async *scan(fromToken?: bigint, toToken?: bigint): AsyncGenerator<PartitionUpdate, void, undefined> {
    this.#checkOpen('scan');
    const end = this.#meta.statistics.compression.uncompressedLength;
    let position = fromToken === undefined ? 0 : await this.#firstPositionFrom(fromToken);
    const chunkSize = this.#meta.statistics.compression.chunkSizeBytes;
    const src = this.#source(Math.max(1, Math.floor(SCAN_READ_BYTES / chunkSize)));
    while (position < end) {
      this.#checkOpen('scan');
      const { update, next } = await readWholePartition(src, position);
      if (toToken !== undefined && update.token > toToken) return;
      if (fromToken === undefined || update.token >= fromToken) yield update;
      position = next;
    }
  }

  /** Data position of the first partition with token >= `token` (end of data when none). */
  async #firstPositionFrom(token: bigint): Promise<number> {
    const s = this.#meta.summary;
    let lo = 0;
    let hi = s.firstTokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.firstTokens[mid]! < token) lo = mid + 1;
      else hi = mid;
    }
    // Pages before `lo` start below `token`; the first match is in page lo - 1 or is page lo's first entry.
    for (let p = Math.max(0, lo - 1); p < s.firstTokens.length; p++) {
      const match = (await this.#page(p)).find((e) => e.token >= token);
      if (match !== undefined) return match.dataPosition;
    }
    return this.#meta.statistics.compression.uncompressedLength;
  }

  /**
   * Re-reads and re-checks every component: the small ones as at open, every Index page,
   * every Data chunk (crc32c, decompression) and the Digest of the whole Data file, then
   * decodes every partition and checks their count and order against Index and Statistics.
   */
  async verify(): Promise<void> {
    this.#checkOpen('verify');
    const meta = await loadMetadata(this.#options, this.#data, this.#index);
    const info = meta.statistics.compression;
    const perWindow = Math.max(1, Math.floor(SCAN_READ_BYTES / info.chunkSizeBytes));
    let digest = 0;
    for (let first = 0; first < info.chunkOffsets.length; first += perWindow) {
      const window = await readRawWindow(this.#data, info, first, Math.min(perWindow, info.chunkOffsets.length - first));
      digest = crc32c(window.bytes, digest);
      for (let i = first; i < first + window.count; i++) decodeChunk(this.#data.path, info, i, window);
    }
    if (digest !== meta.digest.dataCrc) {
      throw sstableCorrupt(this.#data.path, null, `Data crc32c 0x${digest.toString(16)} does not match the Digest's 0x${meta.digest.dataCrc.toString(16)}`);
    }
    const entries: IndexEntry[] = [];
    for (let p = 0; p < meta.summary.firstKeys.length; p++) entries.push(...(await this.#page(p)));
    let i = 0;
    const src = this.#source(perWindow);
    for (let position = 0; position < info.uncompressedLength; i++) {
      const e = entries[i];
      if (e === undefined || e.dataPosition !== position) throw sstableCorrupt(this.#index.path, null, `Index entry ${i} does not point to partition record ${i} at ${position}`);
      position = (await readWholePartition(src, position, e.key)).next;
    }
    if (i !== entries.length || i !== this.stats.partitionCount) {
      throw sstableCorrupt(this.#index.path, null, `${entries.length} Index entries, ${i} partitions in Data, ${this.stats.partitionCount} in Statistics`);
    }
  }

  async linkInto(targetDirectory: string): Promise<void> {
    this.#checkOpen('linkInto');
    // TOC last, so that a crash midway leaves a partial snapshot that start-up removes.
    for (const c of SSTABLE_COMPONENTS) {
      const name = sstableFileName(this.generation, c);
      await fs.promises.link(path.join(this.directory, name), path.join(targetDirectory, name));
    }
    await syncDirectory(targetDirectory);
  }

  close(): Promise<void> {
    this.#closed ??= Promise.all([this.#data.close(), this.#index.close()]).then(() => undefined);
    return this.#closed;
  }

  async delete(): Promise<void> {
    await this.close();
    // TOC first: from then on the generation is partial, whatever happens to the rest.
    await removeFileIfExists(componentPath(this.#options, 'TOC'));
    await syncDirectory(this.directory);
    for (const c of SSTABLE_COMPONENTS) if (c !== 'TOC') await removeFileIfExists(componentPath(this.#options, c));
    await syncDirectory(this.directory);
    this.#options.logger.info({ directory: this.directory, generation: this.generation }, 'sstable deleted');
  }

  #checkOpen(op: string): void {
    if (this.#closed !== null) throw new CharybdisError(SSTableErrorCodes.CLOSED, `SSTable ${this.directory} generation ${this.generation}: ${op} after close`);
  }
}

function componentPath(o: { directory: string; generation: number }, c: SSTableComponent): string {
  return path.join(o.directory, sstableFileName(o.generation, c));
}

/** Reads a small component whole (opened, read, closed). */
async function readComponent(options: SSTableReaderOptions, c: SSTableComponent): Promise<Buffer> {
  const file = await openSSTableFile(options.io, componentPath(options, c), 'read');
  try {
    return await readWholeFile(file);
  } finally {
    await file.close();
  }
}

/** Checks TOC, Summary, Filter, Statistics and Digest, and the sizes of Data and Index against them. */
async function loadMetadata(options: SSTableReaderOptions, data: DmaFile, index: DmaFile): Promise<Metadata> {
  const toc = await readComponent(options, 'TOC');
  checkToc(toc, componentPath(options, 'TOC'));
  const [summaryBytes, filterBytes, statisticsBytes, digestBytes] = await Promise.all(
    (['Summary', 'Filter', 'Statistics', 'Digest'] as const).map((c) => readComponent(options, c)),
  );
  const statistics = decodeStatistics(statisticsBytes!, componentPath(options, 'Statistics'), options.comparators.clustering.size);
  const summary = decodeSummary(summaryBytes!, componentPath(options, 'Summary'), INDEX_HEADER_BYTES);
  const filter = BloomFilter.decode(filterBytes!, componentPath(options, 'Filter'));
  const digest = decodeDigest(digestBytes!, componentPath(options, 'Digest'));
  const [dataSize, indexSize] = await Promise.all([data.size(), index.size()]);
  const expectedData = statistics.compression.compressedLength;
  if (dataSize !== expectedData) throw sstableCorrupt(data.path, Math.min(dataSize, expectedData), `the file is ${dataSize} bytes, Statistics says ${expectedData}`);
  if (digest.dataSizeBytes !== expectedData) throw sstableCorrupt(componentPath(options, 'Digest'), null, `Digest covers ${digest.dataSizeBytes} bytes of Data, Statistics says ${expectedData}`);
  if (indexSize !== summary.indexSizeBytes) throw sstableCorrupt(index.path, Math.min(indexSize, summary.indexSizeBytes), `the file is ${indexSize} bytes, Summary says ${summary.indexSizeBytes}`);
  checkIndexHeader(await readFileRange(index, 0, INDEX_HEADER_BYTES), index.path);
  const totalSizeBytes = dataSize + indexSize + toc.length + summaryBytes!.length + filterBytes!.length + statisticsBytes!.length + digestBytes!.length;
  return { statistics, summary, filter, digest, totalSizeBytes };
}
