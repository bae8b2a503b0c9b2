import { cqlTypeToString, unreversedType } from '@charybdis/schema';
import type { NativeTypeName, TupleType } from '@charybdis/schema';
import type { Constant, ConstantType } from '../parser/ast-common';
import type { TermReceiver } from './term-types';
import { serializeComponents } from './collection-bytes';
import { invalidRequest } from './term-errors';

/**
 * A string constant assigned to a tuple (Cassandra's TupleType.fromString, reached because
 * a STRING constant is "weakly assignable" to any non-native type): components separated
 * by unescaped `:`, `@` for null, `\:` and `\@` for the characters themselves; missing
 * trailing components are left out of the value (read back as null).
 */

/** The lexical kind a component's text is read as (AbstractType.fromString per native type). */
const KIND_OF: Readonly<Partial<Record<NativeTypeName, ConstantType>>> = {
  tinyint: 'integer', smallint: 'integer', int: 'integer', bigint: 'integer', varint: 'integer', counter: 'integer',
  float: 'float', double: 'float', decimal: 'float',
  boolean: 'boolean', blob: 'hex', uuid: 'uuid', timeuuid: 'uuid', duration: 'duration',
};

/** Splits on `:` not preceded by a backslash. */
function splitFields(text: string): string[] {
  if (text.length === 0) return [];
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ':') {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

export function tupleFromString(
  text: string,
  type: TupleType,
  receiver: TermReceiver,
  nativeBytes: (c: Constant, r: TermReceiver) => Uint8Array,
): Uint8Array {
  const fields = splitFields(text);
  if (fields.length > type.elements.length) {
    throw invalidRequest(`Invalid tuple literal: too many elements. Type ${cqlTypeToString(type)} expects ${type.elements.length} but got ${fields.length}`);
  }
  const parts = fields.map((field, i) => {
    if (field === '@') return null;
    const value = field.replace(/\\([:@])/g, '$1');
    const t = unreversedType(type.elements[i]!);
    const r = { ...receiver, name: `${receiver.name}[${i}]`, type: t };
    if (t.kind === 'tuple') return tupleFromString(value, t, r, nativeBytes);
    const kind = t.kind === 'native' ? (KIND_OF[t.name] ?? 'string') : 'string';
    return nativeBytes({ kind: 'constant', type: kind, text: kind === 'hex' ? `0x${value}` : value }, r);
  });
  return serializeComponents(parts);
}
