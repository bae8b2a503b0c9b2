import { codecFor } from '@charybdis/schema';
import type { ValueCodec } from '@charybdis/schema';
import type { WireValue } from '../protocol/frame-reader';
import { bindRequired, splitTuple } from './bind-restrictions';
import type { RowFilter } from './restriction-types';
import type { RowView } from './row-view';

/** A filter with its values bound for one execution: `test` tells whether a row passes. */
export type BoundFilter = (row: RowView) => boolean;

function compareOk(c: number, op: '=' | '<' | '<=' | '>' | '>='): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

/** The items of a serialized collection (int32 count, then [int32 length][bytes] each; a map entry is two items). */
function collectionItems(bytes: Uint8Array, itemsPerEntry: number): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  if (bytes.length < 4) return out;
  const count = view.getInt32(0) * itemsPerEntry;
  let pos = 4;
  for (let i = 0; i < count && pos + 4 <= bytes.length; i++) {
    const len = view.getInt32(pos);
    pos += 4;
    out.push(bytes.subarray(pos, pos + Math.max(len, 0)));
    pos += Math.max(len, 0);
  }
  return out;
}

/** Map entries as [key, value, key, value…]; list/set elements as they are. */
function containsTest(codec: ValueCodec, step: number, offset: number, v: Uint8Array, i: number): BoundFilter {
  return (row) => {
    const value = row.values[i];
    if (value == null) return false;
    const all = collectionItems(value, step);
    for (let k = offset; k < all.length; k += step) if (codec.compare(all[k]!, v) === 0) return true;
    return false;
  };
}

/** Binds one filter's values. */
export function bindFilter(f: RowFilter, values: readonly WireValue[], nowMs: number): BoundFilter {
  switch (f.kind) {
    case 'compare': {
      const v = bindRequired(f.term, values, nowMs, f.column.name);
      const { codec, index } = f.column;
      return (row) => {
        const x = row.values[index];
        return x != null && compareOk(codec.compare(x, v), f.operator);
      };
    }
    case 'in': {
      const list = f.values.bind(values, nowMs);
      const { codec, index } = f.column;
      return (row) => {
        const x = row.values[index];
        return x != null && list.some((v) => codec.compare(x, v) === 0);
      };
    }
    case 'contains': {
      const t = f.column.type;
      const v = bindRequired(f.term, values, nowMs, f.column.name);
      if (t.kind === 'map') return containsTest(codecFor(t.value), 2, 1, v, f.column.index);
      if (t.kind === 'list' || t.kind === 'set') return containsTest(codecFor(t.element), 1, 0, v, f.column.index);
      return () => false;
    }
    case 'containsKey': {
      const t = f.column.type;
      const v = bindRequired(f.term, values, nowMs, f.column.name);
      return t.kind === 'map' ? containsTest(codecFor(t.key), 2, 0, v, f.column.index) : () => false;
    }
    case 'mapElement':
      return bindMapElement(f, values, nowMs);
    case 'tuple': {
      const bound = splitTuple(bindRequired(f.term, values, nowMs, 'tuple'), f.columns);
      return (row) => {
        for (let k = 0; k < f.columns.length; k++) {
          const c = f.columns[k]!;
          const x = row.values[c.index];
          if (x == null) return false;
          const cmp = c.codec.compare(x, bound[k]!);
          if (cmp !== 0) return compareOk(cmp, f.operator);
        }
        return compareOk(0, f.operator);
      };
    }
  }
}

function bindMapElement(f: Extract<RowFilter, { kind: 'mapElement' }>, values: readonly WireValue[], nowMs: number): BoundFilter {
  const t = f.column.type;
  if (t.kind !== 'map') return () => false;
  const key = bindRequired(f.key, values, nowMs, f.column.name);
  const v = bindRequired(f.term, values, nowMs, f.column.name);
  const keyCodec = codecFor(t.key);
  const valueCodec = codecFor(t.value);
  return (row) => {
    const m = row.values[f.column.index];
    if (m == null) return false;
    const items = collectionItems(m, 2);
    for (let k = 0; k + 1 < items.length; k += 2) {
      if (keyCodec.compare(items[k]!, key) === 0) return compareOk(valueCodec.compare(items[k + 1]!, v), f.operator);
    }
    return false;
  };
}
