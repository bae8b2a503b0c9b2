import { CharybdisError } from '@charybdis/core';
import { CQL_ENCODE, type BodyWriter } from './body-writer';
import { writeErrorBody } from './error-encoder';
import { Opcode, ResultKind, RowsFlag } from './opcodes';
import { writePreparedBindMetadata, writeRowsMetadata } from './result-metadata';
import type { PreparedResult, Response, ResultBody, SchemaChange, ServerEvent } from './response-types';

/** The opcode of a response. */
export function responseOpcode(response: Response): number {
  switch (response.kind) {
    case 'error':
      return Opcode.ERROR;
    case 'ready':
      return Opcode.READY;
    case 'authenticate':
      return Opcode.AUTHENTICATE;
    case 'supported':
      return Opcode.SUPPORTED;
    case 'authChallenge':
      return Opcode.AUTH_CHALLENGE;
    case 'authSuccess':
      return Opcode.AUTH_SUCCESS;
    case 'result':
      return Opcode.RESULT;
    case 'event':
      return Opcode.EVENT;
  }
}

/** Writes the message part of a response body (after any tracing/warnings/payload prefix). */
export function writeResponseBody(w: BodyWriter, response: Response, version: number): void {
  switch (response.kind) {
    case 'error':
      writeErrorBody(w, response.error, version);
      return;
    case 'ready':
      return;
    case 'authenticate':
      w.writeString(response.authenticator);
      return;
    case 'supported':
      w.writeStringMultimap(response.options);
      return;
    case 'authChallenge':
    case 'authSuccess':
      w.writeBytes(response.token);
      return;
    case 'result':
      writeResultBody(w, response.result, version);
      return;
    case 'event':
      writeEventBody(w, response.event);
      return;
  }
}

function writeResultBody(w: BodyWriter, result: ResultBody, version: number): void {
  switch (result.kind) {
    case 'void':
      w.writeInt(ResultKind.VOID);
      return;
    case 'rows': {
      w.writeInt(ResultKind.ROWS);
      const count = writeRowsMetadata(w, result.metadata, version);
      w.writeInt(result.rows.length);
      for (const row of result.rows) {
        if (row.length !== count) {
          throw new CharybdisError(CQL_ENCODE, `a row has ${row.length} cells but the result has ${count} columns`);
        }
        for (const cell of row) w.writeBytes(cell);
      }
      return;
    }
    case 'setKeyspace':
      w.writeInt(ResultKind.SET_KEYSPACE);
      w.writeString(result.keyspace);
      return;
    case 'prepared':
      writePrepared(w, result, version);
      return;
    case 'schemaChange':
      w.writeInt(ResultKind.SCHEMA_CHANGE);
      writeSchemaChange(w, result.schema);
      return;
  }
}

function writePrepared(w: BodyWriter, result: PreparedResult, version: number): void {
  w.writeInt(ResultKind.PREPARED);
  w.writeShortBytes(result.id);
  if (version >= 5) {
    const metadataId = result.resultMetadataId ?? null;
    if (metadataId === null) throw new CharybdisError(CQL_ENCODE, 'a v5 Prepared result needs a result_metadata_id');
    w.writeShortBytes(metadataId);
  }
  writePreparedBindMetadata(w, result.bindColumns, result.pkIndexes, version);
  if (result.resultColumns === null) {
    w.writeInt(RowsFlag.NO_METADATA);
    w.writeInt(0);
  } else {
    writeRowsMetadata(w, { columns: result.resultColumns }, version);
  }
}

/** <change_type><target><options> (the v3+ form, shared by RESULT and EVENT). */
function writeSchemaChange(w: BodyWriter, s: SchemaChange): void {
  w.writeString(s.change);
  w.writeString(s.target);
  w.writeString(s.keyspace);
  if (s.target === 'KEYSPACE') return;
  w.writeString(s.name);
  if (s.target === 'FUNCTION' || s.target === 'AGGREGATE') w.writeStringList(s.argTypes);
}

function writeEventBody(w: BodyWriter, event: ServerEvent): void {
  w.writeString(event.type);
  if (event.type === 'SCHEMA_CHANGE') {
    writeSchemaChange(w, event.schema);
    return;
  }
  w.writeString(event.change);
  w.writeInet(event.node);
}
