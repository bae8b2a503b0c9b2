import { hasErrorCode } from '@charybdis/core';
import { CQL_SYNTAX_ERROR, parseCqlStatement } from '../src/parser';
import type { Statement } from '../src/parser/statement';

/** Role, user and permission statements: the forms not covered by parser-ddl.test.ts, and their syntax errors. */

const parsed = (text: string): Statement => parseCqlStatement(text).statement;
const noRoleOptions = { password: undefined, hashedPassword: undefined, login: undefined, superuser: undefined, options: undefined, datacenters: undefined };

function syntaxError(text: string): string {
  try {
    parseCqlStatement(text);
  } catch (err) {
    if (!hasErrorCode(err, CQL_SYNTAX_ERROR)) throw err;
    return (err as Error).message;
  }
  throw new Error(`expected a syntax error for: ${text}`);
}

describe('statement forms', () => {
  test.each<[string, Statement]>([
    // Role options in any order and any subset.
    ["CREATE ROLE r WITH SUPERUSER = false AND LOGIN = true AND PASSWORD = 'p'", { kind: 'createRole', role: 'r', ifNotExists: false, options: { ...noRoleOptions, password: 'p', login: true, superuser: false } }],
    ['CREATE ROLE r WITH LOGIN = false', { kind: 'createRole', role: 'r', ifNotExists: false, options: { ...noRoleOptions, login: false } }],
    ["ALTER ROLE IF EXISTS r WITH PASSWORD = 'q'", { kind: 'alterRole', role: 'r', ifExists: true, options: { ...noRoleOptions, password: 'q' } }],
    ["CREATE USER u WITH PASSWORD 'p' NOSUPERUSER", { kind: 'createUser', user: 'u', ifNotExists: false, password: 'p', hashedPassword: undefined, superuser: false }],
    ["ALTER USER u WITH PASSWORD 'q'", { kind: 'alterUser', user: 'u', ifExists: false, password: 'q', hashedPassword: undefined, superuser: undefined }],
    ['DROP USER IF EXISTS u', { kind: 'dropUser', user: 'u', ifExists: true }],
    ['GRANT ALL ON KEYSPACE ks TO r', { kind: 'grantPermissions', permissions: 'all', resource: { kind: 'keyspace', keyspace: 'ks' }, role: 'r' }],
    ['REVOKE MODIFY ON ks.t FROM r', { kind: 'revokePermissions', permissions: ['modify'], resource: { kind: 'table', table: { keyspace: 'ks', name: 't' } }, role: 'r' }],
    ['REVOKE ALL PERMISSIONS ON ALL ROLES FROM r', { kind: 'revokePermissions', permissions: 'all', resource: { kind: 'allRoles' }, role: 'r' }],
    ['GRANT ALTER ON ROLE other TO r', { kind: 'grantPermissions', permissions: ['alter'], resource: { kind: 'role', role: 'other' }, role: 'r' }],
    ['LIST ALL PERMISSIONS OF r NORECURSIVE', { kind: 'listPermissions', permissions: 'all', resource: undefined, role: 'r', recursive: false }],
    ['LIST MODIFY ON TABLE ks.t', { kind: 'listPermissions', permissions: ['modify'], resource: { kind: 'table', table: { keyspace: 'ks', name: 't' } }, role: undefined, recursive: true }],
    ['LIST ROLES OF r', { kind: 'listRoles', role: 'r', recursive: true }],
    // A role named like a keyword-ish word, and a quoted one keeping its case.
    ['GRANT "Admins" TO "Bob"', { kind: 'grantRole', role: 'Admins', grantee: 'Bob' }],
  ])('%s', (text, statement) => {
    expect(parsed(text)).toEqual(statement);
  });
});

describe('syntax errors', () => {
  test.each<[string, RegExp]>([
    ['CREATE ROLE', /line 1:11 .*'<EOF>'/],
    ["CREATE ROLE r WITH PASSWORD 'p'", /mismatched input ''p'' expecting '='/],
    ["CREATE ROLE r WITH LOGIN = 'yes'", /mismatched input ''yes'' expecting BOOLEAN/],
    ["CREATE ROLE r WITH PASSWORD = 'a' AND PASSWORD = 'b'", /line 1:38 Multiple definition for property PASSWORD/],
    ["CREATE ROLE r WITH COLOR = 'red'", /Unknown role option 'COLOR'/i],
    ['GRANT SELECT ON ks.t bob', /mismatched input 'bob' expecting K_TO/],
    ['GRANT FLY ON ks.t TO bob', /mismatched input 'ON' expecting K_TO/],
    ['GRANT SELECT ON ALL TABLES TO r', /mismatched input 'TABLES'/],
    ['REVOKE SELECT ON ks.t TO r', /mismatched input 'TO' expecting K_FROM/],
    ['LIST ROLES OF', /'<EOF>'/],
    ['ALTER USER', /'<EOF>'/],
    ['LIST', /'<EOF>'/],
  ])('%s', (text, message) => {
    expect(syntaxError(text)).toMatch(message);
  });
});
