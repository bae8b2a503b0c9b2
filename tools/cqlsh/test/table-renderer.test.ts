import { renderTable, renderVertical } from '../src/table-renderer';
import { rowsPerScreen } from '../src/result-printer';

test('a table: left-aligned header, separator, right-aligned values', () => {
  expect(renderTable(['k', 'name'], [['1', 'alice'], ['22', 'bo']])).toEqual([
    ' k  | name',
    '----+-------',
    '  1 | alice',
    ' 22 |    bo',
  ]);
});

test('an empty result still has its header; wide characters align', () => {
  expect(renderTable(['a', 'b'], [])).toEqual([' a | b', '---+---']);
  expect(renderTable(['v'], [['日本'], ['x']])).toEqual([' v', '------', ' 日本', '    x']);
});

test('without header only the rows', () => {
  expect(renderTable(['a'], [['1']], false)).toEqual([' 1']);
});

test('EXPAND ON: one block per row, numbered', () => {
  expect(renderVertical(['k', 'value'], [['1', 'x'], ['2', 'long']], 3)).toEqual([
    '@ Row 3',
    '-------+------',
    ' k     | 1',
    ' value | x',
    '',
    '@ Row 4',
    '-------+------',
    ' k     | 2',
    ' value | long',
    '',
  ]);
});

test('rows per screen: what fits beside the header and prompt, never more than the page size', () => {
  expect(rowsPerScreen(30, 3, false, 100)).toBe(25);
  expect(rowsPerScreen(30, 3, false, 10)).toBe(10);
  expect(rowsPerScreen(30, 2, true, 100)).toBe(5); // 5 lines per row in EXPAND mode
  expect(rowsPerScreen(3, 40, true, 100)).toBe(1);
  expect(rowsPerScreen(1, 1, false, 100)).toBe(1);
});
