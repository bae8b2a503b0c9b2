import { cqlTypesEqual, freezeType, parseCqlType, unreversedType } from '@charybdis/schema';
import type { CqlType, UdtType } from '@charybdis/schema';
import type { RawType, Term } from '../parser/ast-common';
import { cqlTypeText } from '../parser/cql-type-text';
import { constantAccepts } from './native-literal';
import { scalarFunctionOverloads } from './scalar-functions';
import type { TermScope } from './term-scope';
import { invalidRequest } from './term-errors';

/**
 * Type rules of terms that do not depend on the receiver's name: resolving a written type
 * (type hints), whether a value of one type can be used where another is expected, and
 * whether a term could be assigned to a type (function overload resolution, as Cassandra's
 * AssignmentTestable).
 */

/** Resolves a written type (`(frozen<list<int>>) ?`, `(ks.address) ?`) against the scope's schema. */
export function resolveRawType(raw: RawType, scope: TermScope): CqlType {
  const resolveUdt = (keyspace: string | undefined, name: string): UdtType | undefined =>
    scope.schema.keyspace(keyspace ?? scope.keyspace)?.userTypes.find((t) => t.name === name);
  try {
    return parseCqlType(cqlTypeText(raw), { resolveUdt });
  } catch (err) {
    throw invalidRequest((err as Error).message, err);
  }
}

/** True when values of `type` are valid values of `receiver` with the same bytes (Cassandra's isValueCompatibleWith, the cases CQL uses). */
export function valueCompatible(receiver: CqlType, type: CqlType): boolean {
  const r = unreversedType(receiver);
  const t = unreversedType(type);
  if (cqlTypesEqual(freezeType(r), freezeType(t))) return true;
  if (r.kind !== 'native' || t.kind !== 'native') return false;
  if (r.name === 'blob') return true;
  if (r.name === 'text') return t.name === 'ascii';
  if (r.name === 'varint') return t.name === 'int' || t.name === 'bigint' || t.name === 'smallint' || t.name === 'tinyint' || t.name === 'timestamp';
  if (r.name === 'bigint') return t.name === 'timestamp';
  if (r.name === 'timestamp') return t.name === 'bigint';
  return false;
}

/** True when `term` could be assigned to a receiver of `type` (used to pick function overloads). */
export function termMayAssign(term: Term, type: CqlType, scope: TermScope): boolean {
  const t = unreversedType(type);
  switch (term.kind) {
    case 'bindMarker':
    case 'null':
      return true;
    case 'constant':
      return t.kind === 'native' && constantAccepts(term.type, t.name);
    case 'list':
      return t.kind === 'list';
    case 'set':
      return t.kind === 'set';
    case 'map':
      return t.kind === 'map';
    case 'emptyBraces':
      return t.kind === 'set' || t.kind === 'map' || t.kind === 'udt';
    case 'tuple':
      return t.kind === 'tuple';
    case 'udt':
      return t.kind === 'udt';
    case 'typeHint':
      return valueCompatible(t, resolveRawType(term.type, scope));
    case 'functionCall':
      return scalarFunctionOverloads(term.name.name).some((f) => valueCompatible(t, f.returnType));
  }
}
