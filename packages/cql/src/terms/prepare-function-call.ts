import { cqlTypeToString } from '@charybdis/schema';
import type { FunctionCallTerm, Term } from '../parser/ast-common';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm, TermReceiver, TermValue } from './term-types';
import type { TermScope } from './term-scope';
import { scalarFunctionOverloads } from './scalar-functions';
import type { ScalarFunction } from './scalar-functions';
import { invalidRequest } from './term-errors';
import { termMayAssign, valueCompatible } from './term-type-rules';

type PrepareTerm = (term: Term, receiver: TermReceiver, scope: TermScope) => PreparedTerm;

/** `f(args)` as a term: the arguments are bound, then the function runs (once at prepare time when it is pure and they are constant). */
class FunctionTerm implements PreparedTerm {
  readonly markers: PreparedTerm['markers'];
  readonly constant = false;
  constructor(readonly receiver: TermReceiver, private readonly fn: ScalarFunction, private readonly args: readonly PreparedTerm[]) {
    this.markers = args.flatMap((a) => a.markers);
  }
  bind(values: readonly WireValue[], nowMs: number): TermValue {
    const bound: (Uint8Array | null)[] = new Array<Uint8Array | null>(this.args.length);
    for (let i = 0; i < this.args.length; i++) {
      const v = this.args[i]!.bind(values, nowMs);
      if (v === 'unset') throw invalidRequest(`Invalid unset value for argument in call to function ${this.fn.name}`);
      bound[i] = v;
    }
    return this.fn.execute(bound, nowMs);
  }
}

/** A function result computed once. */
class FoldedTerm implements PreparedTerm {
  readonly markers: PreparedTerm['markers'] = [];
  readonly constant = true;
  constructor(readonly receiver: TermReceiver, private readonly value: TermValue) {}
  bind(): TermValue {
    return this.value;
  }
}

function signature(f: ScalarFunction): string {
  return `system.${f.name} : (${f.argTypes.map((t) => cqlTypeToString(t)).join(', ')}) -> ${cqlTypeToString(f.returnType)}`;
}

/** Picks the overload of `call` its arguments fit (Cassandra's FunctionResolver): exactly one must fit. */
function resolve(call: FunctionCallTerm, scope: TermScope): ScalarFunction {
  const { keyspace, name } = call.name;
  if (name === 'token') throw invalidRequest('Invalid call to function token: token() can only be used on the partition key of a WHERE clause or in a selection');
  const overloads = keyspace === undefined || keyspace === 'system' ? scalarFunctionOverloads(name) : [];
  if (overloads.length === 0) throw invalidRequest(`Unknown function ${keyspace === undefined ? '' : `${keyspace}.`}${name} called`);
  const fits = overloads.filter((f) => f.argTypes.length === call.args.length && f.argTypes.every((t, i) => termMayAssign(call.args[i]!, t, scope)));
  if (fits.length === 0) {
    throw invalidRequest(`Invalid call to function ${name}, none of its type signatures match (known type signatures: ${overloads.map(signature).join(', ')})`);
  }
  if (fits.length > 1) {
    throw invalidRequest(`Ambiguous call to function ${name} (can be matched by following signatures: ${fits.map(signature).join(', ')}): use type casts to disambiguate`);
  }
  return fits[0]!;
}

/** Prepares a function call assigned to `receiver`; its result type must fit the receiver. */
export function prepareFunctionCall(call: FunctionCallTerm, receiver: TermReceiver, scope: TermScope, prepareTerm: PrepareTerm): PreparedTerm {
  const fn = resolve(call, scope);
  if (!valueCompatible(receiver.type, fn.returnType)) {
    throw invalidRequest(
      `Type error: cannot assign result of function system.${fn.name} (type ${cqlTypeToString(fn.returnType)}) to ${receiver.name} (type ${cqlTypeToString(receiver.type)})`,
    );
  }
  const args = call.args.map((a, i) =>
    prepareTerm(a, { keyspace: receiver.keyspace, table: receiver.table, name: `arg${i}(system.${fn.name})`, type: fn.argTypes[i]! }, scope),
  );
  const term = new FunctionTerm(receiver, fn, args);
  return fn.pure && args.every((a) => a.constant) ? new FoldedTerm(receiver, term.bind([], 0)) : term;
}
