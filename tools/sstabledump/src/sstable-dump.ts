import { createIoBackend, hasErrorCode } from '@charybdis/core';
import type { IoBackend } from '@charybdis/core';
import { MutationErrorCodes, TableComparators, nativeType } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import { SSTableErrorCodes, SSTableReader } from '@charybdis/storage';
import type { SSTableIo, SSTableLogger, SSTableStats } from '@charybdis/storage';
import type { DumpOptions } from './cli-options';
import { stringifyDumpJson } from './dump-json';
import { partitionDebugLine } from './partition-debug-line';
import { PartitionJsonFormatter } from './partition-json';
import { parseKeyArgument } from './partition-key';
import type { PartitionKeyBytes } from './partition-key';
import { locateSSTable } from './sstable-location';
import type { SSTableLocation } from './sstable-location';
import { SSTableDumpErrorCode, dumpError } from './sstabledump-error-codes';
import { loadSchemaFile } from './table-schema-file';
import type { DumpSchema } from './table-schema-file';

/** Where the dump writes: stdout gets the dump (or OK), stderr warnings. */
export interface DumpIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The tool's clock (ms since the epoch), to tell expired TTLs; Date.now by default. */
  readonly nowMs?: () => number;
}

/**
 * The most clustering columns the mismatch probe tries: opening with this many lets the
 * Statistics component decode whatever arity the SSTable has, so that "the schema has too
 * few clustering columns" is told apart from corruption.
 */
const PROBE_CLUSTERING_ARITY = 256;

/** Indentation of the JSON output (Cassandra's sstabledump pretty-prints too). */
const JSON_INDENT = 2;

/**
 * One run of the tool: finds the SSTable, loads the schema, opens the SSTable (checksummed
 * metadata only) and then either verifies it (--verify: prints OK) or streams its
 * partitions to stdout, one at a time in partition order (or the -k keys in the order
 * given), as a JSON array or with -d one line each. Memory: the reader's metadata plus
 * one decoded partition. Throws the error to report (see cli.ts).
 */
export async function runDump(options: DumpOptions, io: DumpIo): Promise<void> {
  const location = locateSSTable(options.sstableFile);
  const schema = loadSchemaFile(options.schemaFile);
  const { backend } = createIoBackend();
  try {
    const reader = await openReader(location, schema, backend, io);
    try {
      if (options.verify) {
        try {
          await reader.verify();
        } catch (err) {
          throw asSchemaMismatch(err);
        }
        await write(io.stdout, 'OK\n');
        return;
      }
      const formatter = new PartitionJsonFormatter(schema, { isoTimestamps: options.isoTimestamps, nowSeconds: Math.floor((io.nowMs ?? Date.now)() / 1000) });
      checkStatsAgainstSchema(reader.stats, schema, formatter);
      await dumpPartitions(reader, options, schema, formatter, io.stdout);
    } finally {
      await reader.close();
    }
  } finally {
    await backend.close();
  }
}

async function dumpPartitions(reader: SSTableReader, options: DumpOptions, schema: DumpSchema, formatter: PartitionJsonFormatter, out: NodeJS.WritableStream): Promise<void> {
  const excluded = new Set(options.excludeKeys.map((k) => keyId(parseKeyArgument(k, schema.partitionKeyTypes).key)));
  const included = options.includeKeys.map((k) => parseKeyArgument(k, schema.partitionKeyTypes));
  let first = true;
  const emit = async (update: PartitionUpdate): Promise<void> => {
    if (excluded.has(keyId(update.partitionKey))) return;
    const rendered = formatter.partition(update);
    if (options.debugLines) {
      await write(out, `${partitionDebugLine(rendered)}\n`);
      return;
    }
    const text = `${' '.repeat(JSON_INDENT)}${stringifyDumpJson(rendered, JSON_INDENT, 1)}`;
    await write(out, first ? `[\n${text}` : `,\n${text}`);
    first = false;
  };
  try {
    if (options.includeKeys.length > 0) {
      for (const key of uniqueKeys(included)) {
        const update = await reader.readPartition(key.key, key.token);
        if (update !== null) await emit(update);
      }
    } else {
      for await (const update of reader.scan()) await emit(update);
    }
  } catch (err) {
    throw asSchemaMismatch(err);
  }
  if (!options.debugLines) await write(out, first ? '[]\n' : '\n]\n');
}

/** Opens the SSTable with the schema's comparators; an open that fails on the clustering arity is reported as a schema mismatch. */
async function openReader(location: SSTableLocation, schema: DumpSchema, backend: IoBackend, io: DumpIo): Promise<SSTableReader> {
  const sstableIo: SSTableIo = { backend, ioClass: 'query' };
  const logger = stderrLogger(io.stderr);
  try {
    return await SSTableReader.open({ directory: location.directory, generation: location.generation, comparators: schema.comparators, io: sstableIo, logger });
  } catch (err) {
    if (!hasErrorCode(err, SSTableErrorCodes.CORRUPT)) throw err;
    // Statistics passed its checksum before its clusterings were decoded with the schema's
    // arity: if a wider arity opens the SSTable, the schema is what is wrong, not the file.
    const probe = new TableComparators({ clusteringTypes: new Array(PROBE_CLUSTERING_ARITY).fill(nativeType('blob')), columns: [] });
    const opened = await SSTableReader.open({ directory: location.directory, generation: location.generation, comparators: probe, io: sstableIo, logger }).catch(() => null);
    if (opened === null) throw err;
    const arity = opened.stats.minClustering?.length;
    await opened.close();
    if (arity !== undefined && arity !== schema.clustering.length) throw clusteringMismatch(arity, schema, err);
    throw err;
  }
}

/** Checks the SSTable's first/last keys and min/max clusterings (from Statistics) against the schema's types before dumping anything. */
function checkStatsAgainstSchema(stats: SSTableStats, schema: DumpSchema, formatter: PartitionJsonFormatter): void {
  formatter.keyValues(stats.firstKey);
  formatter.keyValues(stats.lastKey);
  for (const [what, prefix] of [['smallest', stats.minClustering], ['largest', stats.maxClustering]] as const) {
    if (prefix === null) continue;
    if (prefix.length !== schema.clustering.length) throw clusteringMismatch(prefix.length, schema);
    formatter.clusteringValues(prefix, () => `the SSTable's ${what} clustering`);
  }
}

function clusteringMismatch(arity: number, schema: DumpSchema, cause?: unknown): Error {
  return dumpError(
    SSTableDumpErrorCode.schemaMismatch,
    `The schema does not match the SSTable: its rows have ${arity} clustering column(s), the schema declares ${schema.clustering.length}`,
    cause,
  );
}

/**
 * Partition data that passed its chunk checksum but does not decode with the schema
 * (unknown column, wrong clustering arity or values, counter vs regular column) means the
 * schema is not this table's: report that, with the storage engine's message.
 */
function asSchemaMismatch(err: unknown): unknown {
  if (!hasErrorCode(err, SSTableErrorCodes.CORRUPT)) return err;
  const cause = (err as Error).cause;
  if (!hasErrorCode(cause, MutationErrorCodes.CORRUPT_MUTATION)) return err;
  return dumpError(SSTableDumpErrorCode.schemaMismatch, `The data does not decode with this schema (is it the table's?): ${(err as Error).message}`, err);
}

function keyId(key: Uint8Array): string {
  return Buffer.from(key).toString('hex');
}

/** The keys in the order given, each once. */
function uniqueKeys(keys: readonly PartitionKeyBytes[]): PartitionKeyBytes[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = keyId(k.key);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Writes and waits for the stream to drain when its buffer is full, so a slow reader of stdout bounds our memory. */
function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (out.write(text)) return Promise.resolve();
  return new Promise((resolve) => out.once('drain', resolve));
}

/** Warnings and errors of the storage engine go to stderr; debug and info are dropped (they are for the node's logs). */
function stderrLogger(stderr: NodeJS.WritableStream): SSTableLogger {
  const line = (level: string, obj: object, msg: string): void => {
    stderr.write(`sstabledump: ${level}: ${msg} ${JSON.stringify(obj, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
  };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => line('warning', obj, msg),
    error: (obj, msg) => line('error', obj, msg),
  };
}
