import { cqlTypeToString, nativeType } from '@charybdis/schema';
import type { FunctionCallTerm, Term } from '../parser/ast-common';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm, TermReceiver, TermValue } from './term-types';
import type { TermScope } from './term-scope';
import { scalarFunctionOverloads } from './scalar-functions';
import type { ScalarFunction } from './scalar-functions';
import { jsonValueBytes, parseJson } from '../modification/json-values';
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

/**
 * `fromJson(text)`: the JSON document converted to the receiver's type, as INSERT JSON
 * converts a column's value (Cassandra's FromJsonFct, one per receiver type). A null
 * argument gives null; JSON null gives null.
 */
class FromJsonTerm implements PreparedTerm {
  readonly markers: PreparedTerm['markers'];
  readonly constant: boolean;
  constructor(readonly receiver: TermReceiver, private readonly arg: PreparedTerm) {
    this.markers = arg.markers;
    this.constant = arg.constant;
  }
  bind(values: readonly WireValue[], nowMs: number): TermValue {
    const v = this.arg.bind(values, nowMs);
    if (v === 'unset') throw invalidRequest('Invalid unset value for argument in call to function fromjson');
    if (v === null) return null;
    const text = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
    return jsonValueBytes(parseJson(text), this.receiver);
  }
}

function prepareFromJson(call: FunctionCallTerm, receiver: TermReceiver, scope: TermScope, prepareTerm: PrepareTerm): PreparedTerm {
  if (call.args.length !== 1) throw invalidRequest(`fromJson() accepts only one argument (${call.args.length} given)`);
  const arg = prepareTerm(call.args[0]!, { keyspace: receiver.keyspace, table: receiver.table, name: 'arg0(system.fromjson)', type: nativeType('text') }, scope);
  const term = new FromJsonTerm(receiver, arg);
  return term.constant ? new FoldedTerm(receiver, term.bind([], 0)) : term;
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
  if (call.name.name === 'fromjson' && (call.name.keyspace === undefined || call.name.keyspace === 'system')) {
    return prepareFromJson(call, receiver, scope, prepareTerm);
  }
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
