// One jest run covers every package's unit tests (packages/*/test), the single-node
// black-box tests (test/) and, later, dtest/. Type checking is done by `tsc -b` before jest
// runs (see the root package.json), so ts-jest only transpiles.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/test', '<rootDir>/tools'],
  testMatch: ['**/test/**/*.test.ts', '**/tools/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/', '<rootDir>/test/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json' }],
  },
  // Unit tests run against package sources, not their build output.
  moduleNameMapper: {
    '^@charybdis/(core|schema|storage|replica|rpc|cluster|coordinator|cql|server)$':
      '<rootDir>/packages/$1/src/index.ts',
  },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/tools/dev/jest-summary-reporter.js'],
};
