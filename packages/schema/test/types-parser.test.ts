import { hasErrorCode } from '@charybdis/core';
import {
  TypeErrorCodes,
  cqlTypeToString,
  cqlTypesEqual,
  freezeType,
  listType,
  mapType,
  nativeType,
  parseCqlType,
  setType,
  tupleType,
  udtType,
} from '../src/types';
import type { UdtType } from '../src/types';

const address = udtType('ks', 'address', [
  { name: 'street', type: nativeType('text') },
  { name: 'phones', type: listType(nativeType('text')) },
]);
const point = udtType('geo', 'Point', [
  { name: 'x', type: nativeType('double') },
  { name: 'y', type: nativeType('double') },
]);
const resolveUdt = (keyspace: string | undefined, name: string): UdtType | undefined => {
  if (name === 'address' && (keyspace === undefined || keyspace === 'ks')) return address;
  if (name === 'Point' && (keyspace === undefined || keyspace === 'geo')) return point;
  return undefined;
};

function parseError(source: string): string {
  try {
    parseCqlType(source, { resolveUdt });
  } catch (err) {
    expect(hasErrorCode(err, TypeErrorCodes.INVALID_TYPE)).toBe(true);
    return (err as Error).message;
  }
  throw new Error(`'${source}' parsed`);
}

describe('parseCqlType', () => {
  test('native types, case-insensitive, varchar is text', () => {
    expect(parseCqlType('int')).toEqual(nativeType('int'));
    expect(parseCqlType('  BigInt ')).toEqual(nativeType('bigint'));
    expect(parseCqlType('varchar')).toEqual(nativeType('text'));
    expect(parseCqlType('TIMEUUID')).toEqual(nativeType('timeuuid'));
  });

  test('collections, frozen or not, nested frozen collections', () => {
    expect(parseCqlType('list<int>')).toEqual(listType(nativeType('int')));
    expect(parseCqlType('set<text>')).toEqual(setType(nativeType('text')));
    expect(parseCqlType('map<text, frozen<list<int>>>')).toEqual(mapType(nativeType('text'), listType(nativeType('int'), true)));
    expect(parseCqlType('frozen<map<int,list<int>>>')).toEqual(mapType(nativeType('int'), listType(nativeType('int'), true), true));
    expect(parseCqlType('frozen<list<list<set<int>>>>')).toEqual(
      listType(listType(setType(nativeType('int'), true), true), true),
    );
    expect(parseCqlType('FROZEN < LIST < INT > >')).toEqual(listType(nativeType('int'), true));
  });

  test('tuples are frozen, and so is everything inside them', () => {
    const t = parseCqlType('frozen<tuple<int, text>>');
    expect(t).toEqual(tupleType([nativeType('int'), nativeType('text')]));
    expect(parseCqlType('tuple<int, text>')).toEqual(t);
    expect(parseCqlType('tuple<list<int>, map<int, set<text>>>')).toEqual(
      tupleType([listType(nativeType('int'), true), mapType(nativeType('int'), setType(nativeType('text'), true), true)]),
    );
    expect(parseCqlType('list<frozen<tuple<int, list<int>>>>')).toEqual(
      listType(tupleType([nativeType('int'), listType(nativeType('int'), true)])),
    );
  });

  test('user-defined types: qualified or not, quoted names, frozen or not', () => {
    expect(parseCqlType('frozen<address>', { resolveUdt })).toEqual(freezeType(address));
    expect(parseCqlType('frozen<ks.address>', { resolveUdt })).toEqual(freezeType(address));
    expect(parseCqlType('frozen<"Point">', { resolveUdt })).toEqual(freezeType(point));
    expect(parseCqlType('geo."Point"', { resolveUdt })).toEqual(point);
    expect(parseCqlType('map<int, frozen<geo."Point">>', { resolveUdt })).toEqual(mapType(nativeType('int'), freezeType(point)));
    const frozen = parseCqlType('frozen<address>', { resolveUdt });
    expect(frozen.kind === 'udt' && frozen.fields[1]!.type).toEqual(listType(nativeType('text'), true));
  });

  test('round trip through cqlTypeToString', () => {
    for (const s of [
      'int',
      'list<int>',
      'frozen<list<int>>',
      'map<text, frozen<list<int>>>',
      'frozen<tuple<int, text>>',
      'set<frozen<tuple<int, frozen<map<int, text>>>>>',
      'frozen<address>',
      'frozen<"Point">',
    ]) {
      const t = parseCqlType(s, { resolveUdt });
      expect(cqlTypeToString(t)).toBe(s);
      expect(cqlTypesEqual(parseCqlType(cqlTypeToString(t), { resolveUdt }), t)).toBe(true);
    }
  });

  test.each([
    ['', /empty type/],
    ['int int', /unexpected 'int' at offset 4/],
    ['list<int', /expected '>' at end of input/],
    ['list<>', /expected a type at offset 5, found '>'/],
    ['map<int>', /expected ',' at offset 7, found '>'/],
    ['map<int, int, int>', /expected '>' at offset 12/],
    ['list', /'list' needs type parameters/],
    ['foo<int>', /'foo' is not a parameterized type/],
    ['int<int>', /'int' is not a parameterized type/],
    ['unknown', /unknown type unknown/],
    ['ks.unknown', /unknown type ks.unknown/],
    ['frozen<int>', /frozen<> is only allowed on collections, tuples, and user-defined types/],
    ['list<list<int>>', /Non-frozen collections are not allowed inside collections: list<list<int>>/],
    ['map<set<int>, int>', /Non-frozen collections are not allowed inside collections: map<set<int>, int>/],
    ['list<address>', /Non-frozen UDTs are not allowed inside collections: list<ks.address>/],
    ['list<counter>', /Counters are not allowed inside collections: list<counter>/],
    ['tuple<counter>', /Counters are not allowed inside tuples/],
    ['set<duration>', /Durations are not allowed inside sets: set<duration>/],
    ['frozen<set<duration>>', /Durations are not allowed inside sets: frozen<set<duration>>/],
    ['map<duration, int>', /Durations are not allowed as map keys: map<duration, int>/],
    ['set<frozen<tuple<int, duration>>>', /Durations are not allowed inside sets/],
    ['address', /Non-frozen UDTs with nested non-frozen collections are not supported/],
    ['list<int>>', /unexpected '>' at offset 9/],
    ['list<in$t>', /unexpected character '\$' at offset 7/],
    ['"unterminated', /unterminated quoted identifier at offset 0/],
    ['frozen<"">', /empty quoted identifier/],
  ])('%j is rejected', (source, message) => {
    expect(parseError(source)).toMatch(message);
    expect(parseError(source)).toContain(`Invalid CQL type '${source}'`);
  });

  test('durations are allowed as list elements and map values', () => {
    expect(parseCqlType('list<duration>')).toEqual(listType(nativeType('duration')));
    expect(parseCqlType('map<int, duration>')).toEqual(mapType(nativeType('int'), nativeType('duration')));
  });
});
