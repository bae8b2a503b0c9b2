import { performance } from 'node:perf_hooks';
import { CharybdisError } from '@charybdis/core';
import type { Smp } from '@charybdis/core';
import { Schema } from '@charybdis/schema';
import type { KeyspaceDefinition } from '@charybdis/schema';
import type { DataAccess } from '../execution/execution-types';
import { ExecutionErrorCodes } from '../execution/execution-types';
import type { SchemaChange, ServerEvent } from '../protocol/response-types';
import { AlreadyExistsError } from '../schema-statements/ddl-errors';
import { planSchemaChange } from '../schema-statements/plan-schema-change';
import type { DdlRequest } from '../schema-statements/schema-change-plan';
import type { SchemaStatementRunner } from '../schema-statements/schema-statement-runner';
import { diffSchemas } from './schema-diff';
import type { SchemaDiff } from './schema-diff';

/** smp verbs of the schema service (payloads are plain data). */
export const SchemaServiceVerbs = {
  /** A DDL sent to the shard that serializes schema changes. */
  DDL: 'schema.ddl',
  /** A new schema published to every shard. */
  PUBLISH: 'schema.publish',
  /** TRUNCATE of one table on every shard. */
  TRUNCATE: 'schema.truncate',
} as const;

/** The shard that runs every DDL, one at a time (Cassandra's migration stage, per node). */
export const SCHEMA_SHARD = 0;
/** DDLs waiting on the schema shard before new ones are refused with Overloaded. */
export const MAX_PENDING_DDL = 64;
/** How long a shard waits for a DDL, a publication or a truncate on other shards. */
export const DEFAULT_SCHEMA_TIMEOUT_MS = 60_000;
/** Code of a publication whose rebuilt schema has another version than the one sent (a bug). */
export const SCHEMA_VERSION_MISMATCH = 'CQL_SCHEMA_VERSION_MISMATCH';

/** What the service needs of its shard (coordinator's ProxyShard has the same shape). */
export interface SchemaShard {
  readonly id: number;
  readonly count: number;
  readonly smp: Pick<Smp, 'registerVerb' | 'invokeOn' | 'invokeOnAll'>;
}

/** Where the service publishes SCHEMA_CHANGE events on its shard (the transport's event registry). */
export interface SchemaEventSink {
  publish(event: ServerEvent): void;
}

/** What the server does on each shard when the schema or a table's data changes. */
export interface SchemaServiceHooks {
  /**
   * Called on every shard before the new schema becomes visible there (and before the DDL
   * answers): create replica tables for `added`, update `altered`, drop `dropped`.
   */
  onTablesChanged(diff: SchemaDiff): Promise<void>;
  /** Empties this shard's part of a table (TRUNCATE). */
  truncateTable(tableId: string): Promise<void>;
}

/** Options of a SchemaService. */
export interface SchemaServiceOptions {
  readonly shard: SchemaShard;
  /** The real tables (system_schema writes go there); not the virtual system tables. */
  readonly data: DataAccess;
  /** The schema at start-up (loadSchema). */
  readonly initial: Schema;
  readonly hooks: SchemaServiceHooks;
  readonly events?: SchemaEventSink;
  /** Wall clock in µs for DDL timestamps (made strictly increasing here). */
  readonly nowUs?: () => bigint;
  /** The cluster's datacenters (NetworkTopologyStrategy's replication_factor shorthand). */
  readonly datacenters?: readonly string[];
  readonly timeoutMs?: number;
}

interface Publication {
  readonly keyspaces: readonly KeyspaceDefinition[];
  readonly version: string;
  readonly change: SchemaChange;
}

/** A DDL's outcome as it crosses shards: errors as plain data so AlreadyExists keeps its fields. */
type DdlReply =
  | { readonly ok: true; readonly change: SchemaChange | null }
  | { readonly ok: false; readonly code: string | null; readonly message: string; readonly keyspace?: string; readonly table?: string };

function replyOf(err: unknown): DdlReply {
  const e = err as { code?: unknown; message?: unknown; keyspace?: unknown; table?: unknown };
  const base = { ok: false as const, code: typeof e.code === 'string' ? e.code : null, message: typeof e.message === 'string' ? e.message : String(err) };
  return e.code === ExecutionErrorCodes.ALREADY_EXISTS ? { ...base, keyspace: typeof e.keyspace === 'string' ? e.keyspace : '', table: typeof e.table === 'string' ? e.table : '' } : base;
}

function errorOf(reply: Extract<DdlReply, { ok: false }>): Error {
  if (reply.code === ExecutionErrorCodes.ALREADY_EXISTS) return new AlreadyExistsError(reply.message, reply.keyspace ?? '', reply.table ?? '');
  return reply.code === null ? new Error(reply.message) : new CharybdisError(reply.code, reply.message);
}

/**
 * The DDL clock, µs: the wall clock's milliseconds (as statement timestamps use them) plus
 * sub-millisecond digits from the monotonic clock. The digits matter for ALTER TABLE DROP:
 * its drop time is rounded up to the next millisecond when it has any, so a write made
 * earlier in the DROP's own millisecond — by this node (ms precision) or by a driver's
 * client-side timestamp (µs) — stays dropped, as Cassandra's µs drop times ensure.
 */
function wallClockUs(): bigint {
  return BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() * 1000) % 1000));
}

/**
 * The schema of one shard and the way DDL changes it. Every shard holds the current
 * `Schema` snapshot; DDL runs on shard {@link SCHEMA_SHARD} only, one at a time, so
 * changes are serialized: validated against the current schema, persisted in the real
 * system_schema tables through DataAccess, then published to every shard as plain data
 * (each shard rebuilds `Schema.of(...)`, lets the server create or drop replica tables,
 * swaps its snapshot and sends SCHEMA_CHANGE to its registered connections) before the
 * DDL answers. Other shards forward their DDL to shard 0 over smp.
 */
export class SchemaService implements SchemaStatementRunner {
  #schema: Schema;
  readonly #shard: SchemaShard;
  readonly #data: DataAccess;
  readonly #hooks: SchemaServiceHooks;
  readonly #events: SchemaEventSink | undefined;
  readonly #nowUs: () => bigint;
  readonly #datacenters: readonly string[] | undefined;
  readonly #timeoutMs: number;
  /** Shard 0 only: the end of the DDL queue, and how many DDLs are in it. */
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #lastTimestampUs = 0n;

  constructor(options: SchemaServiceOptions) {
    this.#schema = options.initial;
    this.#shard = options.shard;
    this.#data = options.data;
    this.#hooks = options.hooks;
    this.#events = options.events;
    this.#nowUs = options.nowUs ?? wallClockUs;
    this.#datacenters = options.datacenters;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_SCHEMA_TIMEOUT_MS;
    const smp = this.#shard.smp;
    smp.registerVerb<DdlRequest>(SchemaServiceVerbs.DDL, (request) => this.#serialize(request));
    smp.registerVerb<Publication>(SchemaServiceVerbs.PUBLISH, (p) => this.#onPublish(p));
    smp.registerVerb<string>(SchemaServiceVerbs.TRUNCATE, (tableId) => this.#hooks.truncateTable(tableId));
  }

  /** This shard's current schema snapshot. */
  get schema(): Schema {
    return this.#schema;
  }

  /** Applies a DDL on every shard (through shard 0); the change, or null when nothing changed. */
  async executeDdl(request: DdlRequest): Promise<SchemaChange | null> {
    const reply =
      this.#shard.id === SCHEMA_SHARD
        ? await this.#serialize(request)
        : await this.#shard.smp.invokeOn<DdlReply>(SCHEMA_SHARD, SchemaServiceVerbs.DDL, request, { timeoutMs: this.#timeoutMs });
    if (!reply.ok) throw errorOf(reply);
    return reply.change;
  }

  /** Empties a table on every shard. */
  async truncate(tableId: string): Promise<void> {
    await this.#shard.smp.invokeOnAll(SchemaServiceVerbs.TRUNCATE, tableId, { timeoutMs: this.#timeoutMs });
  }

  /** Shard 0: queues a DDL behind the previous ones (bounded); never rejects, errors are replies. */
  #serialize(request: DdlRequest): Promise<DdlReply> {
    if (this.#pending >= MAX_PENDING_DDL) {
      return Promise.resolve(replyOf(new CharybdisError(ExecutionErrorCodes.OVERLOADED, `Too many schema changes in progress (${MAX_PENDING_DDL} queued)`)));
    }
    this.#pending++;
    const run = this.#tail.then(() => this.#apply(request)).then(
      (change): DdlReply => ({ ok: true, change }),
      (err: unknown) => replyOf(err),
    );
    this.#tail = run.finally(() => {
      this.#pending--;
    });
    return run;
  }

  async #apply(request: DdlRequest): Promise<SchemaChange | null> {
    const now = this.#nowUs();
    // Strictly increasing: a later DDL must win over an earlier one in system_schema even
    // when the clock did not move (or moved back).
    const timestampUs = now > this.#lastTimestampUs ? now : this.#lastTimestampUs + 1n;
    const plan = planSchemaChange(this.#schema, request, { timestampUs, datacenters: this.#datacenters });
    if (plan === null) return null;
    this.#lastTimestampUs = timestampUs;
    await this.#data.mutateAll(plan.mutations);
    const publication: Publication = { keyspaces: plan.after.userKeyspaces(), version: plan.after.version, change: plan.change };
    await this.#shard.smp.invokeOnAll(SchemaServiceVerbs.PUBLISH, publication, { timeoutMs: this.#timeoutMs });
    return plan.change;
  }

  async #onPublish(p: Publication): Promise<void> {
    const after = Schema.of(p.keyspaces);
    if (after.version !== p.version) {
      throw new CharybdisError(SCHEMA_VERSION_MISMATCH, `Shard ${this.#shard.id} rebuilt schema version ${after.version}, shard ${SCHEMA_SHARD} sent ${p.version}`);
    }
    await this.#hooks.onTablesChanged(diffSchemas(this.#schema, after));
    this.#schema = after;
    this.#events?.publish({ type: 'SCHEMA_CHANGE', schema: p.change });
  }
}
