import type { BodyWriter } from './body-writer';
import { ErrorCode } from './opcodes';
import type { ErrorResponse, ReplicaFailure } from './response-types';

/**
 * Writes an ERROR body: [int] code, [string] message and the code's extra fields in
 * protocol `version`'s form. Errors that only exist in v5 are translated for older
 * clients the way Cassandra does: CAS_WRITE_UNKNOWN becomes a WriteTimeout of write type
 * CAS, CDC_WRITE_FAILURE a ServerError with the same message.
 */
export function writeErrorBody(w: BodyWriter, error: ErrorResponse, version: number): void {
  if (version < 5 && error.code === ErrorCode.CAS_WRITE_UNKNOWN) {
    writeErrorBody(w, { ...error, code: ErrorCode.WRITE_TIMEOUT, writeType: 'CAS' }, version);
    return;
  }
  if (version < 5 && error.code === ErrorCode.CDC_WRITE_FAILURE) {
    writeErrorBody(w, { code: ErrorCode.SERVER_ERROR, message: error.message }, version);
    return;
  }
  w.writeInt(error.code);
  w.writeString(error.message);
  writeErrorExtras(w, error, version);
}

function writeErrorExtras(w: BodyWriter, error: ErrorResponse, version: number): void {
  switch (error.code) {
    case ErrorCode.UNAVAILABLE:
      w.writeShort(error.consistency);
      w.writeInt(error.required);
      w.writeInt(error.alive);
      return;
    case ErrorCode.WRITE_TIMEOUT:
      writeCounts(w, error);
      w.writeString(error.writeType);
      // v5 adds the number of contentions of a CAS write.
      if (version >= 5 && error.writeType === 'CAS') w.writeShort(error.contentions ?? 0);
      return;
    case ErrorCode.READ_TIMEOUT:
      writeCounts(w, error);
      w.writeByte(error.dataPresent ? 1 : 0);
      return;
    case ErrorCode.READ_FAILURE:
      writeCounts(w, error);
      writeFailures(w, error.failures, version);
      w.writeByte(error.dataPresent ? 1 : 0);
      return;
    case ErrorCode.WRITE_FAILURE:
      writeCounts(w, error);
      writeFailures(w, error.failures, version);
      w.writeString(error.writeType);
      return;
    case ErrorCode.CAS_WRITE_UNKNOWN:
      writeCounts(w, error);
      return;
    case ErrorCode.FUNCTION_FAILURE:
      w.writeString(error.keyspace);
      w.writeString(error.function);
      w.writeStringList(error.argTypes);
      return;
    case ErrorCode.ALREADY_EXISTS:
      w.writeString(error.keyspace);
      w.writeString(error.table);
      return;
    case ErrorCode.UNPREPARED:
      w.writeShortBytes(error.id);
      return;
    default:
      return;
  }
}

function writeCounts(w: BodyWriter, e: { consistency: number; received: number; blockFor: number }): void {
  w.writeShort(e.consistency);
  w.writeInt(e.received);
  w.writeInt(e.blockFor);
}

/** v3/v4: [int] number of failures; v5: [int] n, then n × ([inetaddr] [short] reason). */
function writeFailures(w: BodyWriter, failures: readonly ReplicaFailure[], version: number): void {
  w.writeInt(failures.length);
  if (version < 5) return;
  for (const f of failures) {
    w.writeInetAddr(f.address);
    w.writeShort(f.reasonCode);
  }
}
