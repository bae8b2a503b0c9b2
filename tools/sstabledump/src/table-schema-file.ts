import * as fs from 'node:fs';
import { TableComparators, cqlTypeToString, isMultiCellType, parseCqlType, reversedType, udtType } from '@charybdis/schema';
import type { CqlType, UdtField, UdtType } from '@charybdis/schema';
import { SSTableDumpErrorCode, dumpError } from './sstabledump-error-codes';

/** A clustering column as the dump shows it. */
export interface ClusteringColumn {
  readonly name: string;
  /** The value type (without `reversed`). */
  readonly type: CqlType;
  readonly order: 'ASC' | 'DESC';
}

/**
 * The table schema the dump decodes an SSTable with. Our SSTables carry column names but
 * not the CQL schema, so it comes from a JSON file for now (README.md); a later version
 * reads it from the node's system_schema tables.
 */
export interface DumpSchema {
  /** One type per partition key column (two or more: the key is stored in composite form). */
  readonly partitionKeyTypes: readonly CqlType[];
  readonly clustering: readonly ClusteringColumn[];
  /** What SSTableReader needs: clustering types (reversed for DESC) and the regular and static columns. */
  readonly comparators: TableComparators;
}

/** Upper bound on the schema file's size: a table schema is a few KiB; refuse to load a stray huge file. */
export const MAX_SCHEMA_FILE_BYTES = 1024 * 1024;

const TOP_LEVEL_FIELDS = new Set(['partitionKey', 'clustering', 'columns', 'types']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function invalid(file: string, problem: string, cause?: unknown): Error {
  return dumpError(SSTableDumpErrorCode.invalidSchema, `Invalid schema file ${file}: ${problem}`, cause);
}

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkFields(file: string, where: string, obj: { [k: string]: Json }, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) throw invalid(file, `${where}: unknown field '${k}' (expected ${allowed.join(', ')})`);
}

/** Reads and validates a schema file (see README.md for the format); throws SSTABLEDUMP_INVALID_SCHEMA naming the file and the problem. */
export function loadSchemaFile(file: string): DumpSchema {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_SCHEMA_FILE_BYTES) throw invalid(file, `${size} bytes, more than the ${MAX_SCHEMA_FILE_BYTES} a schema file may have`);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === SSTableDumpErrorCode.invalidSchema) throw err;
    throw invalid(file, `cannot read it (${(err as Error).message})`, err);
  }
  let raw: Json;
  try {
    raw = JSON.parse(text) as Json;
  } catch (err) {
    throw invalid(file, `not JSON (${(err as Error).message})`, err);
  }
  return parseSchemaJson(raw, file);
}

/** Validates a parsed schema document; `file` only names it in messages. */
export function parseSchemaJson(raw: unknown, file: string): DumpSchema {
  const doc = raw as Json;
  if (!isObject(doc)) throw invalid(file, 'expected a JSON object with partitionKey, clustering and columns');
  for (const k of Object.keys(doc)) if (!TOP_LEVEL_FIELDS.has(k)) throw invalid(file, `unknown field '${k}' (expected ${[...TOP_LEVEL_FIELDS].join(', ')})`);
  const udts = parseUdts(file, doc.types);
  const parseType = (where: string, source: Json | undefined): CqlType => {
    if (typeof source !== 'string') throw invalid(file, `${where}: the type must be a string in CQL syntax`);
    try {
      return parseCqlType(source, { resolveUdt: (_ks, name) => udts.get(name) });
    } catch (err) {
      throw invalid(file, `${where}: ${(err as Error).message}`, err);
    }
  };
  if (!Array.isArray(doc.partitionKey) || doc.partitionKey.length === 0) throw invalid(file, 'partitionKey must be a non-empty array of CQL types');
  const partitionKeyTypes = doc.partitionKey.map((t, i) => keyType(file, `partitionKey[${i}]`, parseType(`partitionKey[${i}]`, t)));
  const clusteringRaw = doc.clustering ?? [];
  if (!Array.isArray(clusteringRaw)) throw invalid(file, 'clustering must be an array of {name, type, order}');
  const clustering = clusteringRaw.map((c, i): ClusteringColumn => {
    const where = `clustering[${i}]`;
    if (!isObject(c)) throw invalid(file, `${where}: expected {name, type, order}`);
    checkFields(file, where, c, ['name', 'type', 'order']);
    const order = c.order ?? 'ASC';
    if (order !== 'ASC' && order !== 'DESC') throw invalid(file, `${where}: order must be "ASC" or "DESC"`);
    return { name: columnName(file, where, c.name), type: keyType(file, where, parseType(where, c.type)), order };
  });
  if (!Array.isArray(doc.columns)) throw invalid(file, 'columns must be an array of {name, type}');
  const columns = doc.columns.map((c, i) => {
    const where = `columns[${i}]`;
    if (!isObject(c)) throw invalid(file, `${where}: expected {name, type}`);
    checkFields(file, where, c, ['name', 'type', 'static']);
    if (c.static !== undefined && typeof c.static !== 'boolean') throw invalid(file, `${where}: static must be true or false`);
    return { name: columnName(file, where, c.name), type: parseType(where, c.type) };
  });
  const names = new Set<string>();
  for (const n of [...clustering.map((c) => c.name), ...columns.map((c) => c.name)]) {
    if (names.has(n)) throw invalid(file, `column '${n}' is declared twice`);
    names.add(n);
  }
  const clusteringTypes = clustering.map((c) => (c.order === 'DESC' ? reversedType(c.type) : c.type));
  return { partitionKeyTypes, clustering, comparators: new TableComparators({ clusteringTypes, columns }) };
}

function columnName(file: string, where: string, name: Json | undefined): string {
  if (typeof name !== 'string' || name.length === 0) throw invalid(file, `${where}: name must be a non-empty string`);
  return name;
}

/** Key and clustering columns hold one cell: a non-frozen collection or UDT cannot be one (as in CQL). */
function keyType(file: string, where: string, type: CqlType): CqlType {
  if (isMultiCellType(type)) throw invalid(file, `${where}: ${cqlTypeToString(type)} cannot be a key column type (freeze it: frozen<...>)`);
  return type;
}

/** The optional `types` list: user-defined types in dependency order, `{ name, fields: [{name, type}] }`. */
function parseUdts(file: string, raw: Json | undefined): Map<string, UdtType> {
  const udts = new Map<string, UdtType>();
  if (raw === undefined) return udts;
  if (!Array.isArray(raw)) throw invalid(file, 'types must be an array of {name, fields: [{name, type}]}');
  raw.forEach((t, i) => {
    const where = `types[${i}]`;
    if (!isObject(t) || !Array.isArray(t.fields)) throw invalid(file, `${where}: expected {name, fields: [{name, type}]}`);
    checkFields(file, where, t, ['name', 'fields']);
    const name = columnName(file, where, t.name);
    const fields = t.fields.map((f, j): UdtField => {
      if (!isObject(f)) throw invalid(file, `${where}.fields[${j}]: expected {name, type}`);
      checkFields(file, `${where}.fields[${j}]`, f, ['name', 'type']);
      if (typeof f.type !== 'string') throw invalid(file, `${where}.fields[${j}]: the type must be a string in CQL syntax`);
      try {
        return { name: columnName(file, `${where}.fields[${j}]`, f.name), type: parseCqlType(f.type, { resolveUdt: (_ks, n) => udts.get(n) }) };
      } catch (err) {
        if ((err as { code?: unknown }).code === SSTableDumpErrorCode.invalidSchema) throw err;
        throw invalid(file, `${where}.fields[${j}]: ${(err as Error).message}`, err);
      }
    });
    udts.set(name, udtType('dump', name, fields));
  });
  return udts;
}
