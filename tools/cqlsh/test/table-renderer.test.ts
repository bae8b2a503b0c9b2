import { renderTable, renderVertical } from '../src/table-renderer';

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
