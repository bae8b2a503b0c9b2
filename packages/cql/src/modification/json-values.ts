import { codecFor, unreversedType } from '@charybdis/schema';
import type { CqlType } from '@charybdis/schema';
import type { Constant, ConstantType } from '../parser/ast-common';
import type { TermReceiver } from '../terms/term-types';
import { serializeCollection, serializeComponents, sortUnique } from '../terms/collection-bytes';
import { nativeConstantBytes } from '../terms/native-literal';
import { invalidRequest } from '../terms/term-errors';
import { MAX_JSON_DEPTH, MAX_JSON_LENGTH_CHARS } from './modification-limits';

/**
 * JSON documents of INSERT JSON, parsed with numbers kept as text (a bigint or varint must
 * not go through a double), and JSON values converted to a column type's bytes as
 * Cassandra's `fromJSONObject` does: numbers as numbers or strings, text as strings, blobs
 * as "0x…" strings, collections as arrays/objects, map keys as strings parsed per key type.
 */
export type JsonValue = null | boolean | string | { readonly number: string } | JsonValue[] | Map<string, JsonValue>;

class JsonParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    const v = this.value(0);
    this.ws();
    if (this.pos !== this.text.length) throw this.error('unexpected trailing characters');
    return v;
  }

  private error(what: string): Error {
    return invalidRequest(`Could not decode JSON string as a map: ${what} at character ${this.pos}`);
  }

  private ws(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }

  private value(depth: number): JsonValue {
    if (depth > MAX_JSON_DEPTH) throw this.error(`nesting deeper than ${MAX_JSON_DEPTH}`);
    this.ws();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    const m = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const num = m.exec(this.text);
    if (num === null) throw this.error('unexpected character');
    this.pos += num[0].length;
    return { number: num[0] };
  }

  private string(): string {
    const m = /"((?:[\u0020\u0021\u0023-\u005b\u005d-\uffff]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)"/y;
    m.lastIndex = this.pos;
    const s = m.exec(this.text);
    if (s === null) throw this.error('invalid string');
    this.pos += s[0].length;
    return JSON.parse(s[0]) as string;
  }

  private array(depth: number): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') throw this.error("expected ',' or ']'");
    }
  }

  private object(depth: number): Map<string, JsonValue> {
    this.pos++;
    const out = new Map<string, JsonValue>();
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') throw this.error('expected a string key');
      const key = this.string();
      this.ws();
      if (this.text[this.pos++] !== ':') throw this.error("expected ':'");
      out.set(key, this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') throw this.error("expected ',' or '}'");
    }
  }
}

/** Parses a JSON document (bounded size and depth). */
export function parseJson(text: string): JsonValue {
  if (text.length > MAX_JSON_LENGTH_CHARS) throw invalidRequest(`JSON document of ${text.length} characters is longer than the maximum of ${MAX_JSON_LENGTH_CHARS}`);
  return new JsonParser(text).parseDocument();
}

/** A JSON object key as a column or field name: `"\"Name\""` is exact, anything else lower-cased (Cassandra's Json rules). */
export function jsonKeyName(key: string): string {
  return key.length >= 2 && key.startsWith('"') && key.endsWith('"') ? key.slice(1, -1).replace(/""/g, '"') : key.toLowerCase();
}

function fail(receiver: TermReceiver, what: string): Error {
  return invalidRequest(`Error decoding JSON value for ${receiver.name}: ${what}`);
}

function nativeFromJson(v: JsonValue, receiver: TermReceiver, name: string): Uint8Array {
  let constant: Constant;
  const numeric = (text: string): ConstantType => (/^-?\d+$/.test(text) ? 'integer' : 'float');
  if (typeof v === 'boolean') constant = { kind: 'constant', type: 'boolean', text: String(v) };
  else if (typeof v === 'string') {
    if (name === 'blob') constant = { kind: 'constant', type: 'hex', text: v };
    else if (name === 'uuid' || name === 'timeuuid') constant = { kind: 'constant', type: 'uuid', text: v };
    else if (name === 'duration') constant = { kind: 'constant', type: 'duration', text: v };
    else if (name === 'boolean') constant = { kind: 'constant', type: 'boolean', text: v.toLowerCase() };
    else if (['tinyint', 'smallint', 'int', 'bigint', 'varint', 'counter', 'decimal', 'float', 'double'].includes(name)) constant = { kind: 'constant', type: numeric(v), text: v };
    else constant = { kind: 'constant', type: 'string', text: v };
  } else if (v !== null && typeof v === 'object' && 'number' in v) constant = { kind: 'constant', type: numeric(v.number), text: v.number };
  else throw fail(receiver, `a ${name} cannot be given as ${Array.isArray(v) ? 'an array' : 'an object'}`);
  if (name === 'blob' && !constant.text.startsWith('0x')) throw fail(receiver, `Value '${constant.text}' is not a valid blob representation: String representation of blob is missing 0x prefix`);
  return nativeConstantBytes(constant, receiver);
}

/** The bytes of JSON value `v` for `receiver` (null for JSON null). */
export function jsonValueBytes(v: JsonValue, receiver: TermReceiver): Uint8Array | null {
  if (v === null) return null;
  const type = unreversedType(receiver.type);
  const sub = (name: string, t: CqlType): TermReceiver => ({ ...receiver, name, type: t });
  const element = (x: JsonValue, r: TermReceiver): Uint8Array => {
    const b = jsonValueBytes(x, r);
    if (b === null) throw fail(receiver, 'null is not supported inside collections');
    return b;
  };
  switch (type.kind) {
    case 'native':
      return nativeFromJson(v, receiver, type.name);
    case 'list':
    case 'set': {
      if (!Array.isArray(v)) throw fail(receiver, `expected a list, but got ${typeof v}`);
      const elements = v.map((x) => element(x, sub(`value(${receiver.name})`, type.element)));
      return serializeCollection(type.kind === 'set' ? sortUnique(elements, (a, b) => codecFor(type.element).compare(a, b)) : elements);
    }
    case 'map': {
      if (!(v instanceof Map)) throw fail(receiver, 'expected a map');
      const keyIsText = type.key.kind === 'native' && (type.key.name === 'text' || type.key.name === 'ascii');
      const entries = [...v].map(([k, x]): [Uint8Array, Uint8Array] => [
        element(keyIsText ? k : parseJson(k), sub(`key(${receiver.name})`, type.key)),
        element(x, sub(`value(${receiver.name})`, type.value)),
      ]);
      const codec = codecFor(type.key);
    const cmp = (a: Uint8Array, b: Uint8Array): number => codec.compare(a, b);
      const sorted = sortUnique(entries, (a, b) => cmp(a[0], b[0]));
      return serializeCollection(sorted.flat(), sorted.length);
    }
    case 'tuple': {
      if (!Array.isArray(v) || v.length > type.elements.length) throw fail(receiver, `expected a list of at most ${type.elements.length} components`);
      return serializeComponents(v.map((x, i) => jsonValueBytes(x, sub(`${receiver.name}[${i}]`, type.elements[i]!))));
    }
    case 'udt': {
      if (!(v instanceof Map)) throw fail(receiver, 'expected a map');
      const fields = new Map<string, JsonValue>();
      for (const [k, x] of v) {
        const name = jsonKeyName(k);
        if (!type.fields.some((f) => f.name === name)) throw fail(receiver, `Unknown field '${name}' in value of user defined type ${type.name}`);
        fields.set(name, x);
      }
      return serializeComponents(type.fields.map((f) => jsonValueBytes(fields.get(f.name) ?? null, sub(`${receiver.name}.${f.name}`, f.type))));
    }
    default:
      throw fail(receiver, 'unsupported type');
  }
}
