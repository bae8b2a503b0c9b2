import type { Logger } from '@charybdis/core';
import type { ExecutionContext, PreparedStatement, StatementResult } from '../execution/execution-types';
import type { AuthStatement } from '../parser/ast-auth';
import type { Authenticator } from '../transport/authenticator';
import { AllowAllAuthenticator } from '../transport/allow-all-authenticator';
import type { StatementAccess } from './access-control';
import { CassandraAccess } from './access-control';
import type { AuthConfig, AuthShard } from './auth-service';
import { AuthService } from './auth-service';
import type { InternalCql } from './internal-cql';
import { PasswordAuthenticator } from './password-authenticator';
import { PermissionStatements } from './permission-statements';
import { RoleStatements } from './role-statements';
import { RoleStore } from './role-store';

/**
 * Authentication and authorization of one shard, composed from the node's config: the
 * AuthService (roles, permissions, caches), the transport's Authenticator, the statement
 * access checks (null with AllowAllAuthorizer: nothing to check on the hot path) and the
 * executors of role and permission statements.
 */
export class ShardAuth {
  readonly service: AuthService;
  readonly authenticator: Authenticator;
  readonly access: StatementAccess | null;
  readonly #roles: RoleStatements;
  readonly #permissions: PermissionStatements;

  constructor(options: { shard: AuthShard; cql: InternalCql; config: AuthConfig; logger: Logger }) {
    this.service = new AuthService({ shard: options.shard, store: new RoleStore(options.cql), config: options.config, logger: options.logger });
    this.authenticator = this.service.requireAuthentication ? new PasswordAuthenticator(this.service) : new AllowAllAuthenticator();
    this.access = this.service.enforcesPermissions ? new CassandraAccess(this.service) : null;
    this.#roles = new RoleStatements(this.service);
    this.#permissions = new PermissionStatements(this.service);
  }

  /** A role or permission statement, prepared: it runs with the session's role when executed. */
  prepare(statement: AuthStatement): PreparedStatement {
    return {
      statementKind: statement.kind,
      boundVariables: [],
      partitionKeyBindIndexes: [],
      resultColumns: null,
      keyspace: null,
      table: null,
      execute: (ctx) => this.#execute(ctx, statement),
    };
  }

  #execute(ctx: ExecutionContext, s: AuthStatement): Promise<StatementResult> {
    switch (s.kind) {
      case 'createRole':
      case 'createUser':
        return this.#roles.create(ctx, s);
      case 'alterRole':
      case 'alterUser':
        return this.#roles.alter(ctx, s);
      case 'dropRole':
      case 'dropUser':
        return this.#roles.drop(ctx, s);
      case 'grantRole':
      case 'revokeRole':
        return this.#roles.grantOrRevoke(ctx, s);
      case 'listRoles':
        return this.#roles.listRoles(ctx, s);
      case 'listUsers':
        return this.#roles.listUsers(ctx);
      case 'grantPermissions':
      case 'revokePermissions':
        return this.#permissions.grantOrRevoke(ctx, s);
      case 'listPermissions':
        return this.#permissions.list(ctx, s);
    }
  }
}
