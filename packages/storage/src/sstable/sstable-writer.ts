import fs from 'node:fs';
import path from 'node:path';
import { AppendWriter, CharybdisError } from '@charybdis/core';
import type { DmaFile } from '@charybdis/core';
import { isEmptyPartitionUpdate } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import { comparePartitionPositions } from '../partition-stream';
import { BloomFilter } from './bloom-filter';
import { CompressedDataWriter } from './compressed-data-writer';
import { encodeDigest } from './digest-codec';
import { appendIndexEntry, beginIndexPage, encodeIndexHeader, sealIndexPage } from './index-codec';
import { encodePartitionRecord } from './partition-record';
import { SSTableByteWriter } from './sstable-byte-writer';
import { SSTableErrorCodes } from './sstable-error-codes';
import { SSTABLE_COMPONENTS, sstableFileName } from './sstable-file-names';
import type { SSTableComponent } from './sstable-file-names';
import { SSTABLE_APPEND_CHUNK_BYTES, TOC_TEMP_SUFFIX, finishAppendedFile, openSSTableFile, removeFileIfExists, syncDirectory, writeWholeFile } from './sstable-files';
import {
  BLOOM_FALSE_POSITIVE_CHANCE,
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_PARTITION_BLOCK_BYTES,
  DEFAULT_SUMMARY_INTERVAL,
  MAX_CHUNK_SIZE_BYTES,
  MIN_CHUNK_SIZE_BYTES,
} from './sstable-format';
import { PartitionStatsAccumulator } from './partition-stats';
import type { PartitionStatsSummary, RawPartition, SSTableStats, SSTableWriterApi, SSTableWriterOptions } from './sstable-types';
import { encodeStatistics } from './statistics-codec';
import { StatsCollector } from './stats-collector';
import { encodeSummary } from './summary-codec';
import { encodeToc } from './toc-codec';

/** SSTableWriterOptions plus format knobs (defaults suit production; tests shrink them). */
export interface SSTableWriterCreateOptions extends SSTableWriterOptions {
  /** Uncompressed size of a Data compression chunk (default 64 KiB; 4 KiB..4 MiB). */
  readonly chunkSizeBytes?: number;
  /** Estimated rows above which a partition is written in clustering blocks of about this size (default 64 KiB). */
  readonly partitionBlockSizeBytes?: number;
  /** Index entries per Index page / Summary entry (default 128). */
  readonly summaryInterval?: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Writes one SSTable generation (docs/sstable-format.md). Data and Index are streamed
 * through AppendWriters as partitions are appended; the writer keeps only the current
 * Index page, one Summary entry per page and one 8-byte token per partition (the bloom
 * filter is sized by the real count at `finish`). `finish` writes Summary, Filter,
 * Statistics and Digest, syncs each, then the TOC, then syncs the directory: a crash at
 * any point before the TOC leaves a partial generation that `listSSTables` removes.
 *
 * Calls are serialised (an append may be issued before the previous one resolved); an
 * append runs synchronously when nothing is queued and returns a resolved promise unless
 * it handed buffers to the files (about once per MiB of Data), so a flush or compaction
 * pays no promise chain per partition. After a failure every later call but `abort`
 * rejects with the first error. Shard-local.
 */
export class SSTableWriter implements SSTableWriterApi {
  readonly #options: SSTableWriterCreateOptions;
  readonly #data: CompressedDataWriter;
  readonly #indexFile: DmaFile;
  readonly #index: AppendWriter;
  readonly #page = new SSTableByteWriter();
  readonly #blockSize: number;
  readonly #interval: number;
  readonly #stats: StatsCollector;
  #pageEntries = 0;
  #pageFirstToken = 0n;
  #pageFirstKey: Buffer | null = null;
  readonly #partitionStats = new PartitionStatsAccumulator();
  readonly #summary = { tokens: [] as bigint[], keys: [] as Buffer[], positions: [] as number[], lengths: [] as number[] };
  #tokens = new BigInt64Array(1024);
  #lastToken = 0n;
  #lastKey: Uint8Array | null = null;
  #tableId: string | null = null;
  #tail: Promise<void> = RESOLVED;
  /** Calls queued behind I/O and not finished yet; 0 lets an append run synchronously. */
  #queued = 0;
  #failure: Error | undefined;
  #state: 'open' | 'finishing' | 'finished' | 'aborted' = 'open';

  private constructor(options: SSTableWriterCreateOptions, dataFile: DmaFile, indexFile: DmaFile) {
    this.#options = options;
    this.#data = new CompressedDataWriter(dataFile, options.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES);
    this.#indexFile = indexFile;
    this.#index = new AppendWriter(indexFile, { chunkSizeBytes: SSTABLE_APPEND_CHUNK_BYTES });
    this.#blockSize = options.partitionBlockSizeBytes ?? DEFAULT_PARTITION_BLOCK_BYTES;
    this.#interval = options.summaryInterval ?? DEFAULT_SUMMARY_INTERVAL;
    this.#stats = new StatsCollector(options.comparators.clustering);
  }

  /** Creates the Data and Index files of a new generation (refused when that generation has a TOC already). */
  /** The generation this writer creates. */
  get generation(): number {
    return this.#options.generation;
  }

  static async create(options: SSTableWriterCreateOptions): Promise<SSTableWriter> {
    checkOptions(options);
    const file = (c: SSTableComponent): string => path.join(options.directory, sstableFileName(options.generation, c));
    if (fs.existsSync(file('TOC'))) {
      throw new CharybdisError(SSTableErrorCodes.INVALID_ARGUMENT, `SSTable generation ${options.generation} already exists in ${options.directory}`);
    }
    const data = await openSSTableFile(options.io, file('Data'), 'create');
    let index: DmaFile;
    try {
      index = await openSSTableFile(options.io, file('Index'), 'create');
    } catch (err) {
      await data.close();
      await removeFileIfExists(file('Data'));
      throw err;
    }
    const writer = new SSTableWriter(options, data, index);
    await writer.#index.append(encodeIndexHeader());
    options.logger.debug({ directory: options.directory, generation: options.generation }, 'sstable writer created');
    return writer;
  }

  get dataBytesWritten(): number {
    return this.#data.compressedBytesWritten;
  }

  get partitionsWritten(): number {
    return this.#stats.partitionCount;
  }

  append(update: PartitionUpdate): Promise<void> {
    const refused = this.#refusal('append');
    if (refused !== null) return Promise.reject(refused);
    // Checked synchronously, in call order, so a caller that does not await each append
    // still gets the error on the offending one.
    try {
      this.#check(update.tableId, update.token, update.partitionKey, isEmptyPartitionUpdate(update));
    } catch (err) {
      return Promise.reject(asError(err));
    }
    this.#lastToken = update.token;
    this.#lastKey = update.partitionKey;
    return this.#run(() => this.#appendUpdate(update));
  }

  /**
   * Copies a record read by `scanRaw` of an SSTable of the same table (and format version)
   * into Data as it is, and its Index facts into Index; Statistics fold `raw.stats`, so they
   * are exactly what `append` of the decoded partition would give.
   */
  appendRaw(raw: RawPartition): Promise<void> {
    const refused = this.#refusal('appendRaw');
    if (refused !== null) return Promise.reject(refused);
    try {
      this.#check(raw.tableId, raw.token, raw.partitionKey, false);
    } catch (err) {
      return Promise.reject(asError(err));
    }
    this.#lastToken = raw.token;
    this.#lastKey = raw.partitionKey;
    return this.#run(() => this.#appendRecord(raw.token, raw.partitionKey, [raw.record], raw.blockIndexOffset, raw.stats));
  }

  /**
   * Runs one append: synchronously when nothing is queued (the common case: no promise
   * chain, no microtask), queued behind earlier calls otherwise. `work` returns a promise
   * only when it handed buffers to the files; that promise is queued so that later calls
   * wait for it (backpressure, and buffer reuse).
   */
  #run(work: () => Promise<void> | null): Promise<void> {
    if (this.#queued === 0) {
      let pending: Promise<void> | null;
      try {
        pending = work();
      } catch (err) {
        const error = asError(err);
        this.#failure ??= error;
        return Promise.reject(error);
      }
      return pending === null ? RESOLVED : this.#enqueue(() => pending);
    }
    return this.#enqueue(async () => {
      const pending = work();
      if (pending !== null) await pending;
    });
  }

  #where(): string {
    return `${this.#options.directory} generation ${this.#options.generation}`;
  }

  #check(tableId: string, token: bigint, key: Uint8Array, empty: boolean): void {
    const where = this.#where();
    if (empty) throw new CharybdisError(SSTableErrorCodes.EMPTY, `SSTable ${where}: append of an empty partition update`);
    this.#tableId ??= tableId;
    if (tableId !== this.#tableId) {
      throw new CharybdisError(SSTableErrorCodes.INVALID_ARGUMENT, `SSTable ${where}: partition of table ${tableId} after ones of table ${this.#tableId}`);
    }
    const lastKey = this.#lastKey;
    if (lastKey !== null && comparePartitionPositions(this.#lastToken, lastKey, token, key) >= 0) {
      throw new CharybdisError(
        SSTableErrorCodes.OUT_OF_ORDER,
        `SSTable ${where}: partition (token ${token}, key ${Buffer.from(key).toString('hex')}) is not after ` +
          `(token ${this.#lastToken}, key ${Buffer.from(lastKey).toString('hex')})`,
      );
    }
  }

  #appendUpdate(update: PartitionUpdate): Promise<void> | null {
    const record = encodePartitionRecord(update, this.#options.comparators.clustering, this.#blockSize);
    return this.#appendRecord(update.token, update.partitionKey, record.pieces, record.blockIndexOffset, this.#partitionStats.summarize(update));
  }

  /** Writes one record and its Index entry; a promise when buffers went to the files (await it before the next record). */
  #appendRecord(token: bigint, partitionKey: Uint8Array, pieces: readonly Uint8Array[], blockIndexOffset: number | null, stats: PartitionStatsSummary): Promise<void> | null {
    const position = this.#data.position;
    let dataPending: Promise<void> | null = null;
    for (let i = 0; i < pieces.length; i++) {
      // A piece that had to wait keeps the rest waiting too (the staging buffer is reused).
      if (dataPending !== null) {
        const rest = pieces.slice(i);
        const before = dataPending;
        dataPending = before.then(() => this.#writePieces(rest));
        break;
      }
      dataPending = this.#data.write(pieces[i]!);
    }
    if (this.#pageEntries === 0) {
      this.#page.reset();
      beginIndexPage(this.#page);
      this.#pageFirstToken = token;
      this.#pageFirstKey = Buffer.from(partitionKey);
    }
    appendIndexEntry(this.#page, token, partitionKey, position, blockIndexOffset, stats);
    const indexPending = ++this.#pageEntries === this.#interval ? this.#sealPage() : null;
    const n = this.#stats.partitionCount;
    if (n === this.#tokens.length) {
      const grown = new BigInt64Array(n * 2);
      grown.set(this.#tokens);
      this.#tokens = grown;
    }
    this.#tokens[n] = token;
    this.#stats.add(token, partitionKey, stats);
    if (dataPending === null) return indexPending;
    return indexPending === null ? dataPending : Promise.all([dataPending, indexPending]).then(() => undefined);
  }

  async #writePieces(pieces: readonly Uint8Array[]): Promise<void> {
    for (const piece of pieces) {
      const pending = this.#data.write(piece);
      if (pending !== null) await pending;
    }
  }

  /** Ends the current Index page and hands it (a copy: the page buffer is reused) to the Index writer. */
  #sealPage(): Promise<void> {
    sealIndexPage(this.#page, this.#pageEntries);
    const bytes = this.#page.finish();
    this.#summary.tokens.push(this.#pageFirstToken);
    this.#summary.keys.push(this.#pageFirstKey!);
    this.#summary.positions.push(this.#index.position);
    this.#summary.lengths.push(bytes.length);
    this.#pageEntries = 0;
    return this.#index.append(bytes);
  }

  finish(): Promise<SSTableStats> {
    const refused = this.#refusal('finish');
    if (refused !== null) return Promise.reject(refused);
    if (this.#stats.partitionCount === 0 && this.#lastKey === null) {
      return Promise.reject(
        new CharybdisError(SSTableErrorCodes.EMPTY, `SSTable ${this.#options.directory} generation ${this.#options.generation}: finish with no partition (abort it instead)`),
      );
    }
    this.#state = 'finishing';
    let stats: SSTableStats | undefined;
    return this.#enqueue(async () => {
      stats = await this.#finish();
      this.#state = 'finished';
    }).then(() => stats!);
  }

  async #finish(): Promise<SSTableStats> {
    const o = this.#options;
    const file = (c: SSTableComponent): string => path.join(o.directory, sstableFileName(o.generation, c));
    if (this.#pageEntries > 0) await this.#sealPage();
    const indexSizeBytes = await finishAppendedFile(this.#index, this.#indexFile);
    const { info, digest } = await this.#data.finish();
    const stats = this.#stats.stats({ dataSizeBytes: info.compressedLength, uncompressedSizeBytes: info.uncompressedLength, level: o.level ?? 0, createdAtMs: Date.now() });
    const s = this.#summary;
    const summary = encodeSummary({
      interval: this.#interval,
      indexSizeBytes,
      firstTokens: BigInt64Array.from(s.tokens),
      firstKeys: s.keys,
      pagePositions: Float64Array.from(s.positions),
      pageLengths: Float64Array.from(s.lengths),
    });
    const filter = BloomFilter.build(this.#tokens, stats.partitionCount, BLOOM_FALSE_POSITIVE_CHANCE).encode();
    const statistics = encodeStatistics({ tableId: this.#tableId!, stats, compression: info });
    await Promise.all([
      writeWholeFile(o.io, file('Summary'), summary),
      writeWholeFile(o.io, file('Filter'), filter),
      writeWholeFile(o.io, file('Statistics'), statistics),
      writeWholeFile(o.io, file('Digest'), encodeDigest(digest, info.compressedLength)),
    ]);
    // Make every component's name durable before the TOC can claim the set complete.
    await syncDirectory(o.directory);
    // The TOC appears under its name only once whole and durable: written as a temporary
    // file, then renamed (a crash can leave a torn .tmp, which start-up removes, never a
    // torn TOC that would claim an SSTable complete).
    const toc = file('TOC');
    await writeWholeFile(o.io, `${toc}${TOC_TEMP_SUFFIX}`, encodeToc());
    await fs.promises.rename(`${toc}${TOC_TEMP_SUFFIX}`, toc);
    await syncDirectory(o.directory);
    o.logger.info({ directory: o.directory, generation: o.generation, partitions: stats.partitionCount, dataSizeBytes: stats.dataSizeBytes }, 'sstable written');
    return stats;
  }

  /** Closes and deletes every file written (TOC first when there is one), then syncs the directory. */
  async abort(): Promise<void> {
    if (this.#state === 'aborted') return;
    if (this.#state === 'finished') {
      throw new CharybdisError(SSTableErrorCodes.CLOSED, `SSTable ${this.#options.directory} generation ${this.#options.generation}: abort after finish (delete it through a reader)`);
    }
    this.#state = 'aborted';
    await this.#tail.catch(() => undefined);
    await this.#index.close().catch(() => undefined);
    await this.#indexFile.close().catch(() => undefined);
    await this.#data.close().catch(() => undefined);
    const o = this.#options;
    const order: SSTableComponent[] = ['TOC', ...SSTABLE_COMPONENTS.filter((c) => c !== 'TOC')];
    for (const c of order) await removeFileIfExists(path.join(o.directory, sstableFileName(o.generation, c)));
    await syncDirectory(o.directory);
    o.logger.info({ directory: o.directory, generation: o.generation }, 'sstable writer aborted; files removed');
  }

  #refusal(op: string): Error | null {
    if (this.#state !== 'open') return new CharybdisError(SSTableErrorCodes.CLOSED, `SSTable ${this.#options.directory} generation ${this.#options.generation}: ${op} after ${this.#state === 'finishing' ? 'finish' : this.#state}`);
    return this.#failure ?? null;
  }

  #enqueue(op: () => Promise<void>): Promise<void> {
    this.#queued++;
    const run = this.#tail.then(async () => {
      if (this.#failure !== undefined) throw this.#failure;
      try {
        await op();
      } catch (err) {
        this.#failure ??= asError(err);
        throw err;
      }
    });
    const done = (): void => {
      this.#queued--;
    };
    this.#tail = run.then(done, done);
    return run;
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function checkOptions(o: SSTableWriterCreateOptions): void {
  const bad = (why: string): never => {
    throw new CharybdisError(SSTableErrorCodes.INVALID_ARGUMENT, `SSTableWriter.create(${o.directory}, generation ${o.generation}): ${why}`);
  };
  if (!Number.isSafeInteger(o.generation) || o.generation < 0) bad('generation must be a non-negative safe integer');
  const chunk = o.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES;
  if (!Number.isInteger(chunk) || chunk < MIN_CHUNK_SIZE_BYTES || chunk > MAX_CHUNK_SIZE_BYTES) bad(`chunkSizeBytes must be in [${MIN_CHUNK_SIZE_BYTES}, ${MAX_CHUNK_SIZE_BYTES}]`);
  const block = o.partitionBlockSizeBytes ?? DEFAULT_PARTITION_BLOCK_BYTES;
  if (!Number.isInteger(block) || block < 1) bad('partitionBlockSizeBytes must be a positive integer');
  const interval = o.summaryInterval ?? DEFAULT_SUMMARY_INTERVAL;
  if (!Number.isInteger(interval) || interval < 1) bad('summaryInterval must be a positive integer');
  if ((o.io.shardIo === undefined) === (o.io.backend === undefined)) bad('io needs exactly one of shardIo and backend');
}
