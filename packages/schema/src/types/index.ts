/**
 * CQL types: the type model and parser, the value codecs (native protocol v4 encodings)
 * with validation and Cassandra's comparators, and the clustering comparator. See
 * docs/types.md.
 */
export { TypeErrorCodes } from './type-error-codes';
export type { TypeErrorCode } from './type-error-codes';
export {
  NATIVE_TYPE_NAMES,
  nativeType,
  listType,
  setType,
  mapType,
  tupleType,
  udtType,
  reversedType,
  freezeType,
  unreversedType,
  isMultiCellType,
  isCounterType,
  cqlTypesEqual,
  cqlTypeToString,
} from './cql-type';
export type {
  CqlType,
  NativeTypeName,
  NativeType,
  ListType,
  SetType,
  MapType,
  TupleType,
  UdtType,
  UdtField,
  ReversedType,
} from './cql-type';
export { parseCqlType } from './cql-type-parser';
export type { ParseCqlTypeOptions, UdtResolver } from './cql-type-parser';
export type { ValueCodec, CqlValue, CqlDecimal, CqlDuration } from './value-codec';
export { codecFor } from './codec-for';
export { compareBytesUnsigned, compareBytesSigned, bytesEqual } from './compare-bytes';
export { compareDecimals } from './decimal-codec';
export { compareJavaDoubles } from './floating-codecs';
export { compareUuids, compareTimeUuids } from './uuid-codecs';
export { inetBytesToString, inetStringToBytes } from './inet-codec';
export { ClusteringComparator, BOTTOM_BOUND, TOP_BOUND, isStartBound } from './clustering-comparator';
export type { ClusteringPrefix, ClusteringBound, BoundKind } from './clustering-comparator';
export { cellPathComparator } from './cell-path-comparator';
