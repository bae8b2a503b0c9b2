import { ErrorCode } from '../protocol/opcodes';
import type { ErrorResponse, Response } from '../protocol/response-types';

/** Code of the Unprepared error the query processor raises (protocol 0x2500, carries the id). */
export const CQL_UNPREPARED = 'CQL_UNPREPARED';

/** Where unexpected errors are logged (a pino logger fits). */
export interface ProcessorLogger {
  error(obj: object, msg: string): void;
}

type SimpleCode =
  | typeof ErrorCode.SYNTAX_ERROR
  | typeof ErrorCode.UNAUTHORIZED
  | typeof ErrorCode.INVALID
  | typeof ErrorCode.CONFIG_ERROR
  | typeof ErrorCode.OVERLOADED
  | typeof ErrorCode.SERVER_ERROR;

/**
 * Error codes (every package's stable `code`) → protocol error codes with a message only.
 * AlreadyExists and Unprepared carry fields and are handled apart. Anything absent is a
 * server error (0x0000) and is logged.
 */
const SIMPLE: ReadonlyMap<string, SimpleCode> = new Map<string, SimpleCode>([
  // parser
  ['CQL_SYNTAX', ErrorCode.SYNTAX_ERROR],
  // execution (ExecutionErrorCodes)
  ['CQL_INVALID', ErrorCode.INVALID],
  ['CQL_NOT_SUPPORTED', ErrorCode.INVALID],
  ['CQL_CONFIG', ErrorCode.CONFIG_ERROR],
  ['CQL_UNAUTHORIZED', ErrorCode.UNAUTHORIZED],
  ['CQL_OVERLOADED', ErrorCode.OVERLOADED],
  // catalog (CatalogErrorCodes) and types
  ['SCHEMA_INVALID_DEFINITION', ErrorCode.INVALID],
  ['SCHEMA_INVALID_OPTION', ErrorCode.CONFIG_ERROR],
  ['SCHEMA_UNKNOWN_OPTION', ErrorCode.SYNTAX_ERROR],
  ['SCHEMA_NOT_FOUND', ErrorCode.INVALID],
  ['SCHEMA_INVALID_TYPE', ErrorCode.INVALID],
  ['SCHEMA_INVALID_VALUE', ErrorCode.INVALID],
  ['SCHEMA_INVALID_MUTATION', ErrorCode.INVALID],
  // read path: a paging state or command the client made us build
  ['READ_INVALID_PAGING_STATE', ErrorCode.INVALID],
  ['READ_INVALID_COMMAND', ErrorCode.INVALID],
  // replica and coordinator
  ['REPLICA_OVERLOADED', ErrorCode.OVERLOADED],
  ['REPLICA_UNKNOWN_TABLE', ErrorCode.INVALID],
  ['COORDINATOR_INVALID_REQUEST', ErrorCode.INVALID],
]);

/** Errors that are a server fault yet expected (no stack to log): their message goes to the client as is. */
const EXPECTED_SERVER_ERRORS: ReadonlySet<string> = new Set(['REPLICA_TABLE_FAILED', 'REPLICA_STOPPED', 'SMP_TIMEOUT', 'SMP_STOPPED', 'SMP_PEER_STOPPED']);

function errorResponse(error: ErrorResponse): Response {
  return { kind: 'error', error };
}

/**
 * THE mapping of every error to a protocol ERROR response (CONVENTIONS: one place).
 * Errors are recognised by their `code`, never by class (they may have crossed shards).
 * AlreadyExists keeps its keyspace/table, Unprepared its id; an unknown error is a
 * server error (0x0000) with its message, logged with its stack.
 */
export function errorToResponse(err: unknown, logger?: ProcessorLogger): Response {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown; keyspace?: unknown; table?: unknown; id?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (code === 'CQL_ALREADY_EXISTS' || code === 'SCHEMA_ALREADY_EXISTS') {
    return errorResponse({ code: ErrorCode.ALREADY_EXISTS, message, keyspace: typeof e.keyspace === 'string' ? e.keyspace : '', table: typeof e.table === 'string' ? e.table : '' });
  }
  if (code === CQL_UNPREPARED && e.id instanceof Uint8Array) return errorResponse({ code: ErrorCode.UNPREPARED, message, id: e.id });
  const simple = SIMPLE.get(code);
  if (simple !== undefined) return errorResponse({ code: simple, message });
  if (!EXPECTED_SERVER_ERRORS.has(code)) logger?.error({ err }, 'unexpected error while processing a CQL request');
  return errorResponse({ code: ErrorCode.SERVER_ERROR, message });
}
