import { codecFor, murmur3Token, nativeType } from '@charybdis/schema';
import type { FunctionCallTerm, Term } from '../parser/ast-common';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm, TermReceiver, TermValue } from '../terms/term-types';
import type { TermScope } from '../terms';
import { invalidRequest } from './select-errors';
import type { SelectTermPreparer } from './select-term-preparer';
import { serializePartitionKey } from './select-table';
import type { SelectTable } from './select-table';

const BIGINT = codecFor(nativeType('bigint'));

/** True for `token(…)` / `system.token(…)` written as a value. */
export function isTokenCall(term: Term): term is FunctionCallTerm {
  return term.kind === 'functionCall' && term.name.name.toLowerCase() === 'token' && (term.name.keyspace === undefined || term.name.keyspace === 'system');
}

/** `token(v1, …)` on the right of a token relation: the token of the partition key made of the values. */
class TokenTerm implements PreparedTerm {
  readonly markers: PreparedTerm['markers'];
  readonly constant: boolean;
  constructor(readonly receiver: TermReceiver, private readonly args: readonly PreparedTerm[]) {
    this.markers = args.flatMap((a) => a.markers);
    this.constant = args.every((a) => a.constant);
  }
  bind(values: readonly WireValue[], nowMs: number): TermValue {
    const parts: Uint8Array[] = [];
    for (const a of this.args) {
      const v = a.bind(values, nowMs);
      if (v === 'unset') throw invalidRequest('Invalid unset value for argument in call to function token');
      if (v === null) throw invalidRequest('Invalid null value for argument in call to function token');
      parts.push(v);
    }
    return BIGINT.serialize(murmur3Token(serializePartitionKey(parts)));
  }
}

/** Prepares `token(…)` as a value of type bigint: one argument per partition key column, of its type. */
export function prepareTokenTerm(call: FunctionCallTerm, receiver: TermReceiver, table: SelectTable, scope: TermScope, terms: SelectTermPreparer): PreparedTerm {
  const pk = table.partitionKey;
  if (call.args.length !== pk.length) {
    throw invalidRequest(`Invalid number of arguments in call to function system.token: ${pk.length} required but ${call.args.length} provided`);
  }
  const args = call.args.map((a, i) => terms.prepareTerm(a, { keyspace: table.keyspace, table: table.name, name: `arg${i}(system.token)`, type: pk[i]!.type }, scope));
  const term = new TokenTerm(receiver, args);
  if (!term.constant) return term;
  const value = term.bind([], 0);
  return { receiver, markers: [], constant: true, bind: () => value };
}
