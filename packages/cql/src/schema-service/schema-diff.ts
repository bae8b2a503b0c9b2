import type { Schema, TableMetadata } from '@charybdis/schema';

/**
 * What a schema change means for one shard's replica tables: tables to create, to drop,
 * and tables whose definition changed (columns added or dropped, options). By table id.
 */
export interface SchemaDiff {
  readonly before: Schema;
  readonly after: Schema;
  readonly added: readonly TableMetadata[];
  readonly dropped: readonly TableMetadata[];
  readonly altered: readonly TableMetadata[];
}

/** Deep equality of plain data (objects, arrays, bigints, byte arrays), what schema snapshots are made of. */
export function plainDataEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => plainDataEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function userTables(schema: Schema): Map<string, TableMetadata> {
  const out = new Map<string, TableMetadata>();
  for (const def of schema.userKeyspaces()) for (const t of def.tables) out.set(t.id, t);
  return out;
}

/** The table-level difference between two schemas (system tables never change). */
export function diffSchemas(before: Schema, after: Schema): SchemaDiff {
  const old = userTables(before);
  const now = userTables(after);
  const added: TableMetadata[] = [];
  const altered: TableMetadata[] = [];
  for (const [id, t] of now) {
    const prev = old.get(id);
    if (prev === undefined) added.push(t);
    else if (!plainDataEqual(prev, t)) altered.push(t);
  }
  const dropped = [...old].filter(([id]) => !now.has(id)).map(([, t]) => t);
  return { before, after, added, dropped, altered };
}
