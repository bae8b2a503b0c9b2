import { types } from 'cassandra-driver';
import { TypeCode, displayWidth, formatFloat, formatG, formatTimestamp, formatValue } from '../src/value-formatter';
import type { DriverType } from '../src/value-formatter';

const T = (code: number, info?: unknown): DriverType => ({ code, info });
const text = T(TypeCode.varchar);
const int = T(TypeCode.int);

test('scalars print as cqlsh prints them', () => {
  expect(formatValue('hello', text)).toBe('hello');
  expect(formatValue(null, text)).toBe('null');
  expect(formatValue(undefined, int)).toBe('null');
  expect(formatValue(42, int)).toBe('42');
  expect(formatValue(true, T(TypeCode.boolean))).toBe('True');
  expect(formatValue(false, T(TypeCode.boolean))).toBe('False');
  expect(formatValue(Buffer.from('cafe', 'hex'), T(TypeCode.blob))).toBe('0xcafe');
  expect(formatValue(Buffer.alloc(0), T(TypeCode.blob))).toBe('0x');
  expect(formatValue(Buffer.from([1, 2]), T(TypeCode.custom, 'org.example.SomeType'))).toBe('0x0102');
  expect(formatValue(types.Long.fromString('-9223372036854775808'), T(TypeCode.bigint))).toBe('-9223372036854775808');
  expect(formatValue(types.BigDecimal.fromString('-12.345'), T(TypeCode.decimal))).toBe('-12.345');
  expect(formatValue(types.Uuid.fromString('5132b130-ae79-11e4-ab27-0800200c9a66'), T(TypeCode.uuid))).toBe('5132b130-ae79-11e4-ab27-0800200c9a66');
  expect(formatValue(types.InetAddress.fromString('10.0.0.1'), T(TypeCode.inet))).toBe('10.0.0.1');
  expect(formatValue(new types.LocalDate(2024, 2, 29), T(TypeCode.date))).toBe('2024-02-29');
  expect(formatValue(types.LocalTime.fromString('12:34:56.123456789'), T(TypeCode.time))).toBe('12:34:56.123456789');
});

test('timestamps: UTC with microseconds and +0000; out of range years as milliseconds', () => {
  expect(formatValue(new Date('2024-01-02T03:04:05.678Z'), T(TypeCode.timestamp))).toBe('2024-01-02 03:04:05.678000+0000');
  expect(formatTimestamp(new Date(Date.UTC(10000, 0, 1)))).toBe(String(Date.UTC(10000, 0, 1)));
});

test('floats and doubles: 5 significant digits like Python %g, integer digits kept', () => {
  expect(formatFloat(0.1, 5)).toBe('0.1');
  expect(formatFloat(2.5, 5)).toBe('2.5');
  expect(formatFloat(1.5e300, 5)).toBe('1.5e+300');
  expect(formatFloat(123456.789, 5)).toBe('1.2346e+05');
  expect(formatFloat(1234.5678, 5)).toBe('1234.5678');
  // cqlsh's own quirk: between 1e-5 and 1e-4 the precision shrinks (int(log10) rounds toward 0)
  expect(formatFloat(0.000012345, 5)).toBe('1.2e-05');
  expect(formatFloat(-0.5, 5)).toBe('-0.5');
  expect(formatFloat(0, 5)).toBe('0');
  expect(formatFloat(NaN, 5)).toBe('NaN');
  expect(formatFloat(-Infinity, 5)).toBe('-Infinity');
  expect(formatValue(100, T(TypeCode.double))).toBe('100');
  expect(formatG(1e16, 6)).toBe('1e+16');
});

test('text: backslashes doubled, control characters escaped', () => {
  expect(formatValue('a\\b', text)).toBe('a\\\\b');
  expect(formatValue('line\nnext\ttab\x01', text)).toBe('line\\nnext\\ttab\\x01');
  expect(formatValue("it's", text)).toBe("it's");
});

test('collections, tuples and UDTs quote their text and timestamps', () => {
  expect(formatValue(['a', "it's"], T(TypeCode.list, text))).toBe("['a', 'it''s']");
  expect(formatValue(new Set([1, 2]), T(TypeCode.set, int))).toBe('{1, 2}');
  expect(formatValue(new Map([['k', 1]]), T(TypeCode.map, [text, int]))).toBe("{'k': 1}");
  expect(formatValue({ k: 1 }, T(TypeCode.map, [text, int]))).toBe("{'k': 1}");
  expect(formatValue(new types.Tuple(7, 'seven'), T(TypeCode.tuple, [int, text]))).toBe("(7, 'seven')");
  expect(formatValue([new Date('2024-01-02T03:04:05Z')], T(TypeCode.list, T(TypeCode.timestamp)))).toBe("['2024-01-02 03:04:05.000000+0000']");
  const udt = T(TypeCode.udt, { fields: [{ name: 'street', type: text }, { name: 'zip', type: int }] });
  expect(formatValue({ street: 'main', zip: null }, udt)).toBe("{street: 'main', zip: null}");
  expect(formatValue([], T(TypeCode.list, int))).toBe('[]');
});

test('durations as cqlsh writes them', () => {
  expect(formatValue(new types.Duration(14, 2, types.Long.fromString('3723004005006')), T(TypeCode.duration))).toBe('1y2mo2d1h2m3s4ms5us6ns');
  expect(formatValue(new types.Duration(0, -1, types.Long.ZERO), T(TypeCode.duration))).toBe('-1d');
});

test('display width counts wide characters twice', () => {
  expect(displayWidth('abc')).toBe(3);
  expect(displayWidth('日本')).toBe(4);
});
