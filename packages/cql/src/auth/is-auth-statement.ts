import type { AuthStatement } from '../parser/ast-auth';
import type { Statement } from '../parser/statement';

const AUTH_KINDS: ReadonlySet<string> = new Set([
  'createRole', 'alterRole', 'dropRole', 'createUser', 'alterUser', 'dropUser', 'grantRole', 'revokeRole',
  'grantPermissions', 'revokePermissions', 'listPermissions', 'listRoles', 'listUsers',
]);

/** True for role, user and permission statements (run by ShardAuth, not the schema service). */
export function isAuthStatement(statement: Statement): statement is AuthStatement {
  return AUTH_KINDS.has(statement.kind);
}
