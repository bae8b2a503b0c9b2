import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';
import { checkShardingArgs } from './check-sharding-args';
import { DEFAULT_SHARDING_IGNORE_MSB } from './shard-of';

const TWO_POW_32 = 0x1_0000_0000;

/**
 * `shardOf` without BigInt, for the request path: the token is given as its high and low
 * 32-bit halves (as a Murmur3 implementation on 32-bit words, or
 * `DataView.getInt32/getUint32` on the big-endian token bytes, produces them). Each half
 * may be given signed or unsigned; only its 32 bits matter.
 *
 * Exact with doubles: after the unbias and shift, the 64-bit value is H·2^32 + L with H,
 * L < 2^32, and shardCount < 2^16, so L·n and H·n stay below 2^48 and
 * floor((floor(L·n / 2^32) + H·n) / 2^32) — the high 64 bits of the 128-bit product, as
 * the Python driver and gocql compute it — never leaves the 2^53 range where every integer
 * is exact. Tested equal to `shardOf` on many random tokens.
 */
export function shardOfHalves(
  tokenHigh: number,
  tokenLow: number,
  shardCount: number,
  shardingIgnoreMsb = DEFAULT_SHARDING_IGNORE_MSB,
): number {
  checkShardingArgs(shardCount, shardingIgnoreMsb);
  if (!isWord(tokenHigh) || !isWord(tokenLow)) {
    throw new CharybdisError(
      ErrorCodes.INVALID_ARGUMENT,
      `token halves must be 32-bit integers, got ${String(tokenHigh)}, ${String(tokenLow)}`,
    );
  }
  // Unbias: adding 2^63 modulo 2^64 flips the top bit of the high word.
  const high = (tokenHigh ^ 0x8000_0000) >>> 0;
  const low = tokenLow >>> 0;
  let h: number;
  let l: number;
  if (shardingIgnoreMsb === 0) {
    h = high;
    l = low;
  } else if (shardingIgnoreMsb < 32) {
    h = ((high << shardingIgnoreMsb) | (low >>> (32 - shardingIgnoreMsb))) >>> 0;
    l = (low << shardingIgnoreMsb) >>> 0;
  } else {
    h = (low << (shardingIgnoreMsb - 32)) >>> 0;
    l = 0;
  }
  const carry = Math.floor((l * shardCount) / TWO_POW_32);
  return Math.floor((carry + h * shardCount) / TWO_POW_32);
}

/** An integer whose 32-bit pattern is meant: signed [-2^31, 2^31) or unsigned [0, 2^32). */
function isWord(value: number): boolean {
  return Number.isInteger(value) && value >= -0x8000_0000 && value < TWO_POW_32;
}
