import { CharybdisError } from '@charybdis/core';
import type { PreparedStatement } from '../execution/execution-types';
import { ExecutionErrorCodes } from '../execution/execution-types';
import { PreparedModification, executeBatch, prepareBatch, prepareModification } from '../modification';
import { prepareSelect } from '../select';
import type { StatementPreparers } from './statement-preparers';

function asModification(statement: PreparedStatement): PreparedModification {
  // Prepared statements never leave their shard, so the class check is safe here.
  if (!(statement instanceof PreparedModification)) {
    throw new CharybdisError(ExecutionErrorCodes.INVALID, 'Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.');
  }
  return statement;
}

/** The real DML preparers: SELECT from src/select, INSERT/UPDATE/DELETE and batches from src/modification. */
export function createStatementPreparers(): StatementPreparers {
  return {
    prepareSelect: (statement, scope, markers) => prepareSelect(statement, scope, markers),
    prepareModification,
    prepareBatch,
    executeBatch: (children, type, ctx) =>
      executeBatch(
        children.map((c) => ({ statement: asModification(c.statement), values: c.values })),
        type,
        ctx,
      ),
  };
}
