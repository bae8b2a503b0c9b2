import { CharybdisError } from '@charybdis/core';
import { CQL_ENCODE } from './body-writer';
import { Opcode, ResultKind } from './opcodes';
import { writeRowsMetadata, type RowsMetadata } from './result-metadata';
import type { ResponseFrameInfo } from './response-types';
import type { ResponseWriter } from './response-writer';

/**
 * Streams a Rows result into a `ResponseWriter` — the read hot path (DESIGN §5a). Cells
 * arrive already serialized and are copied once, straight into the writer's slab: no
 * per-row arrays are built here and nothing is re-encoded. The row count is patched in
 * by `finish()`.
 *
 *   rows.beginRows(frame, metadata);
 *   for (...) { rows.addCell(a); rows.addCell(b); }   // or rows.addRow([a, b])
 *   rows.finish();
 *   socket.write(writer.take());
 */
export class RowsEncoder {
  private countMark = -1;
  private columnCount = 0;
  private cellsInRow = 0;
  private rows = 0;

  constructor(private readonly w: ResponseWriter) {}

  /** Rows added since `beginRows`. */
  get rowCount(): number {
    return this.rows;
  }

  /** Starts a RESULT Rows frame: header, prefix, kind, metadata, a row count placeholder. */
  beginRows(frame: ResponseFrameInfo, metadata: RowsMetadata): void {
    if (this.countMark >= 0) throw new CharybdisError(CQL_ENCODE, 'beginRows before the previous result was finished');
    const w = this.w;
    w.beginFrame(frame, Opcode.RESULT);
    try {
      w.writeInt(ResultKind.ROWS);
      this.columnCount = writeRowsMetadata(w, metadata, frame.version);
    } catch (err) {
      w.abortFrame();
      throw err;
    }
    this.countMark = w.mark();
    w.writeInt(0);
    this.rows = 0;
    this.cellsInRow = 0;
  }

  /** Appends one serialized cell ([bytes]; null for a null cell) of the current row. */
  addCell(value: Uint8Array | null): void {
    this.w.writeBytes(value);
    if (++this.cellsInRow === this.columnCount) {
      this.cellsInRow = 0;
      this.rows++;
    }
  }

  /** Appends a whole row; `values` must have one cell per column. */
  addRow(values: readonly (Uint8Array | null)[]): void {
    if (values.length !== this.columnCount || this.cellsInRow !== 0) {
      throw new CharybdisError(
        CQL_ENCODE,
        `addRow got ${values.length} cells (${this.cellsInRow} pending) for a result of ${this.columnCount} columns`,
      );
    }
    const w = this.w;
    for (let i = 0; i < values.length; i++) w.writeBytes(values[i]!);
    this.rows++;
  }

  /** Completes the frame: patches the row count and the frame length. */
  finish(): void {
    if (this.countMark < 0) throw new CharybdisError(CQL_ENCODE, 'finish without beginRows');
    if (this.cellsInRow !== 0) {
      this.abort();
      throw new CharybdisError(CQL_ENCODE, `the last row has ${this.cellsInRow} of ${this.columnCount} cells`);
    }
    this.w.patchInt(this.countMark, this.rows);
    this.countMark = -1;
    this.w.endFrame();
  }

  /** Abandons the result being written (its bytes are dropped from the writer). */
  abort(): void {
    this.countMark = -1;
    this.w.abortFrame();
  }
}
