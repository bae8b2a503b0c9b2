// Unit tests of the pure pieces of sstabledump: command-line key literals, composite keys,
// value rendering, the JSON writer and the schema file validation.
import { hasErrorCode } from '@charybdis/core';
import { codecFor, parseCqlType } from '@charybdis/schema';
import { parseCqlLiteral } from '../src/cql-literal';
import { cqlValueToJson, decimalToString, durationToString, isoFromMicros } from '../src/cql-value-json';
import { stringifyDumpJson } from '../src/dump-json';
import { encodePartitionKey, parseKeyArgument, splitKeyArgument, splitPartitionKey } from '../src/partition-key';
import { SSTableDumpErrorCode } from '../src/sstabledump-error-codes';
import { parseSchemaJson } from '../src/table-schema-file';

/** The literal parsed, serialized and read back as JSON: what -k means compared with what the dump prints. */
function roundTrip(type: string, literal: string): unknown {
  const t = parseCqlType(type);
  const codec = codecFor(t);
  return cqlValueToJson(codec.deserialize(codec.serialize(parseCqlLiteral(literal, t))), t);
}

describe('key literals read back as the dump prints them', () => {
  test.each([
    ['int', '-42', -42],
    ['bigint', '9007199254740993', '9007199254740993'],
    ['varint', '-123456789012345678901234567890', '-123456789012345678901234567890'],
    ['text', "'it''s'", "it's"],
    ['text', 'plain', 'plain'],
    ['blob', '0xCAFE', '0xcafe'],
    ['boolean', 'TRUE', true],
    ['double', '-1.5e3', -1500],
    ['decimal', '-12.340', '-12.340'],
    ['decimal', '1.5E3', '1500'],
    ['date', '1969-12-31', '1969-12-31'],
    ['date', '0050-03-01', '0050-03-01'],
    ['time', '13:05:07.25', '13:05:07.250000000'],
    ['timestamp', '2024-02-29 10:00:00Z', '2024-02-29T10:00:00.000Z'],
    ['timestamp', '1700000000000', '2023-11-14T22:13:20.000Z'],
    ['uuid', '3F2504E0-4F89-41D3-9A0C-0305E82C3301', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    ['inet', '::ffff:10.0.0.1', '::ffff:10.0.0.1'],
  ])('%s %s', (type, literal, expected) => {
    expect(roundTrip(type, literal)).toEqual(expected);
  });

  test.each([
    ['int', '1.5'],
    ['int', '3000000000'],
    ['blob', 'cafe'],
    ['date', '2023-02-29'],
    ['boolean', 'yes'],
    ['frozen<list<int>>', '[1]'],
  ])('%s %s is rejected', (type, literal) => {
    expect(() => roundTrip(type, literal)).toThrow();
  });
});

describe('partition keys', () => {
  test('composite keys split back into their parts, and -k splits on unescaped colons', () => {
    const parts = [Buffer.from('a:b'), Buffer.alloc(0), Buffer.from([1, 2, 3])];
    expect(splitPartitionKey(encodePartitionKey(parts), 3).map((p) => Buffer.from(p).toString('hex'))).toEqual(parts.map((p) => p.toString('hex')));
    expect(splitKeyArgument('a\\:b::c')).toEqual(['a:b', '', 'c']);
  });

  test('bytes that are not a composite of the right arity are refused', () => {
    const key = encodePartitionKey([Buffer.from('x'), Buffer.from('y')]);
    expect(() => splitPartitionKey(key, 3)).toThrow('2 components');
    expect(() => splitPartitionKey(key.subarray(0, key.length - 1), 2)).toThrow('overruns');
    const badEnd = Buffer.from(key);
    badEnd[3] = 1;
    expect(() => splitPartitionKey(badEnd, 2)).toThrow('end-of-component byte 1');
  });

  test('a key with the wrong number of parts is SSTABLEDUMP_INVALID_KEY', () => {
    let caught: unknown;
    try {
      parseKeyArgument('1:2:3', [parseCqlType('int'), parseCqlType('int')]);
    } catch (err) {
      caught = err;
    }
    expect(hasErrorCode(caught, SSTableDumpErrorCode.invalidKey)).toBe(true);
    expect((caught as Error).message).toContain('3 parts for a partition key of 2 columns');
  });
});

describe('value rendering', () => {
  test('decimals, durations, timestamps and structured values', () => {
    expect(decimalToString({ unscaledValue: 5n, scale: 3 })).toBe('0.005');
    expect(decimalToString({ unscaledValue: -5n, scale: -2 })).toBe('-500');
    expect(decimalToString({ unscaledValue: 5n, scale: 100 })).toBe('5E-100');
    expect(durationToString({ months: -1, days: -2, nanoseconds: -3n })).toBe('-1mo2d3ns');
    expect(durationToString({ months: 0, days: 0, nanoseconds: 0n })).toBe('0ns');
    expect(isoFromMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(isoFromMicros(9_000_000_000_000_000_000n)).toBeNull();
    const mapType = parseCqlType('frozen<map<text, tuple<int, double>>>');
    expect(cqlValueToJson(new Map([['k', [1, Number.NaN]]]), mapType)).toEqual([['k', [1, 'NaN']]]);
  });

  test('the JSON writer prints bigints exactly and leaves undefined properties out', () => {
    expect(stringifyDumpJson({ a: 9_007_199_254_740_993n, b: undefined, c: [1, 'x'] }, 0)).toBe('{"a":9007199254740993,"c":[1,"x"]}');
    expect(stringifyDumpJson({ k: [1], r: [{ x: 1 }] }, 2)).toBe('{\n  "k": [1],\n  "r": [\n    {\n      "x": 1\n    }\n  ]\n}');
  });
});

describe('schema files', () => {
  const valid = { partitionKey: ['int'], clustering: [{ name: 'ck', type: 'int', order: 'DESC' }], columns: [{ name: 'v', type: 'text' }] };

  test('a valid schema gives the comparators: DESC clustering is reversed', () => {
    const schema = parseSchemaJson(valid, 's.json');
    expect(schema.comparators.clustering.compare([Buffer.from([0, 0, 0, 1])], [Buffer.from([0, 0, 0, 2])])).toBeGreaterThan(0);
    expect(schema.comparators.hasColumn('v')).toBe(true);
  });

  test('user-defined types can be declared and used', () => {
    const schema = parseSchemaJson({ ...valid, types: [{ name: 'address', fields: [{ name: 'city', type: 'text' }] }], columns: [{ name: 'home', type: 'address' }] }, 's.json');
    expect(schema.comparators.column('home').multiCell).toBe(true);
  });

  test.each([
    [{ ...valid, extra: 1 }, "unknown field 'extra'"],
    [{ ...valid, partitionKey: [] }, 'partitionKey must be a non-empty array'],
    [{ ...valid, partitionKey: ['list<int>'] }, 'cannot be a key column type'],
    [{ ...valid, columns: [{ name: 'v' }] }, 'columns[0]: the type must be a string'],
    [{ ...valid, columns: [{ name: '', type: 'int' }] }, 'columns[0]: name must be a non-empty string'],
    [{ ...valid, columns: [{ name: 'ck', type: 'int' }] }, "column 'ck' is declared twice"],
  ])('%j is refused', (doc, message) => {
    expect(() => parseSchemaJson(doc, 's.json')).toThrow(message);
  });
});
