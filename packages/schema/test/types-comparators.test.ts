import {
  BOTTOM_BOUND,
  ClusteringComparator,
  TOP_BOUND,
  cellPathComparator,
  codecFor,
  listType,
  mapType,
  nativeType,
  reversedType,
  setType,
  tupleType,
  udtType,
} from '../src/types';
import type { ClusteringBound, CqlType, CqlValue, NativeTypeName } from '../src/types';

/** A small seeded PRNG (mulberry32), so every run sorts the same values. */
function prng(seed: number): { int(max: number): number; pick<T>(xs: readonly T[]): T; bigint(bits: number): bigint } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (max) => Math.floor(next() * max),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    bigint: (bits) => {
      let v = 0n;
      for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(next() * 65536));
      v &= (1n << BigInt(bits)) - 1n;
      return next() < 0.5 ? -v : v;
    },
  };
}

const n = (name: NativeTypeName): CqlType => nativeType(name);
const cmp = <T>(x: T, y: T): number => (x < y ? -1 : x > y ? 1 : 0);
const sgn = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

function codePoints(s: string): number[] {
  return Array.from(s, (c) => c.codePointAt(0)!);
}

function lexicographic<T>(xs: readonly T[], ys: readonly T[], compare: (x: T, y: T) => number): number {
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const c = compare(xs[i]!, ys[i]!);
    if (c !== 0) return c;
  }
  return cmp(xs.length, ys.length);
}

/** Java's Double.compare written independently: (NaN-ness, value, sign of zero). */
function javaDoubleOrder(x: number, y: number): number {
  const key = (v: number): [number, number, number] => [Number.isNaN(v) ? 1 : 0, Number.isNaN(v) ? 0 : v, Object.is(v, -0) ? 0 : 1];
  return lexicographic(key(x), key(y), cmp);
}

interface Case {
  readonly type: CqlType;
  readonly gen: (r: ReturnType<typeof prng>) => CqlValue;
  readonly order: (x: CqlValue, y: CqlValue) => number;
}

const TEXT_POOL = ['', 'a', 'b', 'ab', 'B', 'é', 'z', '\uffff', '😀', '\ue000', 'aa', '\u0000'];

const CASES: Record<string, Case> = {
  tinyint: { type: n('tinyint'), gen: (r) => r.int(256) - 128, order: (x, y) => cmp(x as number, y as number) },
  smallint: { type: n('smallint'), gen: (r) => r.int(65536) - 32768, order: (x, y) => cmp(x as number, y as number) },
  int: { type: n('int'), gen: (r) => r.int(2 ** 32) - 2 ** 31, order: (x, y) => cmp(x as number, y as number) },
  bigint: { type: n('bigint'), gen: (r) => r.bigint(63), order: (x, y) => cmp(x as bigint, y as bigint) },
  varint: { type: n('varint'), gen: (r) => r.bigint(r.int(200) + 1), order: (x, y) => cmp(x as bigint, y as bigint) },
  float: {
    type: n('float'),
    gen: (r) => r.pick([NaN, -0, 0, Infinity, -Infinity, Math.fround((r.int(2000) - 1000) / 7), Math.fround(r.int(100) * 1e30)]),
    order: (x, y) => javaDoubleOrder(x as number, y as number),
  },
  double: {
    type: n('double'),
    gen: (r) => r.pick([NaN, -0, 0, Infinity, -Infinity, (r.int(2000) - 1000) / 7, r.int(100) * 1e300, -Number.MIN_VALUE]),
    order: (x, y) => javaDoubleOrder(x as number, y as number),
  },
  decimal: {
    type: n('decimal'),
    gen: (r) => ({ unscaledValue: r.bigint(r.int(90) + 1), scale: r.int(40) - 20 }),
    order: (x, y) => {
      const a = x as { unscaledValue: bigint; scale: number };
      const b = y as { unscaledValue: bigint; scale: number };
      const s = Math.max(a.scale, b.scale);
      return cmp(a.unscaledValue * 10n ** BigInt(s - a.scale), b.unscaledValue * 10n ** BigInt(s - b.scale));
    },
  },
  text: { type: n('text'), gen: (r) => r.pick(TEXT_POOL) + r.pick(TEXT_POOL), order: (x, y) => lexicographic(codePoints(x as string), codePoints(y as string), cmp) },
  ascii: { type: n('ascii'), gen: (r) => String.fromCharCode(r.int(128), r.int(128)).slice(0, r.int(3)), order: (x, y) => cmp(x as string, y as string) },
  blob: { type: n('blob'), gen: (r) => Buffer.from(Array.from({ length: r.int(4) }, () => r.int(256))), order: (x, y) => Buffer.compare(x as Buffer, y as Buffer) },
  boolean: { type: n('boolean'), gen: (r) => r.int(2) === 1, order: (x, y) => cmp(Number(x), Number(y)) },
  date: { type: n('date'), gen: (r) => r.int(2 ** 32) - 2 ** 31, order: (x, y) => cmp(x as number, y as number) },
  time: { type: n('time'), gen: (r) => BigInt(r.int(86_400)) * 1_000_000_000n + BigInt(r.int(1e9)), order: (x, y) => cmp(x as bigint, y as bigint) },
  timestamp: { type: n('timestamp'), gen: (r) => new Date((r.int(2e6) - 1e6) * 1e6 + r.int(1e6)), order: (x, y) => cmp((x as Date).getTime(), (y as Date).getTime()) },
  'frozen<list<int>>': {
    type: listType(n('int'), true),
    gen: (r) => Array.from({ length: r.int(4) }, () => r.int(5) - 2),
    order: (x, y) => lexicographic(x as number[], y as number[], cmp),
  },
  'frozen<map<int, text>>': {
    type: mapType(n('int'), n('text'), true),
    gen: (r) => new Map(Array.from({ length: r.int(3) }, () => [r.int(4), r.pick(['a', 'b'])] as [number, string])),
    order: (x, y) => {
      const flat = (m: CqlValue): (number | string)[] =>
        [...(m as Map<number, string>).entries()].sort((p, q) => p[0] - q[0]).flatMap(([k, v]): (number | string)[] => [k, v]);
      // Entries compare key then value; then the smaller map first.
      const xs = flat(x);
      const ys = flat(y);
      for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
        const c = cmp(xs[i]!, ys[i]!);
        if (c !== 0) return c;
      }
      return cmp(xs.length, ys.length);
    },
  },
  'tuple<int, text>': {
    type: tupleType([n('int'), n('text')]),
    gen: (r) => [r.int(3) === 0 ? null : r.int(3), r.int(3) === 0 ? null : r.pick(['a', 'b', ''])],
    order: (x, y) =>
      lexicographic(x as (number | string | null)[], y as (number | string | null)[], (p, q) =>
        p === null || q === null ? (p === q ? 0 : p === null ? -1 : 1) : cmp(p, q),
      ),
  },
};

describe('comparators agree with the natural order of values', () => {
  test.each(Object.keys(CASES))('%s: sorting random encodings == sorting the values', (key) => {
    const { type, gen, order } = CASES[key]!;
    const codec = codecFor(type);
    const r = prng(key.length * 7919 + 17);
    const values = Array.from({ length: 300 }, () => gen(r));
    const encoded = values.map((v) => ({ v, bytes: codec.serialize(v) }));
    const byBytes = encoded.slice().sort((a, b) => codec.compare(a.bytes, b.bytes)).map((e) => e.bytes.toString('hex'));
    const byValue = encoded.slice().sort((a, b) => order(a.v, b.v)).map((e) => e.bytes.toString('hex'));
    expect(byBytes).toEqual(byValue);
    // Antisymmetry and consistency with the value order on every adjacent pair.
    for (let i = 0; i + 1 < encoded.length; i++) {
      const a = encoded[i]!;
      const b = encoded[i + 1]!;
      expect(sgn(codec.compare(a.bytes, b.bytes))).toBe(sgn(order(a.v, b.v)));
      expect(sgn(codec.compare(b.bytes, a.bytes))).toBe(sgn(-order(a.v, b.v)));
    }
  });

  test('reversed types invert the order and encode the same bytes', () => {
    const codec = codecFor(n('int'));
    const rev = codecFor(reversedType(n('int')));
    expect(rev.serialize(5)).toEqual(codec.serialize(5));
    const values = [5, -3, 0, 2147483647, -2147483648];
    const sorted = values.map((v) => rev.serialize(v)).sort((a, b) => rev.compare(a, b)).map((b) => rev.deserialize(b));
    expect(sorted).toEqual([2147483647, 5, 0, -3, -2147483648]);
    expect(reversedType(reversedType(n('int')))).toEqual(n('int'));
  });

  test('empty values sort first for every type that has them', () => {
    for (const name of ['int', 'bigint', 'varint', 'double', 'decimal', 'uuid', 'timeuuid', 'boolean', 'timestamp', 'inet'] as const) {
      const codec = codecFor(n(name));
      const smallest = name === 'boolean' ? false : undefined;
      const sample = smallest ?? CASES[name]?.gen(prng(1)) ?? (name === 'uuid' ? '00000000-0000-0000-0000-000000000000' : name === 'timeuuid' ? '00000000-0000-1000-8000-000000000000' : '0.0.0.0');
      expect([name, codec.compare(Buffer.alloc(0), codec.serialize(sample))]).toEqual([name, -1]);
      expect([name, codec.compare(Buffer.alloc(0), Buffer.alloc(0))]).toEqual([name, 0]);
    }
  });

  test('decimal: numerically equal values compare equal, whatever their scale; far scales do not blow up', () => {
    const codec = codecFor(n('decimal'));
    const d = (u: bigint, scale: number): Buffer => codec.serialize({ unscaledValue: u, scale });
    expect(codec.compare(d(10n, 1), d(100n, 2))).toBe(0);
    expect(codec.compare(d(1n, -2147483648), d(1n, 2147483647))).toBe(1);
    expect(codec.compare(d(-1n, -2147483648), d(1n, 2147483647))).toBe(-1);
    expect(codec.compare(d(-5n, 0), d(-50n, 1))).toBe(0);
    expect(codec.compare(d(-51n, 1), d(-5n, 0))).toBe(-1);
  });

  test('varint: redundant sign bytes compare equal to the minimal form', () => {
    const codec = codecFor(n('varint'));
    expect(codec.compare(Buffer.from('00ff', 'hex'), Buffer.from('00ff', 'hex'))).toBe(0);
    expect(codec.compare(Buffer.from('0001', 'hex'), Buffer.from('01', 'hex'))).toBe(0);
    expect(codec.compare(Buffer.from('ff', 'hex'), Buffer.from('ffff', 'hex'))).toBe(0);
  });

  test('boolean: any non-zero byte is true', () => {
    const codec = codecFor(n('boolean'));
    expect(codec.compare(Buffer.from([2]), Buffer.from([1]))).toBe(0);
    expect(codec.compare(Buffer.from([0]), Buffer.from([0x80]))).toBe(-1);
  });

  test('UDT: a value written before ALTER TYPE ADD equals the same value with the new field null or empty', () => {
    // {foo: 'foo'} written with one field, then the same with a second field null (-1) or empty.
    const field = (bytes: number[] | null): number[] => (bytes === null ? [0xff, 0xff, 0xff, 0xff] : [0, 0, 0, bytes.length, ...bytes]);
    const foo = [0x66, 0x6f, 0x6f];
    const oneField = Buffer.from(field(foo));
    const nullSecond = Buffer.from([...field(foo), ...field(null)]);
    const emptySecond = Buffer.from([...field(foo), ...field([])]);
    const valueSecond = Buffer.from([...field(foo), ...field([0x62])]);
    const codec = codecFor(udtType('ks', 'u', [{ name: 'foo', type: n('text') }, { name: 'bar', type: n('text') }]));
    expect(codec.compare(oneField, nullSecond)).toBe(0);
    expect(codec.compare(nullSecond, oneField)).toBe(0);
    expect(codec.compare(oneField, emptySecond)).toBe(0);
    expect(codec.compare(oneField, valueSecond)).toBe(-1);
    expect(codec.compare(valueSecond, oneField)).toBe(1);
  });
});

describe('uuid and timeuuid order (UUIDType, TimeUUIDType)', () => {
  // A version-1 UUID with the given 60-bit timestamp and low 8 bytes.
  function v1(timestamp: bigint, low: string): string {
    const hex = timestamp.toString(16).padStart(15, '0');
    return `${hex.slice(7)}-${hex.slice(3, 7)}-1${hex.slice(0, 3)}-${low.slice(0, 4)}-${low.slice(4)}`;
  }
  const uuid = codecFor(n('uuid'));
  const timeuuid = codecFor(n('timeuuid'));

  test('time-based UUIDs sort by timestamp, not by their byte order', () => {
    const r = prng(99);
    const stamps = Array.from({ length: 200 }, () => BigInt(r.int(2 ** 30)) * BigInt(r.int(2 ** 30)));
    for (const codec of [uuid, timeuuid]) {
      const sorted = stamps
        .map((ts) => ({ ts, bytes: codec.serialize(v1(ts, '8000a1b2c3d4e5f6')) }))
        .sort((a, b) => codec.compare(a.bytes, b.bytes))
        .map((e) => e.ts);
      expect(sorted).toEqual(stamps.slice().sort((a, b) => cmp(a, b)));
    }
  });

  test('equal timestamps: uuid compares the low bytes unsigned, timeuuid signed (CASSANDRA-8730)', () => {
    const a = v1(1000n, '0000000000000000');
    const b = v1(1000n, '8000000000000000');
    expect(uuid.compare(uuid.serialize(a), uuid.serialize(b))).toBe(-1);
    expect(timeuuid.compare(timeuuid.serialize(a), timeuuid.serialize(b))).toBe(1);
  });

  test('uuid: version first, then unsigned bytes for non-time UUIDs', () => {
    const ids = [
      'ffffffff-ffff-4fff-bfff-ffffffffffff',
      '00000000-0000-4000-8000-000000000000',
      '00000000-0000-0000-0000-000000000000',
      v1(5n, '0000000000000000'),
      'ffffffff-ffff-1fff-0000-000000000000',
      '80000000-0000-4000-8000-000000000000',
    ];
    const sorted = ids.map((s) => uuid.serialize(s)).sort((x, y) => uuid.compare(x, y)).map((b) => uuid.deserialize(b));
    expect(sorted).toEqual([
      '00000000-0000-0000-0000-000000000000',
      v1(5n, '0000000000000000'),
      'ffffffff-ffff-1fff-0000-000000000000',
      '00000000-0000-4000-8000-000000000000',
      '80000000-0000-4000-8000-000000000000',
      'ffffffff-ffff-4fff-bfff-ffffffffffff',
    ]);
  });
});

describe('inet order is byte order (InetAddressType is BYTE_ORDER)', () => {
  test('addresses compare by leading bytes, a shorter address first on a tie', () => {
    const codec = codecFor(n('inet'));
    const sorted = ['10.0.0.1', '9.0.0.1', '::1', '::ffff:9.0.0.1', '0.0.0.0', 'ff02::1', '10.0.0.0']
      .map((s) => codec.serialize(s))
      .sort((a, b) => codec.compare(a, b))
      .map((b) => codec.deserialize(b));
    expect(sorted).toEqual(['0.0.0.0', '::1', '::ffff:9.0.0.1', '9.0.0.1', '10.0.0.0', '10.0.0.1', 'ff02::1']);
  });
});

describe('ClusteringComparator', () => {
  const comparator = new ClusteringComparator([n('int'), reversedType(n('text'))]);
  const int = codecFor(n('int'));
  const text = codecFor(n('text'));
  const c = (i: number, s?: string): Buffer[] => (s === undefined ? [int.serialize(i)] : [int.serialize(i), text.serialize(s)]);
  const bound = (kind: ClusteringBound['kind'], prefix: Buffer[]): ClusteringBound => ({ kind, prefix });

  test('clusterings sort by the first column ascending, then the second descending', () => {
    const rows = [c(2, 'a'), c(1, 'a'), c(1, 'b'), c(-1, 'z'), c(2, 'b')];
    const sorted = rows.sort((a, b) => comparator.compare(a, b)).map(([i, s]) => [int.deserialize(i!), text.deserialize(s!)]);
    expect(sorted).toEqual([[-1, 'z'], [1, 'b'], [1, 'a'], [2, 'b'], [2, 'a']]);
  });

  test('a shorter prefix sorts before the clusterings it prefixes', () => {
    expect(comparator.compare(c(1), c(1, 'a'))).toBe(-1);
    expect(comparator.compare(c(1, 'a'), c(1))).toBe(1);
    expect(comparator.compare(c(1), c(0, 'z'))).toBe(1);
    expect(comparator.compare([], c(0))).toBe(-1);
  });

  test('bounds sit before or after the clusterings of their prefix by kind', () => {
    const row = c(1, 'm');
    expect(comparator.compareToBound(row, bound('inclStart', c(1)))).toBeGreaterThan(0);
    expect(comparator.compareToBound(row, bound('exclStart', c(1)))).toBeLessThan(0);
    expect(comparator.compareToBound(row, bound('inclEnd', c(1)))).toBeLessThan(0);
    expect(comparator.compareToBound(row, bound('exclEnd', c(1)))).toBeGreaterThan(0);
    expect(comparator.compareToBound(row, bound('inclStart', row))).toBeGreaterThan(0);
    expect(comparator.compareToBound(row, bound('exclStart', row))).toBeLessThan(0);
    expect(comparator.compareToBound(row, bound('inclEnd', row))).toBeLessThan(0);
    expect(comparator.compareToBound(row, bound('exclEnd', row))).toBeGreaterThan(0);
    expect(comparator.compareToBound(row, BOTTOM_BOUND)).toBeGreaterThan(0);
    expect(comparator.compareToBound(row, TOP_BOUND)).toBeLessThan(0);
  });

  test('slices: inclusive and exclusive ends, and DESC columns', () => {
    // c1 = 1 AND c2 > 'b' AND c2 <= 'y': on a DESC column, 'y' comes first.
    const start = bound('inclStart', c(1, 'y'));
    const end = bound('exclEnd', c(1, 'b'));
    const inside = ['y', 'x', 'c'].map((s) => comparator.sliceContains(start, end, c(1, s)));
    const outside = ['z', 'b', 'a'].map((s) => comparator.sliceContains(start, end, c(1, s)));
    expect(inside).toEqual([true, true, true]);
    expect(outside).toEqual([false, false, false]);
    expect(comparator.sliceContains(bound('exclStart', c(0)), bound('inclEnd', c(1)), c(1, 'q'))).toBe(true);
    expect(comparator.sliceContains(bound('exclStart', c(0)), bound('inclEnd', c(1)), c(0, 'q'))).toBe(false);
  });

  test('bound positions: the same side of the same prefix is the same position', () => {
    expect(comparator.compareBounds(bound('inclEnd', c(1)), bound('exclStart', c(1)))).toBe(0);
    expect(comparator.compareBounds(bound('exclEnd', c(1)), bound('inclStart', c(1)))).toBe(0);
    expect(comparator.compareBounds(bound('inclStart', c(1)), bound('inclEnd', c(1)))).toBe(-1);
    expect(comparator.compareBounds(bound('inclStart', c(1)), bound('inclStart', c(1, 'z')))).toBe(-1);
    expect(comparator.compareBounds(bound('inclEnd', c(1)), bound('inclEnd', c(1, 'a')))).toBe(1);
    expect(comparator.compareBounds(BOTTOM_BOUND, bound('inclStart', c(-2147483648)))).toBe(-1);
    expect(comparator.compareBounds(TOP_BOUND, bound('inclEnd', c(2147483647)))).toBe(1);
  });

  test('validate: component count and values', () => {
    comparator.validate(c(1, 'a'), true);
    comparator.validate(c(1), false);
    expect(() => comparator.validate(c(1), true)).toThrow(/1 components for 2 clustering columns/);
    expect(() => comparator.validate([...c(1, 'a'), Buffer.alloc(0)], false)).toThrow(/3 components/);
    expect(() => comparator.validate([Buffer.from([1])], false)).toThrow(/Invalid int value/);
  });
});

describe('cell paths of multi-cell columns', () => {
  test('list paths are timeuuids, set paths elements, map paths keys, UDT paths field positions', () => {
    const setPaths = cellPathComparator(setType(n('int')));
    expect(setPaths(codecFor(n('int')).serialize(-1), codecFor(n('int')).serialize(1))).toBe(-1);
    const mapPaths = cellPathComparator(mapType(reversedType(n('int')), n('text')));
    expect(mapPaths(codecFor(n('int')).serialize(-1), codecFor(n('int')).serialize(1))).toBe(1);
    const listPaths = cellPathComparator(listType(n('text')));
    const tu = codecFor(n('timeuuid'));
    expect(listPaths(tu.serialize('00000001-0000-1000-8000-000000000000'), tu.serialize('00000000-0001-1000-8000-000000000000'))).toBe(-1);
    const udtPaths = cellPathComparator(udtType('ks', 'u', [{ name: 'a', type: n('int') }, { name: 'b', type: n('int') }]));
    expect(udtPaths(Buffer.from([0, 1]), Buffer.from([0, 0]))).toBe(1);
    expect(() => cellPathComparator(listType(n('int'), true))).toThrow(/has no cell paths/);
  });
});
