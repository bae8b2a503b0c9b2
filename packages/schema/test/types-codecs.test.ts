import * as cassandra from 'cassandra-driver';
import { hasErrorCode } from '@charybdis/core';
import {
  TypeErrorCodes,
  codecFor,
  listType,
  mapType,
  nativeType,
  setType,
  tupleType,
  udtType,
} from '../src/types';
import type { CqlType, CqlValue, NativeTypeName } from '../src/types';

// The driver's encoder (protocol v4), the oracle for byte-for-byte checks. It ships no types.
interface DriverTypeInfo {
  code: number;
  info?: DriverTypeInfo | DriverTypeInfo[] | { fields: { name: string; type: DriverTypeInfo }[] } | null;
}
interface DriverEncoder {
  encode(value: unknown, type: DriverTypeInfo | number): Buffer | null;
  decode(bytes: Buffer, type: DriverTypeInfo): unknown;
}
const { Encoder } = cassandra as unknown as {
  Encoder: new (version: number, options: object) => DriverEncoder;
};
const driver = new Encoder(4, { encoding: { map: Map, set: Set, useBigIntAsLong: true, useBigIntAsVarint: true } });
const dt = cassandra.types.dataTypes;
const t = cassandra.types;

function driverType(type: CqlType): DriverTypeInfo {
  switch (type.kind) {
    case 'native':
      return { code: dt[type.name === 'text' ? 'varchar' : type.name] };
    case 'list':
      return { code: dt.list, info: driverType(type.element) };
    case 'set':
      return { code: dt.set, info: driverType(type.element) };
    case 'map':
      return { code: dt.map, info: [driverType(type.key), driverType(type.value)] };
    case 'tuple':
      return { code: dt.tuple, info: type.elements.map(driverType) };
    case 'udt':
      return { code: dt.udt, info: { fields: type.fields.map((f) => ({ name: f.name, type: driverType(f.type) })) } };
    case 'reversed':
      return driverType(type.base);
  }
}

/** Our JS value as the driver's JS value of the same CQL value. */
function toDriverValue(type: CqlType, value: CqlValue): unknown {
  if (value === null) return null;
  switch (type.kind) {
    case 'native':
      switch (type.name) {
        case 'uuid':
          return t.Uuid.fromString(value as string);
        case 'timeuuid':
          return t.TimeUuid.fromString(value as string);
        case 'inet':
          return t.InetAddress.fromString(value as string);
        case 'date':
          // The one-argument form (days since the epoch) is missing from the driver's typings.
          return new (t.LocalDate as unknown as new (days: number) => unknown)(value as number);
        case 'time':
          return new t.LocalTime(t.Long.fromString((value as bigint).toString()));
        case 'decimal': {
          const d = value as { unscaledValue: bigint; scale: number };
          // The typings only declare a number; the driver also takes an Integer (arbitrary precision).
          const BigDecimal = t.BigDecimal as unknown as new (unscaled: unknown, scale: number) => unknown;
          return new BigDecimal(t.Integer.fromString(d.unscaledValue.toString()), d.scale);
        }
        case 'duration': {
          const d = value as { months: number; days: number; nanoseconds: bigint };
          return new t.Duration(d.months, d.days, t.Long.fromString(d.nanoseconds.toString()));
        }
        default:
          return value;
      }
    case 'list':
      return (value as CqlValue[]).map((v) => toDriverValue(type.element, v));
    case 'set':
      return new Set(Array.from(value as Set<CqlValue>, (v) => toDriverValue(type.element, v)));
    case 'map':
      return new Map(
        Array.from(value as Map<CqlValue, CqlValue>, ([k, v]) => [toDriverValue(type.key, k), toDriverValue(type.value, v)]),
      );
    case 'tuple':
      return new t.Tuple(...(value as CqlValue[]).map((v, i) => toDriverValue(type.elements[i]!, v)));
    case 'udt': {
      const o = value as Record<string, CqlValue>;
      return Object.fromEntries(type.fields.map((f) => [f.name, toDriverValue(f.type, o[f.name] ?? null)]));
    }
    case 'reversed':
      return toDriverValue(type.base, value);
  }
}

function expectInvalid(fn: () => unknown, messagePart: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeDefined();
  expect(hasErrorCode(caught, TypeErrorCodes.INVALID_VALUE)).toBe(true);
  expect((caught as Error).message).toMatch(messagePart);
}

const n = (name: NativeTypeName): CqlType => nativeType(name);

/** Representative and edge values of every native type, in our JS mapping. */
const NATIVE_SAMPLES: [NativeTypeName, CqlValue[]][] = [
  ['ascii', ['', 'hello', '\x00\x7f', 'a'.repeat(1000)]],
  ['text', ['', 'héllo wörld', '日本語', '😀 emoji', '\u0000']],
  ['blob', [Buffer.alloc(0), Buffer.from([0, 1, 0xff]), Buffer.alloc(300, 0xab)]],
  ['boolean', [true, false]],
  ['tinyint', [0, 1, -1, 127, -128]],
  ['smallint', [0, 1, -1, 32767, -32768]],
  ['int', [0, 1, -1, 2147483647, -2147483648, 123456]],
  ['bigint', [0n, 1n, -1n, 9223372036854775807n, -9223372036854775808n]],
  ['counter', [0n, 42n, -9223372036854775808n]],
  [
    'varint',
    [0n, 1n, -1n, 127n, 128n, -128n, -129n, 255n, 256n, -256n, 2n ** 63n, -(2n ** 63n) - 1n, 12345678901234567890123456789012345678901234567890n, -(10n ** 80n)],
  ],
  ['float', [0, 1.5, -2.25, Infinity, -Infinity, 3.4028234663852886e38]],
  ['double', [0, 1.1, -1e-300, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity]],
  [
    'decimal',
    [
      { unscaledValue: 0n, scale: 0 },
      { unscaledValue: 15n, scale: 1 },
      { unscaledValue: -15n, scale: -2 },
      { unscaledValue: 123456789012345678901234567890n, scale: 10 },
      { unscaledValue: -1n, scale: 2147483647 },
      { unscaledValue: 1n, scale: -2147483648 },
    ],
  ],
  ['date', [0, 1, -1, -719162, 2932896, 2147483647, -2147483648]],
  ['time', [0n, 1n, 3_723_000_000_004n, 86_399_999_999_999n]],
  ['timestamp', [new Date(0), new Date(-1), new Date('2024-02-29T12:34:56.789Z'), new Date(-62135596800000), new Date(8.64e15)]],
  ['uuid', ['00000000-0000-0000-0000-000000000000', '550e8400-e29b-41d4-a716-446655440000', 'ffffffff-ffff-ffff-ffff-ffffffffffff']],
  ['timeuuid', ['e0d4c2f0-1dd2-11b2-8080-808080808080', '7ae6a2a0-fb3f-11ee-9f0b-0242ac120002']],
  ['inet', ['127.0.0.1', '0.0.0.0', '255.255.255.255', '::1', '::', '2001:db8::ff00:42:8329', 'fe80::1:2:3:4', '1::', '1:2:3:4:5:6:7:8']],
  [
    'duration',
    [
      { months: 0, days: 0, nanoseconds: 0n },
      { months: 1, days: 2, nanoseconds: 3n },
      { months: -1, days: -2, nanoseconds: -3n },
      { months: 2147483647, days: 2147483647, nanoseconds: 9223372036854775807n },
      { months: -2147483648, days: -2147483648, nanoseconds: -9223372036854775808n },
      { months: 0, days: 0, nanoseconds: 1_000_000_000_000n },
    ],
  ],
];

describe('native type codecs', () => {
  test.each(NATIVE_SAMPLES)('%s: round trip and byte-for-byte equal to cassandra-driver', (name, values) => {
    const type = n(name);
    const codec = codecFor(type);
    for (const value of values) {
      const bytes = codec.serialize(value);
      expect(codec.deserialize(bytes)).toEqual(value);
      codec.validate(bytes);
      const driverBytes = driver.encode(toDriverValue(type, value), driverType(type));
      expect([name, value, bytes.toString('hex')]).toEqual([name, value, driverBytes!.toString('hex')]);
    }
  });

  test('float rounds to binary32 and keeps NaN and -0', () => {
    const codec = codecFor(n('float'));
    expect(codec.deserialize(codec.serialize(0.1))).toBe(Math.fround(0.1));
    expect(codec.deserialize(codec.serialize(NaN))).toBeNaN();
    expect(Object.is(codec.deserialize(codec.serialize(-0)), -0)).toBe(true);
    expect(codec.serialize(NaN)).toEqual(driver.encode(NaN, dt.float));
    expect(codec.serialize(-0)).toEqual(driver.encode(-0, dt.float));
  });

  test('double keeps NaN and -0 byte-for-byte with the driver', () => {
    const codec = codecFor(n('double'));
    expect(codec.deserialize(codec.serialize(NaN))).toBeNaN();
    expect(Object.is(codec.deserialize(codec.serialize(-0)), -0)).toBe(true);
    expect(codec.serialize(NaN)).toEqual(driver.encode(NaN, dt.double));
    expect(codec.serialize(-0)).toEqual(driver.encode(-0, dt.double));
  });

  test('timestamp accepts numbers and bigints and gives a bigint beyond the range of Date', () => {
    const codec = codecFor(n('timestamp'));
    expect(codec.serialize(1234)).toEqual(codec.serialize(new Date(1234)));
    expect(codec.serialize(1234n)).toEqual(codec.serialize(new Date(1234)));
    const far = codec.serialize(9223372036854775807n);
    expect(codec.deserialize(far)).toBe(9223372036854775807n);
    expect(codec.deserialize(codec.serialize(-8640000000000001n))).toBe(-8640000000000001n);
  });

  test('varint matches the driver on its Integer path too, and accepts redundant sign bytes', () => {
    const codec = codecFor(n('varint'));
    const legacy = new Encoder(4, {});
    for (const s of ['0', '-1', '128', '-129', '340282366920938463463374607431768211456']) {
      expect(codec.serialize(BigInt(s))).toEqual(legacy.encode(t.Integer.fromString(s), dt.varint));
    }
    expect(codec.deserialize(Buffer.from('0001', 'hex'))).toBe(1n);
    expect(codec.deserialize(Buffer.from('ffff', 'hex'))).toBe(-1n);
  });

  test('a set or map is written sorted and without duplicates, as Cassandra stores it', () => {
    const set = codecFor(setType(n('int'), true));
    expect(set.serialize(new Set([3, 1, 2]))).toEqual(set.serialize([1, 2, 3, 3, 1]));
    expect(set.deserialize(set.serialize([3, -1, 2]))).toEqual(new Set([-1, 2, 3]));
    const map = codecFor(mapType(n('text'), n('int'), true));
    const bytes = map.serialize(new Map([['b', 2], ['a', 1]]));
    expect(bytes).toEqual(driver.encode(new Map([['a', 1], ['b', 2]]), driverType(mapType(n('text'), n('int')))));
    expect([...(map.deserialize(bytes) as Map<string, number>).keys()]).toEqual(['a', 'b']);
  });

  test('empty values of the types where Cassandra allows them decode as null', () => {
    for (const name of ['int', 'bigint', 'counter', 'varint', 'float', 'double', 'boolean', 'timestamp', 'uuid', 'timeuuid', 'inet', 'decimal'] as const) {
      expect([name, codecFor(n(name)).deserialize(Buffer.alloc(0))]).toEqual([name, null]);
    }
    expect(codecFor(n('text')).deserialize(Buffer.alloc(0))).toBe('');
    for (const name of ['tinyint', 'smallint', 'date', 'time', 'duration'] as const) {
      expectInvalid(() => codecFor(n(name)).validate(Buffer.alloc(0)), new RegExp(`Invalid ${name} value`));
    }
  });
});

describe('composite type codecs', () => {
  const address = udtType('ks', 'address', [
    { name: 'street', type: n('text') },
    { name: 'zip', type: n('int') },
    { name: 'tags', type: setType(n('text'), true) },
  ], true);
  const cases: [string, CqlType, CqlValue[]][] = [
    ['list<int>', listType(n('int'), true), [[1, 2, 3], [0], [-5, -5]]],
    ['set<text>', setType(n('text'), true), [new Set(['a', 'b']), new Set([''])]],
    ['map<text, bigint>', mapType(n('text'), n('bigint'), true), [new Map([['k', 1n]]), new Map([['a', -1n], ['b', 2n]])]],
    [
      'map<int, frozen<list<frozen<set<uuid>>>>>',
      mapType(n('int'), listType(setType(n('uuid'), true), true), true),
      [new Map([[1, [new Set(['550e8400-e29b-41d4-a716-446655440000'])]], [2, [new Set(['00000000-0000-0000-0000-000000000001']), new Set(['00000000-0000-0000-0000-000000000002'])]]])],
    ],
    ['tuple<int, text, double>', tupleType([n('int'), n('text'), n('double')]), [[1, 'a', 2.5], [null, 'x', null], [null, null, null]]],
    ['tuple<list<int>, tuple<boolean>>', tupleType([listType(n('int')), tupleType([n('boolean')])]), [[[1, 2], [true]]]],
    ['frozen<address>', address, [
      { street: 'Main', zip: 12345, tags: new Set(['home']) },
      { street: null, zip: 1, tags: null },
      { street: null, zip: null, tags: null },
    ]],
  ];

  test.each(cases)('%s: round trip and byte-for-byte equal to cassandra-driver', (_, type, values) => {
    const codec = codecFor(type);
    for (const value of values) {
      const bytes = codec.serialize(value);
      expect(codec.deserialize(bytes)).toEqual(value);
      codec.validate(bytes);
      expect(bytes.toString('hex')).toBe(driver.encode(toDriverValue(type, value), driverType(type))!.toString('hex'));
    }
  });

  test('empty collections encode as a zero count', () => {
    expect(codecFor(listType(n('int'), true)).serialize([])).toEqual(Buffer.from('00000000', 'hex'));
    expect(codecFor(mapType(n('int'), n('int'), true)).deserialize(Buffer.from('00000000', 'hex'))).toEqual(new Map());
  });

  test('UDT: missing fields are null, trailing fields may be absent from the bytes, unknown fields are rejected', () => {
    const codec = codecFor(address);
    expect(codec.deserialize(codec.serialize({ zip: 7 }))).toEqual({ street: null, zip: 7, tags: null });
    const short = Buffer.from('00000001' + '61', 'hex'); // only street = 'a'
    expect(codec.deserialize(short)).toEqual({ street: 'a', zip: null, tags: null });
    expectInvalid(() => codec.serialize({ nope: 1 }), /unknown field 'nope'/);
  });

  test('a tuple may have fewer components in its bytes but not more', () => {
    const codec = codecFor(tupleType([n('int'), n('int')]));
    expect(codec.deserialize(Buffer.from('0000000400000001', 'hex'))).toEqual([1, null]);
    expectInvalid(() => codec.validate(Buffer.from('000000040000000100000004000000020000000400000003', 'hex')), /more than 2 components/);
    expectInvalid(() => codec.serialize([1, 2, 3]), /3 components for a tuple of 2/);
  });
});

describe('validation of malformed bytes gives a clean error', () => {
  const bad: [CqlType, string, RegExp][] = [
    [n('int'), '010203', /Invalid int value: expected 4 or 0 bytes, got 3/],
    [n('bigint'), '01', /Invalid bigint value: expected 8 or 0 bytes, got 1/],
    [n('smallint'), '010203', /Invalid smallint value: expected 2 bytes, got 3/],
    [n('tinyint'), '0102', /Invalid tinyint value: expected 1 bytes, got 2/],
    [n('boolean'), '0001', /Invalid boolean value/],
    [n('float'), '000000', /Invalid float value/],
    [n('double'), '00', /Invalid double value/],
    [n('ascii'), '61ff', /Invalid ascii value: byte 0xff at offset 1 is not US-ASCII/],
    [n('text'), 'c328', /Invalid text value: bytes are not valid UTF-8/],
    [n('text'), 'eda080', /not valid UTF-8/], // an encoded surrogate
    [n('text'), 'c0af', /not valid UTF-8/], // overlong
    [n('uuid'), '00112233', /Invalid uuid value: expected 16 or 0 bytes, got 4/],
    [n('timeuuid'), '550e8400e29b41d4a716446655440000', /version 4 UUID where a version 1/],
    [n('inet'), '0102030405', /Invalid inet value: expected 4 \(IPv4\), 16 \(IPv6\) or 0 bytes, got 5/],
    [n('date'), '000000', /Invalid date value/],
    [n('time'), '0000000000000001ff', /Invalid time value: expected 8 bytes/],
    [n('time'), '00004e94914f0000', /is not a time of day/], // exactly 86400 s
    [n('time'), 'ffffffffffffffff', /is not a time of day/],
    [n('decimal'), '000000', /Invalid decimal value: expected 0 or at least 5 bytes/],
    [n('decimal'), '00000001', /expected 0 or at least 5 bytes/],
    [n('duration'), '0000', /Invalid duration value: expected at least 3 bytes/],
    [n('duration'), '020401', /must all have the same sign \(1, 2, -1\)/],
    [n('duration'), 'ff', /expected at least 3 bytes/],
    [n('duration'), '0000ff00', /truncated/],
    [n('duration'), '00000000', /unexpected bytes after the nanoseconds/],
    [n('duration'), 'f801000000000000', /months must be a 32-bit integer/],
    [listType(n('int'), true), '', /Not enough bytes to read a list \(expected an int32 element count/],
    [setType(n('text')), '74657374', /Invalid set<text> value: Not enough bytes to read a set \(element count 1952805748 does not fit/],
    [mapType(n('text'), n('text')), 'ffffffff', /The data cannot be deserialized as a map \(element count -1\)/],
    [listType(n('int'), true), '00000001', /element count 1 does not fit/],
    [listType(n('int'), true), '7fffffff00000000', /element count 2147483647 does not fit/],
    [listType(n('int'), true), '80000000', /cannot be deserialized as a list \(element count -2147483648\)/],
    [listType(n('int'), true), '00000001ffffffff', /null is not supported inside collections/],
    [listType(n('int'), true), '000000010000000500000001', /element 0 has length 5 but only 4 bytes remain/],
    [listType(n('int'), true), '00000001000000040000000100', /1 unexpected bytes after the last element/],
    [listType(n('int'), true), '0000000100000003000000', /Invalid int value: expected 4 or 0 bytes, got 3/],
    [mapType(n('int'), n('text'), true), '000000010000000400000001000000', /truncated at element 0/],
    [setType(n('ascii'), true), '000000010000000180', /not US-ASCII/],
    [tupleType([n('int')]), '000000', /truncated length of component 0/],
    [tupleType([n('int')]), '0000000500', /component 0 has length 5 but only 1 bytes remain/],
    [tupleType([n('int'), n('text')]), '00000004000000010000000180', /not valid UTF-8/],
  ];

  test.each(bad)('%j %s', (type, hex, message) => {
    const codec = codecFor(type);
    const bytes = Buffer.from(hex, 'hex');
    expectInvalid(() => codec.validate(bytes), message);
    expectInvalid(() => codec.deserialize(bytes), message);
  });

  test('serializing a JS value of the wrong kind or out of range is rejected', () => {
    const cases: [NativeTypeName, unknown, RegExp][] = [
      ['int', 2147483648, /out of range/],
      ['int', 1.5, /expected an integer number/],
      ['int', '1', /expected an integer number/],
      ['tinyint', -129, /out of range/],
      ['bigint', 2n ** 63n, /out of range/],
      ['bigint', 2 ** 60, /expected a bigint/],
      ['time', 86_400_000_000_000n, /out of range/],
      ['date', 2 ** 31, /out of range/],
      ['ascii', 'é', /non-ASCII character at index 0/],
      ['text', '\ud800', /lone UTF-16 surrogate/],
      ['uuid', 'not-a-uuid', /expected a UUID string/],
      ['timeuuid', '550e8400-e29b-41d4-a716-446655440000', /version 4 UUID where a version 1/],
      ['inet', '1.2.3', /expected an IPv4 or IPv6 address/],
      ['inet', '01.2.3.4', /expected an IPv4 or IPv6 address/],
      ['inet', '1:2:3:4:5:6:7:8:9', /expected an IPv4 or IPv6 address/],
      ['inet', '1::2::3', /expected an IPv4 or IPv6 address/],
      ['inet', 'fe80::1%eth0', /expected an IPv4 or IPv6 address/],
      ['timestamp', new Date(NaN), /invalid Date/],
      ['decimal', { unscaledValue: 1, scale: 0 }, /expected \{ unscaledValue: bigint/],
      ['decimal', { unscaledValue: 1n, scale: 2 ** 31 }, /expected \{ unscaledValue: bigint/],
      ['duration', { months: 1, days: -1, nanoseconds: 0n }, /must all have the same sign \(1, -1, 0\)/],
      ['duration', { months: 0, days: 0, nanoseconds: 2n ** 63n }, /nanoseconds must be a 64-bit integer/],
      ['boolean', 1, /expected a boolean/],
      ['blob', 'abc', /expected a Uint8Array/],
    ];
    for (const [name, value, message] of cases) {
      expectInvalid(() => codecFor(n(name)).serialize(value as CqlValue), message);
    }
    expectInvalid(() => codecFor(listType(n('int'))).serialize([1, null]), /null is not supported inside collections/);
    expectInvalid(() => codecFor(mapType(n('int'), n('int'))).serialize({ a: 1 }), /expected a Map/);
  });

  test('ipv4-mapped and embedded-ipv4 IPv6 forms parse and print in RFC 5952 form', () => {
    const codec = codecFor(n('inet'));
    expect(codec.serialize('::ffff:1.2.3.4').toString('hex')).toBe('00000000000000000000ffff01020304');
    expect(codec.deserialize(codec.serialize('::ffff:1.2.3.4'))).toBe('::ffff:1.2.3.4');
    expect(codec.deserialize(codec.serialize('2001:DB8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(codec.deserialize(codec.serialize('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1');
  });

  test('random bytes never crash a codec: a value or a clean error', () => {
    const types: CqlType[] = [
      ...NATIVE_SAMPLES.map(([name]) => n(name)),
      listType(n('int'), true),
      mapType(n('text'), setType(n('bigint'), true), true),
      tupleType([n('int'), n('duration'), listType(n('inet'))]),
    ];
    let seed = 12345;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 16;
    };
    for (const type of types) {
      const codec = codecFor(type);
      for (let i = 0; i < 300; i++) {
        const bytes = Buffer.from(Array.from({ length: next() % 24 }, () => next() & 0xff));
        try {
          codec.deserialize(bytes);
          codec.compare(bytes, bytes);
        } catch (err) {
          expect(hasErrorCode(err, TypeErrorCodes.INVALID_VALUE)).toBe(true);
        }
      }
    }
  });
});
