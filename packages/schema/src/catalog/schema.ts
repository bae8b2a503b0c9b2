import { CharybdisError } from '@charybdis/core';
import { CatalogErrorCodes, invalidDefinition } from './catalog-error-codes';
import { MAX_KEYSPACES, MAX_TABLES } from './catalog-limits';
import type { KeyspaceMetadata } from './keyspace-metadata';
import { compareNames } from './schema-names';
import { computeSchemaVersion } from './schema-version';
import { SYSTEM_KEYSPACES } from './system-keyspaces';
import type { TableMetadata } from './table-metadata';
import type { KeyspaceDefinition } from './user-types';

const SYSTEM_NAMES: ReadonlySet<string> = new Set(SYSTEM_KEYSPACES.map((d) => d.keyspace.name));

/** Tables sorted by name, so equal schemas are structurally equal whatever the order of DDL. */
function canonicalDefinition(def: KeyspaceDefinition): KeyspaceDefinition {
  return Object.freeze({ keyspace: def.keyspace, tables: Object.freeze([...def.tables].sort((a, b) => compareNames(a.name, b.name))) });
}

function checkDefinition(def: KeyspaceDefinition): void {
  const names = new Set<string>();
  for (const t of def.tables) {
    if (t.keyspace !== def.keyspace.name) throw invalidDefinition(`Table ${t.keyspace}.${t.name} does not belong to keyspace ${def.keyspace.name}`);
    if (names.has(t.name)) throw new CharybdisError(CatalogErrorCodes.ALREADY_EXISTS, `Table ${t.keyspace}.${t.name} is defined twice`);
    names.add(t.name);
  }
}

/**
 * An immutable snapshot of the whole schema: the system keyspaces (always present) and the
 * user keyspaces with their tables and types, lookups by name and by table id, and the
 * schema `version` (see computeSchemaVersion). Every change returns a new Schema; a
 * snapshot can be shared freely by everything that runs against one schema version.
 */
export class Schema {
  /** The schema version (a UUID string), equal on every node holding the same schema. */
  readonly version: string;
  private readonly byName: ReadonlyMap<string, KeyspaceDefinition>;
  private readonly byId: ReadonlyMap<string, TableMetadata>;

  private constructor(userKeyspaces: readonly KeyspaceDefinition[]) {
    const byName = new Map<string, KeyspaceDefinition>();
    const byId = new Map<string, TableMetadata>();
    const canonical = userKeyspaces.map(canonicalDefinition).sort((a, b) => compareNames(a.keyspace.name, b.keyspace.name));
    for (const def of [...SYSTEM_KEYSPACES, ...canonical]) {
      checkDefinition(def);
      byName.set(def.keyspace.name, def);
      for (const t of def.tables) {
        const other = byId.get(t.id);
        if (other !== undefined) throw invalidDefinition(`Table ${t.keyspace}.${t.name} has the id ${t.id} of table ${other.keyspace}.${other.name}`);
        byId.set(t.id, t);
      }
    }
    if (byName.size > MAX_KEYSPACES) throw invalidDefinition(`A schema cannot hold more than ${MAX_KEYSPACES} keyspaces`);
    if (byId.size > MAX_TABLES) throw invalidDefinition(`A schema cannot hold more than ${MAX_TABLES} tables`);
    this.byName = byName;
    this.byId = byId;
    this.version = computeSchemaVersion(canonical);
  }

  /**
   * A schema of the system keyspaces and the given user keyspaces. Throws
   * SCHEMA_INVALID_DEFINITION for a user keyspace with a system name, a table id used
   * twice, or past the limits; SCHEMA_ALREADY_EXISTS for a keyspace or table given twice.
   */
  static of(userKeyspaces: readonly KeyspaceDefinition[] = []): Schema {
    const seen = new Set<string>();
    for (const def of userKeyspaces) {
      if (SYSTEM_NAMES.has(def.keyspace.name)) throw invalidDefinition(`${def.keyspace.name} keyspace is not user-modifiable`);
      if (seen.has(def.keyspace.name)) throw new CharybdisError(CatalogErrorCodes.ALREADY_EXISTS, `Keyspace ${def.keyspace.name} is defined twice`);
      seen.add(def.keyspace.name);
    }
    return new Schema(userKeyspaces);
  }

  /** Every keyspace name, system keyspaces first, then user keyspaces by name. */
  keyspaceNames(): readonly string[] {
    return [...this.byName.keys()];
  }

  /** The user keyspaces with their tables (sorted by name), what schemaMutations persists. */
  userKeyspaces(): readonly KeyspaceDefinition[] {
    return [...this.byName.values()].filter((d) => !SYSTEM_NAMES.has(d.keyspace.name));
  }

  /** True for a hard-coded system keyspace. */
  static isSystemKeyspace(name: string): boolean {
    return SYSTEM_NAMES.has(name);
  }

  /** The keyspace and its tables, or undefined. */
  definition(keyspace: string): KeyspaceDefinition | undefined {
    return this.byName.get(keyspace);
  }

  /** The keyspace named `name`, or undefined. */
  keyspace(name: string): KeyspaceMetadata | undefined {
    return this.byName.get(name)?.keyspace;
  }

  /** The tables of a keyspace (empty for an unknown keyspace). */
  tables(keyspace: string): readonly TableMetadata[] {
    return this.byName.get(keyspace)?.tables ?? [];
  }

  /** The table `keyspace.name`, or undefined. */
  table(keyspace: string, name: string): TableMetadata | undefined {
    return this.byName.get(keyspace)?.tables.find((t) => t.name === name);
  }

  /** The table with this id, or undefined. */
  tableById(id: string): TableMetadata | undefined {
    return this.byId.get(id);
  }

  /** This schema with a user keyspace added or replaced (with its tables). */
  withKeyspace(def: KeyspaceDefinition): Schema {
    return Schema.of([...this.userKeyspaces().filter((d) => d.keyspace.name !== def.keyspace.name), def]);
  }

  /** This schema without the user keyspace `name` (unchanged if absent). */
  withoutKeyspace(name: string): Schema {
    if (SYSTEM_NAMES.has(name)) throw invalidDefinition(`${name} keyspace is not user-modifiable`);
    return Schema.of(this.userKeyspaces().filter((d) => d.keyspace.name !== name));
  }

  /** This schema with `table` added to its keyspace or replacing the table of the same name. */
  withTable(table: TableMetadata): Schema {
    const def = this.byName.get(table.keyspace);
    if (def === undefined) throw new CharybdisError(CatalogErrorCodes.NOT_FOUND, `Keyspace '${table.keyspace}' doesn't exist`);
    const replaced = def.tables.some((t) => t.name === table.name);
    const tables = replaced ? def.tables.map((t) => (t.name === table.name ? table : t)) : [...def.tables, table];
    return this.withKeyspace({ keyspace: def.keyspace, tables });
  }

  /** This schema without the table `keyspace.name`. */
  withoutTable(keyspace: string, name: string): Schema {
    const def = this.byName.get(keyspace);
    if (def === undefined || !def.tables.some((t) => t.name === name)) {
      throw new CharybdisError(CatalogErrorCodes.NOT_FOUND, `Table '${keyspace}.${name}' doesn't exist`);
    }
    return this.withKeyspace({ keyspace: def.keyspace, tables: def.tables.filter((t) => t.name !== name) });
  }
}
