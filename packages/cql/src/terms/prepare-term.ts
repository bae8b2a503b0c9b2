import { codecFor, cqlTypeToString, unreversedType } from '@charybdis/schema';
import type { CqlType, ListType, MapType, SetType, TupleType, UdtType } from '@charybdis/schema';
import type { Term } from '../parser/ast-common';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm, TermReceiver, TermValue } from './term-types';
import type { TermScope } from './term-scope';
import { validateBoundValue } from './bound-value';
import { serializeCollection, serializeComponents, sortUnique } from './collection-bytes';
import { nativeConstantBytes } from './native-literal';
import { prepareFunctionCall } from './prepare-function-call';
import { invalidRequest } from './term-errors';
import { termText } from './term-text';
import { resolveRawType, valueCompatible } from './term-type-rules';

export type { TermScope } from './term-scope';

/**
 * Terms prepared against their receiver (Cassandra's Term.Raw.prepare): literals become
 * their serialized bytes once, here; bind markers, and collection/tuple/UDT literals or
 * function calls containing them, become small objects whose `bind` does only the
 * per-request work (validate the bound bytes, assemble). DESIGN §5a.
 */

type Markers = PreparedTerm['markers'];
const NO_MARKERS: Markers = Object.freeze([]);

/** A value known at prepare time. */
export class ConstantTerm implements PreparedTerm {
  readonly markers = NO_MARKERS;
  readonly constant = true;
  constructor(readonly receiver: TermReceiver, private readonly value: TermValue) {}
  bind(): TermValue {
    return this.value;
  }
}

/** `?` or `:name`: the bound value, validated against the receiver. */
export class MarkerTerm implements PreparedTerm {
  readonly markers: Markers;
  readonly constant = false;
  constructor(readonly receiver: TermReceiver, private readonly index: number) {
    this.markers = [{ index, receiver }];
  }
  bind(values: readonly WireValue[]): TermValue {
    const v = values[this.index];
    if (v === undefined) throw invalidRequest(`No value has been bound for ${this.receiver.name} (bind marker ${this.index})`);
    if (v === null || v === 'unset') return v;
    return validateBoundValue(v, this.receiver);
  }
}

type Assemble = (parts: readonly (Uint8Array | null)[]) => Uint8Array;

/** A collection, tuple or UDT literal with non-constant parts: the parts are bound, then assembled. */
class CompositeTerm implements PreparedTerm {
  readonly markers: Markers;
  readonly constant = false;
  constructor(
    readonly receiver: TermReceiver,
    private readonly parts: readonly PreparedTerm[],
    private readonly nullable: boolean,
    private readonly assemble: Assemble,
  ) {
    this.markers = parts.flatMap((p) => p.markers);
  }
  bind(values: readonly WireValue[], nowMs: number): TermValue {
    const out: (Uint8Array | null)[] = new Array<Uint8Array | null>(this.parts.length);
    for (let i = 0; i < this.parts.length; i++) {
      const v = this.parts[i]!.bind(values, nowMs);
      if (v === 'unset') throw invalidRequest(`Invalid unset value for ${this.parts[i]!.receiver.name}`);
      if (v === null && !this.nullable) throw invalidRequest('null is not supported inside collections');
      out[i] = v;
    }
    return this.assemble(out);
  }
}

/** Folds a composite whose parts are all constant into a constant. */
function composite(receiver: TermReceiver, parts: PreparedTerm[], nullable: boolean, assemble: Assemble): PreparedTerm {
  const term = new CompositeTerm(receiver, parts, nullable, assemble);
  return parts.every((p) => p.constant) ? new ConstantTerm(receiver, term.bind([], 0)) : term;
}

function sub(receiver: TermReceiver, name: string, type: CqlType): TermReceiver {
  return { keyspace: receiver.keyspace, table: receiver.table, name, type };
}

function literalError(what: string, receiver: TermReceiver): Error {
  return invalidRequest(`Invalid ${what} literal for ${receiver.name} of type ${cqlTypeToString(receiver.type)}`);
}

/**
 * Cassandra tests a nested literal's assignability before preparing it: a tuple literal
 * longer than its tuple type is reported by the enclosing literal ("Invalid set literal
 * for s: value (1, 2, 3) is not of type frozen<tuple<int, int>>").
 */
function checkNestedTuple(term: Term, type: CqlType, message: () => string): void {
  const t = unreversedType(type);
  if (term.kind === 'tuple' && t.kind === 'tuple' && term.elements.length > t.elements.length) throw invalidRequest(message());
}

function prepareList(elements: readonly Term[], receiver: TermReceiver, type: ListType, scope: TermScope): PreparedTerm {
  const r = sub(receiver, `value(${receiver.name})`, type.element);
  const parts = elements.map((e) => prepareElement(e, r, scope, () => `Invalid list literal for ${receiver.name}: value ${termText(e)} is not of type ${cqlTypeToString(type.element)}`));
  return composite(receiver, parts, false, (bound) => serializeCollection(bound as Uint8Array[]));
}

function prepareSet(elements: readonly Term[], receiver: TermReceiver, type: SetType, scope: TermScope): PreparedTerm {
  const r = sub(receiver, `value(${receiver.name})`, type.element);
  const codec = codecFor(type.element);
    const cmp = (a: Uint8Array, b: Uint8Array): number => codec.compare(a, b);
  const parts = elements.map((e) => prepareElement(e, r, scope, () => `Invalid set literal for ${receiver.name}: value ${termText(e)} is not of type ${cqlTypeToString(type.element)}`));
  return composite(receiver, parts, false, (bound) => serializeCollection(sortUnique([...(bound as Uint8Array[])], cmp)));
}

function prepareMap(entries: readonly { key: Term; value: Term }[], receiver: TermReceiver, type: MapType, scope: TermScope): PreparedTerm {
  const kr = sub(receiver, `key(${receiver.name})`, type.key);
  const vr = sub(receiver, `value(${receiver.name})`, type.value);
  const parts = entries.flatMap((e) => [
    prepareElement(e.key, kr, scope, () => `Invalid map literal for ${receiver.name}: key ${termText(e.key)} is not of type ${cqlTypeToString(type.key)}`),
    prepareElement(e.value, vr, scope, () => `Invalid map literal for ${receiver.name}: value ${termText(e.value)} is not of type ${cqlTypeToString(type.value)}`),
  ]);
  const codec = codecFor(type.key);
    const cmp = (a: Uint8Array, b: Uint8Array): number => codec.compare(a, b);
  return composite(receiver, parts, false, (flat) => {
    const pairs: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    const sorted = sortUnique(pairs, (a, b) => cmp(a[0], b[0]));
    return serializeCollection(sorted.flat(), sorted.length);
  });
}

function prepareTuple(elements: readonly Term[], receiver: TermReceiver, type: TupleType, scope: TermScope): PreparedTerm {
  if (elements.length > type.elements.length) {
    throw invalidRequest(`Invalid tuple literal for ${receiver.name}: too many elements. Type ${cqlTypeToString(type)} expects ${type.elements.length} but got ${elements.length}`);
  }
  const parts = elements.map((e, i) => {
    checkNestedTuple(e, type.elements[i]!, () => `Invalid tuple literal for ${receiver.name}: component ${i} is not of type ${cqlTypeToString(type.elements[i]!)}`);
    return prepareTerm(e, sub(receiver, `${receiver.name}[${i}]`, type.elements[i]!), scope);
  });
  return composite(receiver, parts, true, serializeComponents);
}

function prepareUdt(fields: readonly { name: string; value: Term }[], receiver: TermReceiver, type: UdtType, scope: TermScope): PreparedTerm {
  const byName = new Map<string, Term>();
  for (const f of fields) {
    if (!type.fields.some((d) => d.name === f.name)) throw invalidRequest(`Unknown field '${f.name}' in value of user defined type ${type.name}`);
    byName.set(f.name, f.value);
  }
  const parts = type.fields.map((d) => {
    const r = sub(receiver, `${receiver.name}.${d.name}`, d.type);
    const t = byName.get(d.name);
    return t === undefined ? new ConstantTerm(r, null) : prepareTerm(t, r, scope);
  });
  return composite(receiver, parts, true, serializeComponents);
}

/** A collection element: no null, no unset (checked at bind), anything else as a term. */
function prepareElement(term: Term, receiver: TermReceiver, scope: TermScope, notAssignable: () => string): PreparedTerm {
  if (term.kind === 'null') throw invalidRequest('null is not supported inside collections');
  checkNestedTuple(term, receiver.type, notAssignable);
  return prepareTerm(term, receiver, scope);
}

function prepareEmptyBraces(receiver: TermReceiver, type: CqlType): PreparedTerm {
  if (type.kind === 'set' || type.kind === 'map') return new ConstantTerm(receiver, serializeCollection([]));
  if (type.kind === 'udt') return new ConstantTerm(receiver, serializeComponents(type.fields.map(() => null)));
  throw literalError('map', receiver);
}

function prepareTypeHint(term: Extract<Term, { kind: 'typeHint' }>, receiver: TermReceiver, scope: TermScope): PreparedTerm {
  const hinted = resolveRawType(term.type, scope);
  if (!valueCompatible(receiver.type, hinted)) {
    throw invalidRequest(`Cannot assign value of type ${cqlTypeToString(hinted)} to ${receiver.name} of type ${cqlTypeToString(receiver.type)}`);
  }
  return prepareTerm(term.term, { ...receiver, type: hinted }, scope);
}

/**
 * Prepares `term` for `receiver`: converts literals by the receiver's type (Cassandra's
 * Constants/Lists/Sets/Maps/Tuples/UserTypes/TypeCast/FunctionCall rules), records bind
 * markers with their receivers. Throws CQL_INVALID for a literal the receiver cannot take.
 */
export function prepareTerm(term: Term, receiver: TermReceiver, scope: TermScope): PreparedTerm {
  const type = unreversedType(receiver.type);
  switch (term.kind) {
    case 'constant':
      return new ConstantTerm(receiver, nativeConstantBytes(term, receiver));
    case 'null':
      // Cassandra's NullLiteral is not assignable to a counter (a NULL increment, or a counter compared with NULL).
      if (type.kind === 'native' && type.name === 'counter') throw invalidRequest('Invalid null value for counter increment/decrement');
      return new ConstantTerm(receiver, null);
    case 'bindMarker':
      return new MarkerTerm(term.name === undefined ? receiver : { ...receiver, name: term.name }, term.index);
    case 'list':
      if (type.kind !== 'list') throw literalError('list', receiver);
      return prepareList(term.elements, receiver, type, scope);
    case 'set':
      if (type.kind !== 'set') throw literalError('set', receiver);
      return prepareSet(term.elements, receiver, type, scope);
    case 'map':
      if (type.kind !== 'map') throw literalError('map', receiver);
      return prepareMap(term.entries, receiver, type, scope);
    case 'emptyBraces':
      return prepareEmptyBraces(receiver, type);
    case 'tuple':
      if (type.kind !== 'tuple') throw invalidRequest(`Invalid tuple type literal for ${receiver.name} of type ${cqlTypeToString(receiver.type)}`);
      return prepareTuple(term.elements, receiver, type, scope);
    case 'udt':
      if (type.kind !== 'udt') throw invalidRequest(`Invalid user type literal for ${receiver.name} of type ${cqlTypeToString(receiver.type)}`);
      return prepareUdt(term.fields, receiver, type, scope);
    case 'typeHint':
      return prepareTypeHint(term, receiver, scope);
    case 'functionCall':
      return prepareFunctionCall(term, receiver, scope, prepareTerm);
  }
}
