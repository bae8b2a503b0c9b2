import { allColumns, isMultiCellType, nativeType } from '@charybdis/schema';
import type { TableMetadata } from '@charybdis/schema';
import type { InsertStatement } from '../parser/ast-dml';
import type { WireValue } from '../protocol/frame-reader';
import { MarkerTerm, prepareTerm } from '../terms/prepare-term';
import { invalidRequest } from '../terms/term-errors';
import type { TermScope } from '../terms/term-scope';
import { eqValues, keyRestrictionsOf, receiverOf } from './key-restrictions';
import type { KeyColumnValues, KeyRestrictions } from './key-restrictions';
import { jsonKeyName, jsonValueBytes, parseJson } from './json-values';
import { SetValue } from './operations';
import type { PreparedOperation } from './operations';

/**
 * INSERT JSON (Cassandra's Json.Literal/Marker): every column of the table gets a hidden
 * bind marker numbered after the statement's own markers; at execution the document is
 * parsed and its values placed there (missing columns: null, or unset with DEFAULT UNSET),
 * so the ordinary INSERT path — validation, key encoding, cells — does the rest.
 */
export function prepareInsertJson(
  values: Extract<InsertStatement['values'], { kind: 'json' }>,
  table: TableMetadata,
  scope: TermScope,
  markerCount: number,
): { restrictions: KeyRestrictions; operations: PreparedOperation[]; expandValues: (values: readonly WireValue[], nowMs: number) => readonly WireValue[] } {
  const json = prepareTerm(values.json, { keyspace: table.keyspace, table: table.name, name: '[json]', type: nativeType('text') }, scope);
  const columns = allColumns(table);
  const keys = new Map<string, KeyColumnValues>();
  const operations: PreparedOperation[] = [];
  columns.forEach((column, i) => {
    const marker = new MarkerTerm(receiverOf(table, column), markerCount + i);
    if (column.kind === 'partition_key' || column.kind === 'clustering') keys.set(column.name, eqValues(column, marker, -1));
    else operations.push(new SetValue(column, marker, isMultiCellType(column.type)));
  });
  const restrictions = keyRestrictionsOf(table, keys);
  const byName = new Map(columns.map((c, i) => [c.name, i]));
  const missing: WireValue = values.defaultUnset ? 'unset' : null;
  const expandValues = (bound: readonly WireValue[], nowMs: number): readonly WireValue[] => {
    const doc = json.bind(bound, nowMs);
    if (doc === null) throw invalidRequest('Got null for INSERT JSON values');
    if (doc === 'unset') throw invalidRequest('Got unset for INSERT JSON values');
    const parsed = parseJson(Buffer.from(doc.buffer, doc.byteOffset, doc.byteLength).toString('utf8'));
    if (!(parsed instanceof Map)) throw invalidRequest('Could not decode JSON string as a map: the document is not a JSON object');
    const out: WireValue[] = [...bound, ...columns.map(() => missing)];
    for (const [key, v] of parsed) {
      const name = jsonKeyName(key);
      const index = byName.get(name);
      if (index === undefined) throw invalidRequest(`JSON values map contains unrecognized column: ${name}`);
      const bytes = jsonValueBytes(v, receiverOf(table, columns[index]!));
      out[markerCount + index] = bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return out;
  };
  return { restrictions, operations, expandValues };
}
