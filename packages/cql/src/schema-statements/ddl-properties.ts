import { CharybdisError } from '@charybdis/core';
import type { RawOptionMap, RawOptionScalar, RawOptions } from '@charybdis/schema';
import type { Constant, Property, PropertyValue } from '../parser/ast-common';
import { CQL_SYNTAX_ERROR } from '../parser/cql-syntax-error';

function scalar(c: Constant): RawOptionScalar {
  // The catalog parses option values from their text (as Cassandra parses property strings).
  return c.text;
}

function value(name: string, v: PropertyValue): RawOptionScalar | RawOptionMap {
  switch (v.kind) {
    case 'constant':
      return scalar(v);
    case 'identifier':
      return v.name;
    case 'propertyMap': {
      const out: Record<string, RawOptionScalar> = {};
      for (const e of v.entries) {
        // A key given twice ({'dc1': 1, 'dc1': 2}) is a syntax error in Cassandra's grammar too.
        if (Object.prototype.hasOwnProperty.call(out, e.key.text)) throw new CharybdisError(CQL_SYNTAX_ERROR, `Multiple definition for property ${name}: key '${e.key.text}'`);
        out[e.key.text] = scalar(e.value);
      }
      return out;
    }
  }
}

/**
 * The `WITH` properties of a DDL statement as the catalog's RawOptions. A property given
 * twice (or a map property with a key given twice) is a syntax error, worded as
 * Cassandra's PropertyDefinitions does.
 */
export function propertiesToRawOptions(properties: readonly Property[]): RawOptions {
  const out: Record<string, RawOptionScalar | RawOptionMap> = {};
  for (const p of properties) {
    if (Object.prototype.hasOwnProperty.call(out, p.name)) throw new CharybdisError(CQL_SYNTAX_ERROR, `Multiple definition for property '${p.name}'`);
    out[p.name] = value(p.name, p.value);
  }
  return out;
}
