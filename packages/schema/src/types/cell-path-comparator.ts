import { CharybdisError } from '@charybdis/core';
import { codecFor } from './codec-for';
import { compareBytesUnsigned } from './compare-bytes';
import { cqlTypeToString, isMultiCellType, nativeType } from './cql-type';
import type { CqlType } from './cql-type';
import { TypeErrorCodes } from './type-error-codes';

/**
 * The order of the cell paths of a multi-cell (non-frozen) column, i.e. how its element
 * cells are keyed and sorted in storage, as in Cassandra:
 *
 * - `list<T>`: the path is a timeuuid (the element's insertion time), TimeUUIDType order;
 * - `set<T>`: the path is the element itself (the cell value is empty), T's order;
 * - `map<K, V>`: the path is the key (the cell value is the map value), K's order;
 * - non-frozen UDT: the path is the field's position as a 2-byte unsigned short, in field order.
 *
 * Throws `SCHEMA_INVALID_TYPE` for a type that is not multi-cell.
 */
export function cellPathComparator(type: CqlType): (a: Uint8Array, b: Uint8Array) => number {
  if (!isMultiCellType(type)) {
    throw new CharybdisError(TypeErrorCodes.INVALID_TYPE, `Type ${cqlTypeToString(type)} has no cell paths: it is not a non-frozen collection or UDT`);
  }
  switch (type.kind) {
    case 'list': {
      const codec = codecFor(nativeType('timeuuid'));
      return (a, b) => codec.compare(a, b);
    }
    case 'set': {
      const codec = codecFor(type.element);
      return (a, b) => codec.compare(a, b);
    }
    case 'map': {
      const codec = codecFor(type.key);
      return (a, b) => codec.compare(a, b);
    }
    default:
      // A UDT field position: big-endian unsigned short, so byte order is field order.
      return compareBytesUnsigned;
  }
}
