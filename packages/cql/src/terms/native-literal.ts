import { codecFor, cqlTypeToString, inetStringToBytes, nativeType, unreversedType } from '@charybdis/schema';
import type { Constant, ConstantType } from '../parser/ast-common';
import type { CqlDecimal, NativeTypeName, ValueCodec } from '@charybdis/schema';
import type { TermReceiver } from './term-types';
import { parseDuration } from './duration-literal';
import { invalidRequest } from './term-errors';
import { tupleFromString } from './tuple-string';
import { msToEpochDays, parseDateString, parseTimeString, parseTimestampString, checkNanosOfDay } from './temporal-literals';

/**
 * Literal constants converted by their receiver's type (Cassandra's Constants.Literal):
 * which lexical kinds a native type accepts, then the text parsed into that type's bytes.
 */

/** The native types each lexical kind of constant can be assigned to (Constants.Literal.testAssignment). */
const ACCEPTED: Readonly<Record<ConstantType, ReadonlySet<NativeTypeName>>> = {
  string: new Set<NativeTypeName>(['ascii', 'text', 'inet', 'date', 'time', 'timestamp']),
  integer: new Set<NativeTypeName>(['bigint', 'counter', 'date', 'decimal', 'double', 'float', 'int', 'smallint', 'time', 'timestamp', 'tinyint', 'varint']),
  float: new Set<NativeTypeName>(['decimal', 'double', 'float']),
  boolean: new Set<NativeTypeName>(['boolean']),
  hex: new Set<NativeTypeName>(['blob']),
  uuid: new Set<NativeTypeName>(['uuid', 'timeuuid']),
  duration: new Set<NativeTypeName>(['duration']),
};

/** Cassandra's names of the lexical kinds, as its messages print them. */
const KIND_NAMES: Readonly<Record<ConstantType, string>> = {
  string: 'STRING',
  integer: 'INTEGER',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  hex: 'HEX',
  uuid: 'UUID',
  duration: 'DURATION',
};

const INTEGER_RANGES: Partial<Record<NativeTypeName, { min: bigint; max: bigint; javaName: string }>> = {
  tinyint: { min: -128n, max: 127n, javaName: 'byte' },
  smallint: { min: -32768n, max: 32767n, javaName: 'short' },
  int: { min: -(2n ** 31n), max: 2n ** 31n - 1n, javaName: 'int' },
  bigint: { min: -(2n ** 63n), max: 2n ** 63n - 1n, javaName: 'long' },
  counter: { min: -(2n ** 63n), max: 2n ** 63n - 1n, javaName: 'long' },
};

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when a constant of `kind` can be assigned to native type `name`. */
export function constantAccepts(kind: ConstantType, name: NativeTypeName): boolean {
  return ACCEPTED[kind].has(name);
}

/** How a constant prints in messages: strings quoted, as Cassandra's Literal.toString. */
export function constantText(c: Constant): string {
  return c.type === 'string' ? `'${c.text}'` : c.text;
}

/** `-1.5e3` → unscaled −15, scale −2 (Java's `new BigDecimal(String)`). */
export function parseDecimal(text: string): CqlDecimal {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) throw invalidRequest(`Unable to make BigDecimal from '${text}'`);
  const fraction = m[3] ?? '';
  const unscaled = BigInt(`${m[1]}${m[2]}${fraction}` || '0');
  const scale = fraction.length - Number(m[4] ?? 0);
  if (!Number.isInteger(scale) || scale > 2 ** 31 - 1 || scale < -(2 ** 31)) throw invalidRequest(`Unable to make BigDecimal from '${text}'`);
  return { unscaledValue: unscaled, scale };
}

function parseInteger(text: string, name: NativeTypeName): bigint {
  let value: bigint;
  try {
    value = BigInt(text);
  } catch (err) {
    throw invalidRequest(`Unable to make ${INTEGER_RANGES[name]?.javaName ?? name} from '${text}'`, err);
  }
  const range = INTEGER_RANGES[name];
  if (range !== undefined && (value < range.min || value > range.max)) throw invalidRequest(`Unable to make ${range.javaName} from '${text}'`);
  return value;
}

function parseHex(text: string): Buffer {
  const digits = text.slice(2);
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw invalidRequest(`Cannot parse '${text}' as hex bytes`);
  return Buffer.from(digits, 'hex');
}

function parseUuid(text: string, name: NativeTypeName): Buffer {
  if (!UUID_PATTERN.test(text)) throw invalidRequest(`Unable to make UUID from '${text}'`);
  const bytes = Buffer.from(text.replace(/-/g, ''), 'hex');
  if (name === 'timeuuid' && (bytes[6]! >> 4) !== 1) throw invalidRequest(`Unsupported UUID version (${bytes[6]! >> 4}) for timeuuid: ${text}`);
  return bytes;
}

function checkAscii(text: string): string {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) throw invalidRequest(`Invalid ASCII character in string literal: '${text}'`);
  return text;
}

/** The JS value `codec.serialize` takes for this constant and native type (after the kind check). */
function constantValue(c: Constant, name: NativeTypeName): unknown {
  switch (name) {
    case 'ascii': return checkAscii(c.text);
    case 'text': return c.text;
    case 'boolean': return c.text.toLowerCase() === 'true';
    case 'tinyint':
    case 'smallint':
    case 'int': return Number(parseInteger(c.text, name));
    case 'bigint':
    case 'counter':
    case 'varint': return parseInteger(c.text, name);
    case 'float':
    case 'double': return Number(c.text);
    case 'decimal': return parseDecimal(c.text);
    case 'timestamp': return c.type === 'integer' ? parseInteger(c.text, 'bigint') : parseTimestampString(c.text);
    case 'date': return parseDateString(c.text);
    case 'time': return c.type === 'integer' ? checkNanosOfDay(parseInteger(c.text, 'bigint'), c.text) : parseTimeString(c.text);
    case 'duration': return parseDuration(c.text);
    default: return c.text;
  }
}

/** Serializes a constant with the codec, turning the codec's errors into Invalid requests naming the literal. */
function serializeWith(codec: ValueCodec<unknown>, value: unknown, c: Constant): Uint8Array {
  try {
    return codec.serialize(value);
  } catch (err) {
    throw invalidRequest(`Invalid ${KIND_NAMES[c.type]} constant (${constantText(c)}): ${(err as Error).message}`, err);
  }
}

/**
 * The serialized value of `constant` assigned to `receiver` (a native type; the caller
 * handles collection receivers). Throws CQL_INVALID "Invalid INTEGER constant (x) for "k"
 * of type int" for a kind the type does not accept, or the parse error of the text.
 */
export function nativeConstantBytes(constant: Constant, receiver: TermReceiver): Uint8Array {
  const type = unreversedType(receiver.type);
  if (type.kind === 'tuple' && constant.type === 'string') return tupleFromString(constant.text, type, receiver, nativeConstantBytes);
  if (type.kind !== 'native' || !constantAccepts(constant.type, type.name)) {
    throw invalidRequest(`Invalid ${KIND_NAMES[constant.type]} constant (${constantText(constant)}) for "${receiver.name}" of type ${cqlTypeToString(type)}`);
  }
  switch (type.name) {
    case 'blob': return parseHex(constant.text);
    case 'uuid':
    case 'timeuuid': return parseUuid(constant.text, type.name);
    case 'inet':
      try {
        return inetStringToBytes(constant.text);
      } catch (err) {
        throw invalidRequest(`Unable to make inet address from '${constant.text}'`, err);
      }
    default:
      return serializeWith(codecFor(nativeType(type.name)), constantValue(constant, type.name), constant);
  }
}

/** Days since 1970 → the `date` encoding. */
export function dateBytes(days: number): Uint8Array {
  return codecFor(nativeType('date')).serialize(days);
}

export { msToEpochDays };
