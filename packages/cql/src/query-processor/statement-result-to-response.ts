import type { StatementResult } from '../execution/execution-types';
import type { EncodedColumnSpecs } from '../protocol/result-metadata';
import type { Response } from '../protocol/response-types';

const VOID_RESPONSE: Response = Object.freeze({ kind: 'result', result: Object.freeze({ kind: 'void' }) });

/** How a Rows result is described: specs pre-encoded for the connection's version, and v5's new metadata id. */
export interface RowsEncoding {
  readonly encodedColumns?: EncodedColumnSpecs;
  /** v5: set when the client's result metadata id is stale. */
  readonly newMetadataId?: Uint8Array | null;
}

/**
 * A statement's result as the RESULT response the transport encodes: Void, Rows (cells
 * already serialized; column specs pre-encoded when given, full metadata always — the
 * drivers never ask skip_metadata), SetKeyspace or SchemaChange.
 */
export function statementResultToResponse(result: StatementResult, encoding: RowsEncoding = {}): Response {
  switch (result.kind) {
    case 'void':
      return VOID_RESPONSE;
    case 'rows': {
      // Pre-encoded specs describe the prepared result columns; use them only when they fit.
      const encoded = encoding.encodedColumns;
      const columns = encoded !== undefined && encoded.count === result.columns.length ? encoded : result.columns;
      return {
        kind: 'result',
        result: {
          kind: 'rows',
          metadata: { columns, pagingState: result.pagingState, newMetadataId: encoding.newMetadataId ?? null },
          rows: result.rows,
        },
      };
    }
    case 'setKeyspace':
      return { kind: 'result', result: { kind: 'setKeyspace', keyspace: result.keyspace } };
    case 'schemaChange':
      return { kind: 'result', result: { kind: 'schemaChange', schema: result.change } };
  }
}
