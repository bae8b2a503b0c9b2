/** `WITH` properties of DDL statements (`replication = {…}`, `comment = 'x'`, table options). */
import type { Constant, Property, PropertyMapEntry, PropertyValue } from './ast-common';
import type { Ordering } from './ast-dml';
import type { TableOptions } from './ast-schema';
import { parseOrderingList } from './parse-select';
import { atConstant, parseConstant } from './parse-term';
import type { TokenCursor } from './token-cursor';

/** `name = value (AND name = value)*`; the cursor is after WITH. */
export function parseProperties(c: TokenCursor): Property[] {
  const properties: Property[] = [];
  do properties.push(parseProperty(c));
  while (c.acceptWord('and'));
  return properties;
}

function parseProperty(c: TokenCursor): Property {
  const name = c.identifier();
  c.expectPunct('=');
  return { name, value: parsePropertyValue(c) };
}

function parsePropertyValue(c: TokenCursor): PropertyValue {
  if (c.atPunct('{')) return { kind: 'propertyMap', entries: parsePropertyMap(c) };
  if (atConstant(c)) return parseConstant(c);
  if (c.isIdentifier()) return { kind: 'identifier', name: c.identifier() };
  throw propertyError(c);
}

/** `{ constant: constant, … }`, as in `replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`. */
export function parsePropertyMap(c: TokenCursor): PropertyMapEntry[] {
  c.expectPunct('{');
  const entries: PropertyMapEntry[] = [];
  if (c.acceptPunct('}')) return entries;
  do {
    const key = propertyConstant(c);
    c.expectPunct(':');
    entries.push({ key, value: propertyConstant(c) });
  } while (c.acceptPunct(','));
  c.expectPunct('}');
  return entries;
}

function propertyConstant(c: TokenCursor): Constant {
  if (!atConstant(c)) throw propertyError(c);
  return parseConstant(c);
}

function propertyError(c: TokenCursor): Error {
  const t = c.peek();
  return c.errorAt(t, `Invalid property value '${c.display(t)}': properties take constants, names or maps of constants (bind variables are not supported in DDL queries)`);
}

/** CREATE TABLE / VIEW options after WITH: properties, `CLUSTERING ORDER BY (…)`, `COMPACT STORAGE`. */
export function parseTableOptions(c: TokenCursor): TableOptions {
  const properties: Property[] = [];
  const clusteringOrder: Ordering[] = [];
  let compactStorage = false;
  do {
    if (c.atWord('compact') && c.atWord('storage', 1)) {
      c.next();
      c.next();
      compactStorage = true;
    } else if (c.atWord('clustering') && c.atWord('order', 1)) {
      c.next();
      c.next();
      c.expectWord('by');
      c.expectPunct('(');
      clusteringOrder.push(...parseOrderingList(c));
      c.expectPunct(')');
    } else {
      properties.push(parseProperty(c));
    }
  } while (c.acceptWord('and'));
  return { properties, clusteringOrder, compactStorage };
}

export const NO_TABLE_OPTIONS: TableOptions = { properties: [], clusteringOrder: [], compactStorage: false };
