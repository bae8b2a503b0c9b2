import type { types } from 'cassandra-driver';
import { printRows } from '../src/result-printer';
import { TypeCode } from '../src/value-formatter';

/** Test double: a driver ResultSet with one int column `k` holding `keys`. */
function fakePage(keys: number[], pageState?: string): types.ResultSet {
  return {
    columns: [{ name: 'k', type: { code: TypeCode.int } }],
    rows: keys.map((k) => ({ get: () => k })),
    pageState,
  } as unknown as types.ResultSet;
}

/** Test double: pages `[1,2]`, `[3]`, `[4444]` chained by their paging states. */
const pages: Record<string, types.ResultSet> = { p2: fakePage([3], 'p3'), p3: fakePage([4444]) };

test('without a terminal: page after page, one header, a blank line at the end', async () => {
  const out: string[] = [];
  const n = await printRows({ out: (l) => out.push(l), expand: false, pageSize: 100, nextPage: (s) => Promise.resolve(pages[s]!) }, fakePage([1, 2], 'p2'));
  expect(n).toBe(4);
  expect(out).toEqual([' k', '---', ' 1', ' 2', ' 3', ' 4444', '']);
});

test('on a terminal: ---MORE--- after each screenful, a header per screen', async () => {
  const out: string[] = [];
  const more = (): Promise<boolean> => {
    out.push('---MORE---');
    return Promise.resolve(true);
  };
  // 7 lines: 2 rows fit beside the header, the blank lines and the ---MORE--- line
  const n = await printRows({ out: (l) => out.push(l), more, screenRows: 7, expand: false, pageSize: 100, nextPage: (s) => Promise.resolve(pages[s]!) }, fakePage([1, 2], 'p2'));
  expect(n).toBe(4);
  expect(out).toEqual([' k', '---', ' 1', ' 2', '', '---MORE---', ' k', '------', '    3', ' 4444', '']);
});

test('on a terminal: answering no at ---MORE--- stops the listing', async () => {
  let asked = 0;
  const more = (): Promise<boolean> => Promise.resolve(++asked < 2);
  const out: string[] = [];
  // 6 lines: one row per screen
  const n = await printRows({ out: (l) => out.push(l), more, screenRows: 6, expand: false, pageSize: 100, nextPage: (s) => Promise.resolve(pages[s]!) }, fakePage([1, 2], 'p2'));
  expect(n).toBe(2);
  expect(asked).toBe(2);
  expect(out.filter((l) => /^ \d/.test(l))).toEqual([' 1', ' 2']);
});

test('an empty result prints its header', async () => {
  const out: string[] = [];
  expect(await printRows({ out: (l) => out.push(l), expand: false, pageSize: 100, nextPage: () => Promise.resolve(fakePage([])) }, fakePage([]))).toBe(0);
  expect(out).toEqual([' k', '---', '']);
});
