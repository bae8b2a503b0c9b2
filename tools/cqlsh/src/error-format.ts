/**
 * Error text as cqlsh prints it (the Python driver's exception names and messages):
 * `InvalidRequest: Error from server: code=2200 [Invalid query] message="…"`,
 * `SyntaxException: line 1:0 …`, `AlreadyExists: Table 'ks.t' already exists`, and the
 * connection failure line `Connection error: ('Unable to connect to any servers', {…})`.
 * Pure: an error object in, one line out.
 */

interface ErrorKind {
  name: string;
  summary: string;
  /** True when the Python driver wraps the message in its "Error from server" summary. */
  wrapped: boolean;
}

/** Protocol error codes → the Python driver's class name and summary. */
const ERROR_KINDS: ReadonlyMap<number, ErrorKind> = new Map([
  [0x0000, { name: 'ServerError', summary: 'Server error', wrapped: false }],
  [0x000a, { name: 'ProtocolException', summary: 'Protocol error', wrapped: false }],
  [0x0100, { name: 'AuthenticationFailed', summary: 'Bad credentials', wrapped: false }],
  [0x1000, { name: 'Unavailable', summary: 'Unavailable exception', wrapped: true }],
  [0x1001, { name: 'OverloadedErrorMessage', summary: 'Coordinator node overloaded', wrapped: false }],
  [0x1002, { name: 'IsBootstrappingErrorMessage', summary: 'Coordinator node is bootstrapping', wrapped: false }],
  [0x1003, { name: 'TruncateError', summary: 'Error during truncate', wrapped: false }],
  [0x1100, { name: 'WriteTimeout', summary: "Coordinator node timed out waiting for replica nodes' responses", wrapped: true }],
  [0x1200, { name: 'ReadTimeout', summary: "Coordinator node timed out waiting for replica nodes' responses", wrapped: true }],
  [0x1300, { name: 'ReadFailure', summary: 'Replica(s) failed to execute read', wrapped: true }],
  [0x1400, { name: 'FunctionFailure', summary: 'User Defined Function failure', wrapped: true }],
  [0x1500, { name: 'WriteFailure', summary: 'Replica(s) failed to execute write', wrapped: true }],
  [0x2000, { name: 'SyntaxException', summary: 'Syntax error in CQL query', wrapped: false }],
  [0x2100, { name: 'Unauthorized', summary: 'Unauthorized', wrapped: true }],
  [0x2200, { name: 'InvalidRequest', summary: 'Invalid query', wrapped: true }],
  [0x2300, { name: 'ConfigurationException', summary: 'Query invalid because of configuration issue', wrapped: false }],
  [0x2500, { name: 'PreparedQueryNotFound', summary: 'Matching prepared statement not found on this node', wrapped: false }],
]);

const CONSISTENCY_NAMES = ['ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'SERIAL', 'LOCAL_SERIAL', 'LOCAL_ONE'];

interface DriverError {
  name?: string;
  message?: string;
  code?: number | string;
  keyspace?: string;
  table?: string;
  consistencies?: number;
  required?: number;
  alive?: number;
  received?: number;
  blockFor?: number;
  innerErrors?: Record<string, unknown>;
}

/** `Class: message` for an error a statement failed with. */
export function formatQueryError(err: unknown): string {
  const e = (err ?? {}) as DriverError;
  if (e.name === 'ResponseError' && typeof e.code === 'number') {
    const message = e.message ?? '';
    if (e.code === 0x2400) {
      return e.table ? `AlreadyExists: Table '${e.keyspace}.${e.table}' already exists` : `AlreadyExists: Keyspace '${e.keyspace}' already exists`;
    }
    const kind = ERROR_KINDS.get(e.code);
    if (kind === undefined) return `ErrorMessage: Error from server: code=${hex(e.code)} [Unknown] message="${message}"`;
    if (!kind.wrapped) return `${kind.name}: ${message}`;
    return `${kind.name}: Error from server: code=${hex(e.code)} [${kind.summary}] message="${message}"${info(e)}`;
  }
  if (e.name === 'NoHostAvailableError') return `NoHostAvailable: ${hostErrors(e.innerErrors)}`;
  if (e.name === 'OperationTimedOutError') return `OperationTimedOut: ${e.message ?? ''}`;
  return `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
}

/** A message on one line, `'` escaped as in a Python repr. */
function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim().replace(/'/g, "\\'");
}

function hex(code: number): string {
  return code.toString(16).padStart(4, '0');
}

function info(e: DriverError): string {
  const cl = e.consistencies !== undefined ? `'${CONSISTENCY_NAMES[e.consistencies] ?? e.consistencies}'` : undefined;
  if (e.required !== undefined && e.alive !== undefined) {
    return ` info={'consistency': ${cl}, 'required_replicas': ${e.required}, 'alive_replicas': ${e.alive}}`;
  }
  if (e.blockFor !== undefined && e.received !== undefined) {
    return ` info={'consistency': ${cl}, 'required_responses': ${e.blockFor}, 'received_responses': ${e.received}}`;
  }
  return '';
}

/** `{'host:port': 'reason', …}` from a NoHostAvailableError's per-host errors. */
function hostErrors(inner: Record<string, unknown> | undefined): string {
  const items = Object.entries(inner ?? {}).map(([host, err]) => {
    const e = err as { message?: string; code?: string };
    return `'${host}': '${oneLine(e?.message ?? String(err))}'`;
  });
  return `{${items.join(', ')}}`;
}

/**
 * The line printed when the first connection fails (cqlsh's `Connection error: …`):
 * `Connection error: ('Unable to connect to any servers', {'127.0.0.1:9042': '…'})`.
 */
export function formatConnectionError(err: unknown, contactPoint: string): string {
  const e = (err ?? {}) as DriverError;
  if (e.name === 'NoHostAvailableError' && e.innerErrors !== undefined && Object.keys(e.innerErrors).length > 0) {
    return `Connection error: ('Unable to connect to any servers', ${hostErrors(e.innerErrors)})`;
  }
  if (e.name === 'ResponseError' && e.code === 0x0100) {
    return `Connection error: ('Unable to connect to any servers', {'${contactPoint}': AuthenticationFailed('${oneLine(e.message ?? '')}')})`;
  }
  return `Connection error: ('Unable to connect to any servers', {'${contactPoint}': '${oneLine(e.message ?? String(err))}'})`;
}
