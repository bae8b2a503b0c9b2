import { invalidOption } from './catalog-error-codes';
import { MAX_OPTION_MAP_ENTRIES } from './catalog-limits';

/** A scalar option value as the CQL layer hands it over (a literal's text or its number/boolean). */
export type RawOptionScalar = string | number | bigint | boolean;

/** A map-valued option (`compaction = {'class': 'LeveledCompactionStrategy'}`). */
export interface RawOptionMap {
  readonly [key: string]: RawOptionScalar;
}

/** One option value: a scalar or a map literal. */
export type RawOptionValue = RawOptionScalar | RawOptionMap;

/** The `WITH` properties of a DDL statement, by option name (names are case-sensitive, as in CQL). */
export type RawOptions = Readonly<Record<string, RawOptionValue>>;

function isMap(value: RawOptionValue): value is RawOptionMap {
  return typeof value === 'object' && value !== null;
}

/** The text of a scalar option value; a map is an error naming the option. */
export function optionString(name: string, value: RawOptionValue): string {
  if (isMap(value)) throw invalidOption(`Invalid value for property '${name}': expected a string, got a map`);
  return String(value);
}

/** A map option's entries as strings, bounded; a scalar is an error naming the option. */
export function optionMap(name: string, value: RawOptionValue): Map<string, string> {
  if (!isMap(value)) throw invalidOption(`Invalid value for property '${name}': expected a map, got '${String(value)}'`);
  const entries = Object.entries(value);
  if (entries.length > MAX_OPTION_MAP_ENTRIES) {
    throw invalidOption(`Invalid value for property '${name}': more than ${MAX_OPTION_MAP_ENTRIES} entries`);
  }
  const out = new Map<string, string>();
  for (const [k, v] of entries) {
    if (typeof v === 'object' && v !== null) throw invalidOption(`Invalid value for sub-option '${k}' of '${name}': nested maps are not allowed`);
    out.set(k, String(v));
  }
  return out;
}

const INT_PATTERN = /^[+-]?\d+$/;

/** Parses a 32-bit integer (Java's Integer.parseInt); `what` is how messages name the option. */
export function parseInt32(what: string, text: string): number {
  const trimmed = text.trim();
  if (!INT_PATTERN.test(trimmed)) throw invalidOption(`Invalid integer value ${text} for ${what}`);
  const n = Number(trimmed);
  if (n < -2147483648 || n > 2147483647) throw invalidOption(`Invalid integer value ${text} for ${what}`);
  return n;
}

const DOUBLE_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a finite double (Java's Double.parseDouble without NaN/Infinity). */
export function parseDouble(what: string, text: string): number {
  const trimmed = text.trim();
  if (!DOUBLE_PATTERN.test(trimmed)) throw invalidOption(`Invalid double value ${text} for ${what}`);
  return Number(trimmed);
}

/** Parses a boolean the way CQL properties accept one: true/false (any case). */
export function parseBooleanOption(what: string, text: string): boolean {
  const lower = text.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw invalidOption(`Invalid boolean value ${text} for ${what}`);
}

/** A record with its keys in sorted order (so equal maps print and encode identically). */
export function sortedRecord<V>(entries: Iterable<readonly [string, V]>): Readonly<Record<string, V>> {
  const all = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Record<string, V> = {};
  for (const [k, v] of all) out[k] = v;
  return Object.freeze(out);
}
