import { codecFor, unreversedType } from '@charybdis/schema';
import type { CqlDecimal, CqlDuration, CqlType, CqlValue } from '@charybdis/schema';
import { dateToText, decimalToString, durationToText, javaDoubleToString, javaFloatToString, timeToText, timestampToJsonText } from './value-text';

/**
 * Values as Cassandra's JSON (`toJson()`, `SELECT JSON`): each type's `toJSONString`.
 * Numbers bare, text and most other types as JSON strings, blobs as "0x…", collections and
 * tuples as arrays, maps and UDTs as objects (non-text map keys quoted as strings).
 */

/** A JSON string literal (JSON.stringify escapes exactly what JSON requires). */
export function jsonString(s: string): string {
  return JSON.stringify(s);
}

/** A column or field name as Cassandra prints it in JSON keys: quoted when it needs CQL quoting. */
export function jsonName(name: string): string {
  return /^[a-z][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function formatNative(name: string, v: CqlValue): string {
  switch (name) {
    case 'ascii':
    case 'text':
      return jsonString(v as string);
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'counter':
    case 'varint':
      return (v as number | bigint).toString();
    case 'float':
      return javaFloatToString(v as number);
    case 'double':
      return javaDoubleToString(v as number);
    case 'decimal':
      return decimalToString(v as CqlDecimal);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'blob':
      return jsonString(`0x${Buffer.from(v as Uint8Array).toString('hex')}`);
    case 'timestamp':
      return jsonString(timestampToJsonText(v instanceof Date ? v.getTime() : Number(v)));
    case 'date':
      return jsonString(dateToText(v as number));
    case 'time':
      return jsonString(timeToText(v as bigint));
    case 'duration':
      return jsonString(durationToText(v as CqlDuration));
    default:
      // uuid, timeuuid, inet: their string form.
      return jsonString(v as string);
  }
}

function formatValue(type: CqlType, v: CqlValue): string {
  if (v === null || v === undefined) return 'null';
  const t = unreversedType(type);
  switch (t.kind) {
    case 'native':
      return formatNative(t.name, v);
    case 'list':
    case 'set': {
      const items = t.kind === 'set' ? [...(v as ReadonlySet<CqlValue>)] : (v as readonly CqlValue[]);
      return `[${items.map((x) => formatValue(t.element, x)).join(', ')}]`;
    }
    case 'map': {
      const parts: string[] = [];
      for (const [k, x] of v as ReadonlyMap<CqlValue, CqlValue>) {
        const key = formatValue(t.key, k);
        parts.push(`${key.startsWith('"') ? key : jsonString(key)}: ${formatValue(t.value, x)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'tuple': {
      const items = v as readonly CqlValue[];
      return `[${t.elements.map((e, i) => formatValue(e, items[i] ?? null)).join(', ')}]`;
    }
    case 'udt': {
      const obj = v as { readonly [field: string]: CqlValue };
      return `{${t.fields.map((f) => `${jsonString(jsonName(f.name))}: ${formatValue(f.type, obj[f.name] ?? null)}`).join(', ')}}`;
    }
    case 'reversed':
      return formatValue(t.base, v);
  }
}

/** Formats serialized values of one type as JSON text ("null" for null or an empty value). */
export type JsonFormatter = (bytes: Uint8Array | null) => string;

/** The JSON formatter of `type`, built once (its codec is resolved here, not per value). */
export function jsonFormatterFor(type: CqlType): JsonFormatter {
  const codec = codecFor(type);
  return (bytes) => (bytes === null ? 'null' : formatValue(type, codec.deserialize(bytes)));
}
