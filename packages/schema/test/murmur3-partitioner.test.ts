import { randomBytes } from 'node:crypto';
import { Murmur3Tokenizer } from 'cassandra-driver/lib/tokenizer';
import { MURMUR3_MIN_TOKEN, murmur3Hash64, murmur3Token } from '../src';

/** The Node driver's token (what its token-aware routing uses), as a signed 64-bit BigInt. */
function driverHash(key: Buffer): bigint {
  const tokenizer = new Murmur3Tokenizer();
  const words = (tokenizer.hash(key) as { _value: { _arr: number[] } })._value._arr;
  return BigInt.asIntN(64, words.reduce((acc, w, i) => acc | (BigInt(w) << BigInt(16 * i)), 0n));
}

function intKey(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

describe('Murmur3 partitioner', () => {
  test('known Cassandra tokens', () => {
    // SELECT token(k) FROM t WHERE k = 1 (k int) in Cassandra and ScyllaDB.
    expect(murmur3Token(intKey(1))).toBe(-4069959284402364209n);
    expect(murmur3Token(intKey(1))).toBe(driverHash(intKey(1)));
  });

  test('the empty key has the minimum token', () => {
    expect(murmur3Token(new Uint8Array(0))).toBe(MURMUR3_MIN_TOKEN);
  });

  test('bit-exact with cassandra-driver on every key length 1..80, including high tail bytes', () => {
    for (let len = 1; len <= 80; len++) {
      for (const key of [randomBytes(len), Buffer.alloc(len, 0xff), Buffer.alloc(len, 0x80), Buffer.alloc(len, 0x7f)]) {
        expect([len, key.toString('hex'), murmur3Hash64(key)]).toEqual([len, key.toString('hex'), driverHash(key)]);
      }
    }
  });

  test('works on a view into a larger buffer', () => {
    const big = randomBytes(100);
    const view = big.subarray(7, 40);
    expect(murmur3Token(view)).toBe(driverHash(Buffer.from(view)));
  });
});
