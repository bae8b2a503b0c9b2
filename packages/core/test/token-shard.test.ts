import { MAX_SHARD_COUNT, shardOf, shardOfHalves } from '../src/sharding';
import { ErrorCodes } from '../src/util';

/** The `code` of what `fn` throws, or undefined if it does not throw. */
function thrownCode(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return undefined;
}

/** splitmix64 over BigInt: seeded, so every run checks the same tokens. */
function tokenGenerator(seed: bigint): () => bigint {
  let state = seed;
  return () => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return BigInt.asIntN(64, z ^ (z >> 31n));
  };
}

/** The token as DataView.getInt32/getUint32 read its big-endian bytes. */
function halves(token: bigint): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigInt64(0, token);
  return [view.getInt32(0), view.getUint32(4)];
}

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const EDGE_TOKENS = [MIN, MIN + 1n, -1n, 0n, 1n, MAX - 1n, MAX, -(2n ** 62n), 2n ** 62n, 2n ** 32n - 1n, -(2n ** 32n)];

describe('shardOf: known values from ScyllaDB and its drivers', () => {
  // scylladb/gocql, scylla_tokens_test.go (scyllaShardOfTests; added in commit c3c2dd592af5,
  // read at 3703808ca4f2): 10,000 token → shard pairs for nrShards 4, msbIgnore 12. A spread
  // sample: the first entry, every 400th, and the last. scylla-rust-driver's
  // routing/sharding.rs test_shard_of checks the first and last of them too.
  const gocql: Array<[bigint, number]> = [
    [-9219783007514621794n, 3], [-8498559063575674910n, 3], [-7773872054281516820n, 3],
    [-7022837130142310158n, 2], [-6268834376601993570n, 0], [-5512440634747795171n, 3],
    [-4773429019313660707n, 0], [-4004470591263374033n, 3], [-3226228805335983411n, 2],
    [-2554375420730259082n, 3], [-1856181385788934415n, 3], [-1116663361230920869n, 0],
    [-371766073836396390n, 1], [319631962641262886n, 3], [1062065604962796920n, 3],
    [1840847394184144433n, 3], [2549750940817655706n, 0], [3266946485108558087n, 1],
    [4014570779590664441n, 1], [4726308198697736594n, 1], [5411430830797636639n, 2],
    [6213760582930620451n, 2], [6977247307767273835n, 1], [7686157800065484724n, 2],
    [8421156346043822582n, 3], [9222582454147032830n, 3],
  ];

  test.each(gocql)('gocql vector: token %p → shard %p (4 shards, ignore msb 12)', (token, shard) => {
    expect(shardOf(token, 4, 12)).toBe(shard);
    expect(shardOf(token, 4)).toBe(shard); // 12 is the default
    expect(shardOfHalves(...halves(token), 4, 12)).toBe(shard);
  });

  // scylladb/python-driver, tests/unit/test_shard_aware.py (read at 76430785a2c9),
  // test_parsing_and_calculating_shard_id: SCYLLA_NR_SHARDS 12, SCYLLA_SHARDING_IGNORE_MSB
  // 12, shard of Murmur3Token.from_key(key). The tokens of those keys were computed with
  // cassandra-driver 4.10's Murmur3Tokenizer (a different implementation than ours).
  const pythonDriver: Array<[string, bigint, number]> = [
    ['a', -8839064797231613815n, 4],
    ['b', 8833996863197925870n, 6],
    ['c', -8198557465434950441n, 6],
    ['e', -4200008757497435756n, 4],
    ['100000', 2739050094959918959n, 2],
  ];

  test.each(pythonDriver)('python-driver vector: key %p (token %p) → shard %p (12 shards, ignore msb 12)', (_key, token, shard) => {
    expect(shardOf(token, 12, 12)).toBe(shard);
    expect(shardOfHalves(...halves(token), 12, 12)).toBe(shard);
  });

  // scylladb/scylladb, test/boost/partitioner_test.cc (read at 01e3307ca59c),
  // test_murmur3_sharding and test_murmur3_sharding_with_ignorebits: for each sharder, the
  // first token of each of the (shards << ignorebits) token ranges. Token limit[i] belongs
  // to shard i % shards and the token just before it to shard (i - 1) % shards.
  const boundaries: Array<{ shards: number; ignoreMsb: number; limits: bigint[] }> = [
    {
      shards: 7, ignoreMsb: 0, limits: [
        -9223372036854775807n, -6588122883467697006n + 1n, -3952873730080618204n + 1n,
        -1317624576693539402n + 1n, 1317624576693539401n + 1n, 3952873730080618203n + 1n,
        6588122883467697005n + 1n,
      ],
    },
    { shards: 2, ignoreMsb: 0, limits: [-9223372036854775807n, 0n] },
    { shards: 1, ignoreMsb: 0, limits: [-9223372036854775807n] },
    {
      shards: 7, ignoreMsb: 2, limits: [
        -9223372036854775807n,
        -8564559748508006107n, -7905747460161236406n, -7246935171814466706n, -6588122883467697005n,
        -5929310595120927305n, -5270498306774157604n, -4611686018427387904n, -3952873730080618203n,
        -3294061441733848502n, -2635249153387078802n, -1976436865040309101n, -1317624576693539401n,
        -658812288346769700n, 0n, 658812288346769701n, 1317624576693539402n, 1976436865040309102n,
        2635249153387078803n, 3294061441733848503n, 3952873730080618204n, 4611686018427387904n,
        5270498306774157605n, 5929310595120927306n, 6588122883467697006n, 7246935171814466707n,
        7905747460161236407n, 8564559748508006108n,
      ],
    },
    {
      shards: 2, ignoreMsb: 4, limits: [
        -9223372036854775807n,
        -8646911284551352320n, -8070450532247928832n, -7493989779944505344n, -6917529027641081856n,
        -6341068275337658368n, -5764607523034234880n, -5188146770730811392n, -4611686018427387904n,
        -4035225266123964416n, -3458764513820540928n, -2882303761517117440n, -2305843009213693952n,
        -1729382256910270464n, -1152921504606846976n, -576460752303423488n, 0n, 576460752303423488n,
        1152921504606846976n, 1729382256910270464n, 2305843009213693952n, 2882303761517117440n,
        3458764513820540928n, 4035225266123964416n, 4611686018427387904n, 5188146770730811392n,
        5764607523034234880n, 6341068275337658368n, 6917529027641081856n, 7493989779944505344n,
        8070450532247928832n, 8646911284551352320n,
      ],
    },
  ];

  test.each(boundaries)('ScyllaDB shard boundaries: $shards shards, ignore msb $ignoreMsb', ({ shards, ignoreMsb, limits }) => {
    expect(limits).toHaveLength(shards << ignoreMsb);
    limits.forEach((limit, i) => {
      expect(shardOf(limit, shards, ignoreMsb)).toBe(i % shards);
      expect(shardOfHalves(...halves(limit), shards, ignoreMsb)).toBe(i % shards);
      if (i > 0) {
        expect(shardOf(limit - 1n, shards, ignoreMsb)).toBe((i - 1) % shards);
        expect(shardOfHalves(...halves(limit - 1n), shards, ignoreMsb)).toBe((i - 1) % shards);
      }
    });
  });
});

describe('shardOf: properties', () => {
  const shardCounts = [1, 2, 3, 7, 8, 12, 64, 255, 1000, MAX_SHARD_COUNT];
  const ignoreMsbs = [0, 1, 4, 12, 31, 32, 33, 50, 63];

  test('always in [0, shardCount); one shard owns everything', () => {
    const next = tokenGenerator(1n);
    const tokens = [...EDGE_TOKENS, ...Array.from({ length: 500 }, next)];
    for (const n of shardCounts) {
      for (const msb of ignoreMsbs) {
        for (const token of tokens) {
          const shard = shardOf(token, n, msb);
          expect(Number.isInteger(shard) && shard >= 0 && shard < n).toBe(true);
          if (n === 1) expect(shard).toBe(0);
        }
      }
    }
  });

  test('non-decreasing in the token within one ignore-msb cycle', () => {
    const next = tokenGenerator(2n);
    for (const msb of [0, 1, 4, 12]) {
      for (const n of [3, 7, 16, 1000]) {
        // Tokens sharing their top `msb` unbiased bits form one cycle around the shards.
        const cyclePrefix = BigInt.asUintN(64, next() + 2n ** 63n) >> BigInt(64 - msb);
        const cycleStart = (msb === 0 ? 0n : cyclePrefix << BigInt(64 - msb)) - 2n ** 63n;
        const cycleLength = 2n ** BigInt(64 - msb);
        const tokens = Array.from({ length: 300 }, () => cycleStart + BigInt.asUintN(64 - msb, next()));
        tokens.push(cycleStart, cycleStart + cycleLength - 1n);
        tokens.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const shards = tokens.map((t) => shardOf(t, n, msb));
        for (let i = 1; i < shards.length; i++) expect(shards[i]).toBeGreaterThanOrEqual(shards[i - 1] as number);
        expect(shards[0]).toBe(0);
        expect(shards[shards.length - 1]).toBe(n - 1);
      }
    }
  });

  test('roughly uniform over random tokens', () => {
    const next = tokenGenerator(3n);
    const n = 7;
    const counts = new Array<number>(n).fill(0);
    const samples = 70_000;
    for (let i = 0; i < samples; i++) {
      const shard = shardOf(next(), n, 12);
      counts[shard] = (counts[shard] as number) + 1;
    }
    // Each shard's share within 5% of 1/n: about 7 standard deviations for this sample size.
    for (const count of counts) expect(Math.abs(count - samples / n)).toBeLessThan((samples / n) * 0.05);
  });

  test('shardOfHalves equals the BigInt reference on many random tokens', () => {
    const next = tokenGenerator(4n);
    const tokens = [...EDGE_TOKENS, ...Array.from({ length: 3000 }, next)];
    let mismatches = 0;
    for (const n of shardCounts) {
      for (const msb of ignoreMsbs) {
        for (const token of tokens) {
          const [high, low] = halves(token);
          const expected = shardOf(token, n, msb);
          if (shardOfHalves(high, low, n, msb) !== expected) mismatches++;
          // Either signedness of a half carries the same 32 bits.
          if (shardOfHalves(high >>> 0, low | 0, n, msb) !== expected) mismatches++;
        }
      }
    }
    expect(mismatches).toBe(0);
  });

  test('rejects arguments outside their domain with INVALID_ARGUMENT', () => {
    for (const n of [0, -1, 1.5, Number.NaN, MAX_SHARD_COUNT + 1]) {
      expect(thrownCode(() => shardOf(0n, n))).toBe(ErrorCodes.INVALID_ARGUMENT);
      expect(thrownCode(() => shardOfHalves(0, 0, n))).toBe(ErrorCodes.INVALID_ARGUMENT);
    }
    for (const msb of [-1, 64, 2.5, Number.NaN]) {
      expect(thrownCode(() => shardOf(0n, 4, msb))).toBe(ErrorCodes.INVALID_ARGUMENT);
      expect(thrownCode(() => shardOfHalves(0, 0, 4, msb))).toBe(ErrorCodes.INVALID_ARGUMENT);
    }
    expect(thrownCode(() => shardOf(2n ** 63n, 4))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(thrownCode(() => shardOf(-(2n ** 63n) - 1n, 4))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(thrownCode(() => shardOfHalves(2 ** 32, 0, 4))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(thrownCode(() => shardOfHalves(0, -(2 ** 31) - 1, 4))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(thrownCode(() => shardOfHalves(0.5, 0, 4))).toBe(ErrorCodes.INVALID_ARGUMENT);
  });
});
