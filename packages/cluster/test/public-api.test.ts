import * as api from '../src';

// A package's public API is deliberate (CONVENTIONS.md): this package's work has not
// started, so it exports nothing. The first feature that lands replaces this test with
// tests of what it exports.
test('exports nothing before its first feature lands', () => {
  expect(Object.keys(api)).toEqual([]);
});
