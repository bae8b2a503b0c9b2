import { errors, types } from 'cassandra-driver';
import { isBalanced } from '../src/connect';
import { errorKindOf } from '../src/cql-workload';

test('error kinds: protocol errors by name, driver errors by class, a single host behind NoHostAvailable unwrapped', () => {
  expect(errorKindOf(new errors.ResponseError(types.responseErrorCodes.writeTimeout, 'timed out'))).toBe('writeTimeout');
  expect(errorKindOf(new errors.ResponseError(types.responseErrorCodes.overloaded, 'busy'))).toBe('overloaded');
  expect(errorKindOf(new errors.ResponseError(0x7777, '?'))).toBe('error_0x7777');
  expect(errorKindOf(new errors.OperationTimedOutError('no answer', '127.0.0.1:9042'))).toBe('OperationTimedOutError');
  const one = new errors.NoHostAvailableError({ '127.0.0.1:9042': new errors.ResponseError(types.responseErrorCodes.unavailableException, 'x') });
  expect(errorKindOf(one)).toBe('unavailableException');
  const two = new errors.NoHostAvailableError({ a: new Error('x'), b: new Error('y') });
  expect(errorKindOf(two)).toBe('NoHostAvailableError');
  expect(errorKindOf('a string')).toBe('unknown');
});

test('connections are balanced when shard counts differ by at most one', () => {
  expect(isBalanced({ shards: [0, 1], shardCount: 2 })).toBe(true);
  expect(isBalanced({ shards: [1, 1], shardCount: 2 })).toBe(false);
  expect(isBalanced({ shards: [0], shardCount: 2 })).toBe(true);
  expect(isBalanced({ shards: [0, 0, 1], shardCount: 2 })).toBe(true);
  expect(isBalanced({ shards: [2, 2, 0], shardCount: 4 })).toBe(false);
});
