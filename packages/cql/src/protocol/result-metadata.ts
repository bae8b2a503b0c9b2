import { CharybdisError } from '@charybdis/core';
import type { CqlType } from '@charybdis/schema';
import { BodyWriter, CQL_ENCODE } from './body-writer';
import { RowsFlag } from './opcodes';
import { writeTypeOption } from './type-option-codec';

/** One column of a result set or one bind marker of a prepared statement. */
export interface ColumnSpec {
  keyspace: string;
  table: string;
  /** Column name, alias or bind marker name. */
  name: string;
  type: CqlType;
}

/**
 * Column specs already encoded for one protocol version: a prepared statement computes
 * them once so that every Rows response copies bytes instead of re-encoding names and
 * types (DESIGN §5a).
 */
export interface EncodedColumnSpecs {
  readonly encoded: true;
  readonly version: number;
  readonly count: number;
  /** True when one table spec covers every column (the Global_tables_spec flag). */
  readonly globalTableSpec: boolean;
  /** [global table spec] and the column specs, without flags or count. */
  readonly bytes: Buffer;
}

/** What a Rows result says about its columns and paging. */
export interface RowsMetadata {
  columns: readonly ColumnSpec[] | EncodedColumnSpecs;
  /** Set when more pages follow (Has_more_pages); null or absent on the last page. */
  pagingState?: Uint8Array | null;
  /** The client asked skip_metadata: send flags, count and paging state only. */
  noMetadata?: boolean;
  /** v5: the statement's result metadata changed; the client must use this new id. */
  newMetadataId?: Uint8Array | null;
}

function sameTable(columns: readonly ColumnSpec[]): boolean {
  if (columns.length === 0) return false;
  const { keyspace, table } = columns[0]!;
  return columns.every((c) => c.keyspace === keyspace && c.table === table);
}

/** Writes [global table spec] (when every column shares it) and the column specs. */
function writeColumnSpecs(w: BodyWriter, columns: readonly ColumnSpec[], version: number, global: boolean): void {
  if (global) {
    w.writeString(columns[0]!.keyspace);
    w.writeString(columns[0]!.table);
  }
  for (const c of columns) {
    if (!global) {
      w.writeString(c.keyspace);
      w.writeString(c.table);
    }
    w.writeString(c.name);
    writeTypeOption(w, c.type, version);
  }
}

/** Encodes `columns` once for `version`, for reuse by every Rows response of a statement. */
export function encodeColumnSpecs(columns: readonly ColumnSpec[], version: number): EncodedColumnSpecs {
  const w = new BodyWriter(256);
  const globalTableSpec = sameTable(columns);
  writeColumnSpecs(w, columns, version, globalTableSpec);
  return { encoded: true, version, count: columns.length, globalTableSpec, bytes: Buffer.from(w.take()) };
}

/**
 * Writes a Rows <metadata> block: flags, column count, paging state, v5 new metadata id,
 * then the column specs unless `noMetadata`.
 */
export function writeRowsMetadata(w: BodyWriter, meta: RowsMetadata, version: number): number {
  const cols = meta.columns;
  const encoded = 'encoded' in cols ? cols : null;
  if (encoded !== null && encoded.version !== version) {
    throw new CharybdisError(CQL_ENCODE, `column specs encoded for v${encoded.version} used in a v${version} response`);
  }
  const count = encoded !== null ? encoded.count : (cols as readonly ColumnSpec[]).length;
  const global = encoded !== null ? encoded.globalTableSpec : sameTable(cols as readonly ColumnSpec[]);
  let flags = 0;
  if (meta.noMetadata === true) flags |= RowsFlag.NO_METADATA;
  else if (global) flags |= RowsFlag.GLOBAL_TABLES_SPEC;
  const paging = meta.pagingState ?? null;
  if (paging !== null) flags |= RowsFlag.HAS_MORE_PAGES;
  const newId = meta.newMetadataId ?? null;
  if (newId !== null) {
    if (version < 5) throw new CharybdisError(CQL_ENCODE, 'Metadata_changed exists only in protocol v5');
    flags |= RowsFlag.METADATA_CHANGED;
  }
  w.writeInt(flags);
  w.writeInt(count);
  if (paging !== null) w.writeBytes(paging);
  if (newId !== null) w.writeShortBytes(newId);
  if (meta.noMetadata !== true) {
    if (encoded !== null) w.writeRaw(encoded.bytes);
    else writeColumnSpecs(w, cols as readonly ColumnSpec[], version, global);
  }
  return count;
}

/**
 * Writes the bind-marker <metadata> of a Prepared result: flags, count, the partition key
 * bind indexes (v4+: drivers route with them), then the specs.
 */
export function writePreparedBindMetadata(
  w: BodyWriter,
  columns: readonly ColumnSpec[],
  pkIndexes: readonly number[],
  version: number,
): void {
  const global = sameTable(columns);
  w.writeInt(global ? RowsFlag.GLOBAL_TABLES_SPEC : 0);
  w.writeInt(columns.length);
  if (version >= 4) {
    w.writeInt(pkIndexes.length);
    for (const i of pkIndexes) {
      if (i < 0 || i >= columns.length) {
        throw new CharybdisError(CQL_ENCODE, `partition key bind index ${i} is outside 0..${columns.length - 1}`);
      }
      w.writeShort(i);
    }
  }
  writeColumnSpecs(w, columns, version, global);
}
