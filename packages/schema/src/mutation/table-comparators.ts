import { cellPathComparator } from '../types/cell-path-comparator';
import { ClusteringComparator } from '../types/clustering-comparator';
import { codecFor } from '../types/codec-for';
import { cqlTypeToString, isCounterType, isMultiCellType, nativeType } from '../types/cql-type';
import { invalidValueError } from '../types/invalid-value-error';
import type { CqlType } from '../types/cql-type';
import type { DeletionTime } from './deletion-time';
import { invalidMutationError } from './invalid-mutation-error';

/**
 * A regular or static column of a table: its name and type, and — for a column dropped by
 * ALTER TABLE (and possibly re-added since) — the time of its last drop: its cells written
 * at or before `droppedAtUs` are dead (Cassandra's DroppedColumn).
 */
export interface ColumnSpec {
  readonly name: string;
  readonly type: CqlType;
  readonly droppedAtUs?: bigint;
}

/**
 * What the mutation model needs to know about a table: its clustering column types (in
 * order; `reversedType(t)` for a DESC column) and its regular and static columns.
 */
export interface MutationSchema {
  readonly clusteringTypes: readonly CqlType[];
  readonly columns: readonly ColumnSpec[];
}

/** How one column's data is stored and ordered. */
export interface ColumnComparators {
  readonly name: string;
  readonly type: CqlType;
  /** True for a non-frozen collection or UDT: one cell per element, keyed by path. */
  readonly multiCell: boolean;
  /** True for a counter column: its cells are counters (or counter tombstones). */
  readonly counter: boolean;
  /** The order of cell paths (multi-cell columns only). */
  readonly comparePaths?: (a: Uint8Array, b: Uint8Array) => number;
  /** Throws `SCHEMA_INVALID_VALUE` unless `path` is a valid cell path (multi-cell columns only). */
  readonly validatePath?: (path: Uint8Array) => void;
}

/** The validator of a multi-cell column's cell paths (see cellPathComparator for what they are). */
function pathValidator(type: CqlType): (path: Uint8Array) => void {
  switch (type.kind) {
    case 'list': {
      const codec = codecFor(nativeType('timeuuid'));
      return (path) => codec.validate(path);
    }
    case 'set': {
      const codec = codecFor(type.element);
      return (path) => codec.validate(path);
    }
    case 'map': {
      const codec = codecFor(type.key);
      return (path) => codec.validate(path);
    }
    default: {
      const fields = type.kind === 'udt' ? type.fields.length : 0;
      return (path) => {
        if (path.length !== 2 || ((path[0]! << 8) | path[1]!) >= fields) {
          throw invalidValueError(cqlTypeToString(type), `cell path ${Buffer.from(path).toString('hex')} is not a field position`);
        }
      };
    }
  }
}

/**
 * The comparators of one table, built once per schema version: the clustering comparator
 * and, per column, whether it is multi-cell or a counter and how its cell paths sort.
 * Immutable, shareable.
 */
export class TableComparators {
  readonly clustering: ClusteringComparator;
  /**
   * Per column with a `droppedAtUs`, the deletion its drop amounts to (reads treat its
   * older cells as deleted); null when no column was ever dropped, so reads pay nothing.
   */
  readonly droppedColumnDeletions: ReadonlyMap<string, DeletionTime> | null;
  private readonly byName: ReadonlyMap<string, ColumnComparators>;
  /** The columns by their name's UTF-8 bytes read as latin1 (one char per byte): the decoder's lookup, with no UTF-8 decode. */
  private readonly byNameBytes: ReadonlyMap<string, ColumnComparators>;

  constructor(readonly schema: MutationSchema) {
    this.clustering = new ClusteringComparator(schema.clusteringTypes);
    const byName = new Map<string, ColumnComparators>();
    for (const { name, type } of schema.columns) {
      if (byName.has(name)) throw invalidMutationError(`column ${name} is declared twice`);
      const multiCell = isMultiCellType(type);
      byName.set(name, {
        name,
        type,
        multiCell,
        counter: isCounterType(type),
        comparePaths: multiCell ? cellPathComparator(type) : undefined,
        validatePath: multiCell ? pathValidator(type) : undefined,
      });
    }
    this.byName = byName;
    this.byNameBytes = new Map([...byName.values()].map((c) => [Buffer.from(c.name, 'utf8').toString('latin1'), c]));
    const drops = new Map<string, DeletionTime>();
    for (const { name, droppedAtUs } of schema.columns) {
      if (droppedAtUs !== undefined) drops.set(name, { markedForDeleteAtUs: droppedAtUs, localDeletionTimeSeconds: Number(droppedAtUs / 1_000_000n) });
    }
    this.droppedColumnDeletions = drops.size === 0 ? null : drops;
  }

  /** The column named `name`; throws `SCHEMA_INVALID_MUTATION` for an unknown column. */
  column(name: string): ColumnComparators {
    const c = this.byName.get(name);
    if (c === undefined) throw invalidMutationError(`unknown column ${name}`);
    return c;
  }

  /**
   * The column whose name is exactly the UTF-8 bytes `nameBytes` (so they are valid UTF-8),
   * or undefined. For decoders, which meet the same few names in every partition.
   */
  columnByNameBytes(nameBytes: Buffer): ColumnComparators | undefined {
    return this.byNameBytes.get(nameBytes.toString('latin1'));
  }

  /** True when the table has a column named `name`. */
  hasColumn(name: string): boolean {
    return this.byName.has(name);
  }

  /** A short description for messages. */
  describeColumn(name: string): string {
    const c = this.column(name);
    return `${name} ${cqlTypeToString(c.type)}`;
  }
}
