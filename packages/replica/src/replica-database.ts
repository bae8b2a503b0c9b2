import * as path from 'node:path';
import { CharybdisError } from '@charybdis/core';
import { decodePartitionUpdate, encodePartitionUpdate, normalizePartitionUpdate, peekPartitionUpdateTableId } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import { Commitlog, compareReplayPositions, parseCompactionOptions, replayCommitlog } from '@charybdis/storage';
import type { CommitlogStats, CommitlogSyncMode, ReplayPosition } from '@charybdis/storage';
import { CompactionManager } from './compaction-manager';
import { ReplicaErrorCodes } from './replica-error-codes';
import type { ShardStorage } from './replica-types';
import { Table } from './table';
import { elapsedUs } from './table-metrics';
import { registerShardReplicaMetrics } from './shard-replica-metrics';
import type { TableDefinition } from './table-definition';
import { isValidSnapshotTag } from './table-directories';
import { clearTableSnapshots, listTableSnapshots, writeSnapshotManifest } from './table-snapshots';
import type { TableSnapshotInfo } from './table-snapshots';

/** Commitlog settings of a shard (from the node's config). */
export interface ReplicaCommitlogOptions {
  /** commitlog_directory; the shard's segments go to `<directory>/shard-<n>`. */
  readonly directory: string;
  readonly syncMode: CommitlogSyncMode;
  readonly syncPeriodMs?: number;
  readonly segmentSizeBytes?: number;
}

/** What a commitlog replay did at start-up. */
export interface ReplayReport {
  readonly segments: number;
  readonly entries: number;
  readonly applied: number;
  /** Entries of tables this shard does not know (dropped tables): skipped. */
  readonly unknownTable: number;
  /** Entries older than their table's last TRUNCATE: skipped. */
  readonly truncated: number;
  readonly corruptSegments: number;
}

/**
 * The node-local database of one shard: its tables, its commitlog, its compactions. A
 * write is logged to the commitlog (in batch mode acknowledged once durable) and then
 * applied to the table's memtable; commitlog segments are recycled once every memtable
 * they cover is flushed.
 *
 * Start-up order: `open` (opens a fresh commitlog segment), `addTable` for every known
 * table, `replay()` (applies the older segments, flushes, discards them), then serve.
 */
export class ReplicaDatabase {
  readonly storage: ShardStorage;
  readonly commitlog: Commitlog;
  readonly compactions: CompactionManager;
  readonly #tables = new Map<string, Table>();
  readonly #byName = new Map<string, Table>();
  /** Where this process's segments start; everything before is replayed, then discarded. */
  readonly #openedAt: ReplayPosition;
  #replayed = false;
  /** True while the full replay applies entries (a flush then must not discard segments). */
  #replaying = false;
  #stopped = false;
  #discarding: Promise<void> = Promise.resolve();
  /** Commitlog positions at or before the entries of writes not yet in a memtable. */
  readonly #pins = new Set<{ readonly position: ReplayPosition }>();

  private constructor(storage: ShardStorage, commitlog: Commitlog) {
    this.storage = storage;
    this.commitlog = commitlog;
    this.#openedAt = commitlog.position;
    this.compactions = new CompactionManager(storage);
    if (storage.metrics !== undefined) registerShardReplicaMetrics(storage.metrics, this);
  }

  static async open(storage: ShardStorage, commitlog: ReplicaCommitlogOptions): Promise<ReplicaDatabase> {
    const log = await Commitlog.open({
      directory: path.join(commitlog.directory, `shard-${storage.shardId}`),
      shardIo: storage.shardIo,
      backend: storage.shardIo === undefined ? storage.backend : undefined,
      syncMode: commitlog.syncMode,
      syncPeriodMs: commitlog.syncPeriodMs,
      segmentSizeBytes: commitlog.segmentSizeBytes,
      logger: storage.logger,
    });
    return new ReplicaDatabase(storage, log);
  }

  /** Opens (creating its directory if needed) a table on this shard. */
  async addTable(definition: TableDefinition): Promise<Table> {
    this.#checkRunning();
    const name = `${definition.keyspace}.${definition.name}`;
    if (this.#tables.has(definition.id) || this.#byName.has(name)) {
      throw new CharybdisError(ReplicaErrorCodes.TABLE_EXISTS, `table ${name} (id ${definition.id}) already exists on shard ${this.storage.shardId}`);
    }
    try {
      parseCompactionOptions(definition.compaction ?? {});
    } catch (err) {
      throw new CharybdisError(ReplicaErrorCodes.INVALID_ARGUMENT, `table ${name}: ${(err as Error).message}`, { cause: err });
    }
    const table = await Table.open(definition, this.storage);
    table.onSSTablesChanged = () => {
      this.#discardFlushedSegments();
      this.compactions.submit(table);
    };
    this.#tables.set(definition.id, table);
    this.#byName.set(name, table);
    this.compactions.submit(table);
    return table;
  }

  /** ALTER TABLE on this shard: the table takes the new definition; its compaction strategy is rebuilt from the new options. */
  alterTable(definition: TableDefinition): void {
    const table = this.table(definition.id);
    try {
      parseCompactionOptions(definition.compaction ?? {});
    } catch (err) {
      throw new CharybdisError(ReplicaErrorCodes.INVALID_ARGUMENT, `table ${table.qualifiedName}: ${(err as Error).message}`, { cause: err });
    }
    table.alter(definition);
    this.compactions.refreshStrategy(table);
  }

  /**
   * DROP TABLE on this shard: no more writes or reads, compactions stopped, the data files
   * removed (crash-safely, through the same log as compaction), the table's folder deleted.
   * Commitlog entries of the table are skipped by later replays (its id is unknown then).
   * Cassandra's auto_snapshot is not done here: the caller snapshots first if it wants one.
   */
  async dropTable(id: string): Promise<void> {
    const table = this.table(id);
    await this.compactions.pause(table, async () => {
      this.#tables.delete(id);
      this.#byName.delete(table.qualifiedName);
      await table.drop();
    });
    this.compactions.forget(table);
    this.#discardFlushedSegments();
  }

  /** The table with this id; REPLICA_UNKNOWN_TABLE otherwise. */
  table(id: string): Table {
    const t = this.#tables.get(id);
    if (t === undefined) throw new CharybdisError(ReplicaErrorCodes.UNKNOWN_TABLE, `no table with id ${id} on shard ${this.storage.shardId}`);
    return t;
  }

  /** The table keyspace.name; REPLICA_UNKNOWN_TABLE otherwise. */
  tableByName(keyspace: string, name: string): Table {
    const t = this.#byName.get(`${keyspace}.${name}`);
    if (t === undefined) throw new CharybdisError(ReplicaErrorCodes.UNKNOWN_TABLE, `unknown table ${keyspace}.${name}`);
    return t;
  }

  get tables(): readonly Table[] {
    return [...this.#tables.values()];
  }

  /**
   * Applies a mutation of one partition: commitlog first (resolves per the sync mode),
   * then the memtable. The update must belong to a table of this shard.
   */
  async apply(update: PartitionUpdate): Promise<void> {
    this.#checkRunning();
    const table = this.table(update.tableId);
    if (table.failure !== null) throw table.failure;
    // Normalized once here: the commitlog's bytes are then also what the memtable stores for
    // a partition it does not hold yet.
    const normalized = normalizePartitionUpdate(update, table.comparators);
    await this.#applyNormalized(table, normalized, encodePartitionUpdate(normalized));
  }

  /**
   * `apply` of an update already encoded (encodePartitionUpdate of a normalized update, as
   * another shard sends it): decoded once, and the same bytes go to the commitlog. Throws
   * SCHEMA_CORRUPT_MUTATION when the bytes do not decode (or are not normalized).
   */
  async applyEncoded(encoded: Uint8Array): Promise<void> {
    this.#checkRunning();
    const table = this.table(peekPartitionUpdateTableId(encoded));
    if (table.failure !== null) throw table.failure;
    // Views into `encoded` (the caller's, never rewritten) rather than copies of every value.
    await this.#applyNormalized(table, decodePartitionUpdate(encoded, table.comparators, { copyBytes: false }), encoded);
  }

  async #applyNormalized(table: Table, normalized: PartitionUpdate, encoded: Uint8Array): Promise<void> {
    const startMs = performance.now();
    // Until the memtable holds it, the entry is only in the commitlog: pin its segment (a
    // flush finishing meanwhile must not recycle it).
    const pin = { position: this.commitlog.position };
    this.#pins.add(pin);
    try {
      const position = await this.commitlog.append(encoded);
      await table.apply(normalized, position, encoded);
      const metrics = table.metrics;
      metrics.writes.inc();
      metrics.writeLatencyUs.observe(elapsedUs(startMs));
    } finally {
      this.#pins.delete(pin);
    }
  }

  /**
   * Replays the commitlog segments older than this process into the memtables, flushes
   * them and discards the segments. Call once, after every table is added.
   *
   * With `onlyTables`, a first pass: applies only those tables' entries (e.g. the schema
   * tables, whose content says which other tables exist) and neither flushes nor discards;
   * the full replay must follow. No segment is discarded before the full replay is done.
   */
  async replay(options: { onlyTables?: ReadonlySet<string> } = {}): Promise<ReplayReport> {
    this.#checkRunning();
    if (this.#replayed) throw new CharybdisError(ReplicaErrorCodes.INVALID_ARGUMENT, 'the commitlog was already replayed');
    const only = options.onlyTables;
    if (only === undefined) {
      this.#replayed = true;
      this.#replaying = true;
    }
    const counts = { applied: 0, unknownTable: 0, truncated: 0 };
    const unknownIds = new Set<string>();
    const result = await replayCommitlog(
      this.commitlog.directory,
      async (payload, position) => {
        if (compareReplayPositions(position, this.#openedAt) >= 0) return;
        const tableId = peekPartitionUpdateTableId(payload);
        if (only !== undefined && !only.has(tableId)) return;
        const table = this.#tables.get(tableId);
        if (table === undefined) {
          counts.unknownTable++;
          unknownIds.add(tableId);
          return;
        }
        const truncatedBefore = table.truncatedBefore;
        if (truncatedBefore !== null && compareReplayPositions(position, truncatedBefore) < 0) {
          counts.truncated++;
          return;
        }
        if (table.failure !== null) {
          table.pinForReplay(position);
          return;
        }
        await table.apply(decodePartitionUpdate(payload, table.comparators), position);
        counts.applied++;
      },
      { backend: this.#backendForReplay(), logger: this.storage.logger, beforeSegmentId: this.#openedAt.segmentId },
    );
    if (only !== undefined) {
      // A first pass for the tables that hold the schema: nothing is flushed or discarded
      // (the other tables' entries are still to come); the full replay applies these again,
      // which merging makes harmless.
      return { segments: result.segments, entries: result.entries, corruptSegments: result.corruptSegments, ...counts };
    }
    if (unknownIds.size > 0) {
      this.storage.logger.warn({ tableIds: [...unknownIds], entries: counts.unknownTable }, 'commitlog entries of unknown (dropped) tables skipped');
    }
    await Promise.all(this.tables.map((t) => (t.failure === null ? t.flush() : Promise.resolve())));
    this.#replaying = false;
    this.#discardFlushedSegments();
    await this.#discarding;
    const report = { segments: result.segments, entries: result.entries, corruptSegments: result.corruptSegments, ...counts };
    this.storage.logger.info({ shard: this.storage.shardId, ...report }, 'commitlog replayed');
    return report;
  }

  /** Flushes every table's memtable (nodetool flush, drain). */
  async flushAll(): Promise<void> {
    await Promise.all(this.tables.map((t) => (t.failure === null ? t.flush() : Promise.resolve())));
  }

  /** TRUNCATE: removes a table's data on this shard, durably (replay will not bring it back). */
  async truncate(tableId: string): Promise<void> {
    const table = this.table(tableId);
    await this.compactions.pause(table, () => table.truncate(this.commitlog.position));
  }

  /**
   * Snapshot `tag` of every table (or the given ones) on this shard; returns the folders
   * written. Each gets a manifest with the time taken and, with `ttlSeconds`, when it
   * expires (`clearExpiredSnapshots` removes it then). `skipFlush`: memtables are not
   * flushed first.
   */
  async snapshot(tag: string, tableIds?: readonly string[], options: { skipFlush?: boolean; ttlSeconds?: number | null } = {}): Promise<string[]> {
    if (!isValidSnapshotTag(tag)) {
      throw new CharybdisError(ReplicaErrorCodes.INVALID_ARGUMENT, `invalid snapshot name ${JSON.stringify(tag)}: use letters, digits, '-', '_' and '.'`);
    }
    const ttl = options.ttlSeconds ?? null;
    if (ttl !== null && !(Number.isInteger(ttl) && ttl > 0)) throw new CharybdisError(ReplicaErrorCodes.INVALID_ARGUMENT, `snapshot TTL must be a positive number of seconds, not ${ttl}`);
    const tables = tableIds === undefined ? this.tables : tableIds.map((id) => this.table(id));
    // Whole seconds, so created + TTL is exactly the expiry whoever compares them.
    const createdAtMs = Math.floor(this.storage.nowMs() / 1000) * 1000;
    const times = { createdAtMs, expiresAtMs: ttl === null ? null : createdAtMs + ttl * 1000 };
    const dirs: string[] = [];
    for (const t of tables) {
      if (t.failure !== null) continue;
      await t.snapshot(tag, { skipFlush: options.skipFlush });
      const dir = t.directories.snapshot(tag);
      await writeSnapshotManifest(dir, times);
      dirs.push(dir);
    }
    return dirs;
  }

  /** Removes this shard's snapshots whose TTL has passed (at `nowMs`); returns how many table folders went. */
  async clearExpiredSnapshots(nowMs: number = this.storage.nowMs()): Promise<number> {
    let removed = 0;
    for (const t of this.tables) {
      for (const s of await listTableSnapshots(t)) {
        if (s.expiresAtMs !== null && s.expiresAtMs <= nowMs) removed += await clearTableSnapshots(t, s.tag);
      }
    }
    return removed;
  }

  /** The snapshots of every table (or the given ones) on this shard, one entry per table and tag. */
  async listSnapshots(tableIds?: readonly string[]): Promise<TableSnapshotInfo[]> {
    const tables = tableIds === undefined ? this.tables : tableIds.map((id) => this.table(id));
    const out: TableSnapshotInfo[] = [];
    for (const t of tables) out.push(...(await listTableSnapshots(t)));
    return out;
  }

  /**
   * Removes snapshot `tag` (every snapshot when null) of every table (or the given ones) on
   * this shard; returns how many table folders were removed. Live SSTables are untouched:
   * snapshots are hard links.
   */
  async clearSnapshot(tag: string | null, tableIds?: readonly string[]): Promise<number> {
    if (tag !== null && !isValidSnapshotTag(tag)) {
      throw new CharybdisError(ReplicaErrorCodes.INVALID_ARGUMENT, `invalid snapshot name ${JSON.stringify(tag)}: use letters, digits, '-', '_' and '.'`);
    }
    const tables = tableIds === undefined ? this.tables : tableIds.map((id) => this.table(id));
    let removed = 0;
    for (const t of tables) removed += await clearTableSnapshots(t, tag);
    return removed;
  }

  commitlogStats(): CommitlogStats {
    return this.commitlog.stats();
  }

  /** Stops compactions, waits for flushes, closes tables and the commitlog. Does not flush (drain does). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.compactions.stop();
    for (const t of this.tables) await t.stop();
    await this.#discarding.catch(() => {});
    await this.commitlog.close();
  }

  /** Recycles the segments below the oldest unflushed data of every table (only once the full replay is done). */
  #discardFlushedSegments(): void {
    // Before the full replay, the segments still hold entries no memtable has seen yet.
    if (!this.#replayed || this.#replaying) return;
    let oldest: ReplayPosition = this.commitlog.position;
    for (const t of this.#tables.values()) {
      const p = t.oldestUnflushedPosition;
      if (p !== null && compareReplayPositions(p, oldest) < 0) oldest = p;
    }
    for (const pin of this.#pins) if (compareReplayPositions(pin.position, oldest) < 0) oldest = pin.position;
    this.#discarding = this.#discarding
      .then(() => this.commitlog.discardUpTo(oldest))
      .catch((err: unknown) => this.storage.logger.error({ err }, 'could not discard flushed commitlog segments'));
  }

  #backendForReplay(): NonNullable<ShardStorage['backend']> {
    const backend = this.storage.shardIo?.backend ?? this.storage.backend;
    if (backend === undefined) throw new CharybdisError(ReplicaErrorCodes.INVALID_ARGUMENT, 'ShardStorage needs a shardIo or a backend');
    return backend;
  }

  #checkRunning(): void {
    if (this.#stopped) throw new CharybdisError(ReplicaErrorCodes.STOPPED, `the database of shard ${this.storage.shardId} is stopped`);
  }
}
