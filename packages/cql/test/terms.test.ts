import { Schema, codecFor, listType, mapType, nativeType, parseCqlType, setType, tupleType } from '@charybdis/schema';
import type { CqlType, NativeTypeName } from '@charybdis/schema';
import { parseCqlStatement } from '../src/parser';
import type { Term } from '../src/parser/ast-common';
import type { DeleteStatement, InValues, UpdateStatement } from '../src/parser/ast-dml';
import { prepareTerm } from '../src/terms/prepare-term';
import { prepareInValues } from '../src/terms/prepare-in-values';
import { serializeCollection, serializeComponents } from '../src/terms/collection-bytes';
import { scalarFunction } from '../src/terms/scalar-functions';
import { timeUuidToMs } from '../src/terms/time-uuids';
import type { TermReceiver } from '../src/terms/term-types';
import { modsSchema } from './fixtures/mods-test-schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const driverTypes = (require('cassandra-driver') as { types: unknown }).types as { Long: { fromString(s: string): unknown }; Integer: { fromString(s: string): unknown }; BigDecimal: { fromString(s: string): unknown } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Encoder = require('cassandra-driver/lib/encoder') as new (version: number, options: object) => { encode(value: unknown, typeInfo: unknown): Buffer };
const encoder = new Encoder(4, {});

const scope = { schema: Schema.of([]), keyspace: 'ks' };
const udtScope = { schema: modsSchema(), keyspace: 'ks' };

/** The term of `SET x = <text>` as the parser produces it. */
function termOf(text: string): Term {
  const s = parseCqlStatement(`UPDATE t SET x = ${text} WHERE k = 0`).statement as UpdateStatement;
  return (s.assignments[0] as { value: Term }).value;
}

function receiver(type: CqlType | string, name = 'x'): TermReceiver {
  return { keyspace: 'ks', table: 't', name, type: typeof type === 'string' ? parseCqlType(type) : type };
}

function bytesOf(text: string, type: CqlType | string, s = scope): Buffer | null | 'unset' {
  const v = prepareTerm(termOf(text), receiver(type), s).bind([], 1_000);
  return v === null || v === 'unset' ? v : Buffer.from(v);
}

function hex(b: Buffer | null | 'unset' | Uint8Array): string {
  return b === null || b === 'unset' ? String(b) : Buffer.from(b).toString('hex');
}

describe('literal constants by receiver type', () => {
  const serialized = (type: NativeTypeName, value: unknown) => hex(codecFor(nativeType(type)).serialize(value as never));
  it.each<[string, NativeTypeName, unknown]>([
    ['1', 'tinyint', 1],
    ['-128', 'tinyint', -128],
    ['32767', 'smallint', 32767],
    ['-2147483648', 'int', -2147483648],
    ['9223372036854775807', 'bigint', 9223372036854775807n],
    ['123456789012345678901234567890', 'varint', 123456789012345678901234567890n],
    ['1.5', 'float', 1.5],
    ['-1.5e3', 'double', -1500],
    ['NaN', 'double', NaN],
    ['-Infinity', 'float', -Infinity],
    ['3', 'double', 3],
    ['true', 'boolean', true],
    ["'héllo'", 'text', 'héllo'],
    ["'abc'", 'ascii', 'abc'],
    ['1299038700000', 'timestamp', 1299038700000n],
    ["'2011-02-03'", 'timestamp', Date.UTC(2011, 1, 3)],
    ["'2011-02-03 04:05'", 'timestamp', Date.UTC(2011, 1, 3, 4, 5)],
    ["'2011-02-03 04:05:00+0000'", 'timestamp', Date.UTC(2011, 1, 3, 4, 5)],
    ["'2011-02-03T04:05:00.12+02:00'", 'timestamp', Date.UTC(2011, 1, 3, 2, 5, 0, 120)],
    ["'2011-02-03 04:05:06.789Z'", 'timestamp', Date.UTC(2011, 1, 3, 4, 5, 6, 789)],
    ["'2011-02-03'", 'date', 15008],
    ["'1969-12-31'", 'date', -1],
    ['2147483648', 'date', 0],
    ["'08:12:54.123456789'", 'time', 29574123456789n],
    ["'08:12:54'", 'time', 29574000000000n],
    ['1000', 'time', 1000n],
    ["'192.168.0.1'", 'inet', '192.168.0.1'],
    ["'::1'", 'inet', '::1'],
    ['62c36092-82a1-3a00-93d1-46196ee77204', 'uuid', '62c36092-82a1-3a00-93d1-46196ee77204'],
    ['e6e4d6d0-4c0e-11ee-be56-0242ac120002', 'timeuuid', 'e6e4d6d0-4c0e-11ee-be56-0242ac120002'],
    ['0xCAFE', 'blob', Buffer.from([0xca, 0xfe])],
    ['0x', 'blob', Buffer.alloc(0)],
    ['1h30m', 'duration', { months: 0, days: 0, nanoseconds: 5_400_000_000_000n }],
    ['P1Y2M3DT4H', 'duration', { months: 14, days: 3, nanoseconds: 14_400_000_000_000n }],
    ['P2W', 'duration', { months: 0, days: 14, nanoseconds: 0n }],
    ['-2d10us', 'duration', { months: 0, days: -2, nanoseconds: -10_000n }],
    ['1y3mo2w5d12h30m20s5ms6us7ns', 'duration', { months: 15, days: 19, nanoseconds: 45_020_005_006_007n }],
  ])('%s as %s', (text, type, value) => {
    expect(hex(bytesOf(text, type))).toBe(serialized(type, value));
  });

  it('matches cassandra-driver encodings', () => {
    expect(bytesOf('9223372036854775807', 'bigint')).toEqual(encoder.encode(driverTypes.Long.fromString('9223372036854775807'), 'bigint'));
    expect(bytesOf('-1.50', 'decimal')).toEqual(encoder.encode(driverTypes.BigDecimal.fromString('-1.50'), 'decimal'));
    expect(bytesOf('-987654321987654321', 'varint')).toEqual(encoder.encode(driverTypes.Integer.fromString('-987654321987654321'), 'varint'));
    expect(bytesOf("'2011-02-03 04:05:00+0000'", 'timestamp')).toEqual(encoder.encode(new Date(Date.UTC(2011, 1, 3, 4, 5)), 'timestamp'));
    expect(bytesOf('[3, 1, 2]', 'list<int>')).toEqual(encoder.encode([3, 1, 2], 'list<int>'));
  });

  it('decimals keep their scale, exponents included', () => {
    expect(hex(bytesOf('1.5e3', 'decimal'))).toBe(hex(codecFor(nativeType('decimal')).serialize({ unscaledValue: 15n, scale: -2 })));
    expect(hex(bytesOf('12', 'decimal'))).toBe(hex(codecFor(nativeType('decimal')).serialize({ unscaledValue: 12n, scale: 0 })));
  });

  it.each<[string, string, string]>([
    ["'a'", 'int', `Invalid STRING constant ('a') for "x" of type int`],
    ['1.5', 'int', 'Invalid FLOAT constant (1.5) for "x" of type int'],
    ['1', 'text', 'Invalid INTEGER constant (1) for "x" of type text'],
    ['1', 'list<int>', 'Invalid INTEGER constant (1) for "x" of type list<int>'],
    ["'abc'", 'blob', `Invalid STRING constant ('abc') for "x" of type blob`],
    ['2147483648', 'int', "Unable to make int from '2147483648'"],
    ['128', 'tinyint', "Unable to make byte from '128'"],
    ['9223372036854775808', 'bigint', "Unable to make long from '9223372036854775808'"],
    ["'2011-13-03'", 'timestamp', "Unable to coerce '2011-13-03' to a formatted date (long)"],
    ["'2011-02-30'", 'date', "Unable to coerce '2011-02-30' to a formatted date (long)"],
    ["'25:00:00'", 'time', 'Hour out of bounds.'],
    ['-123', 'date', "Unable to make unsigned int (for date) from: '-123'"],
    ['50000000000', 'date', "Unable to make unsigned int (for date) from: '50000000000'"],
    ['2m3m', 'duration', 'Invalid duration. The minutes are specified multiple times'],
    ['12s3m', 'duration', 'Invalid duration. The seconds should be after minutes'],
    ['1y3m4d', 'duration', 'Invalid duration. The minutes should be after days'],
    ["'1.2.3'", 'inet', "Unable to make inet address from '1.2.3'"],
    ['62c36092-82a1-3a00-93d1-46196ee77204', 'timeuuid', 'Unsupported UUID version (3) for timeuuid: 62c36092-82a1-3a00-93d1-46196ee77204'],
    ["'é'", 'ascii', "Invalid ASCII character in string literal: 'é'"],
    ['[1, null]', 'list<int>', 'null is not supported inside collections'],
    ['[1]', 'set<int>', 'Invalid list literal for x of type set<int>'],
    ['(1, 2, 3)', 'tuple<int, int>', 'Invalid tuple literal for x: too many elements. Type frozen<tuple<int, int>> expects 2 but got 3'],
    ["{(1, '1', 1.0, 1)}", 'frozen<set<tuple<int, text, double>>>', "Invalid set literal for x: value (1, '1', 1.0, 1) is not of type frozen<tuple<int, text, double>>"],
    ['[(1, 2, 3)]', 'list<frozen<tuple<int, int>>>', 'Invalid list literal for x: value (1, 2, 3) is not of type frozen<tuple<int, int>>'],
    ["(1, (1, '1', 1.0, 1))", 'tuple<int, tuple<int, text, double>>', 'Invalid tuple literal for x: component 1 is not of type frozen<tuple<int, text, double>>'],
    ["'1:2:3'", 'tuple<int, text>', 'Invalid tuple literal: too many elements. Type frozen<tuple<int, text>> expects 2 but got 3'],
  ])('rejects %s for %s', (text, type, message) => {
    expect(() => bytesOf(text, type)).toThrow(message);
  });

  it('reads a string constant as a tuple (TupleType.fromString)', () => {
    const codec = codecFor(tupleType([nativeType('int'), nativeType('text')]));
    expect(hex(bytesOf("'0:1'", 'tuple<int, text>'))).toBe(hex(codec.serialize([0, '1'])));
    expect(hex(bytesOf("'1:1\\:1'", 'tuple<int, text>'))).toBe(hex(codec.serialize([1, '1:1'])));
    expect(hex(bytesOf("'@:x'", 'tuple<int, text>'))).toBe(hex(codec.serialize([null, 'x'])));
    // Missing trailing components are left out (read back as null).
    expect(hex(bytesOf("'7'", 'tuple<int, text>'))).toBe('0000000400000007');
  });

  it('gives null for NULL', () => {
    expect(bytesOf('null', 'int')).toBeNull();
    expect(() => bytesOf('null', 'counter')).toThrow('Invalid null value for counter increment/decrement');
  });
});

describe('collection, tuple and UDT literals', () => {
  it('sorts and deduplicates sets and maps', () => {
    expect(hex(bytesOf("{'b', 'a', 'b'}", 'set<text>'))).toBe(hex(codecFor(setType(nativeType('text'))).serialize(['a', 'b'])));
    expect(hex(bytesOf("{'z': 1, 'a': 2}", 'map<text, int>'))).toBe(hex(codecFor(mapType(nativeType('text'), nativeType('int'))).serialize(new Map([['a', 2], ['z', 1]]))));
  });

  it('converts nested and frozen literals and empty braces by receiver', () => {
    const t = parseCqlType('frozen<map<int, frozen<list<text>>>>');
    expect(hex(bytesOf("{1: ['a', 'b']}", t))).toBe(hex(codecFor(t).serialize(new Map([[1, ['a', 'b']]]))));
    expect(hex(bytesOf('{}', 'set<int>'))).toBe('00000000');
    expect(hex(bytesOf('{}', 'map<int, int>'))).toBe('00000000');
    const tuple = tupleType([nativeType('int'), nativeType('text')]);
    expect(hex(bytesOf("(1, 'a')", tuple))).toBe(hex(codecFor(tuple).serialize([1, 'a'])));
    expect(hex(bytesOf('(1, null)', tuple))).toBe('0000000400000001ffffffff');
  });

  it('builds UDT values with missing fields as null and rejects unknown fields', () => {
    const addr = udtScope.schema.keyspace('ks')!.userTypes[0]!;
    expect(hex(bytesOf("{street: 'x', zip: 5}", addr, udtScope))).toBe(hex(codecFor(addr).serialize({ street: 'x', zip: 5 })));
    expect(hex(bytesOf("{zip: 5}", addr, udtScope))).toBe('ffffffff0000000400000005');
    expect(() => bytesOf('{nope: 1}', addr, udtScope)).toThrow("Unknown field 'nope' in value of user defined type addr");
  });
});

describe('bind markers', () => {
  const marker = (type: string, name = 'k') => prepareTerm(termOf('?'), receiver(type, name), scope);

  it('records the receiver and validates bound bytes with Cassandra wording', () => {
    const t = marker('int');
    expect(t.constant).toBe(false);
    expect(t.markers).toEqual([{ index: 0, receiver: receiver('int', 'k') }]);
    expect(hex(t.bind([Buffer.from('00000005', 'hex')], 0) as Uint8Array)).toBe('00000005');
    expect(() => t.bind([Buffer.alloc(8)], 0)).toThrow('Expected 4 or 0 byte int (8)');
    expect(() => marker('smallint').bind([Buffer.alloc(4)], 0)).toThrow('Expected 2 bytes for a smallint (4)');
    expect(() => marker('timeuuid').bind([Buffer.alloc(16)], 0)).toThrow('Invalid version for TimeUUID type.');
    expect(() => marker('text').bind([Buffer.from([0xff])], 0)).toThrow(/Exception while binding column k/);
  });

  it('canonicalizes sets nested in bound frozen values (map keys, tuples)', () => {
    const set = (...xs: number[]) => serializeCollection(xs.map((x) => codecFor(nativeType('int')).serialize(x)));
    const map = (key: Uint8Array, v: number) => serializeCollection([key, codecFor(nativeType('int')).serialize(v)], 1);
    const nested = 'frozen<map<frozen<set<int>>, int>>';
    expect(hex(marker(nested).bind([map(set(2, 1, 3), 7)], 0) as Uint8Array)).toBe(hex(map(set(1, 2, 3), 7)));
    expect(hex(marker(nested).bind([map(set(1, 2, 3), 7)], 0) as Uint8Array)).toBe(hex(map(set(1, 2, 3), 7)));
    expect(hex(marker('tuple<frozen<set<int>>>').bind([serializeComponents([set(3, 1, 3)])], 0) as Uint8Array)).toBe(hex(serializeComponents([set(1, 3)])));
  });

  it('passes null and unset through, and canonicalizes bound sets', () => {
    const t = marker('set<int>');
    expect(t.bind([null], 0)).toBeNull();
    expect(t.bind(['unset'], 0)).toBe('unset');
    const unsorted = Buffer.from('00000003' + '0000000400000002' + '0000000400000001' + '0000000400000002', 'hex');
    expect(hex(t.bind([unsorted], 0) as Uint8Array)).toBe(hex(codecFor(setType(nativeType('int'))).serialize([1, 2])));
  });

  it('names markers inside collections value(x)/key(x) and keeps :names', () => {
    const t = prepareTerm(termOf('{?: :v}'), receiver('map<text, int>', 'm'), scope);
    expect(t.markers.map((m) => m.receiver.name)).toEqual(['key(m)', 'v']);
    const bound = t.bind([Buffer.from('a'), Buffer.from('00000001', 'hex')], 0) as Uint8Array;
    expect(hex(bound)).toBe(hex(codecFor(mapType(nativeType('text'), nativeType('int'))).serialize(new Map([['a', 1]]))));
    expect(() => t.bind([null, Buffer.from('00000001', 'hex')], 0)).toThrow('null is not supported inside collections');
  });

  it('applies type hints', () => {
    const t = prepareTerm(termOf('(int) ?'), receiver('int'), scope);
    expect(t.markers[0]!.receiver.type).toEqual(nativeType('int'));
    expect(() => prepareTerm(termOf('(text) ?'), receiver('int'), scope)).toThrow('Cannot assign value of type text to x of type int');
    expect(hex(bytesOf('(bigint) 3', 'bigint'))).toBe('0000000000000003');
  });
});

describe('term functions', () => {
  it('now() and currentTimestamp() use the request clock', () => {
    const now = prepareTerm(termOf('now()'), receiver('timeuuid'), scope);
    expect(now.constant).toBe(false);
    const u = now.bind([], 1_234_567) as Uint8Array;
    expect(u[6]! >> 4).toBe(1);
    expect(timeUuidToMs(u)).toBe(1_234_567n);
    expect(hex(prepareTerm(termOf('currentTimestamp()'), receiver('timestamp'), scope).bind([], 1_234_567) as Uint8Array)).toBe('000000000012d687');
    expect(hex(prepareTerm(termOf('currentDate()'), receiver('date'), scope).bind([], 86_400_000 * 3 + 5) as Uint8Array)).toBe('80000003');
    expect(hex(prepareTerm(termOf('uuid()'), receiver('uuid'), scope).bind([], 0) as Uint8Array).slice(12, 13)).toBe('4');
  });

  it('folds pure functions of constants at prepare time', () => {
    const t = prepareTerm(termOf('blobAsInt(0x00000007)'), receiver('int'), scope);
    expect(t.constant).toBe(true);
    expect(hex(t.bind([], 0) as Uint8Array)).toBe('00000007');
    expect(hex(bytesOf('intAsBlob(7)', 'blob'))).toBe('00000007');
    expect(() => bytesOf('blobAsInt(0x0007)', 'int')).toThrow('In call to function system.blobasint, value 0x0007 is not a valid binary representation for type int');
    expect(hex(bytesOf("toUnixTimestamp(minTimeuuid('2011-02-03 04:05:00+0000'))", 'bigint'))).toBe(hex(codecFor(nativeType('bigint')).serialize(BigInt(Date.UTC(2011, 1, 3, 4, 5)))));
    expect(hex(bytesOf("toDate('2011-02-03 04:05:00+0000')", 'date'))).toBe(hex(codecFor(nativeType('date')).serialize(15008)));
  });

  it('rejects unknown functions, wrong result types, ambiguity and token()', () => {
    expect(() => bytesOf('nope()', 'int')).toThrow('Unknown function nope called');
    expect(() => bytesOf('now()', 'int')).toThrow('Type error: cannot assign result of function system.now (type timeuuid) to x (type int)');
    expect(() => bytesOf('toTimestamp(?)', 'timestamp')).toThrow(/Ambiguous call to function totimestamp/);
    expect(() => bytesOf('token(1)', 'bigint')).toThrow(/token/);
  });

  it('assigns bigint and timestamp results to each other and to varint (value-compatible bytes)', () => {
    const ms = hex(codecFor(nativeType('bigint')).serialize(1_234n));
    expect(hex(prepareTerm(termOf('toUnixTimestamp(now())'), receiver('timestamp'), scope).bind([], 1_234) as Uint8Array)).toBe(ms);
    expect(hex(prepareTerm(termOf('unixTimestampOf(now())'), receiver('timestamp'), scope).bind([], 1_234) as Uint8Array)).toBe(ms);
    expect(hex(prepareTerm(termOf('dateOf(now())'), receiver('varint'), scope).bind([], 1_234) as Uint8Array)).toBe(ms);
    expect(() => bytesOf('toUnixTimestamp(now())', 'date')).toThrow('Type error: cannot assign result of function system.tounixtimestamp (type bigint) to x (type date)');
  });

  it('exposes the function table for selectors', () => {
    const f = scalarFunction('blobasbigint', [nativeType('blob')])!;
    expect(f.returnType).toEqual(nativeType('bigint'));
    expect(scalarFunction('tounixtimestamp', [nativeType('date')])).toBeDefined();
    expect(scalarFunction('blobascounter', [nativeType('blob')])!.returnType).toEqual(nativeType('counter'));
    expect(scalarFunction('counterasblob', [nativeType('counter')])!.returnType).toEqual(nativeType('blob'));
    expect(scalarFunction('counterasblob', [nativeType('bigint')])).toBeUndefined();
    expect(() => scalarFunction('blobascounter', [nativeType('blob')])!.execute([Buffer.alloc(4)], 0)).toThrow('In call to function system.blobascounter');
  });
});

describe('IN values', () => {
  const inOf = (text: string): InValues => ((parseCqlStatement(`DELETE FROM t WHERE k IN ${text}`).statement as DeleteStatement).where[0] as { values: InValues }).values;

  it('binds lists and IN ? markers, rejecting null and unset', () => {
    const list = prepareInValues(inOf('(1, ?)'), receiver('int', 'k'), scope);
    expect(list.bind([Buffer.from('00000002', 'hex')], 0).map(hex)).toEqual(['00000001', '00000002']);
    expect(() => list.bind([null], 0)).toThrow('Invalid null value in condition for column k');
    expect(() => list.bind(['unset'], 0)).toThrow('Invalid unset value for column k');
    const marker = prepareInValues(inOf('?'), receiver('int', 'k'), scope);
    expect(marker.markers[0]!.receiver).toMatchObject({ name: 'in(k)', type: listType(nativeType('int')) });
    expect(marker.bind([codecFor(listType(nativeType('int'))).serialize([4, 5])], 0).map(hex)).toEqual(['00000004', '00000005']);
    expect(() => marker.bind([null], 0)).toThrow('Invalid null value for column k');
  });
});
