import { CharybdisError } from '@charybdis/core';
import {
  NATIVE_TYPE_NAMES,
  cqlTypeToString,
  freezeType,
  isMultiCellType,
  listType,
  mapType,
  nativeType,
  setType,
  tupleType,
} from './cql-type';
import type { CqlType, NativeTypeName, UdtType } from './cql-type';
import { TypeErrorCodes } from './type-error-codes';

/**
 * Looks a user-defined type up by name. `keyspace` is undefined when the type string did
 * not qualify the name (`address` rather than `ks.address`); the resolver then applies
 * the statement's keyspace. Return undefined for an unknown type. The returned type's
 * `frozen` flag is ignored: the parser decides it from the type string.
 */
export type UdtResolver = (keyspace: string | undefined, name: string) => UdtType | undefined;

/** Options of {@link parseCqlType}. */
export interface ParseCqlTypeOptions {
  /** Resolves UDT names; without it, any UDT name is an unknown type. */
  readonly resolveUdt?: UdtResolver;
}

const NATIVE_NAMES: ReadonlySet<string> = new Set<string>(NATIVE_TYPE_NAMES);

interface Token {
  readonly text: string;
  /** True for a double-quoted identifier: case-sensitive, never a keyword. */
  readonly quoted: boolean;
  readonly offset: number;
}

function typeError(source: string, problem: string): CharybdisError {
  return new CharybdisError(TypeErrorCodes.INVALID_TYPE, `Invalid CQL type '${source}': ${problem}`);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '<' || c === '>' || c === ',' || c === '.') {
      tokens.push({ text: c, quoted: false, offset: i });
      i++;
    } else if (c === '"') {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= source.length) throw typeError(source, `unterminated quoted identifier at offset ${start}`);
        if (source[i] === '"') {
          if (source[i + 1] === '"') {
            text += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += source[i];
        i++;
      }
      if (text.length === 0) throw typeError(source, `empty quoted identifier at offset ${start}`);
      tokens.push({ text, quoted: true, offset: start });
    } else if (/[A-Za-z]/.test(c)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i]!)) i++;
      tokens.push({ text: source.slice(start, i).toLowerCase(), quoted: false, offset: start });
    } else {
      throw typeError(source, `unexpected character '${c}' at offset ${i}`);
    }
  }
  return tokens;
}

/** Where a type appears, for CQL's rules on what may nest where. */
type Context = 'collection-element' | 'map-key' | 'set-element' | 'tuple-element';

class Parser {
  private pos = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly resolveUdt: UdtResolver | undefined,
  ) {}

  parseAll(): CqlType {
    if (this.tokens.length === 0) throw typeError(this.source, 'empty type');
    const t = this.parseType(false);
    const extra = this.tokens[this.pos];
    if (extra !== undefined) throw typeError(this.source, `unexpected '${extra.text}' at offset ${extra.offset}`);
    return t;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(what: string): Token {
    const t = this.tokens[this.pos];
    if (t === undefined) throw typeError(this.source, `expected ${what} at end of input`);
    this.pos++;
    return t;
  }

  private expect(symbol: string): void {
    const t = this.next(`'${symbol}'`);
    if (t.quoted || t.text !== symbol) {
      throw typeError(this.source, `expected '${symbol}' at offset ${t.offset}, found '${t.text}'`);
    }
  }

  private isSymbol(symbol: string): boolean {
    const t = this.peek();
    return t !== undefined && !t.quoted && t.text === symbol;
  }

  private isIdentifierToken(t: Token): boolean {
    return t.quoted || /^[a-z]/.test(t.text);
  }

  /**
   * Parses one type; the result is validated by the caller's context. `inFrozen` is true
   * inside `frozen<...>`, where nested collections are frozen rather than rejected.
   */
  private parseType(inFrozen: boolean): CqlType {
    const t = this.next('a type');
    if (!this.isIdentifierToken(t)) throw typeError(this.source, `expected a type at offset ${t.offset}, found '${t.text}'`);
    if (!t.quoted && this.isSymbol('<')) return this.parseParameterized(t, inFrozen);
    if (!t.quoted && t.text === 'varchar') return nativeType('text');
    if (!t.quoted && NATIVE_NAMES.has(t.text) && !this.isSymbol('.')) return nativeType(t.text as NativeTypeName);
    if (!t.quoted && (t.text === 'frozen' || t.text === 'list' || t.text === 'set' || t.text === 'map' || t.text === 'tuple')) {
      throw typeError(this.source, `'${t.text}' needs type parameters (offset ${t.offset})`);
    }
    return this.parseUdtName(t);
  }

  private parseUdtName(first: Token): CqlType {
    let keyspace: string | undefined;
    let name = first.text;
    if (this.isSymbol('.')) {
      this.pos++;
      const second = this.next('a type name');
      if (!this.isIdentifierToken(second)) throw typeError(this.source, `expected a type name at offset ${second.offset}`);
      keyspace = first.text;
      name = second.text;
    }
    const udt = this.resolveUdt?.(keyspace, name);
    if (udt === undefined) {
      throw typeError(this.source, `unknown type ${keyspace === undefined ? name : `${keyspace}.${name}`}`);
    }
    return { kind: 'udt', keyspace: udt.keyspace, name: udt.name, fields: udt.fields, frozen: false };
  }

  private parseParameterized(head: Token, inFrozen: boolean): CqlType {
    const start = head.offset;
    this.expect('<');
    let result: CqlType;
    switch (head.text) {
      case 'frozen': {
        const inner = this.parseType(true);
        if (inner.kind === 'native') {
          throw typeError(this.source, `frozen<> is only allowed on collections, tuples, and user-defined types (offset ${start})`);
        }
        result = freezeType(inner);
        break;
      }
      case 'list': {
        const raw = this.parseType(inFrozen);
        const element = this.checkNested(raw, inFrozen, 'collection-element', () => `list<${spellWritten(raw)}>`);
        result = listType(element);
        break;
      }
      case 'set': {
        const raw = this.parseType(inFrozen);
        const element = this.checkNested(raw, inFrozen, 'set-element', () => `set<${spellWritten(raw)}>`);
        result = setType(element);
        if (referencesDuration(element)) throw typeError(this.source, `Durations are not allowed inside sets: ${spellNested(result, inFrozen)}`);
        break;
      }
      case 'map': {
        const rawKey = this.parseType(inFrozen);
        this.expect(',');
        const rawValue = this.parseType(inFrozen);
        const outer = (): string => `map<${spellWritten(rawKey)}, ${spellWritten(rawValue)}>`;
        const key = this.checkNested(rawKey, inFrozen, 'map-key', outer);
        const value = this.checkNested(rawValue, inFrozen, 'collection-element', outer);
        result = mapType(key, value);
        if (referencesDuration(key)) throw typeError(this.source, `Durations are not allowed as map keys: ${spellNested(result, inFrozen)}`);
        break;
      }
      case 'tuple': {
        const elements = [this.checkNested(this.parseType(true), true, 'tuple-element')];
        while (this.isSymbol(',')) {
          this.pos++;
          elements.push(this.checkNested(this.parseType(true), true, 'tuple-element'));
        }
        result = tupleType(elements);
        break;
      }
      default:
        throw typeError(this.source, `'${head.text}' is not a parameterized type (offset ${start})`);
    }
    this.expect('>');
    return result;
  }

  /**
   * CQL's rules for what may appear inside a collection or tuple (CQL3Type.Raw); messages
   * name the enclosing collection as written (`outer`), as Cassandra's do.
   */
  private checkNested(type: CqlType, inFrozen: boolean, context: Context, outer?: () => string): CqlType {
    if (type.kind === 'native' && type.name === 'counter') {
      if (context === 'tuple-element') throw typeError(this.source, `Counters are not allowed inside tuples`);
      throw typeError(this.source, `Counters are not allowed inside collections: ${outer?.() ?? cqlTypeToString(type)}`);
    }
    if (context === 'tuple-element' || inFrozen) return freezeType(type);
    if (isMultiCellType(type)) {
      const what = type.kind === 'udt' ? 'UDTs' : 'collections';
      throw typeError(this.source, `Non-frozen ${what} are not allowed inside collections: ${outer?.() ?? cqlTypeToString(type)}`);
    }
    return type;
  }
}

/** A type as a user writes it: user types qualified by their keyspace, `frozen<…>` where frozen. */
function spellWritten(type: CqlType): string {
  const frozen = (inner: string, isFrozen: boolean): string => (isFrozen ? `frozen<${inner}>` : inner);
  switch (type.kind) {
    case 'udt':
      return frozen(`${type.keyspace}.${type.name}`, type.frozen);
    case 'list':
    case 'set':
      return frozen(`${type.kind}<${spellWritten(type.element)}>`, type.frozen);
    case 'map':
      return frozen(`map<${spellWritten(type.key)}, ${spellWritten(type.value)}>`, type.frozen);
    case 'tuple':
      return `frozen<tuple<${type.elements.map(spellWritten).join(', ')}>>`;
    case 'reversed':
      return spellWritten(type.base);
    default:
      return cqlTypeToString(type);
  }
}

/** A collection as written: `frozen<…>` when it is inside frozen<> (its own frozen flag is set later). */
function spellNested(type: CqlType, inFrozen: boolean): string {
  const spelled = cqlTypeToString(type);
  return inFrozen && !spelled.startsWith('frozen<') ? `frozen<${spelled}>` : spelled;
}

/** True when `duration` appears anywhere in the type (Cassandra's referencesDuration). */
function referencesDuration(type: CqlType): boolean {
  switch (type.kind) {
    case 'native':
      return type.name === 'duration';
    case 'list':
    case 'set':
      return referencesDuration(type.element);
    case 'map':
      return referencesDuration(type.key) || referencesDuration(type.value);
    case 'tuple':
      return type.elements.some(referencesDuration);
    case 'udt':
      return type.fields.some((f) => referencesDuration(f.type));
    case 'reversed':
      return referencesDuration(type.base);
  }
}

/** True when a multi-cell UDT has a multi-cell type somewhere inside its fields. */
function hasNestedMultiCell(type: CqlType): boolean {
  if (type.kind !== 'udt') return false;
  return type.fields.some((f) => isMultiCellType(f.type));
}

/**
 * Parses a CQL type string (`int`, `varchar`, `map<text, frozen<list<int>>>`,
 * `frozen<tuple<int, text>>`, `frozen<ks.address>`, `"MyType"`), applying CQL's rules:
 * keywords are case-insensitive, `frozen<>` freezes everything inside it, tuple components
 * are frozen, non-frozen collections/UDTs cannot nest in collections, counters cannot nest
 * at all, durations cannot be set elements or map keys. Throws `SCHEMA_INVALID_TYPE` with
 * the offending string and offset.
 */
export function parseCqlType(source: string, options: ParseCqlTypeOptions = {}): CqlType {
  const parser = new Parser(source, tokenize(source), options.resolveUdt);
  const type = parser.parseAll();
  if (hasNestedMultiCell(type) && isMultiCellType(type)) {
    throw typeError(source, 'Non-frozen UDTs with nested non-frozen collections are not supported');
  }
  return type;
}
