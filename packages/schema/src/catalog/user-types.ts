import { CharybdisError } from '@charybdis/core';
import { NATIVE_TYPE_NAMES, cqlTypeToString, isCounterType } from '../types/cql-type';
import type { CqlType, UdtField, UdtType } from '../types/cql-type';
import { CatalogErrorCodes, invalidDefinition } from './catalog-error-codes';
import { MAX_UDT_FIELDS, MAX_USER_TYPES_PER_KEYSPACE } from './catalog-limits';
import { referencesUserType, refreshUserTypes } from './cql-type-walk';
import type { KeyspaceMetadata } from './keyspace-metadata';
import { checkIdentifier, compareNames } from './schema-names';
import type { ColumnMetadata, DroppedColumn, TableMetadata } from './table-metadata';

/** A keyspace with its tables: what a UDT change can touch. */
export interface KeyspaceDefinition {
  readonly keyspace: KeyspaceMetadata;
  readonly tables: readonly TableMetadata[];
}

/** One ALTER TYPE change. */
export type UserTypeChange =
  | { readonly kind: 'add'; readonly field: UdtField }
  | { readonly kind: 'rename'; readonly renames: readonly { readonly from: string; readonly to: string }[] };

const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([...NATIVE_TYPE_NAMES, 'varchar', 'byte', 'complex', 'enum', 'interval', 'macaddr', 'bitstring']);

function findType(def: KeyspaceDefinition, name: string): UdtType {
  const type = def.keyspace.userTypes.find((t) => t.name === name);
  if (type === undefined) throw new CharybdisError(CatalogErrorCodes.NOT_FOUND, `Type '${def.keyspace.name}.${name}' doesn't exist`);
  return type;
}

function checkFieldType(type: CqlType): void {
  if (isCounterType(type)) throw invalidDefinition('A user type cannot contain counters');
  if (type.kind === 'udt' && !type.frozen) throw invalidDefinition('A user type cannot contain non-frozen UDTs');
}

/**
 * Rebuilds every UDT reference in the keyspace (other types, table columns) from the
 * keyspace's current type definitions, so that a column of type `address` sees the fields
 * ALTER TYPE added or renamed.
 */
function withRefreshedTypes(keyspace: KeyspaceMetadata, tables: readonly TableMetadata[]): KeyspaceDefinition {
  const defs = new Map(keyspace.userTypes.map((t) => [t.name, t]));
  const userTypes = keyspace.userTypes.map((t) => refreshUserTypes(t, defs) as UdtType);
  const refresh = (c: ColumnMetadata): ColumnMetadata => ({ ...c, type: refreshUserTypes(c.type, defs) });
  const refreshed = tables.map((t) =>
    Object.freeze({ ...t, partitionKey: t.partitionKey.map(refresh), clustering: t.clustering.map(refresh), columns: t.columns.map(refresh) }),
  );
  return { keyspace: Object.freeze({ ...keyspace, userTypes }), tables: refreshed };
}

/**
 * CREATE TYPE: field names unique, no counter and no non-frozen UDT field (Cassandra's
 * rules and messages). Field types must already be resolved in this keyspace.
 */
export function createUserType(keyspace: KeyspaceMetadata, name: string, fields: readonly UdtField[]): KeyspaceMetadata {
  checkIdentifier('Type', name);
  if (RESERVED_TYPE_NAMES.has(name.toLowerCase())) throw invalidDefinition(`${name} is a reserved type name`);
  if (keyspace.userTypes.some((t) => t.name === name)) throw invalidDefinition(`A user type with name '${name}' already exists`);
  if (keyspace.userTypes.length >= MAX_USER_TYPES_PER_KEYSPACE) throw invalidDefinition(`Keyspace '${keyspace.name}' already has ${MAX_USER_TYPES_PER_KEYSPACE} user types`);
  if (fields.length === 0) throw invalidDefinition(`A user type must have at least one field (type '${name}')`);
  if (fields.length > MAX_UDT_FIELDS) throw invalidDefinition(`A user type cannot have more than ${MAX_UDT_FIELDS} fields`);
  const used = new Set<string>();
  for (const f of fields) {
    checkIdentifier('Field', f.name);
    if (used.has(f.name)) throw invalidDefinition(`Duplicate field name '${f.name}' in type '${name}'`);
    used.add(f.name);
    checkFieldType(f.type);
  }
  const type: UdtType = Object.freeze({ kind: 'udt', keyspace: keyspace.name, name, fields: fields.map((f) => ({ ...f })), frozen: false });
  const userTypes = [...keyspace.userTypes, type].sort((a, b) => compareNames(a.name, b.name));
  return Object.freeze({ ...keyspace, userTypes });
}

function addField(def: KeyspaceDefinition, type: UdtType, field: UdtField): UdtType {
  const display = cqlTypeToString({ ...type, frozen: false });
  checkIdentifier('Field', field.name);
  if (type.fields.some((f) => f.name === field.name)) {
    throw invalidDefinition(`Cannot add field ${field.name} to type ${display}: a field with name ${field.name} already exists`);
  }
  if (referencesUserType(field.type, type.keyspace, type.name)) {
    throw invalidDefinition(`Cannot add new field ${field.name} of type ${cqlTypeToString(field.type)} to user type ${display} as it would create a circular reference`);
  }
  checkNotInPartitionKey(def, type, `Cannot add new field ${field.name} of type ${cqlTypeToString(field.type)} to`);
  checkFieldType(field.type);
  if (type.fields.length >= MAX_UDT_FIELDS) throw invalidDefinition(`A user type cannot have more than ${MAX_UDT_FIELDS} fields`);
  return { ...type, fields: [...type.fields, { ...field }] };
}

/** The tables whose partition key uses `type` (directly or nested): ALTER TYPE would change their keys' bytes or names. */
function checkNotInPartitionKey(def: KeyspaceDefinition, type: UdtType, what: string): void {
  const inKey = def.tables.filter((t) => t.partitionKey.some((c) => referencesUserType(c.type, type.keyspace, type.name)));
  if (inKey.length > 0) {
    const display = cqlTypeToString({ ...type, frozen: false });
    throw invalidDefinition(`${what} user type ${display} as the type is being used in partition key by the following tables: ${inKey.map((t) => `${t.keyspace}.${t.name}`).join(', ')}`);
  }
}

function renameFields(def: KeyspaceDefinition, type: UdtType, renames: readonly { readonly from: string; readonly to: string }[]): UdtType {
  const display = cqlTypeToString({ ...type, frozen: false });
  checkNotInPartitionKey(def, type, 'Cannot rename fields of');
  const names = type.fields.map((f) => f.name);
  for (const { from, to } of renames) {
    checkIdentifier('Field', to);
    const i = type.fields.findIndex((f) => f.name === from);
    if (i < 0) throw invalidDefinition(`Unknown field ${from} in user type ${display}`);
    names[i] = to;
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw invalidDefinition(`Duplicate field name ${n} in type ${display}`);
    seen.add(n);
  }
  return { ...type, fields: type.fields.map((f, i) => ({ name: names[i]!, type: f.type })) };
}

/**
 * ALTER TYPE … ADD / RENAME, then every use of the type in the keyspace (other types,
 * table columns) is updated. ADD is refused when the field would make the type contain
 * itself; ADD and RENAME are refused when the type is in a partition key (they would
 * change the key's bytes or its meaning).
 */
export function alterUserType(def: KeyspaceDefinition, name: string, change: UserTypeChange): KeyspaceDefinition {
  const type = findType(def, name);
  const altered = change.kind === 'add' ? addField(def, type, change.field) : renameFields(def, type, change.renames);
  const userTypes = def.keyspace.userTypes.map((t) => (t.name === name ? Object.freeze(altered) : t));
  return withRefreshedTypes({ ...def.keyspace, userTypes }, def.tables);
}

function usesType(columns: readonly (ColumnMetadata | DroppedColumn)[], keyspace: string, name: string): boolean {
  return columns.some((c) => referencesUserType(c.type, keyspace, name));
}

/** DROP TYPE: refused while another type or a table of the keyspace uses it. */
export function dropUserType(def: KeyspaceDefinition, name: string): KeyspaceMetadata {
  findType(def, name);
  const ks = def.keyspace.name;
  const types = def.keyspace.userTypes.filter((t) => t.name !== name && referencesUserType(t, ks, name));
  if (types.length > 0) {
    throw invalidDefinition(`Cannot drop user type '${ks}.${name}' as it is still used by user types ${types.map((t) => t.name).join(', ')}`);
  }
  const tables = def.tables.filter((t) => usesType([...t.partitionKey, ...t.clustering, ...t.columns], ks, name));
  if (tables.length > 0) throw invalidDefinition(`Cannot drop user type '${ks}.${name}' as it is still used by tables ${tables.map((t) => t.name).join(', ')}`);
  return Object.freeze({ ...def.keyspace, userTypes: def.keyspace.userTypes.filter((t) => t.name !== name) });
}
