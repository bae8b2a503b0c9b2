import { CharybdisError } from '@charybdis/core';
import type { MetricsRegistry, Smp } from '@charybdis/core';
import type { Schema } from '@charybdis/schema';
import type {
  ClientSession,
  CounterWriteState,
  DataAccess,
  ExecutionContext,
  PreparedStatement,
  QueryOptions,
  StatementResult,
  TimeUuidSource,
} from '../execution/execution-types';
import { ExecutionErrorCodes } from '../execution/execution-types';
import { parseCqlStatement } from '../parser/parse-cql-statement';
import type { ParsedStatement } from '../parser/statement';
import { ErrorCode } from '../protocol/opcodes';
import type { QueryParameters, Request } from '../protocol/request-types';
import type { EncodedColumnSpecs } from '../protocol/result-metadata';
import { encodeColumnSpecs } from '../protocol/result-metadata';
import type { PreparedResult, Response } from '../protocol/response-types';
import type { SchemaStatementRunner } from '../schema-statements/schema-statement-runner';
import type { SchemaSource } from '../system-tables/system-tables-data-access';
import { checkValueCount, orderValues, queryOptions } from './bind-values';
import { BoundedLru } from './bounded-lru';
import { registerStatementCacheMetrics } from './statement-cache-metrics';
import { CQL_UNPREPARED, errorToResponse } from './error-to-response';
import type { ProcessorLogger } from './error-to-response';
import { computePreparedId, computeResultMetadataId } from './prepared-id';
import { prepareParsedStatement } from './prepare-statement';
import type { AuthStatementPreparer } from './prepare-statement';
import type { StatementAccess } from '../auth/access-control';
import type { AccessRequirement } from '../auth/access-requirements';
import { accessRequirements } from '../auth/access-requirements';
import type { BatchChild, BatchType, StatementPreparers } from './statement-preparers';
import { statementResultToResponse } from './statement-result-to-response';

/** Prepared statements kept per shard (Cassandra's cache is bounded by memory; ScyllaDB's too). */
export const MAX_PREPARED_STATEMENTS = 10_000;
/** Bytes of query text the prepared cache holds (an entry weighs its text twice, plus overhead). */
export const MAX_PREPARED_CACHE_BYTES = 64 * 1024 * 1024;
/** Un-prepared statements kept parsed and prepared by text (drivers repeat their queries). */
export const MAX_QUERY_CACHE_ENTRIES = 1_000;
/** Longer query texts are not cached (inlined literals make them unique anyway). */
export const MAX_CACHED_QUERY_CHARS = 8 * 1024;
/** Rough per-entry overhead of a cached statement beyond its text, for the byte budget. */
const ENTRY_OVERHEAD_BYTES = 2048;

const SERIAL_CONSISTENCIES: ReadonlySet<number> = new Set([0x0008, 0x0009]);
const WRITE_KINDS: ReadonlySet<string> = new Set(['insert', 'update', 'delete', 'batch']);
const BATCH_TYPES: readonly BatchType[] = ['logged', 'unlogged', 'counter'];
const NO_VALUES_OPTIONS = { values: [], pageSize: null, pagingState: null } as const;

/** A statement parsed once and prepared against the schema snapshot it last ran with. */
interface CachedStatement {
  readonly query: string;
  readonly keyspace: string | null;
  readonly parsed: ParsedStatement;
  schema: Schema;
  prepared: PreparedStatement;
  resultMetadataId: Buffer;
  /** Result column specs encoded per protocol version (index = version), built on first use. */
  encoded: (EncodedColumnSpecs | undefined)[];
  /** What the statement needs under CassandraAuthorizer (empty when nothing is enforced). */
  access: readonly AccessRequirement[];
}

const NO_ACCESS: readonly AccessRequirement[] = Object.freeze([]);

/** smp verbs of the query processor (payloads are plain data). */
export const QueryProcessorVerbs = {
  /** A PREPARE made on another shard: prepare it here too (ScyllaDB prepares on every shard). */
  PREPARE: 'cql.prepare',
} as const;

/** What the processor needs of its shard to share prepared statements. */
export interface ProcessorShard {
  readonly id: number;
  readonly count: number;
  readonly smp: Pick<Smp, 'registerVerb' | 'invokeOn'>;
}

interface PrepareBroadcast {
  readonly query: string;
  readonly keyspace: string | null;
}

/** What a QueryProcessor runs with on its shard. */
export interface QueryProcessorOptions {
  /**
   * The shard, when the node has several: a PREPARE is then prepared on every shard, since
   * drivers prepare once per host and execute on any connection (any shard).
   */
  readonly shard?: ProcessorShard;
  /** The shard's schema service: the current snapshot, and DDL/TRUNCATE. */
  readonly schema: SchemaSource & SchemaStatementRunner;
  /** The data statements read and write (the system-tables wrapper over the storage proxy). */
  readonly data: DataAccess;
  readonly preparers: StatementPreparers;
  readonly logger?: ProcessorLogger;
  readonly maxPreparedStatements?: number;
  readonly maxPreparedBytes?: number;
  readonly maxQueryCacheEntries?: number;
  /** The shard's counter write state (this node's counter id and the per-cell locks). */
  readonly counters?: CounterWriteState;
  /** The shard's timeuuid generator (now(), list appends). */
  readonly timeUuids?: TimeUuidSource;
  /** Where the statement caches' metrics go (see `registerStatementCacheMetrics`); none when absent. */
  readonly metrics?: MetricsRegistry;
  /** Role and permission statements (without: they are NOT_SUPPORTED). */
  readonly auth?: AuthStatementPreparer;
  /** Permission checks (CassandraAuthorizer); null or absent: every statement is allowed. */
  readonly access?: StatementAccess | null;
}

function unprepared(id: Uint8Array): CharybdisError {
  const hex = Buffer.from(id).toString('hex');
  const err = new CharybdisError(
    CQL_UNPREPARED,
    `Prepared query with ID ${hex} not found (either the query was not prepared on this host (maybe the host has been restarted?) or you have prepared too many queries and it has been evicted from the internal cache)`,
  );
  return Object.assign(err, { id: Buffer.from(id) });
}

function checkConsistency(consistency: number, statement: PreparedStatement): void {
  // Cassandra accepts SERIAL reads (a Paxos read); a write at SERIAL needs a condition.
  if (SERIAL_CONSISTENCIES.has(consistency) && WRITE_KINDS.has(statement.statementKind)) {
    throw new CharybdisError(ExecutionErrorCodes.INVALID, 'You must use conditional updates for serializable writes');
  }
}

/**
 * The query processor of one shard: QUERY, PREPARE, EXECUTE and BATCH requests in,
 * responses out. Statements are parsed once and prepared once per schema snapshot
 * (DESIGN §5a: EXECUTE only binds values and runs the plan); prepared statements live in
 * a bounded LRU by their deterministic id (MD5 of keyspace + text, Cassandra's
 * computeId), un-prepared ones in a bounded LRU by text. A schema change re-prepares a
 * cached statement on its next use. Every error becomes a protocol ERROR in one place
 * (errorToResponse).
 */
export class QueryProcessor {
  readonly #schema: SchemaSource & SchemaStatementRunner;
  readonly #data: DataAccess;
  readonly #preparers: StatementPreparers;
  readonly #logger: ProcessorLogger | undefined;
  readonly #prepared: BoundedLru<string, CachedStatement>;
  readonly #queries: BoundedLru<string, CachedStatement>;
  readonly #shard: ProcessorShard | undefined;
  readonly #counters: CounterWriteState | undefined;
  readonly #timeUuids: TimeUuidSource | undefined;
  readonly #auth: AuthStatementPreparer | undefined;
  readonly #access: StatementAccess | null;

  constructor(options: QueryProcessorOptions) {
    this.#auth = options.auth;
    this.#access = options.access ?? null;
    this.#counters = options.counters;
    this.#timeUuids = options.timeUuids;
    this.#schema = options.schema;
    this.#data = options.data;
    this.#preparers = options.preparers;
    this.#logger = options.logger;
    this.#prepared = new BoundedLru(options.maxPreparedStatements ?? MAX_PREPARED_STATEMENTS, options.maxPreparedBytes ?? MAX_PREPARED_CACHE_BYTES);
    this.#queries = new BoundedLru(options.maxQueryCacheEntries ?? MAX_QUERY_CACHE_ENTRIES);
    if (options.metrics !== undefined) registerStatementCacheMetrics(options.metrics, { prepared: this.#prepared, query: this.#queries });
    this.#shard = options.shard;
    this.#shard?.smp.registerVerb<PrepareBroadcast>(QueryProcessorVerbs.PREPARE, (p) => {
      this.#preparedEntry(p.query, p.keyspace);
    });
  }

  /** Number of prepared statements held. */
  get preparedCount(): number {
    return this.#prepared.size;
  }

  /** Runs one request of a connection; never rejects (errors are ERROR responses). */
  async process(request: Request, session: ClientSession, nowMs: number): Promise<Response> {
    try {
      switch (request.kind) {
        case 'query':
          return await this.#query(request.query, request.params, session, nowMs);
        case 'prepare':
          return await this.#prepare(request.query, request.keyspace ?? session.keyspace, session.protocolVersion);
        case 'execute':
          return await this.#execute(request, session, nowMs);
        case 'batch':
          return await this.#batch(request, session, nowMs);
        default:
          return { kind: 'error', error: { code: ErrorCode.PROTOCOL_ERROR, message: `Unexpected ${request.kind} message for the query processor` } };
      }
    } catch (err) {
      return errorToResponse(err, this.#logger);
    }
  }

  async #query(query: string, params: QueryParameters, session: ClientSession, nowMs: number): Promise<Response> {
    const entry = this.#cachedQuery(query, params.keyspace ?? session.keyspace);
    const stmt = entry.prepared;
    const options = queryOptions(params, orderValues(params, stmt.boundVariables));
    checkConsistency(options.consistency, stmt);
    const result = await this.#run(entry, session, this.#context(entry.schema, session, options, nowMs));
    return statementResultToResponse(result, { encodedColumns: this.#encodedColumns(entry, session.protocolVersion) });
  }

  /** The cached prepared statement of (keyspace, query), prepared now if absent; and its id. */
  #preparedEntry(query: string, keyspace: string | null): { id: Buffer; entry: CachedStatement } {
    const id = computePreparedId(keyspace, query);
    const key = id.toString('latin1');
    let entry = this.#prepared.get(key);
    if (entry === undefined || entry.keyspace !== keyspace || entry.query !== query) {
      entry = this.#newEntry(query, keyspace);
      this.#prepared.set(key, entry, 2 * query.length + ENTRY_OVERHEAD_BYTES);
    }
    return { id, entry: this.#current(entry) };
  }

  async #prepare(query: string, keyspace: string | null, version: number): Promise<Response> {
    const { id, entry } = this.#preparedEntry(query, keyspace);
    const shard = this.#shard;
    if (shard !== undefined && shard.count > 1) {
      const payload: PrepareBroadcast = { query, keyspace };
      const others = [...Array(shard.count).keys()].filter((s) => s !== shard.id);
      await Promise.all(others.map((s) => shard.smp.invokeOn(s, QueryProcessorVerbs.PREPARE, payload)));
    }
    const stmt = entry.prepared;
    const result: PreparedResult = {
      kind: 'prepared',
      id,
      resultMetadataId: version >= 5 ? entry.resultMetadataId : null,
      bindColumns: stmt.boundVariables.map((v) => ({ keyspace: v.keyspace, table: v.table, name: v.name, type: v.type })),
      pkIndexes: stmt.partitionKeyBindIndexes,
      resultColumns: stmt.resultColumns,
    };
    return { kind: 'result', result };
  }

  async #execute(request: Extract<Request, { kind: 'execute' }>, session: ClientSession, nowMs: number): Promise<Response> {
    const entry = this.#preparedById(request.id);
    const stmt = entry.prepared;
    const options = queryOptions(request.params, orderValues(request.params, stmt.boundVariables));
    checkConsistency(options.consistency, stmt);
    const result = await this.#run(entry, session, this.#context(entry.schema, session, options, nowMs));
    const stale = request.resultMetadataId !== null && result.kind === 'rows' && !entry.resultMetadataId.equals(request.resultMetadataId);
    return statementResultToResponse(result, {
      encodedColumns: this.#encodedColumns(entry, session.protocolVersion),
      newMetadataId: stale ? entry.resultMetadataId : null,
    });
  }

  async #batch(request: Extract<Request, { kind: 'batch' }>, session: ClientSession, nowMs: number): Promise<Response> {
    const keyspace = request.keyspace ?? session.keyspace;
    const children: BatchChild[] = [];
    let schema: Schema | null = null;
    for (const e of request.entries) {
      const entry = e.query !== null ? this.#cachedQuery(e.query, keyspace) : this.#preparedById(e.id!);
      const kind = entry.prepared.statementKind;
      if (kind !== 'insert' && kind !== 'update' && kind !== 'delete') {
        throw new CharybdisError(ExecutionErrorCodes.INVALID, 'Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.');
      }
      checkValueCount(entry.prepared.boundVariables.length, e.values.length);
      if (this.#access !== null) await this.#access.authorize(session, entry.access);
      children.push({ statement: entry.prepared, values: e.values });
      schema = entry.schema;
    }
    const options: QueryOptions = { consistency: request.consistency, timestampUs: request.timestamp, nowInSeconds: request.nowInSeconds, ...NO_VALUES_OPTIONS };
    if (SERIAL_CONSISTENCIES.has(request.consistency)) checkConsistency(request.consistency, children[0]!.statement);
    const type = BATCH_TYPES[request.batchType] ?? 'logged';
    const result = await this.#preparers.executeBatch(children, type, this.#context(schema ?? this.#schema.schema, session, options, nowMs));
    return statementResultToResponse(result);
  }

  /** Checks the session's permissions, runs the statement, and lets the authorizer follow schema changes. */
  #run(entry: CachedStatement, session: ClientSession, ctx: ExecutionContext): Promise<StatementResult> {
    // No extra promise on the hot path when nothing is enforced (AllowAllAuthorizer).
    const access = this.#access;
    return access === null ? entry.prepared.execute(ctx) : this.#runChecked(access, entry, session, ctx);
  }

  async #runChecked(access: StatementAccess, entry: CachedStatement, session: ClientSession, ctx: ExecutionContext): Promise<StatementResult> {
    await access.authorize(session, entry.access);
    const result = await entry.prepared.execute(ctx);
    if (result.kind === 'schemaChange') await access.onSchemaChange(session, result.change);
    return result;
  }

  #context(schema: Schema, session: ClientSession, options: QueryOptions, nowMs: number): ExecutionContext {
    return { schema, data: this.#data, session, options, nowMs, counters: this.#counters, timeUuids: this.#timeUuids };
  }

  #cachedQuery(query: string, keyspace: string | null): CachedStatement {
    if (query.length > MAX_CACHED_QUERY_CHARS) return this.#newEntry(query, keyspace);
    const key = keyspace === null ? `\0${query}` : `${keyspace}\0${query}`;
    let entry = this.#queries.get(key);
    if (entry === undefined) {
      entry = this.#newEntry(query, keyspace);
      this.#queries.set(key, entry);
      return entry;
    }
    return this.#current(entry);
  }

  #preparedById(id: Uint8Array): CachedStatement {
    const entry = this.#prepared.get(Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('latin1'));
    if (entry === undefined) throw unprepared(id);
    return this.#current(entry);
  }

  #newEntry(query: string, keyspace: string | null): CachedStatement {
    const parsed = parseCqlStatement(query);
    const schema = this.#schema.schema;
    const prepared = prepareParsedStatement(parsed, keyspace, schema, this.#preparers, this.#schema, this.#auth);
    const access = this.#access === null ? NO_ACCESS : accessRequirements(parsed.statement, keyspace, schema);
    return { query, keyspace, parsed, schema, prepared, resultMetadataId: computeResultMetadataId(prepared.resultColumns), encoded: [], access };
  }

  /** The entry prepared against the current schema (re-prepared from its parsed form after a schema change). */
  #current(entry: CachedStatement): CachedStatement {
    const schema = this.#schema.schema;
    if (entry.schema === schema) return entry;
    const prepared = prepareParsedStatement(entry.parsed, entry.keyspace, schema, this.#preparers, this.#schema, this.#auth);
    entry.prepared = prepared;
    if (this.#access !== null) entry.access = accessRequirements(entry.parsed.statement, entry.keyspace, schema);
    entry.schema = schema;
    entry.resultMetadataId = computeResultMetadataId(prepared.resultColumns);
    entry.encoded = [];
    return entry;
  }

  #encodedColumns(entry: CachedStatement, version: number): EncodedColumnSpecs | undefined {
    const columns = entry.prepared.resultColumns;
    if (columns === null || columns.length === 0) return undefined;
    let encoded = entry.encoded[version];
    if (encoded === undefined) {
      encoded = encodeColumnSpecs(columns, version);
      entry.encoded[version] = encoded;
    }
    return encoded;
  }
}
