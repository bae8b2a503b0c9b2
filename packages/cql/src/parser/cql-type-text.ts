import type { RawType } from './ast-common';

/**
 * Prints a raw type in the syntax `parseCqlType` (@charybdis/schema) reads, so the
 * executor resolves UDTs with `parseCqlType(cqlTypeText(raw), { resolveUdt })` instead
 * of a second type parser. UDT and keyspace names are always double-quoted (they are
 * already normalised, and quoting keeps `"MyType"` or a UDT named like a keyword exact).
 */
export function cqlTypeText(type: RawType): string {
  switch (type.kind) {
    case 'native':
      return type.name;
    case 'list':
    case 'set':
      return `${type.kind}<${cqlTypeText(type.element)}>`;
    case 'map':
      return `map<${cqlTypeText(type.key)}, ${cqlTypeText(type.value)}>`;
    case 'tuple':
      return `tuple<${type.elements.map(cqlTypeText).join(', ')}>`;
    case 'frozen':
      return `frozen<${cqlTypeText(type.inner)}>`;
    case 'udt':
      return type.keyspace === undefined ? quoteName(type.name) : `${quoteName(type.keyspace)}.${quoteName(type.name)}`;
    case 'custom':
      return `'${type.className.replace(/'/g, "''")}'`;
  }
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
