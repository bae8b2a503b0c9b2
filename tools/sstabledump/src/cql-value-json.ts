import { codecFor, cqlTypeToString, unreversedType } from '@charybdis/schema';
import type { CqlDecimal, CqlDuration, CqlType, CqlValue, ValueCodec } from '@charybdis/schema';
import type { DumpJson } from './dump-json';

const MS_PER_DAY = 86_400_000;
/** Beyond this many |ms| a JS Date cannot hold the instant. */
const MAX_DATE_MS = 8.64e15;
/** Decimals whose scale puts the point further than this from the digits print in E notation. */
const MAX_PLAIN_DECIMAL_ZEROS = 32;

/**
 * Turns encoded values of one CQL type into JSON, as a user reads them: text as strings,
 * small integers as numbers, bigint/varint/counter as decimal strings (exact), blobs as
 * `0x…` hex, uuids and inets as strings, dates `yyyy-mm-dd`, times `hh:mm:ss.nnnnnnnnn`,
 * timestamps ISO-8601, decimals and durations as strings, frozen lists/sets/tuples as
 * arrays, frozen maps as `[key, value]` pairs, UDTs as objects. Built once per column
 * (the codec walk happens once); `decode` throws SCHEMA_INVALID_VALUE for bytes that are
 * not a value of the type.
 */
export class CqlValueJson {
  readonly type: CqlType;
  readonly #codec: ValueCodec;

  constructor(type: CqlType) {
    this.type = type;
    this.#codec = codecFor(type);
  }

  /** The JSON form of one encoded value (null for an empty value where the type allows one). */
  decode(bytes: Uint8Array): DumpJson {
    return cqlValueToJson(this.#codec.deserialize(bytes), this.type);
  }

  describe(): string {
    return cqlTypeToString(this.type);
  }
}

/** The JSON form of a decoded value of `type` (see {@link CqlValueJson}). */
export function cqlValueToJson(value: CqlValue, type: CqlType): DumpJson {
  if (value === null) return null;
  const t = unreversedType(type);
  switch (t.kind) {
    case 'native':
      return nativeToJson(value, t.name);
    case 'list':
    case 'set':
      return [...(value as Iterable<CqlValue>)].map((v) => cqlValueToJson(v, t.element));
    case 'map':
      return [...(value as ReadonlyMap<CqlValue, CqlValue>)].map(([k, v]) => [cqlValueToJson(k, t.key), cqlValueToJson(v, t.value)]);
    case 'tuple':
      return (value as readonly CqlValue[]).map((v, i) => cqlValueToJson(v, t.elements[i]!));
    case 'udt': {
      const obj = value as { readonly [field: string]: CqlValue };
      const out: { [key: string]: DumpJson } = {};
      for (const f of t.fields) out[f.name] = cqlValueToJson(obj[f.name] ?? null, f.type);
      return out;
    }
    case 'reversed':
      return cqlValueToJson(value, t.base);
  }
}

function nativeToJson(value: CqlValue, name: string): DumpJson {
  switch (name) {
    case 'blob':
      return `0x${Buffer.from(value as Uint8Array).toString('hex')}`;
    case 'bigint':
    case 'counter':
    case 'varint':
      return (value as bigint).toString();
    case 'float':
    case 'double': {
      // JSON has no NaN or Infinity: those print as the strings "NaN", "Infinity", "-Infinity".
      const n = value as number;
      return Number.isFinite(n) ? n : String(n);
    }
    case 'decimal':
      return decimalToString(value as CqlDecimal);
    case 'duration':
      return durationToString(value as CqlDuration);
    case 'date':
      return dateToString(value as number);
    case 'time':
      return timeToString(value as bigint);
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : (value as bigint).toString();
    default:
      return value as string | number | boolean;
  }
}

/** `unscaled × 10^-scale` in plain notation, or `<unscaled>E<exponent>` when that would take too many zeros. */
export function decimalToString(d: CqlDecimal): string {
  const negative = d.unscaledValue < 0n;
  const digits = (negative ? -d.unscaledValue : d.unscaledValue).toString();
  const sign = negative ? '-' : '';
  const { scale } = d;
  if (scale === 0) return `${sign}${digits}`;
  if (scale < 0 && -scale <= MAX_PLAIN_DECIMAL_ZEROS) return `${sign}${digits}${'0'.repeat(-scale)}`;
  if (scale > 0 && scale - digits.length <= MAX_PLAIN_DECIMAL_ZEROS) {
    const padded = digits.padStart(scale + 1, '0');
    return `${sign}${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  }
  return `${sign}${digits}E${-scale}`;
}

/** CQL's duration literal form (`1mo2d3ns`, `-5d`, `0ns`). */
export function durationToString(d: CqlDuration): string {
  const negative = d.months < 0 || d.days < 0 || d.nanoseconds < 0n;
  const abs = (n: bigint): bigint => (n < 0n ? -n : n);
  let out = '';
  if (d.months !== 0) out += `${Math.abs(d.months)}mo`;
  if (d.days !== 0) out += `${Math.abs(d.days)}d`;
  if (d.nanoseconds !== 0n || out === '') out += `${abs(d.nanoseconds)}ns`;
  return negative ? `-${out}` : out;
}

function dateToString(days: number): string {
  const ms = days * MS_PER_DAY;
  if (Math.abs(ms) > MAX_DATE_MS) return String(days);
  return new Date(ms).toISOString().slice(0, 10);
}

function timeToString(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  const two = (n: bigint): string => n.toString().padStart(2, '0');
  return `${two(seconds / 3600n)}:${two((seconds / 60n) % 60n)}:${two(seconds % 60n)}.${frac}`;
}

/** ISO-8601 of a timestamp in microseconds since the epoch, to the microsecond; null when a Date cannot hold it. */
export function isoFromMicros(us: bigint): string | null {
  let ms = us / 1000n;
  let micros = us % 1000n;
  if (micros < 0n) {
    ms -= 1n;
    micros += 1000n;
  }
  if (ms > BigInt(MAX_DATE_MS) || ms < -BigInt(MAX_DATE_MS)) return null;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, -1)}${micros.toString().padStart(3, '0')}Z`;
}

/** ISO-8601 of a local time in seconds since the epoch. */
export function isoFromSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
