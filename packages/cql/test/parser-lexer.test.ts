import { hasErrorCode } from '@charybdis/core';
import { CQL_SYNTAX_ERROR, TokenKind, tokenizeCql } from '../src/parser';
import type { Token } from '../src/parser';

function kinds(text: string): Array<[number, string]> {
  return tokenizeCql(text)
    .filter((t) => t.kind !== TokenKind.Eof)
    .map((t) => [t.kind, t.text]);
}

function lexError(text: string): string {
  try {
    tokenizeCql(text);
  } catch (err) {
    expect(hasErrorCode(err, CQL_SYNTAX_ERROR)).toBe(true);
    return (err as Error).message;
  }
  throw new Error(`expected a syntax error for ${text}`);
}

describe('CQL lexer', () => {
  test('unquoted words are lower-cased, quoted names keep their case and "" escapes', () => {
    expect(kinds('SeLeCt MyCol "MyCol" "say ""hi"""')).toEqual([
      [TokenKind.Word, 'select'],
      [TokenKind.Word, 'mycol'],
      [TokenKind.QuotedName, 'MyCol'],
      [TokenKind.QuotedName, 'say "hi"'],
    ]);
  });

  test.each<[string, number, string]>([
    ["'it''s'", TokenKind.String, "it's"],
    ["''", TokenKind.String, ''],
    ['$$a \'quoted\' $ body$$', TokenKind.String, "a 'quoted' $ body"],
    ['42', TokenKind.Integer, '42'],
    ['-7', TokenKind.Integer, '-7'],
    ['3.25', TokenKind.Float, '3.25'],
    ['1.', TokenKind.Float, '1.'],
    ['-1.5E+10', TokenKind.Float, '-1.5E+10'],
    ['2e-3', TokenKind.Float, '2e-3'],
    ['NaN', TokenKind.Float, 'NaN'],
    ['-nan', TokenKind.Float, '-nan'],
    ['Infinity', TokenKind.Float, 'Infinity'],
    ['-Infinity', TokenKind.Float, '-Infinity'],
    ['TRUE', TokenKind.Boolean, 'true'],
    ['false', TokenKind.Boolean, 'false'],
    ['0xCafe01', TokenKind.Hex, '0xCafe01'],
    ['0x', TokenKind.Hex, '0x'],
    ['123e4567-e89b-12d3-a456-426614174000', TokenKind.Uuid, '123e4567-e89b-12d3-a456-426614174000'],
    ['DEADBEEF-0000-1000-8000-00aabbccddee', TokenKind.Uuid, 'DEADBEEF-0000-1000-8000-00aabbccddee'],
    ['1h30m', TokenKind.Duration, '1h30m'],
    ['-2d5ms', TokenKind.Duration, '-2d5ms'],
    ['1y2mo3w4d5h6m7s8ms9us10ns', TokenKind.Duration, '1y2mo3w4d5h6m7s8ms9us10ns'],
    ['3µs', TokenKind.Duration, '3µs'],
    ['P1Y2M3D', TokenKind.Duration, 'P1Y2M3D'],
    ['PT2H30M', TokenKind.Duration, 'PT2H30M'],
    ['P2W', TokenKind.Duration, 'P2W'],
    ['-P1DT1S', TokenKind.Duration, '-P1DT1S'],
    ['P0001-02-03T04:05:06', TokenKind.Duration, 'P0001-02-03T04:05:06'],
  ])('literal %s', (text, kind, value) => {
    expect(kinds(text)).toEqual([[kind, value]]);
  });

  test('words that only look like ISO durations stay identifiers', () => {
    expect(kinds('p1d P1DX Pages')).toEqual([
      [TokenKind.Word, 'p1d'],
      [TokenKind.Word, 'p1dx'],
      [TokenKind.Word, 'pages'],
    ]);
  });

  test('operators, ranges, markers and punctuation', () => {
    expect(kinds('a<=b>=c!=d<e>f=g..h += -= ? :n [1..3] x.y')).toEqual([
      [TokenKind.Word, 'a'],
      [TokenKind.Punct, '<='],
      [TokenKind.Word, 'b'],
      [TokenKind.Punct, '>='],
      [TokenKind.Word, 'c'],
      [TokenKind.Punct, '!='],
      [TokenKind.Word, 'd'],
      [TokenKind.Punct, '<'],
      [TokenKind.Word, 'e'],
      [TokenKind.Punct, '>'],
      [TokenKind.Word, 'f'],
      [TokenKind.Punct, '='],
      [TokenKind.Word, 'g'],
      [TokenKind.Punct, '..'],
      [TokenKind.Word, 'h'],
      [TokenKind.Punct, '+='],
      [TokenKind.Punct, '-='],
      [TokenKind.QMark, '?'],
      [TokenKind.Punct, ':'],
      [TokenKind.Word, 'n'],
      [TokenKind.Punct, '['],
      [TokenKind.Integer, '1'],
      [TokenKind.Punct, '..'],
      [TokenKind.Integer, '3'],
      [TokenKind.Punct, ']'],
      [TokenKind.Word, 'x'],
      [TokenKind.Punct, '.'],
      [TokenKind.Word, 'y'],
    ]);
  });

  test('comments of the three kinds are skipped', () => {
    expect(kinds('a -- one\nb // two\nc /* three\n lines */ d')).toEqual([
      [TokenKind.Word, 'a'],
      [TokenKind.Word, 'b'],
      [TokenKind.Word, 'c'],
      [TokenKind.Word, 'd'],
    ]);
  });

  test('every token carries its line (1-based) and column (0-based), also after multi-line tokens', () => {
    const tokens = tokenizeCql("SELECT\n  a, 'x\ny' ,\n\tb /* c\n */ \"q\"");
    const at = (t: Token): [string, number, number] => [t.text, t.line, t.column];
    expect(tokens.map(at)).toEqual([
      ['select', 1, 0],
      ['a', 2, 2],
      [',', 2, 3],
      ['x\ny', 2, 5],
      [',', 3, 3],
      ['b', 4, 1],
      ['q', 5, 4],
      ['', 5, 7],
    ]);
  });

  test.each<[string, string]>([
    ["SELECT 'abc", "line 1:7 unterminated string literal: missing closing '"],
    ['SELECT $$abc', 'line 1:7 unterminated string literal: missing closing $$'],
    ['SELECT "abc', 'line 1:7 unterminated quoted identifier: missing closing "'],
    ['SELECT ""', 'line 1:7 empty quoted identifier ""'],
    ['SELECT /* x', 'line 1:7 unterminated comment: missing */'],
    ['SELECT 12abc', "line 1:7 invalid number '12abc'"],
    ['SELECT 1.5x', "line 1:7 invalid number '1.5x'"],
    ['SELECT 0xZZ', "line 1:7 invalid number '0xZZ'"],
    ['SELECT 1h30', "line 1:7 invalid number '1h30'"],
    ['SELECT\n  a @ b', "line 2:4 no viable alternative at character '@'"],
    ['SELECT 😀', "line 1:7 no viable alternative at character '😀'"],
  ])('lexical error: %s', (text, message) => {
    expect(lexError(text)).toBe(message);
  });
});
