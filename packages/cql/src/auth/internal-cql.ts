import { performance } from 'node:perf_hooks';
import { CharybdisError } from '@charybdis/core';
import { codecFor } from '@charybdis/schema';
import type { CqlValue, Schema } from '@charybdis/schema';
import type { DataAccess, ExecutionContext, PreparedStatement } from '../execution/execution-types';
import { ExecutionErrorCodes } from '../execution/execution-types';
import { parseCqlStatement } from '../parser/parse-cql-statement';
import type { StatementPreparers } from '../query-processor/statement-preparers';
import type { SchemaSource } from '../system-tables/system-tables-data-access';

/** A row of an internal query: column name → decoded value (null when absent). */
export type InternalRow = ReadonlyMap<string, CqlValue | null>;

/** Consistency ONE: auth tables are node-local (LocalStrategy). */
const CONSISTENCY_ONE = 0x0001;

interface Cached {
  readonly schema: Schema;
  readonly statement: PreparedStatement;
}

/**
 * Runs CQL the node writes itself (Cassandra's QueryProcessor.executeInternal): the role
 * manager's reads and writes of system_auth go through the same parser, preparers and
 * StorageProxy as a client's statements, with values as JS values encoded by each bound
 * variable's codec and rows decoded by column. Statements are prepared once per schema
 * snapshot (the texts are a fixed set, so the cache is bounded by the code). No access
 * checks: the callers are the auth components themselves. One per shard.
 */
export class InternalCql {
  readonly #schema: SchemaSource;
  readonly #data: DataAccess;
  readonly #preparers: StatementPreparers;
  readonly #cache = new Map<string, Cached>();
  #lastTimestampUs = 0n;

  constructor(schema: SchemaSource, data: DataAccess, preparers: StatementPreparers) {
    this.#schema = schema;
    this.#data = data;
    this.#preparers = preparers;
  }

  /** Executes `cql` (SELECT, INSERT, UPDATE, DELETE or BATCH) with `values` for its markers; the rows of a SELECT. */
  async execute(cql: string, values: readonly CqlValue[] = []): Promise<InternalRow[]> {
    const statement = this.#prepared(cql);
    if (statement.boundVariables.length !== values.length) {
      throw new CharybdisError(ExecutionErrorCodes.INVALID, `internal query expects ${statement.boundVariables.length} values, got ${values.length}: ${cql}`);
    }
    const wire = statement.boundVariables.map((v, i) => (values[i] === null ? null : codecFor(v.type).serialize(values[i]!)));
    const ctx: ExecutionContext = {
      schema: this.#schema.schema,
      data: this.#data,
      session: { keyspace: null, protocolVersion: 4, user: null },
      options: { consistency: CONSISTENCY_ONE, values: wire, pageSize: null, pagingState: null, timestampUs: this.#nextTimestampUs(), nowInSeconds: null },
      nowMs: Date.now(),
    };
    const result = await statement.execute(ctx);
    if (result.kind !== 'rows') return [];
    const codecs = result.columns.map((c) => codecFor(c.type));
    return result.rows.map((row) => new Map(result.columns.map((c, i) => [c.name, row[i] === null ? null : codecs[i]!.deserialize(row[i]!)])));
  }

  /**
   * Microsecond write timestamps, strictly increasing on this shard: a DROP ROLE followed at
   * once by CREATE ROLE of the same name must not tie with the drop's tombstone (which
   * would win). Shards read the same wall clock at µs resolution.
   */
  #nextTimestampUs(): bigint {
    const now = BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000));
    this.#lastTimestampUs = now > this.#lastTimestampUs ? now : this.#lastTimestampUs + 1n;
    return this.#lastTimestampUs;
  }

  #prepared(cql: string): PreparedStatement {
    const schema = this.#schema.schema;
    const cached = this.#cache.get(cql);
    if (cached !== undefined && cached.schema === schema) return cached.statement;
    const parsed = parseCqlStatement(cql);
    const s = parsed.statement;
    const scope = { schema, keyspace: '' };
    let statement: PreparedStatement;
    if (s.kind === 'select') statement = this.#preparers.prepareSelect(s, scope, parsed.boundMarkers);
    else if (s.kind === 'insert' || s.kind === 'update' || s.kind === 'delete') statement = this.#preparers.prepareModification(s, scope, parsed.boundMarkers);
    else if (s.kind === 'batch') statement = this.#preparers.prepareBatch(s, scope, parsed.boundMarkers);
    else throw new CharybdisError(ExecutionErrorCodes.INVALID, `internal queries run DML only, not ${s.kind}`);
    this.#cache.set(cql, { schema, statement });
    return statement;
  }
}
