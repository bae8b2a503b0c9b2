import { freezeType, tupleType } from '../types/cql-type';
import type { CqlType, UdtType } from '../types/cql-type';

/** True when `pred` holds for `type` or any type nested in it (collection elements, tuple components, UDT fields). */
export function typeReferences(type: CqlType, pred: (t: CqlType) => boolean): boolean {
  if (pred(type)) return true;
  switch (type.kind) {
    case 'native':
      return false;
    case 'list':
    case 'set':
      return typeReferences(type.element, pred);
    case 'map':
      return typeReferences(type.key, pred) || typeReferences(type.value, pred);
    case 'tuple':
      return type.elements.some((e) => typeReferences(e, pred));
    case 'udt':
      return type.fields.some((f) => typeReferences(f.type, pred));
    case 'reversed':
      return typeReferences(type.base, pred);
  }
}

/** True when `type` is or contains `duration`. */
export function referencesDuration(type: CqlType): boolean {
  return typeReferences(type, (t) => t.kind === 'native' && t.name === 'duration');
}

/** True when `type` is or contains the user type `keyspace.name`. */
export function referencesUserType(type: CqlType, keyspace: string, name: string): boolean {
  return typeReferences(type, (t) => t.kind === 'udt' && t.keyspace === keyspace && t.name === name);
}

/** Rebuilds `type` bottom-up, giving `f` every node after its children are rebuilt. */
export function mapType(type: CqlType, f: (t: CqlType) => CqlType): CqlType {
  switch (type.kind) {
    case 'native':
      return f(type);
    case 'list':
    case 'set':
      return f({ ...type, element: mapType(type.element, f) });
    case 'map':
      return f({ ...type, key: mapType(type.key, f), value: mapType(type.value, f) });
    case 'tuple':
      return f({ ...type, elements: type.elements.map((e) => mapType(e, f)) });
    case 'udt':
      return f({ ...type, fields: type.fields.map((fl) => ({ name: fl.name, type: mapType(fl.type, f) })) });
    case 'reversed':
      return f({ ...type, base: mapType(type.base, f) });
  }
}

/**
 * `type` with every UDT replaced by a tuple of its field types: how Cassandra records a
 * dropped column's type (a frozen UDT and the tuple of its fields have the same bytes).
 */
export function expandUserTypes(type: CqlType): CqlType {
  return mapType(type, (t) => (t.kind === 'udt' ? tupleType(t.fields.map((f) => f.type)) : t));
}

/**
 * Rebuilds every UDT reference inside `type` from `definitions` (by name, same keyspace),
 * keeping each reference's frozenness: after ALTER TYPE, columns and other types see the
 * new fields. Definitions form a DAG (cycles are rejected when fields are added).
 */
export function refreshUserTypes(type: CqlType, definitions: ReadonlyMap<string, UdtType>): CqlType {
  switch (type.kind) {
    case 'native':
      return type;
    case 'list':
    case 'set':
      return { ...type, element: refreshUserTypes(type.element, definitions) };
    case 'map':
      return { ...type, key: refreshUserTypes(type.key, definitions), value: refreshUserTypes(type.value, definitions) };
    case 'tuple':
      return { ...type, elements: type.elements.map((e) => refreshUserTypes(e, definitions)) };
    case 'reversed':
      return { ...type, base: refreshUserTypes(type.base, definitions) };
    case 'udt': {
      const def = definitions.get(type.name);
      const fields = (def?.keyspace === type.keyspace ? def.fields : type.fields).map((f) => ({ name: f.name, type: refreshUserTypes(f.type, definitions) }));
      return { kind: 'udt', keyspace: type.keyspace, name: type.name, fields: type.frozen ? fields.map((f) => ({ name: f.name, type: freezeType(f.type) })) : fields, frozen: type.frozen };
    }
  }
}
