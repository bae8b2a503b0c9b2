import { codecFor, cqlTypeToString, nativeType } from '@charybdis/schema';
import type { CqlType } from '@charybdis/schema';
import type { ResultElement } from '@charybdis/storage';
import type { Term } from '../parser/ast-common';
import { fieldPath } from '../modification/write-params';
import type { PreparedTerm } from '../terms/term-types';
import type { RowView } from './row-view';
import { invalidRequest } from './select-errors';
import type { SelectColumn } from './select-table';
import type { ScalarSelector } from './selector-nodes';

/**
 * Selectors that look inside a value: `m[k]` / `s[e]` / `l[i]` (element), `t.f` (UDT
 * field), and `writetime(m[k])` / `ttl(m[k])` on one element of a non-frozen map or set.
 * Types, codecs and constant subscripts are resolved at prepare time; a subscript with a
 * bind marker is bound per row from the execution's values (RowView.params).
 */

const BIGINT = codecFor(nativeType('bigint'));
const INT = codecFor(nativeType('int'));

/** A subscript as it appears in a generated column name. */
export function subscriptText(term: Term): string {
  switch (term.kind) {
    case 'constant':
      return term.type === 'string' ? `'${term.text.replace(/'/g, "''")}'` : term.text;
    case 'bindMarker':
      return term.name === undefined ? '?' : `:${term.name}`;
    case 'null':
      return 'null';
    default:
      return '?';
  }
}

/** A subscript's value for this row: constant ones are bound once at prepare. */
function subscriptValue(key: PreparedTerm): (row: RowView) => Uint8Array | null {
  if (key.constant) {
    const v = key.bind([], 0);
    const bytes = v === 'unset' ? null : v;
    return () => bytes;
  }
  return (row) => {
    const v = key.bind(row.params, row.nowMs);
    return v === 'unset' ? null : v;
  };
}

/** Calls `visit` on each `[int32 length][bytes]` item after `offset` (null for a negative length); stops when it returns true. */
function forEachItem(bytes: Uint8Array, offset: number, count: number, visit: (item: Uint8Array | null, i: number) => boolean): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = offset;
  for (let i = 0; i < count && pos + 4 <= bytes.length; i++) {
    const len = view.getInt32(pos);
    pos += 4;
    const item = len < 0 ? null : bytes.subarray(pos, pos + len);
    if (len > 0) pos += len;
    if (visit(item, i)) return;
  }
}

function itemCount(bytes: Uint8Array): number {
  return bytes.length < 4 ? 0 : new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0);
}

/** The element of a serialized collection at `key` (map key, set element or list index), or null. */
function lookup(type: CqlType, collection: Uint8Array, key: Uint8Array): Uint8Array | null {
  const count = itemCount(collection);
  let found: Uint8Array | null = null;
  if (type.kind === 'map') {
    const cmp = codecFor(type.key);
    let k: Uint8Array | null = null;
    forEachItem(collection, 4, count * 2, (item, i) => {
      if (i % 2 === 0) {
        k = item;
        return false;
      }
      if (k !== null && cmp.compare(k, key) === 0) {
        found = item;
        return true;
      }
      return false;
    });
  } else if (type.kind === 'set') {
    const cmp = codecFor(type.element);
    forEachItem(collection, 4, count, (item) => {
      if (item !== null && cmp.compare(item, key) === 0) {
        found = item;
        return true;
      }
      return false;
    });
  } else if (type.kind === 'list' && key.length === 4) {
    const index = new DataView(key.buffer, key.byteOffset, 4).getInt32(0);
    forEachItem(collection, 4, count, (item, i) => {
      if (i !== index) return false;
      found = item;
      return true;
    });
  }
  return found;
}

/** The type a subscript of `type` must have and the name of its receiver (Cassandra's key(m) / idx(l)). */
export function subscriptReceiver(receiver: ScalarSelector): { name: string; type: CqlType } {
  const t = receiver.type;
  switch (t.kind) {
    case 'map':
      return { name: `key(${receiver.name})`, type: t.key };
    case 'set':
      return { name: `key(${receiver.name})`, type: t.element };
    case 'list':
      return { name: `idx(${receiver.name})`, type: nativeType('int') };
    default:
      throw invalidRequest(`Invalid element selection: ${receiver.name} is of type ${cqlTypeToString(t)} is not a collection`);
  }
}

/** `receiver[key]`: a map's value, a set's element (when present) or a list's item. */
export function elementSelector(receiver: ScalarSelector, key: PreparedTerm, keyText: string): ScalarSelector {
  const t = receiver.type;
  subscriptReceiver(receiver);
  const type = t.kind === 'map' ? t.value : t.kind === 'set' || t.kind === 'list' ? t.element : t;
  const keyOf = subscriptValue(key);
  return {
    kind: 'scalar',
    type,
    name: `${receiver.name}[${keyText}]`,
    columns: receiver.columns,
    evaluate: (row) => {
      const collection = receiver.evaluate(row);
      if (collection === null) return null;
      const k = keyOf(row);
      return k === null ? null : lookup(t, collection, k);
    },
  };
}

/** `receiver.field` on a user-defined type value. */
export function fieldSelector(receiver: ScalarSelector, field: string): ScalarSelector {
  const t = receiver.type;
  if (t.kind !== 'udt') throw invalidRequest(`Invalid field selection: ${receiver.name} of type ${cqlTypeToString(t)} is not a user type`);
  const at = t.fields.findIndex((f) => f.name === field);
  if (at < 0) throw invalidRequest(`${receiver.name} of type ${cqlTypeToString(t)} has no field ${field}`);
  return {
    kind: 'scalar',
    type: t.fields[at]!.type,
    name: `${receiver.name}.${field}`,
    columns: receiver.columns,
    evaluate: (row) => {
      const value = receiver.evaluate(row);
      if (value === null) return null;
      let found: Uint8Array | null = null;
      forEachItem(value, 0, at + 1, (item, i) => {
        if (i === at) found = item;
        return i === at;
      });
      return found;
    },
  };
}

/**
 * writetime(…) / ttl(…) of one cell of a non-frozen collection or UDT column, the one
 * `find` picks from the row's live elements (null when there is none). `selection` is the
 * text after the column name in the result column's name (`[k]`, `.f`).
 */
function cellMetadataSelector(
  column: SelectColumn,
  selection: string,
  which: 'writeTime' | 'ttl',
  find: (elements: readonly ResultElement[], row: RowView) => ResultElement | undefined,
): ScalarSelector {
  const i = column.index;
  return {
    kind: 'scalar',
    type: nativeType(which === 'writeTime' ? 'bigint' : 'int'),
    name: `${which === 'writeTime' ? 'writetime' : 'ttl'}(${column.name}${selection})`,
    columns: [column],
    evaluate: (row) => {
      const elements = row.elements[i];
      const e = elements === null || elements === undefined ? undefined : find(elements, row);
      if (e === undefined) return null;
      if (which === 'writeTime') return BIGINT.serialize(e.writetimeUs);
      return e.ttlSeconds === null ? null : INT.serialize(e.ttlSeconds);
    },
  };
}

/**
 * writetime(c.f) / ttl(c.f) of one field of a non-frozen UDT column: the field's own cell
 * (null when the field has no live cell). `udt` is the column's type.
 */
export function fieldMetadataSelector(column: SelectColumn, udt: Extract<CqlType, { kind: 'udt' }>, field: string, which: 'writeTime' | 'ttl'): ScalarSelector {
  const at = udt.fields.findIndex((f) => f.name === field);
  if (at < 0) throw invalidRequest(`${column.name} of type ${cqlTypeToString(udt)} has no field ${field}`);
  const path = fieldPath(at);
  return cellMetadataSelector(column, `.${field}`, which, (elements) =>
    elements.find((x) => x.path.length === 2 && x.path[0] === path[0] && x.path[1] === path[1]),
  );
}

/** writetime(c[k]) / ttl(c[k]) of one element of a non-frozen map or set column. */
export function elementMetadataSelector(column: SelectColumn, key: PreparedTerm, keyText: string, which: 'writeTime' | 'ttl'): ScalarSelector {
  const t = column.type;
  if (t.kind !== 'map' && t.kind !== 'set') throw invalidRequest(`Invalid element selection for ${which}: ${column.name} is not a non-frozen map or set`);
  const cmp = codecFor(t.kind === 'map' ? t.key : t.element);
  const keyOf = subscriptValue(key);
  return cellMetadataSelector(column, `[${keyText}]`, which, (elements, row) => {
    const k = keyOf(row);
    return k === null ? undefined : elements.find((e) => cmp.compare(e.path, k) === 0);
  });
}
