import type { ExecutionContext, PreparedStatement, StatementResult } from '../execution/execution-types';
import type { BindMarkerInfo } from '../parser/ast-common';
import type { BatchStatement, ModificationStatement, SelectStatement } from '../parser/ast-dml';
import type { WireValue } from '../protocol/frame-reader';
import type { TermScope } from '../terms/term-scope';

/** One statement of a protocol BATCH with its own values. */
export interface BatchChild {
  readonly statement: PreparedStatement;
  readonly values: readonly WireValue[];
}

/** The batch types of the protocol (0 logged, 1 unlogged, 2 counter). */
export type BatchType = 'logged' | 'unlogged' | 'counter';

/**
 * How the query processor prepares DML: SELECT (src/select) and modifications and batches
 * (src/modification). Passed in by the composition root (createStatementPreparers gives
 * the real ones), so the processor is tested with doubles and owns no DML semantics.
 */
export interface StatementPreparers {
  prepareSelect(statement: SelectStatement, scope: TermScope, boundMarkers: readonly BindMarkerInfo[]): PreparedStatement;
  prepareModification(statement: ModificationStatement, scope: TermScope, boundMarkers: readonly BindMarkerInfo[]): PreparedStatement;
  /** A BATCH written as CQL text: one statement, the values shared by its children. */
  prepareBatch(statement: BatchStatement, scope: TermScope, boundMarkers: readonly BindMarkerInfo[]): PreparedStatement;
  /** A protocol BATCH: children prepared (or cached) one by one, each with its own values. */
  executeBatch(children: readonly BatchChild[], type: BatchType, ctx: ExecutionContext): Promise<StatementResult>;
}
