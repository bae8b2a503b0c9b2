import { codecFor } from '@charybdis/schema';
import type { ColumnMetadata, ComplexCell, CqlType } from '@charybdis/schema';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm, TermValue } from '../terms/term-types';
import { splitCollection, splitComponents } from '../terms/collection-bytes';
import { invalidRequest } from '../terms/term-errors';
import { EMPTY_VALUE, complexData, deletedCell, deletionAt, fieldPath, overwriteDeletion, valueCell } from './write-params';
import type { ExistingLists, RowSink, WriteParams } from './write-params';

/**
 * The prepared operations of INSERT/UPDATE/DELETE on one column (Cassandra's Operation
 * subclasses in Constants, Lists, Sets, Maps, UserTypes). Each writes the cells of one row
 * into a RowSink; list operations by index or value read the row's list first
 * (`readsList`), counters produce increments applied later under the counter lock.
 */
export interface PreparedOperation {
  readonly column: ColumnMetadata;
  readonly markers: PreparedTerm['markers'];
  /** True when the operation needs the row's current list elements (ExistingLists). */
  readonly readsList: boolean;
  apply(values: readonly WireValue[], p: WriteParams, existing: ExistingLists | null, out: RowSink): void;
}

function markersOf(...terms: (PreparedTerm | undefined)[]): PreparedTerm['markers'] {
  return terms.flatMap((t) => (t === undefined ? [] : t.markers));
}

function baseType(column: ColumnMetadata): CqlType {
  return column.type.kind === 'reversed' ? column.type.base : column.type;
}

/** The element cells of a whole multi-cell value (list, set, map or non-frozen UDT). */
function elementCells(type: CqlType, value: Uint8Array, p: WriteParams, prepend = false): ComplexCell[] {
  switch (type.kind) {
    case 'list': {
      const elements = splitCollection(value, 1);
      if (elements.length === 0) return [];
      const paths = prepend ? p.uuids.nextPrepend(p.nowMs, elements.length) : p.uuids.next(p.nowMs, elements.length);
      return elements.map((e, i) => ({ path: paths[i]!, cell: valueCell(p, e) }));
    }
    case 'set':
      return splitCollection(value, 1).map((e) => ({ path: e, cell: valueCell(p, EMPTY_VALUE) }));
    case 'map': {
      const flat = splitCollection(value, 2);
      const out: ComplexCell[] = [];
      for (let i = 0; i < flat.length; i += 2) out.push({ path: flat[i]!, cell: valueCell(p, flat[i + 1]!) });
      return out;
    }
    case 'udt': {
      const out: ComplexCell[] = [];
      splitComponents(value).forEach((c, i) => {
        if (c !== null) out.push({ path: fieldPath(i), cell: valueCell(p, c) });
      });
      return out;
    }
    default:
      throw invalidRequest(`Column type ${type.kind} is not multi-cell`);
  }
}

/** `c = v` (INSERT values too): a cell or tombstone; for a multi-cell column, an overwrite. */
export class SetValue implements PreparedOperation {
  readonly markers: PreparedTerm['markers'];
  readonly readsList = false;
  private readonly multiCell: boolean;
  constructor(readonly column: ColumnMetadata, private readonly term: PreparedTerm, multiCell: boolean) {
    this.markers = term.markers;
    this.multiCell = multiCell;
  }
  apply(values: readonly WireValue[], p: WriteParams, _e: ExistingLists | null, out: RowSink): void {
    this.write(this.term.bind(values, p.nowMs), p, out);
  }
  /** Writes a bound value (INSERT JSON uses this directly). */
  write(v: TermValue, p: WriteParams, out: RowSink): void {
    if (v === 'unset') return;
    const name = this.column.name;
    if (!this.multiCell) {
      out.columns.push({ kind: 'simple', column: name, cell: v === null ? deletedCell(p) : valueCell(p, v) });
      return;
    }
    out.columns.push(complexData(name, v === null ? [] : elementCells(baseType(this.column), v, p), overwriteDeletion(p)));
  }
}

/** `c = c + v` / `c = v + c` on a list, set or map: new elements. */
export class AddElements implements PreparedOperation {
  readonly markers: PreparedTerm['markers'];
  readonly readsList = false;
  constructor(readonly column: ColumnMetadata, private readonly term: PreparedTerm, private readonly prepend: boolean) {
    this.markers = term.markers;
  }
  apply(values: readonly WireValue[], p: WriteParams, _e: ExistingLists | null, out: RowSink): void {
    const v = this.term.bind(values, p.nowMs);
    if (v === 'unset' || v === null) return;
    const cells = elementCells(baseType(this.column), v, p, this.prepend);
    if (cells.length > 0) out.columns.push(complexData(this.column.name, cells));
  }
}

/** `s = s - {…}` on a set, `m = m - {keys}` on a map: element tombstones. */
export class RemoveElements implements PreparedOperation {
  readonly markers: PreparedTerm['markers'];
  readonly readsList = false;
  constructor(readonly column: ColumnMetadata, private readonly term: PreparedTerm) {
    this.markers = term.markers;
  }
  apply(values: readonly WireValue[], p: WriteParams, _e: ExistingLists | null, out: RowSink): void {
    const v = this.term.bind(values, p.nowMs);
    if (v === 'unset' || v === null) return;
    const cells = splitCollection(v, 1).map((path) => ({ path, cell: deletedCell(p) }));
    if (cells.length > 0) out.columns.push(complexData(this.column.name, cells));
  }
}

/** `l = l - [...]`: tombstones on every current element equal to one of the values (reads the list). */
export class DiscardListValues implements PreparedOperation {
  readonly markers: PreparedTerm['markers'];
  readonly readsList = true;
  constructor(readonly column: ColumnMetadata, private readonly term: PreparedTerm) {
    this.markers = term.markers;
  }
  apply(values: readonly WireValue[], p: WriteParams, existing: ExistingLists | null, out: RowSink): void {
    const v = this.term.bind(values, p.nowMs);
    if (v === 'unset' || v === null) return;
    const current = existing?.get(this.column.name) ?? [];
    const discard = splitCollection(v, 1).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    const cells = current.filter((e) => discard.some((d) => d.equals(e.value))).map((e) => ({ path: e.path, cell: deletedCell(p) }));
    if (cells.length > 0) out.columns.push(complexData(this.column.name, cells));
  }
}

/** The cell path of list element `index` of the current list, with Cassandra's errors. */
function listIndexPath(column: ColumnMetadata, existing: ExistingLists | null, index: Uint8Array, deleting: boolean): Uint8Array | null {
  const idx = codecFor({ kind: 'native', name: 'int' }).deserialize(index) as number | null;
  if (idx === null) throw invalidRequest('Invalid null value for list index');
  const current = existing?.get(column.name) ?? [];
  if (current.length === 0 && deleting) return null;
  if (current.length === 0) throw invalidRequest('Attempted to set an element on a list which is null');
  if (idx < 0 || idx >= current.length) throw invalidRequest(`List index ${idx} out of bound, list has size ${current.length}`);
  return current[idx]!.path;
}

/** `m[k] = v` (null deletes the entry) or `l[i] = v` (reads the list). */
export class SetElement implements PreparedOperation {
  readonly markers: PreparedTerm['markers'];
  readonly readsList: boolean;
  constructor(readonly column: ColumnMetadata, private readonly key: PreparedTerm, private readonly value: PreparedTerm) {
    this.markers = markersOf(key, value);
    this.readsList = baseType(column).kind === 'list';
  }
  apply(values: readonly WireValue[], p: WriteParams, existing: ExistingLists | null, out: RowSink): void {
    const k = this.key.bind(values, p.nowMs);
    const v = this.value.bind(values, p.nowMs);
    const isList = this.readsList;
    if (k === null) throw invalidRequest(isList ? 'Invalid null value for list index' : 'Invalid null map key');
    if (k === 'unset') throw invalidRequest(isList ? 'Invalid unset value for list index' : 'Invalid unset map key');
    if (v === 'unset') return;
    const path = isList ? listIndexPath(this.column, existing, k, false)! : k;
    out.columns.push(complexData(this.column.name, [{ path, cell: v === null ? deletedCell(p) : valueCell(p, v) }]));
  }
}

/** `u.f = v` on a non-frozen UDT (null deletes the field). */
export class SetField implements PreparedOperation {
  readonly markers: PreparedTerm['markers'];
  readonly readsList = false;
  constructor(readonly column: ColumnMetadata, private readonly fieldIndex: number, private readonly value: PreparedTerm) {
    this.markers = value.markers;
  }
  apply(values: readonly WireValue[], p: WriteParams, _e: ExistingLists | null, out: RowSink): void {
    const v = this.value.bind(values, p.nowMs);
    if (v === 'unset') return;
    out.columns.push(complexData(this.column.name, [{ path: fieldPath(this.fieldIndex), cell: v === null ? deletedCell(p) : valueCell(p, v) }]));
  }
}

const MIN_LONG = -(2n ** 63n);

/** `c = c + n` / `c = c - n` on a counter. */
export class CounterAdd implements PreparedOperation {
  readonly markers: PreparedTerm['markers'];
  readonly readsList = false;
  constructor(readonly column: ColumnMetadata, private readonly term: PreparedTerm, private readonly negate: boolean) {
    this.markers = term.markers;
  }
  apply(values: readonly WireValue[], p: WriteParams, _e: ExistingLists | null, out: RowSink): void {
    const v = this.term.bind(values, p.nowMs);
    if (v === 'unset') return;
    if (v === null) throw invalidRequest(`Invalid null value for counter increment`);
    const n = Buffer.from(v.buffer, v.byteOffset, v.byteLength).readBigInt64BE(0);
    if (this.negate && n === MIN_LONG) throw invalidRequest(`The negation of ${n} overflows supported counter precision (signed 8 bytes integer)`);
    out.counters.push({ column: this.column.name, delta: this.negate ? -n : n });
  }
}

/** `DELETE c`: a tombstone, or a collection deletion for a multi-cell column. */
export class DeleteColumn implements PreparedOperation {
  readonly markers: PreparedTerm['markers'] = [];
  readonly readsList = false;
  constructor(readonly column: ColumnMetadata, private readonly multiCell: boolean) {}
  apply(_v: readonly WireValue[], p: WriteParams, _e: ExistingLists | null, out: RowSink): void {
    const name = this.column.name;
    out.columns.push(this.multiCell ? complexData(name, [], deletionAt(p)) : { kind: 'simple', column: name, cell: deletedCell(p) });
  }
}

/** `DELETE m[k]`, `DELETE s[e]`, `DELETE l[i]` (reads the list), `DELETE u.f` (fieldIndex ≥ 0). */
export class DeleteElement implements PreparedOperation {
  readonly markers: PreparedTerm['markers'];
  readonly readsList: boolean;
  constructor(readonly column: ColumnMetadata, private readonly key: PreparedTerm | null, private readonly fieldIndex = -1) {
    this.markers = markersOf(key ?? undefined);
    this.readsList = baseType(column).kind === 'list';
  }
  apply(values: readonly WireValue[], p: WriteParams, existing: ExistingLists | null, out: RowSink): void {
    let path: Uint8Array | null;
    if (this.key === null) {
      path = fieldPath(this.fieldIndex);
    } else {
      const k = this.key.bind(values, p.nowMs);
      // Cassandra: an unset list index deletes nothing (Lists.DiscarderByIndex); an unset map key is an error.
      if (k === 'unset' && this.readsList) return;
      if (k === 'unset') throw invalidRequest(baseType(this.column).kind === 'map' ? 'Invalid unset map key' : `Invalid unset value for ${this.key.receiver.name}`);
      if (k === null) throw invalidRequest(`Invalid null value for ${this.readsList ? 'list index' : `${this.key.receiver.name}`}`);
      path = this.readsList ? listIndexPath(this.column, existing, k, true) : k;
    }
    if (path !== null) out.columns.push(complexData(this.column.name, [{ path, cell: deletedCell(p) }]));
  }
}
