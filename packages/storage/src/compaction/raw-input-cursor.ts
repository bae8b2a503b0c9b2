import { comparePartitionPositions } from '../partition-stream';
import type { RawPartition, SSTableReaderApi } from '../sstable/sstable-types';

/** An input whose reader can give raw partitions (`scanRaw`) and decode them (`decodeRaw`). */
export type RawCapableReader = SSTableReaderApi & Required<Pick<SSTableReaderApi, 'scanRaw' | 'decodeRaw'>>;

export function isRawCapable(reader: SSTableReaderApi): reader is RawCapableReader {
  return typeof reader.scanRaw === 'function' && typeof reader.decodeRaw === 'function';
}

/**
 * One compaction input read raw: the current batch of `scanRaw` and a position in it, so
 * the merge looks at the head and advances without an await except once per batch (one
 * Index page). Checks that the input is in strictly increasing partition order. Owned by
 * one compaction run, which closes it.
 */
export class RawInputCursor {
  readonly reader: RawCapableReader;
  readonly index: number;
  readonly #scan: AsyncGenerator<readonly RawPartition[], void, undefined>;
  #batch: readonly RawPartition[] = [];
  #at = 0;
  /** The next partition, or null once the input is exhausted. */
  head: RawPartition | null = null;

  constructor(reader: RawCapableReader, index: number) {
    this.reader = reader;
    this.index = index;
    this.#scan = reader.scanRaw();
  }

  /** Loads the first head. */
  async start(): Promise<void> {
    await this.#nextBatch();
  }

  /** Moves past the head; a promise only when a new batch had to be read. */
  advance(): Promise<void> | null {
    const previous = this.head!;
    if (++this.#at < this.#batch.length) {
      this.head = this.#batch[this.#at]!;
      this.#checkOrder(previous);
      return null;
    }
    return this.#nextBatch().then(() => {
      if (this.head !== null) this.#checkOrder(previous);
    });
  }

  async #nextBatch(): Promise<void> {
    for (;;) {
      const r = await this.#scan.next();
      if (r.done === true) {
        this.head = null;
        return;
      }
      if (r.value.length === 0) continue;
      this.#batch = r.value;
      this.#at = 0;
      this.head = r.value[0]!;
      return;
    }
  }

  #checkOrder(previous: RawPartition): void {
    const h = this.head!;
    if (comparePartitionPositions(previous.token, previous.partitionKey, h.token, h.partitionKey) >= 0) {
      throw new Error(`compaction input ${this.index} (generation ${this.reader.generation}) is not in partition order`);
    }
  }

  /** Stops the scan (its files stay open: the reader belongs to the caller). */
  async close(): Promise<void> {
    await this.#scan.return(undefined);
  }
}
