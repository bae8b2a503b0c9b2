import { CharybdisError, hasErrorCode } from '@charybdis/core';
import { TypeErrorCodes, counterTotal, cqlTypeToString, nativeType, unreversedType } from '@charybdis/schema';
import type { Cell, ClusteringBound, ClusteringPrefix, ColumnData, CqlType, DeletionTime, LivenessInfo, PartitionUpdate, RangeTombstone, Row } from '@charybdis/schema';
import { CqlValueJson, isoFromMicros, isoFromSeconds } from './cql-value-json';
import type { DumpJson } from './dump-json';
import { splitPartitionKey } from './partition-key';
import { SSTableDumpErrorCode, dumpError } from './sstabledump-error-codes';
import type { DumpSchema } from './table-schema-file';

/** How partitions are rendered. */
export interface PartitionJsonOptions {
  /** -t: add `*_iso` strings beside every timestamp and local time. */
  readonly isoTimestamps: boolean;
  /** The tool's clock, to say whether a TTL'd cell or marker has `expired`. */
  readonly nowSeconds: number;
}

type JsonObject = { [key: string]: DumpJson | undefined };

/** How one column's cells are rendered. */
interface ColumnRenderer {
  /** The column's type, for messages. */
  readonly typeName: string;
  /** A single-cell column's value. */
  readonly value: (bytes: Uint8Array) => DumpJson;
  /** A multi-cell column's element: the JSON of its path (list timeuuid, set element, map key, UDT field name) and how its value reads. */
  readonly element?: (path: Uint8Array) => { path: DumpJson; value: (bytes: Uint8Array) => DumpJson };
}

const TIMEUUID = nativeType('timeuuid');

/**
 * Renders decoded partitions in the shape of Cassandra's sstabledump (see README.md):
 * `{ partition: { key, token, deletion_info? }, rows: [static_block | row |
 * range_tombstone_bound …] }`, values decoded by their column types. Built once per run;
 * holds one renderer per column. A value that does not decode as its column's type is a
 * SSTABLEDUMP_SCHEMA_MISMATCH naming the partition, the column and the type.
 */
export class PartitionJsonFormatter {
  readonly #schema: DumpSchema;
  readonly #options: PartitionJsonOptions;
  readonly #keyTypes: readonly CqlValueJson[];
  readonly #clusteringTypes: readonly CqlValueJson[];
  readonly #columns = new Map<string, ColumnRenderer>();

  constructor(schema: DumpSchema, options: PartitionJsonOptions) {
    this.#schema = schema;
    this.#options = options;
    this.#keyTypes = schema.partitionKeyTypes.map((t) => new CqlValueJson(t));
    this.#clusteringTypes = schema.clustering.map((c) => new CqlValueJson(c.type));
    for (const c of schema.comparators.schema.columns) this.#columns.set(c.name, columnRenderer(schema, c.name));
  }

  /** The key's components as JSON values (throws SSTABLEDUMP_SCHEMA_MISMATCH when the bytes are not a key of the schema's types). */
  keyValues(key: Uint8Array): DumpJson[] {
    let parts: Uint8Array[];
    try {
      parts = splitPartitionKey(key, this.#keyTypes.length);
    } catch (err) {
      throw mismatch(`partition key 0x${Buffer.from(key).toString('hex')}: ${(err as Error).message}`, err);
    }
    return parts.map((p, i) => convert(() => this.#keyTypes[i]!.decode(p), () => `partition key 0x${Buffer.from(key).toString('hex')}, component ${i}`));
  }

  /** The values of a clustering prefix (`where` names it in errors). */
  clusteringValues(prefix: ClusteringPrefix, where: () => string): DumpJson[] {
    return prefix.map((v, i) => convert(() => this.#clusteringTypes[i]!.decode(v), () => `${where()}, clustering column ${this.#schema.clustering[i]?.name ?? i}`));
  }

  /** One partition as the JSON object of the dump. */
  partition(update: PartitionUpdate): JsonObject {
    const key = this.keyValues(update.partitionKey);
    const keyText = (): string => `partition ${JSON.stringify(key)}`;
    const partition: JsonObject = { key, token: update.token.toString() };
    if (update.partitionDeletion !== undefined) partition.deletion_info = this.#deletion(update.partitionDeletion);
    const rows: JsonObject[] = [];
    if (update.staticRow !== undefined) rows.push({ type: 'static_block', cells: this.#cells(update.staticRow.columns, keyText) });
    let next = 0;
    const bounds = boundEvents(update.rangeTombstones);
    const cmp = this.#schema.comparators.clustering;
    for (const row of update.rows) {
      while (next < bounds.length && cmp.compareToBound(row.clustering, bounds[next]!.bound) > 0) rows.push(this.#bound(bounds[next++]!, keyText));
      rows.push(this.#row(row, keyText));
    }
    while (next < bounds.length) rows.push(this.#bound(bounds[next++]!, keyText));
    return { partition, rows };
  }

  #row(row: Row, keyText: () => string): JsonObject {
    const clustering = this.clusteringValues(row.clustering, keyText);
    const where = (): string => `${keyText()}, row ${JSON.stringify(clustering)}`;
    return {
      type: 'row',
      clustering,
      liveness_info: row.marker === undefined ? undefined : this.#liveness(row.marker),
      deletion_info: row.deletion === undefined ? undefined : this.#deletion(row.deletion),
      cells: this.#cells(row.columns, where),
    };
  }

  #bound(event: BoundEvent, keyText: () => string): JsonObject {
    const { bound, deletion } = event;
    const side = bound.kind === 'inclStart' || bound.kind === 'exclStart' ? 'start' : 'end';
    const inclusive = bound.kind === 'inclStart' || bound.kind === 'inclEnd';
    return {
      type: 'range_tombstone_bound',
      [side]: {
        type: inclusive ? 'inclusive' : 'exclusive',
        clustering: this.clusteringValues(bound.prefix, () => `${keyText()}, range tombstone ${side}`),
        deletion_info: this.#deletion(deletion),
      },
    };
  }

  #cells(columns: readonly ColumnData[], where: () => string): JsonObject[] {
    const out: JsonObject[] = [];
    for (const c of columns) {
      const r = this.#columns.get(c.column);
      if (r === undefined) throw mismatch(`${where()}: column ${c.column} is not in the schema`);
      const cellWhere = (): string => `${where()}, column ${c.column} (${r.typeName})`;
      if (c.kind === 'simple') {
        out.push({ name: c.column, ...this.#cell(c.cell, r.value, cellWhere) });
        continue;
      }
      if (c.deletion !== undefined) out.push({ name: c.column, deletion_info: this.#deletion(c.deletion) });
      for (const { path, cell } of c.cells) {
        const pathWhere = (): string => `${cellWhere()}, cell path 0x${Buffer.from(path).toString('hex')}`;
        const element = convert(() => r.element!(path), pathWhere);
        out.push({ name: c.column, path: [element.path], ...this.#cell(cell, element.value, pathWhere) });
      }
    }
    return out;
  }

  #cell(cell: Cell, value: (bytes: Uint8Array) => DumpJson, where: () => string): JsonObject {
    const out: JsonObject = {};
    switch (cell.kind) {
      case 'live':
      case 'expiring':
        out.value = convert(() => value(cell.value), where);
        break;
      case 'counter':
        out.value = counterTotal(cell.shards).toString();
        break;
      case 'tombstone':
        out.deletion_info = { local_delete_time: cell.localDeletionTimeSeconds, local_delete_time_iso: this.#isoSeconds(cell.localDeletionTimeSeconds) };
        break;
    }
    out.tstamp = cell.timestampUs;
    out.tstamp_iso = this.#isoMicros(cell.timestampUs);
    if (cell.kind === 'expiring') Object.assign(out, this.#expiry(cell.ttlSeconds, cell.localDeletionTimeSeconds));
    return out;
  }

  #liveness(info: LivenessInfo): JsonObject {
    const out: JsonObject = { tstamp: info.timestampUs, tstamp_iso: this.#isoMicros(info.timestampUs) };
    if (info.ttlSeconds !== undefined && info.localExpirationTimeSeconds !== undefined) Object.assign(out, this.#expiry(info.ttlSeconds, info.localExpirationTimeSeconds));
    return out;
  }

  #expiry(ttlSeconds: number, expiresAtSeconds: number): JsonObject {
    return {
      ttl: ttlSeconds,
      expires_at: expiresAtSeconds,
      expires_at_iso: this.#isoSeconds(expiresAtSeconds),
      expired: this.#options.nowSeconds >= expiresAtSeconds,
    };
  }

  #deletion(d: DeletionTime): JsonObject {
    return {
      marked_deleted: d.markedForDeleteAtUs,
      marked_deleted_iso: this.#isoMicros(d.markedForDeleteAtUs),
      local_delete_time: d.localDeletionTimeSeconds,
      local_delete_time_iso: this.#isoSeconds(d.localDeletionTimeSeconds),
    };
  }

  #isoMicros(us: bigint): string | undefined {
    return this.#options.isoTimestamps ? (isoFromMicros(us) ?? undefined) : undefined;
  }

  #isoSeconds(seconds: number): string | undefined {
    return this.#options.isoTimestamps ? isoFromSeconds(seconds) : undefined;
  }
}

/** A range tombstone bound, in clustering order with the rows. */
interface BoundEvent {
  readonly bound: ClusteringBound;
  readonly deletion: DeletionTime;
}

/** Start and end bounds of the (sorted, disjoint) range tombstones, in order. */
function boundEvents(rts: readonly RangeTombstone[]): BoundEvent[] {
  const out: BoundEvent[] = [];
  for (const rt of rts) out.push({ bound: rt.start, deletion: rt.deletion }, { bound: rt.end, deletion: rt.deletion });
  return out;
}

function mismatch(problem: string, cause?: unknown): Error {
  return dumpError(SSTableDumpErrorCode.schemaMismatch, `The schema does not match the SSTable: ${problem}`, cause);
}

/** Runs a decode; a value its type rejects means the schema is not this table's. */
function convert<T>(decode: () => T, where: () => string): T {
  try {
    return decode();
  } catch (err) {
    if (hasErrorCode(err, TypeErrorCodes.INVALID_VALUE)) throw mismatch(`${where()}: ${(err as Error).message}`, err);
    throw err;
  }
}

/** The renderer of column `name`: a multi-cell column's elements have their own path and value types. */
function columnRenderer(schema: DumpSchema, name: string): ColumnRenderer {
  const c = schema.comparators.column(name);
  const type: CqlType = unreversedType(c.type);
  const typeName = cqlTypeToString(type);
  if (c.counter) return { typeName, value: () => null };
  const whole = new CqlValueJson(type);
  const value = (b: Uint8Array): DumpJson => whole.decode(b);
  if (!c.multiCell) return { typeName, value };
  switch (type.kind) {
    case 'list':
      return { typeName, value, element: elementOf(new CqlValueJson(TIMEUUID), new CqlValueJson(type.element)) };
    case 'set': {
      // A set element lives in its path; the cell value is empty, printed "" as Cassandra does.
      const path = new CqlValueJson(type.element);
      return { typeName, value, element: (p) => ({ path: path.decode(p), value: () => '' }) };
    }
    case 'map':
      return { typeName, value, element: elementOf(new CqlValueJson(type.key), new CqlValueJson(type.value)) };
    case 'udt': {
      // The path is the field's position as a u16; the value has that field's type.
      const fields = type.fields.map((f) => ({ name: f.name, json: new CqlValueJson(f.type) }));
      return {
        typeName,
        value,
        element: (p) => {
          const f = p.length === 2 ? fields[(p[0]! << 8) | p[1]!] : undefined;
          if (f === undefined) throw invalidValueError(typeName, 'the cell path is not a field position');
          return { path: f.name, value: (b) => f.json.decode(b) };
        },
      };
    }
    default:
      return { typeName, value };
  }
}

function elementOf(path: CqlValueJson, value: CqlValueJson): (p: Uint8Array) => { path: DumpJson; value: (bytes: Uint8Array) => DumpJson } {
  const decodeValue = (b: Uint8Array): DumpJson => value.decode(b);
  return (p) => ({ path: path.decode(p), value: decodeValue });
}

/** A SCHEMA_INVALID_VALUE error, as the codecs raise, so that `convert` reports it as a mismatch. */
function invalidValueError(typeName: string, problem: string): Error {
  return new CharybdisError(TypeErrorCodes.INVALID_VALUE, `Invalid ${typeName} value: ${problem}`);
}
