export { RESERVED_KEYWORDS, parseIdentifier, parseQualifiedName, quoteIdentifier, quoteString, quoteTypeName } from './cql-identifiers';
export type { ColumnRow, IndexRow, KeyspaceRow, KeyspaceSchema, TableRow, TypeRow } from './schema-model';
export { DESCRIBE_SKIPPED_KEYSPACES } from './schema-model';
export {
  TABLE_OPTIONS,
  describeIndex,
  describeKeyspace,
  describeKeyspaceFull,
  describeTable,
  describeTableWithIndexes,
  describeType,
  orderTypes,
  qualified,
} from './schema-describer';
export { describeModelOf } from './describe-model-of';
