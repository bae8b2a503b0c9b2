import type { Client } from 'cassandra-driver';
import { types } from 'cassandra-driver';
import type { OpDone, OpExecutor } from './load-runner';
import type { OpKind, StressOptions } from './options';
import { shardOfBigintKey } from './shard-routing';
import { StressError, StressErrorCode, errorMessage } from './stress-error';

/** Names of the protocol's error codes (ResponseError.code), for the errors-by-kind report. */
const RESPONSE_ERROR_NAMES = new Map<number, string>(Object.entries(types.responseErrorCodes as unknown as Record<string, number>).map(([name, code]) => [code, name]));

/** The byte of value position i: a fixed pattern, the same for every row (what is measured is the path, not the data). */
function valueBytes(sizeBytes: number): Buffer {
  const b = Buffer.allocUnsafe(sizeBytes);
  for (let i = 0; i < sizeBytes; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/**
 * The CQL side of a run: prepared single-row INSERTs and SELECTs by primary key on
 * (pk bigint, ck bigint, v blob). Row r is partition r / rowsPerPartition, clustering key
 * r % rowsPerPartition. Statements go through the driver's callback API (no promise per
 * operation); the driver prepares each statement once, on first use.
 */
export class CqlWorkload implements OpExecutor {
  private readonly insertCql: string;
  private readonly selectCql: string;
  private readonly value: Buffer;
  private readonly execOptions: { prepare: true; consistency: number };

  private readonly clients: readonly Client[];

  /**
   * `client`: one client, or one per shard (`clients[s]` connected to shard s only, see
   * connectPerShard): each operation then goes to the client of the shard owning its partition.
   */
  constructor(
    client: Client | readonly Client[],
    private readonly options: Pick<StressOptions, 'keyspace' | 'table' | 'rowsPerPartition' | 'valueSizeBytes' | 'consistency'>,
  ) {
    this.clients = Array.isArray(client) ? client : [client as Client];
    const t = `${options.keyspace}.${options.table}`;
    this.insertCql = `INSERT INTO ${t} (pk, ck, v) VALUES (?, ?, ?)`;
    this.selectCql = `SELECT pk, ck, v FROM ${t} WHERE pk = ? AND ck = ?`;
    this.value = valueBytes(options.valueSizeBytes);
    this.execOptions = { prepare: true, consistency: types.consistencies[toDriverName(options.consistency)] };
  }

  execute(kind: OpKind, row: number, done: OpDone): void {
    const rpp = this.options.rowsPerPartition;
    const pkNumber = rpp === 1 ? row : Math.floor(row / rpp);
    const pk = types.Long.fromNumber(pkNumber);
    const ck = rpp === 1 ? types.Long.ZERO : types.Long.fromNumber(row % rpp);
    const client = this.clients.length === 1 ? this.clients[0]! : this.clients[shardOfBigintKey(pkNumber, this.clients.length)]!;
    if (kind === 'write') client.execute(this.insertCql, [pk, ck, this.value], this.execOptions, done);
    else client.execute(this.selectCql, [pk, ck], this.execOptions, done);
  }

  errorKind(err: unknown): string {
    return errorKindOf(err);
  }
}

/** A short stable name for a driver error: the protocol error's name (writeTimeout, overloaded…) or the error class. */
export function errorKindOf(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'unknown';
  const e = err as { name?: unknown; code?: unknown; innerErrors?: Record<string, unknown> };
  if (e.name === 'NoHostAvailableError' && e.innerErrors !== undefined) {
    const inner = Object.values(e.innerErrors);
    if (inner.length === 1) return errorKindOf(inner[0]);
  }
  if (e.name === 'ResponseError' && typeof e.code === 'number') return RESPONSE_ERROR_NAMES.get(e.code) ?? `error_0x${e.code.toString(16)}`;
  return typeof e.name === 'string' ? e.name : 'unknown';
}

/** cassandra-driver's consistency key for a CQL consistency name (LOCAL_ONE → localOne). */
function toDriverName(name: string): keyof typeof types.consistencies {
  return name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof typeof types.consistencies;
}

/**
 * Creates the keyspace (SimpleStrategy) and table if they do not exist, or with
 * `createSchema` false checks that the table exists. Throws STRESS_SCHEMA.
 */
export async function ensureSchema(client: Client, options: Pick<StressOptions, 'keyspace' | 'table' | 'replicationFactor' | 'createSchema'>): Promise<void> {
  const { keyspace, table } = options;
  if (!options.createSchema) {
    const meta = await client.metadata.getTable(keyspace, table);
    if (meta === null) throw new StressError(StressErrorCode.schema, `table ${keyspace}.${table} does not exist (drop --no-schema to create it)`);
    return;
  }
  const statements = [
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${options.replicationFactor}}`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (pk bigint, ck bigint, v blob, PRIMARY KEY (pk, ck))`,
  ];
  for (const cql of statements) {
    try {
      await client.execute(cql);
    } catch (err) {
      throw new StressError(StressErrorCode.schema, `${cql}: ${errorMessage(err)}`, { cause: err });
    }
  }
}
