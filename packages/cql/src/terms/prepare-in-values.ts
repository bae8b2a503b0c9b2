import { codecFor, listType } from '@charybdis/schema';
import type { InValues } from '../parser/ast-dml';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedInValues, PreparedTerm, TermReceiver } from './term-types';
import type { TermScope } from './term-scope';
import { validateBoundValue } from './bound-value';
import { splitCollection } from './collection-bytes';
import { prepareTerm } from './prepare-term';
import { invalidRequest } from './term-errors';

/** `IN (t, …)`: each term bound and checked. */
class InListValues implements PreparedInValues {
  readonly markers: PreparedInValues['markers'];
  constructor(readonly receiver: TermReceiver, private readonly terms: readonly PreparedTerm[]) {
    this.markers = terms.flatMap((t) => t.markers);
  }
  bind(values: readonly WireValue[], nowMs: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const t of this.terms) {
      const v = t.bind(values, nowMs);
      if (v === null) throw invalidRequest(`Invalid null value in condition for column ${this.receiver.name}`);
      if (v === 'unset') throw invalidRequest(`Invalid unset value for column ${this.receiver.name}`);
      out.push(v);
    }
    return out;
  }
}

/** `IN ?`: one marker bound to a list of values (receiver `in(k)`, type list<k's type>). */
class InMarkerValues implements PreparedInValues {
  readonly markers: PreparedInValues['markers'];
  private readonly listReceiver: TermReceiver;
  constructor(readonly receiver: TermReceiver, private readonly index: number, name: string | undefined) {
    this.listReceiver = { ...receiver, name: name ?? `in(${receiver.name})`, type: listType(receiver.type, false) };
    this.markers = [{ index, receiver: this.listReceiver }];
  }
  bind(values: readonly WireValue[]): Uint8Array[] {
    const v = values[this.index];
    if (v === undefined) throw invalidRequest(`No value has been bound for ${this.listReceiver.name} (bind marker ${this.index})`);
    if (v === null) throw invalidRequest(`Invalid null value for column ${this.receiver.name}`);
    if (v === 'unset') throw invalidRequest(`Invalid unset value for column ${this.receiver.name}`);
    const list = validateBoundValue(v, this.listReceiver);
    const codec = codecFor(this.receiver.type);
    const elements = splitCollection(list, 1);
    for (const e of elements) codec.validate(e);
    return elements;
  }
}

/**
 * Prepares the values of an `IN` restriction on `receiver`: `IN (a, ?, …)` or `IN ?`
 * (a bound list). Null and unset values are CQL_INVALID at bind time.
 */
export function prepareInValues(values: InValues, receiver: TermReceiver, scope: TermScope): PreparedInValues {
  if (values.kind === 'inMarker') return new InMarkerValues(receiver, values.marker.index, values.marker.name);
  return new InListValues(receiver, values.terms.map((t) => prepareTerm(t, receiver, scope)));
}
