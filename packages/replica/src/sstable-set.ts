import type { SSTableReaderApi } from '@charybdis/storage';

/** The few logger methods the set uses. */
interface SetLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface Entry {
  readonly reader: SSTableReaderApi;
  /** Leases holding it, plus one for membership in the set. */
  refs: number;
  /** Removed from the set (compacted away, truncated): delete the files at the last release. */
  obsolete: boolean;
}

/** The SSTables a read or compaction works on, kept alive (not deleted) until released. */
export interface SSTableLease {
  readonly readers: readonly SSTableReaderApi[];
  /** Idempotent. */
  release(): void;
}

/**
 * One table's live SSTables on one shard, with reference counts: a read or compaction
 * leases the current list, and an SSTable that compaction or truncate removes meanwhile
 * is deleted only when the last lease is released, so no reader ever sees its files
 * vanish. Single-threaded (one shard); replace is atomic with respect to leases.
 */
export class SSTableSet {
  readonly #entries = new Map<number, Entry>();
  readonly #logger: SetLogger;
  /** Deletions under way (awaited by `drain`). */
  readonly #deleting = new Set<Promise<void>>();
  /** Removed from the set but still on disk (leased by a read, or being deleted). */
  readonly #obsolete = new Set<Entry>();

  constructor(logger: SetLogger) {
    this.#logger = logger;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The live readers, oldest generation first (no lease: use synchronously). */
  get readers(): SSTableReaderApi[] {
    return [...this.#entries.values()].map((e) => e.reader);
  }

  /** Bytes on disk of the live SSTables (every component). */
  get liveBytes(): number {
    let n = 0;
    for (const e of this.#entries.values()) n += e.reader.totalSizeBytes;
    return n;
  }

  /** Bytes on disk of SSTables removed from the set whose files are not deleted yet. */
  get obsoleteBytes(): number {
    let n = 0;
    for (const e of this.#obsolete) n += e.reader.totalSizeBytes;
    return n;
  }

  /** Partitions of the live SSTables (a partition in several counts once per SSTable). */
  get partitionCount(): number {
    let n = 0;
    for (const e of this.#entries.values()) n += e.reader.stats.partitionCount;
    return n;
  }

  has(generation: number): boolean {
    return this.#entries.has(generation);
  }

  lease(): SSTableLease {
    const entries = [...this.#entries.values()];
    for (const e of entries) e.refs++;
    let released = false;
    return {
      readers: entries.map((e) => e.reader),
      release: () => {
        if (released) return;
        released = true;
        for (const e of entries) this.#unref(e);
      },
    };
  }

  add(reader: SSTableReaderApi): void {
    this.#entries.set(reader.generation, { reader, refs: 1, obsolete: false });
  }

  /** Atomically removes `removed` (deleted once unleased) and adds `added`. */
  replace(removed: readonly number[], added: readonly SSTableReaderApi[]): void {
    const entries = removed.map((g) => this.#entries.get(g));
    for (const [i, e] of entries.entries()) {
      if (e === undefined) throw new Error(`SSTableSet.replace: generation ${removed[i]} is not in the set`);
    }
    for (const r of added) this.add(r);
    for (const e of entries) {
      this.#entries.delete(e!.reader.generation);
      e!.obsolete = true;
      this.#obsolete.add(e!);
      this.#unref(e!);
    }
  }

  /** Removes every SSTable (deleted once unleased); returns how many. */
  clear(): number {
    const n = this.#entries.size;
    this.replace([...this.#entries.keys()], []);
    return n;
  }

  /** Waits for deletions under way. */
  async drain(): Promise<void> {
    while (this.#deleting.size > 0) await Promise.all([...this.#deleting]);
  }

  /** Closes every live reader (at stop; leases must be released by then). */
  async closeAll(): Promise<void> {
    await this.drain();
    const readers = this.readers;
    this.#entries.clear();
    await Promise.all(readers.map((r) => r.close()));
  }

  #unref(e: Entry): void {
    e.refs--;
    if (e.refs > 0 || !e.obsolete) return;
    const p = e.reader
      .delete()
      .catch((err: unknown) =>
        this.#logger.error({ err, directory: e.reader.directory, generation: e.reader.generation }, 'could not delete an obsolete SSTable (its TOC is already gone, so start-up removes the rest)'),
      )
      .finally(() => {
        this.#deleting.delete(p);
        this.#obsolete.delete(e);
      });
    this.#deleting.add(p);
  }
}
