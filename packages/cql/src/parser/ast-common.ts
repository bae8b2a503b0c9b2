/**
 * The parts of the CQL AST shared by every statement: names, terms (values written in
 * the statement), bind markers and raw types. Everything is plain data (discriminated
 * unions on `kind`), so an AST can be cached with a prepared statement, compared with
 * `toEqual` and sent between shards as is.
 *
 * Identifiers are already normalised: unquoted names lower-cased, quoted names exact.
 */

/** `[keyspace.]name`; `keyspace` is undefined when the statement did not qualify the name. */
export interface QualifiedName {
  readonly keyspace: string | undefined;
  readonly name: string;
}

/** A function name, `[keyspace.]name` (`token`, `count`, `system.now`). */
export type FunctionName = QualifiedName;

/** The lexical kind of a constant; the executor converts the text by the receiver's type. */
export type ConstantType = 'string' | 'integer' | 'float' | 'boolean' | 'hex' | 'uuid' | 'duration';

/**
 * A literal value. `text` is the literal as written for numbers, UUIDs, blobs and
 * durations (`-1.5e3`, `NaN`, `0xcafe`, `1h30m`), the unescaped content for strings, and
 * `true`/`false` for booleans.
 */
export interface Constant {
  readonly kind: 'constant';
  readonly type: ConstantType;
  readonly text: string;
}

/**
 * A bind marker: `?` (name undefined) or `:name`. `index` is its position among all the
 * statement's markers in text order (USING and LIMIT markers included), which is the
 * position of its value in an EXECUTE or a QUERY with values.
 */
export interface BindMarker {
  readonly kind: 'bindMarker';
  readonly index: number;
  readonly name: string | undefined;
}

/** `NULL`. */
export interface NullLiteral {
  readonly kind: 'null';
}

/** `[t, …]`. */
export interface ListLiteral {
  readonly kind: 'list';
  readonly elements: readonly Term[];
}

/** `{t, …}` with at least one element. */
export interface SetLiteral {
  readonly kind: 'set';
  readonly elements: readonly Term[];
}

/** `{k: v, …}` with at least one entry, keys being terms. */
export interface MapLiteral {
  readonly kind: 'map';
  readonly entries: readonly MapEntry[];
}

export interface MapEntry {
  readonly key: Term;
  readonly value: Term;
}

/** `{}`: an empty set, map or UDT value, decided by the receiver's type. */
export interface EmptyBracesLiteral {
  readonly kind: 'emptyBraces';
}

/** `(t, …)`, one or more components. */
export interface TupleLiteral {
  readonly kind: 'tuple';
  readonly elements: readonly Term[];
}

/** `{field: t, …}`: a UDT value (the keys are identifiers, not terms). */
export interface UdtLiteral {
  readonly kind: 'udt';
  readonly fields: readonly UdtFieldValue[];
}

export interface UdtFieldValue {
  readonly name: string;
  readonly value: Term;
}

/** `f(args)`: a function applied to terms (`now()`, `uuid()`, `blobAsInt(0x00000001)`). */
export interface FunctionCallTerm {
  readonly kind: 'functionCall';
  readonly name: FunctionName;
  readonly args: readonly Term[];
}

/** `(type) term`: a type hint, e.g. `(bigint) ?` or `(int) 3`. */
export interface TypeHintTerm {
  readonly kind: 'typeHint';
  readonly type: RawType;
  readonly term: Term;
}

/** Any value written in a statement. There is no UNSET literal in CQL. */
export type Term =
  | Constant
  | BindMarker
  | NullLiteral
  | ListLiteral
  | SetLiteral
  | MapLiteral
  | EmptyBracesLiteral
  | TupleLiteral
  | UdtLiteral
  | FunctionCallTerm
  | TypeHintTerm;

/**
 * A type as written (`map<text, frozen<list<int>>>`, `ks.address`, `'org.Custom'`),
 * before UDT names are resolved against a keyspace. `cqlTypeText(raw)` prints it in the
 * syntax `parseCqlType` of @charybdis/schema reads.
 */
export type RawType =
  | { readonly kind: 'native'; readonly name: string }
  | { readonly kind: 'list'; readonly element: RawType }
  | { readonly kind: 'set'; readonly element: RawType }
  | { readonly kind: 'map'; readonly key: RawType; readonly value: RawType }
  | { readonly kind: 'tuple'; readonly elements: readonly RawType[] }
  | { readonly kind: 'frozen'; readonly inner: RawType }
  | { readonly kind: 'udt'; readonly keyspace: string | undefined; readonly name: string }
  | { readonly kind: 'custom'; readonly className: string };

/** What the parser knows about one bind marker, in statement order. */
export interface BindMarkerInfo {
  readonly index: number;
  /** The name of a `:name` marker, undefined for `?`. */
  readonly name: string | undefined;
  readonly line: number;
  readonly column: number;
}

/** `WITH name = value AND …` in DDL: constants, identifiers or `{…}` maps of constants. */
export interface Property {
  readonly name: string;
  readonly value: PropertyValue;
}

export type PropertyValue =
  | Constant
  | { readonly kind: 'identifier'; readonly name: string }
  | { readonly kind: 'propertyMap'; readonly entries: readonly PropertyMapEntry[] };

export interface PropertyMapEntry {
  readonly key: Constant;
  readonly value: Constant;
}
