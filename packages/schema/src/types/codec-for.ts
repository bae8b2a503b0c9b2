import type { CqlType, NativeTypeName } from './cql-type';
import { booleanCodec } from './boolean-codec';
import { listCodec, mapCodec, setCodec } from './collection-codecs';
import { decimalCodec } from './decimal-codec';
import { durationCodec } from './duration-codec';
import { floatingCodecs } from './floating-codecs';
import { inetCodec } from './inet-codec';
import { integerCodecs } from './integer-codecs';
import { temporalCodecs } from './temporal-codecs';
import { textCodecs } from './text-codecs';
import { tupleCodec, udtCodec } from './tuple-codecs';
import { uuidCodecs } from './uuid-codecs';
import type { ValueCodec } from './value-codec';

function nativeCodec(name: NativeTypeName): ValueCodec {
  switch (name) {
    case 'ascii':
    case 'text':
    case 'blob':
      return textCodecs[name]();
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'counter':
    case 'varint':
      return integerCodecs[name]();
    case 'float':
    case 'double':
      return floatingCodecs[name]();
    case 'date':
    case 'time':
    case 'timestamp':
      return temporalCodecs[name]();
    case 'uuid':
    case 'timeuuid':
      return uuidCodecs[name]();
    case 'boolean':
      return booleanCodec();
    case 'decimal':
      return decimalCodec();
    case 'duration':
      return durationCodec();
    case 'inet':
      return inetCodec();
  }
}

/**
 * The codec and comparator of a CQL type (see {@link ValueCodec}). Building one walks the
 * type once; the result is immutable, so build it when the schema is loaded and reuse it.
 * A `reversed` type encodes like its base and compares the other way round. Non-frozen
 * collections and UDTs get the codec of their whole-value (frozen) form, which is how
 * the native protocol carries them.
 */
export function codecFor(type: CqlType): ValueCodec {
  switch (type.kind) {
    case 'native':
      return nativeCodec(type.name);
    case 'list':
      return listCodec(type, codecFor(type.element));
    case 'set':
      return setCodec(type, codecFor(type.element));
    case 'map':
      return mapCodec(type, codecFor(type.key), codecFor(type.value));
    case 'tuple':
      return tupleCodec(type, type.elements.map(codecFor));
    case 'udt':
      return udtCodec(type, type.fields.map((f) => codecFor(f.type)));
    case 'reversed': {
      const base = codecFor(type.base);
      return {
        type,
        serialize: (value) => base.serialize(value),
        deserialize: (bytes) => base.deserialize(bytes),
        validate: (bytes) => base.validate(bytes),
        compare: (a, b) => base.compare(b, a),
      };
    }
  }
}
