import { cqlTypeToString, unreversedType } from '@charybdis/schema';
import type { CqlDecimal, CqlType, CqlValue } from '@charybdis/schema';

/**
 * Parses the command-line form of one partition key component (a `-k`/`-x` argument) into
 * the JS value its codec serializes: the CQL literal of a native type (`42`, `'it''s'` or
 * plain `it's` for text, `0xcafe`, `2024-01-31`, `true`, a UUID…). Frozen collections,
 * tuples, UDTs and durations are not accepted as keys here yet. Throws a plain Error
 * saying what was expected; the caller names the key.
 */
export function parseCqlLiteral(text: string, type: CqlType): CqlValue {
  const t = unreversedType(type);
  if (t.kind !== 'native') throw new Error(`keys of type ${cqlTypeToString(t)} cannot be given on the command line yet`);
  switch (t.name) {
    case 'ascii':
    case 'text':
      return unquote(text);
    case 'blob':
      return parseBlob(text);
    case 'boolean':
      if (/^true$/i.test(text)) return true;
      if (/^false$/i.test(text)) return false;
      throw new Error('expected true or false');
    case 'tinyint':
    case 'smallint':
    case 'int':
      return Number(parseInteger(text));
    case 'bigint':
    case 'counter':
    case 'varint':
      return parseInteger(text);
    case 'float':
    case 'double':
      return parseFloating(text);
    case 'decimal':
      return parseDecimal(text);
    case 'date':
      return parseDate(unquote(text));
    case 'time':
      return parseTime(unquote(text));
    case 'timestamp':
      return parseTimestamp(unquote(text));
    case 'uuid':
    case 'timeuuid':
    case 'inet':
      return unquote(text);
    case 'duration':
      throw new Error('a duration cannot be a key');
  }
}

/** A CQL string literal `'…'` (with `''` for a quote) loses its quotes; anything else is taken as is. */
function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

function parseBlob(text: string): Uint8Array {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(text)) throw new Error('expected a blob literal 0x… with an even number of hex digits');
  return Buffer.from(text.slice(2), 'hex');
}

function parseInteger(text: string): bigint {
  if (!/^[-+]?\d+$/.test(text)) throw new Error('expected an integer');
  return BigInt(text);
}

function parseFloating(text: string): number {
  if (/^[-+]?(NaN|Infinity)$/.test(text)) return Number(text);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error('expected a number');
  return Number(text);
}

function parseDecimal(text: string): CqlDecimal {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) throw new Error('expected a decimal number');
  const fraction = m[3] ?? '';
  const unscaled = BigInt(`${m[1]}${m[2]}${fraction}` || '0');
  return { unscaledValue: unscaled, scale: fraction.length - Number(m[4] ?? '0') };
}

function parseDate(text: string): number {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) throw new Error('expected a date yyyy-mm-dd');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) throw new Error(`${text} is not a calendar date`);
  return Math.round(d.getTime() / 86_400_000);
}

function parseTime(text: string): bigint {
  if (/^\d+$/.test(text)) return BigInt(text);
  const m = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text);
  if (m === null) throw new Error('expected a time hh:mm:ss[.fffffffff]');
  const seconds = BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
  return seconds * 1_000_000_000n + BigInt((m[4] ?? '').padEnd(9, '0') || '0');
}

function parseTimestamp(text: string): Date | bigint {
  if (/^[-+]?\d+$/.test(text)) return BigInt(text);
  // CQL allows a space between date and time; Date.parse wants the ISO 'T'.
  const ms = Date.parse(text.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T'));
  if (Number.isNaN(ms)) throw new Error('expected milliseconds since the epoch or an ISO-8601 date-time');
  return new Date(ms);
}
