import { nativeType } from '@charybdis/schema';
import type { BindMarkerInfo } from '../parser/ast-common';
import type { BatchStatement } from '../parser/ast-dml';
import type { BoundVariable, ExecutionContext, PreparedStatement, StatementResult } from '../execution/execution-types';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm } from '../terms/term-types';
import type { TermScope } from '../terms/term-scope';
import { prepareTerm } from '../terms/prepare-term';
import { invalidRequest } from '../terms/term-errors';
import { checkBatchSize } from './batch-size';
import { MAX_BATCH_STATEMENTS } from './modification-limits';
import { MutationCollector } from './mutation-collector';
import { prepareModificationWith } from './prepare-modification';
import type { PreparedModification } from './prepared-modification';

/**
 * BATCH: several modifications applied as one set of PartitionUpdates (updates of the
 * same partition merged into one) with one `mutateAll`.
 *
 * Two ways in, one execution:
 * - a BATCH statement text: `prepareBatch` → a PreparedStatement whose children share the
 *   statement's bound values;
 * - a protocol BATCH message mixing query strings and prepared ids: the query processor
 *   prepares (or looks up) each child with prepareModification and calls
 *   `executeBatch(entries, type, ctx)` with each child's own values; the message's
 *   timestamp is `ctx.options.timestampUs` (the client default).
 *
 * LOGGED and UNLOGGED are applied alike: there is no batchlog yet, so a logged batch
 * spanning several partitions is not atomic across shard failures (single-node: all
 * updates go in one mutateAll call). Rules as Cassandra's BatchStatement: a COUNTER batch
 * holds only counter statements and other batches none; USING TIMESTAMP on the batch
 * excludes it on the children; no TTL on the batch. A batch over several partitions
 * estimated above BATCH_SIZE_FAIL_THRESHOLD_BYTES is refused (batch-size.ts).
 */
export type BatchType = BatchStatement['type'];

/** One statement of a batch with the values it is executed with. */
export interface BatchEntry {
  readonly statement: PreparedModification;
  readonly values: readonly WireValue[];
}

/** Checks the statement kinds a batch of `type` may hold. */
export function checkBatchStatements(statements: readonly PreparedModification[], type: BatchType, batchHasTimestamp: boolean): void {
  if (statements.length > MAX_BATCH_STATEMENTS) throw invalidRequest(`Too many statements in batch: ${statements.length}, maximum ${MAX_BATCH_STATEMENTS}`);
  const counters = statements.some((s) => s.isCounter);
  const others = statements.some((s) => !s.isCounter);
  if (type === 'counter' && others) throw invalidRequest('Cannot include non-counter statement in a counter batch');
  if (type === 'logged' && counters) throw invalidRequest('Cannot include a counter statement in a logged batch');
  if (counters && others) throw invalidRequest('Counter and non-counter mutations cannot exist in the same batch');
  if (batchHasTimestamp && statements.some((s) => s.hasTimestamp)) throw invalidRequest('Timestamp must be set either on BATCH or individual statements');
}

/**
 * Executes a batch: each entry's writes with its own values, merged per partition, then
 * one `mutateAll` (counters under their locks). `batchTimestampUs`: the BATCH's USING
 * TIMESTAMP, if any (a protocol batch has none: its timestamp is the context's default).
 */
export async function executeBatch(entries: readonly BatchEntry[], type: BatchType, ctx: ExecutionContext, batchTimestampUs?: bigint): Promise<StatementResult> {
  checkBatchStatements(
    entries.map((e) => e.statement),
    type,
    batchTimestampUs !== undefined,
  );
  const collector = new MutationCollector();
  for (const e of entries) await e.statement.collect(ctx, e.values, collector, batchTimestampUs);
  if (entries.length > 0) await collector.apply(ctx, entries[0]!.statement.counterState(ctx), ctx.options.nowInSeconds ?? Math.floor(ctx.nowMs / 1000), checkBatchSize);
  return { kind: 'void' };
}

/** A prepared BATCH statement text. */
export class PreparedBatch implements PreparedStatement {
  readonly statementKind = 'batch' as const;
  readonly partitionKeyBindIndexes: readonly number[] = [];
  readonly resultColumns = null;
  readonly keyspace: string | null;
  readonly table: string | null;

  constructor(
    readonly type: BatchType,
    readonly statements: readonly PreparedModification[],
    private readonly timestamp: PreparedTerm | undefined,
    readonly boundVariables: readonly BoundVariable[],
  ) {
    this.keyspace = statements[0]?.keyspace ?? null;
    this.table = statements[0]?.table ?? null;
  }

  async execute(ctx: ExecutionContext): Promise<StatementResult> {
    const values = ctx.options.values;
    let ts: bigint | undefined;
    if (this.timestamp !== undefined) {
      const v = this.timestamp.bind(values, ctx.nowMs);
      if (v === null) throw invalidRequest('Invalid null value of timestamp');
      if (v !== 'unset') ts = Buffer.from(v.buffer, v.byteOffset, v.byteLength).readBigInt64BE(0);
    }
    return executeBatch(
      this.statements.map((statement) => ({ statement, values })),
      this.type,
      ctx,
      ts,
    );
  }
}

/** Prepares a BATCH statement text (its children see the batch's bound values). */
export function prepareBatch(statement: BatchStatement, scope: TermScope, boundMarkers: readonly BindMarkerInfo[]): PreparedBatch {
  if (statement.using.ttl !== undefined) throw invalidRequest('Global TTL on the BATCH statement is not supported.');
  const count = boundMarkers.length;
  const children = statement.statements.map((s) => prepareModificationWith(s, scope, count, false));
  const timestamp =
    statement.using.timestamp === undefined
      ? undefined
      : prepareTerm(statement.using.timestamp, { keyspace: children[0]?.keyspace ?? '', table: children[0]?.table ?? '', name: '[timestamp]', type: nativeType('bigint') }, scope);
  checkBatchStatements(children, statement.type, timestamp !== undefined);
  const vars: BoundVariable[] = new Array<BoundVariable>(count);
  for (const c of children) c.boundVariables.forEach((v, i) => (vars[i] ??= v));
  for (const m of timestamp?.markers ?? []) vars[m.index] = m.receiver;
  for (let i = 0; i < count; i++) if (vars[i] === undefined) throw invalidRequest(`Bind marker ${i} has no receiver in this statement`);
  return new PreparedBatch(statement.type, children, timestamp, vars);
}
