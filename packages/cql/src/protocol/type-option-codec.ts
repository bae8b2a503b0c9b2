import {
  listType,
  mapType,
  nativeType,
  setType,
  tupleType,
  udtType,
  type CqlType,
  type NativeTypeName,
  type UdtField,
} from '@charybdis/schema';
import type { BodyWriter } from './body-writer';
import type { FrameReader } from './frame-reader';

/** [option] ids of column types (specification §4.2.5.2). */
export const TypeOptionId = {
  CUSTOM: 0x0000,
  ASCII: 0x0001,
  BIGINT: 0x0002,
  BLOB: 0x0003,
  BOOLEAN: 0x0004,
  COUNTER: 0x0005,
  DECIMAL: 0x0006,
  DOUBLE: 0x0007,
  FLOAT: 0x0008,
  INT: 0x0009,
  /** Accepted when reading; Cassandra reports text columns as VARCHAR, and so do we. */
  TEXT: 0x000a,
  TIMESTAMP: 0x000b,
  UUID: 0x000c,
  VARCHAR: 0x000d,
  VARINT: 0x000e,
  TIMEUUID: 0x000f,
  INET: 0x0010,
  DATE: 0x0011,
  TIME: 0x0012,
  SMALLINT: 0x0013,
  TINYINT: 0x0014,
  /** v5 only; earlier versions name DurationType as a custom type. */
  DURATION: 0x0015,
  LIST: 0x0020,
  MAP: 0x0021,
  SET: 0x0022,
  UDT: 0x0030,
  TUPLE: 0x0031,
} as const;

const MARSHAL = 'org.apache.cassandra.db.marshal.';

/** Native types and their [option] id, for the versions that have the id. */
const NATIVE_IDS: Record<NativeTypeName, number> = {
  ascii: TypeOptionId.ASCII,
  bigint: TypeOptionId.BIGINT,
  blob: TypeOptionId.BLOB,
  boolean: TypeOptionId.BOOLEAN,
  counter: TypeOptionId.COUNTER,
  date: TypeOptionId.DATE,
  decimal: TypeOptionId.DECIMAL,
  double: TypeOptionId.DOUBLE,
  duration: TypeOptionId.DURATION,
  float: TypeOptionId.FLOAT,
  inet: TypeOptionId.INET,
  int: TypeOptionId.INT,
  smallint: TypeOptionId.SMALLINT,
  text: TypeOptionId.VARCHAR,
  time: TypeOptionId.TIME,
  timestamp: TypeOptionId.TIMESTAMP,
  timeuuid: TypeOptionId.TIMEUUID,
  tinyint: TypeOptionId.TINYINT,
  uuid: TypeOptionId.UUID,
  varint: TypeOptionId.VARINT,
};

/**
 * Types whose [option] id arrived after a version: before it they travel as custom types
 * named by their Cassandra marshal class (date/time/smallint/tinyint came with v4,
 * duration with v5), exactly as Cassandra sends them.
 */
const CUSTOM_BEFORE: Partial<Record<NativeTypeName, { sinceVersion: number; className: string }>> = {
  date: { sinceVersion: 4, className: `${MARSHAL}SimpleDateType` },
  time: { sinceVersion: 4, className: `${MARSHAL}TimeType` },
  smallint: { sinceVersion: 4, className: `${MARSHAL}ShortType` },
  tinyint: { sinceVersion: 4, className: `${MARSHAL}ByteType` },
  duration: { sinceVersion: 5, className: `${MARSHAL}DurationType` },
};

const NATIVE_BY_ID = new Map<number, NativeTypeName>([
  ...Object.entries(NATIVE_IDS).map(([name, id]) => [id, name as NativeTypeName] as const),
  [TypeOptionId.TEXT, 'text'],
]);

const NATIVE_BY_CLASS = new Map<string, NativeTypeName>(
  Object.entries(CUSTOM_BEFORE).map(([name, c]) => [c.className, name as NativeTypeName] as const),
);

/** Deepest nesting of collection / tuple / UDT options a client-supplied [option] may have. */
export const MAX_TYPE_OPTION_DEPTH = 64;

/**
 * Writes the [option] describing `type` as protocol `version` spells it. A reversed
 * (DESC clustering) type is described by its base type, as Cassandra does: drivers only
 * need the value encoding. Frozenness is not part of the protocol.
 */
export function writeTypeOption(w: BodyWriter, type: CqlType, version: number): void {
  switch (type.kind) {
    case 'native': {
      const custom = CUSTOM_BEFORE[type.name];
      if (custom !== undefined && version < custom.sinceVersion) {
        w.writeShort(TypeOptionId.CUSTOM);
        w.writeString(custom.className);
      } else {
        w.writeShort(NATIVE_IDS[type.name]);
      }
      return;
    }
    case 'list':
    case 'set':
      w.writeShort(type.kind === 'list' ? TypeOptionId.LIST : TypeOptionId.SET);
      writeTypeOption(w, type.element, version);
      return;
    case 'map':
      w.writeShort(TypeOptionId.MAP);
      writeTypeOption(w, type.key, version);
      writeTypeOption(w, type.value, version);
      return;
    case 'udt':
      w.writeShort(TypeOptionId.UDT);
      w.writeString(type.keyspace);
      w.writeString(type.name);
      w.writeShort(type.fields.length);
      for (const f of type.fields) {
        w.writeString(f.name);
        writeTypeOption(w, f.type, version);
      }
      return;
    case 'tuple':
      w.writeShort(TypeOptionId.TUPLE);
      w.writeShort(type.elements.length);
      for (const e of type.elements) writeTypeOption(w, e, version);
      return;
    case 'reversed':
      writeTypeOption(w, type.base, version);
      return;
  }
}

/**
 * Reads an [option] back into a CqlType. The protocol does not carry frozenness: a
 * top-level collection or UDT is read as non-frozen and everything nested inside one as
 * frozen, which is what CQL requires of nested types. Custom types other than the
 * marshal classes of native types are refused (CQL_PROTOCOL).
 */
export function readTypeOption(r: FrameReader, field: string, depth = 0): CqlType {
  if (depth > MAX_TYPE_OPTION_DEPTH) throw r.fail(field, `type nested deeper than ${MAX_TYPE_OPTION_DEPTH} levels`);
  const id = r.readShort(field);
  const nested = depth > 0;
  const inner = (): CqlType => readTypeOption(r, field, depth + 1);
  switch (id) {
    case TypeOptionId.CUSTOM: {
      const className = r.readString(field);
      const name = NATIVE_BY_CLASS.get(className);
      if (name === undefined) throw r.fail(field, `unsupported custom type '${className}'`);
      return nativeType(name);
    }
    case TypeOptionId.LIST:
      return listType(inner(), nested);
    case TypeOptionId.SET:
      return setType(inner(), nested);
    case TypeOptionId.MAP: {
      const key = inner();
      return mapType(key, inner(), nested);
    }
    case TypeOptionId.UDT:
      return readUdtOption(r, field, depth, nested);
    case TypeOptionId.TUPLE: {
      const n = r.readCount(field, 2);
      const elements: CqlType[] = [];
      for (let i = 0; i < n; i++) elements.push(inner());
      return tupleType(elements);
    }
    default: {
      const name = NATIVE_BY_ID.get(id);
      if (name === undefined) throw r.fail(field, `unknown type option id 0x${id.toString(16).padStart(4, '0')}`);
      return nativeType(name);
    }
  }
}

function readUdtOption(r: FrameReader, field: string, depth: number, frozen: boolean): CqlType {
  const keyspace = r.readString(field);
  const name = r.readString(field);
  const n = r.readCount(field, 4);
  const fields: UdtField[] = [];
  for (let i = 0; i < n; i++) {
    const fieldName = r.readString(field);
    fields.push({ name: fieldName, type: readTypeOption(r, field, depth + 1) });
  }
  return udtType(keyspace, name, fields, frozen);
}
