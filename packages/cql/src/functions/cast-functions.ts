import { codecFor, cqlTypeToString, inetBytesToString, nativeType } from '@charybdis/schema';
import type { CqlDecimal, CqlDuration, CqlType, NativeTypeName, ValueCodec } from '@charybdis/schema';
import { jsonFormatterFor } from './json-format';
import { dateToText, decimalToString, durationToText, javaDoubleToString, javaFloatToString, timeToText, timestampToText } from './value-text';

/**
 * `CAST(x AS type)` (Cassandra's CastFcts): numbers to numbers with Java's conversions
 * (narrowing wraps, floating to integer saturates), timestamps/dates/timeuuids between
 * each other, anything to text or ascii as its serializer's text. Conversions are built
 * at prepare time and run on serialized values.
 */
export type CastConversion = (bytes: Uint8Array) => Uint8Array | null;

const INTEGER_BITS: Readonly<Partial<Record<NativeTypeName, number>>> = { tinyint: 8, smallint: 16, int: 32, bigint: 64, counter: 64 };
const NUMERIC: ReadonlySet<string> = new Set(['tinyint', 'smallint', 'int', 'bigint', 'counter', 'varint', 'float', 'double', 'decimal']);

type Numeric = { readonly kind: 'int'; readonly v: bigint } | { readonly kind: 'float'; readonly v: number } | { readonly kind: 'decimal'; readonly v: CqlDecimal };

function readNumeric(name: NativeTypeName, value: unknown): Numeric {
  if (name === 'float' || name === 'double') return { kind: 'float', v: value as number };
  if (name === 'decimal') return { kind: 'decimal', v: value as CqlDecimal };
  return { kind: 'int', v: BigInt(value as number | bigint) };
}

function parseDecimal(text: string): CqlDecimal {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:E([+-]?\d+))?$/.exec(text);
  if (m === null) return { unscaledValue: 0n, scale: 0 };
  const frac = m[3] ?? '';
  const unscaled = BigInt(`${m[1]}${m[2]}${frac}`);
  return { unscaledValue: unscaled, scale: frac.length - Number(m[4] ?? 0) };
}

function decimalTruncated(d: CqlDecimal): bigint {
  return d.scale >= 0 ? d.unscaledValue / 10n ** BigInt(d.scale) : d.unscaledValue * 10n ** BigInt(-d.scale);
}

/** Java's (long)/(int) of a double: truncation, saturation, NaN → 0. */
function saturate(v: number, bits: number): bigint {
  if (Number.isNaN(v)) return 0n;
  const max = 2n ** BigInt(bits - 1) - 1n;
  const min = -(2n ** BigInt(bits - 1));
  if (v >= Number(max)) return max;
  if (v <= Number(min)) return min;
  return BigInt(Math.trunc(v));
}

function toInteger(n: Numeric, target: NativeTypeName): bigint {
  const bits = INTEGER_BITS[target];
  let v: bigint;
  if (n.kind === 'int') v = n.v;
  else if (n.kind === 'decimal') v = decimalTruncated(n.v);
  else if (bits === undefined) v = BigInt(Math.trunc(Number.isFinite(n.v) ? n.v : 0));
  // Java's byteValue()/shortValue() of a double go through (int) first.
  else v = saturate(n.v, Math.max(bits, 32));
  return bits === undefined ? v : BigInt.asIntN(bits, v);
}

function convertNumeric(n: Numeric, target: NativeTypeName, codec: ValueCodec): Uint8Array {
  switch (target) {
    case 'float':
    case 'double': {
      const v = n.kind === 'float' ? n.v : n.kind === 'int' ? Number(n.v) : Number(decimalToString(n.v));
      return codec.serialize(target === 'float' ? Math.fround(v) : v);
    }
    case 'decimal': {
      if (n.kind === 'int') return codec.serialize({ unscaledValue: n.v, scale: 0 });
      if (n.kind === 'decimal') return codec.serialize(n.v);
      return codec.serialize(parseDecimal(javaDoubleToString(n.v)));
    }
    default: {
      const v = toInteger(n, target);
      const bits = INTEGER_BITS[target];
      return codec.serialize(bits !== undefined && bits <= 32 ? Number(v) : v);
    }
  }
}

/** Cassandra's text of a value (its serializer's toString). */
function textOf(type: CqlType, value: unknown, bytes: Uint8Array): string {
  if (type.kind !== 'native') return jsonFormatterFor(type)(bytes);
  switch (type.name) {
    case 'float':
      return javaFloatToString(value as number);
    case 'double':
      return javaDoubleToString(value as number);
    case 'decimal':
      return decimalToString(value as CqlDecimal);
    case 'timestamp':
      return timestampToText(value instanceof Date ? value.getTime() : Number(value));
    case 'date':
      return dateToText(value as number);
    case 'time':
      return timeToText(value as bigint);
    case 'duration':
      return durationToText(value as CqlDuration);
    case 'blob':
      return Buffer.from(bytes).toString('hex');
    case 'inet':
      return inetBytesToString(bytes);
    default:
      return String(value);
  }
}

const UUID_EPOCH_OFFSET_100NS = 0x01b21dd213814000n;

/** The milliseconds of a version-1 UUID's timestamp. */
function timeuuidMillis(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = BigInt(view.getUint32(0));
  const mid = BigInt(view.getUint16(4));
  const high = BigInt(view.getUint16(6) & 0x0fff);
  const ts = (high << 48n) | (mid << 32n) | low;
  return Number((ts - UUID_EPOCH_OFFSET_100NS) / 10_000n);
}

function temporalConversion(from: NativeTypeName, to: NativeTypeName, toCodec: ValueCodec, fromCodec: ValueCodec): CastConversion | undefined {
  const msOf = (b: Uint8Array): number => {
    if (from === 'timeuuid') return timeuuidMillis(b);
    const v = fromCodec.deserialize(b);
    if (from === 'date') return (v as number) * 86_400_000;
    return v instanceof Date ? v.getTime() : Number(v);
  };
  if (to === 'timestamp' && (from === 'date' || from === 'timeuuid')) return (b) => (b.length === 0 ? null : toCodec.serialize(msOf(b)));
  if (to === 'date' && (from === 'timestamp' || from === 'timeuuid')) return (b) => (b.length === 0 ? null : toCodec.serialize(Math.floor(msOf(b) / 86_400_000)));
  return undefined;
}

/** The conversion of CAST(x AS to) for x of type `from`; undefined when Cassandra has no such cast. */
export function castConversion(from: CqlType, to: CqlType): CastConversion | undefined {
  if (cqlTypeToString(from) === cqlTypeToString(to)) return (b) => b;
  if (to.kind !== 'native') return undefined;
  const toCodec = codecFor(to);
  const fromCodec = codecFor(from);
  if (to.name === 'text' || to.name === 'ascii') {
    return (b) => {
      const v = fromCodec.deserialize(b);
      return v === null ? null : toCodec.serialize(textOf(from, v, b));
    };
  }
  if (from.kind !== 'native') return undefined;
  if (NUMERIC.has(from.name) && NUMERIC.has(to.name) && to.name !== 'counter') {
    return (b) => {
      const v = fromCodec.deserialize(b);
      return v === null ? null : convertNumeric(readNumeric(from.name, v), to.name, toCodec);
    };
  }
  return temporalConversion(from.name, to.name, toCodec, fromCodec);
}

/** The name Cassandra gives a cast selector: "cast(v as int)". */
export function castColumnName(argName: string, to: CqlType): string {
  return `cast(${argName} as ${cqlTypeToString(to)})`;
}

/** The `bigint` type, the result of writetime(). */
export const BIGINT_TYPE: CqlType = nativeType('bigint');
