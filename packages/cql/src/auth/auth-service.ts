import { createHmac, randomBytes } from 'node:crypto';
import { CharybdisError } from '@charybdis/core';
import type { Logger, Smp } from '@charybdis/core';
import { ExecutionErrorCodes } from '../execution/execution-types';
import type { Permission } from '../parser/ast-auth';
import { AuthErrorCodes } from '../transport/authenticator';
import type { Resource } from './auth-resource';
import { permissionName, resourceChain } from './auth-resource';
import { hashPassword, verifyPassword } from './password-hash';
import type { RoleRecord, RoleStore } from './role-store';

/** smp verbs of the auth service (payloads are plain data). */
export const AuthServiceVerbs = {
  /** Roles or permissions changed: drop this shard's caches. */
  INVALIDATE: 'auth.invalidate',
} as const;

/** Roles (and their permissions) a shard keeps cached; past it the cache starts over. */
export const MAX_CACHED_ROLES = 4096;
/**
 * Password checks a shard runs or queues at once; beyond, a login is refused with
 * Overloaded. Each check is one scrypt (16 MiB, ~50 ms on libuv's thread pool), so a flood
 * of logins must not queue without end.
 */
export const MAX_PENDING_LOGINS = 64;
/** Verified logins a shard remembers. */
export const MAX_CACHED_CREDENTIALS = 1024;
/**
 * How long cached roles, permissions and verified logins stay valid (Cassandra's
 * roles_validity_in_ms / credentials_validity_in_ms default). Changes made through CQL
 * on this node invalidate every shard at once; the validity only bounds how long a
 * change made behind our back (a direct write to system_auth) takes to be seen.
 */
export const AUTH_CACHE_VALIDITY_MS = 2000;

/** What the node's config says about authentication and authorization. */
export interface AuthConfig {
  readonly authenticator: 'AllowAllAuthenticator' | 'PasswordAuthenticator';
  readonly authorizer: 'AllowAllAuthorizer' | 'CassandraAuthorizer';
  readonly superuserName: string;
  readonly superuserPassword: string;
}

/** What the service needs of its shard. */
export interface AuthShard {
  readonly id: number;
  readonly smp: Pick<Smp, 'registerVerb' | 'invokeOnAll'>;
}

interface Timed<T> {
  readonly value: T;
  readonly atMs: number;
}

/** A hash of a password nobody has: an unknown role costs the same scrypt as a wrong password. */
const DUMMY_HASH_PASSWORD = 'charybdis-no-such-role';

/** Cassandra's wording for a failed login. */
function badCredentials(user: string): CharybdisError {
  return new CharybdisError(AuthErrorCodes.BAD_CREDENTIALS, `Provided username ${user} and/or password are incorrect`);
}

/** Cassandra's Unauthorized (0x2100). */
export function unauthorized(message: string): CharybdisError {
  return new CharybdisError(ExecutionErrorCodes.UNAUTHORIZED, message);
}

/**
 * Roles and permissions on one shard: logins (password check), role hierarchy, superuser
 * status and the permissions a role holds on a resource, read from system_auth through a
 * RoleStore and cached here (bounded, short validity). Every change made through CQL
 * calls {@link changed}, which clears the caches of every shard over smp before the
 * statement answers, so the next request on any shard sees it.
 */
export class AuthService {
  readonly store: RoleStore;
  readonly config: AuthConfig;
  readonly #shard: AuthShard;
  readonly #log: Logger;
  readonly #clock: () => number;
  readonly #roles = new Map<string, Timed<RoleRecord | null>>();
  readonly #permissions = new Map<string, Timed<Map<string, Set<string>>>>();
  /** HMAC(user, password) under a per-shard key → the salted hash it was verified against. */
  readonly #credentials = new Map<string, Timed<string>>();
  readonly #credentialKey = randomBytes(32);
  #dummyHash: Promise<string> | null = null;
  #pendingLogins = 0;

  constructor(options: { shard: AuthShard; store: RoleStore; config: AuthConfig; logger: Logger; clock?: () => number }) {
    this.#shard = options.shard;
    this.store = options.store;
    this.config = options.config;
    this.#log = options.logger;
    this.#clock = options.clock ?? Date.now;
    this.#shard.smp.registerVerb<null>(AuthServiceVerbs.INVALIDATE, () => this.invalidate());
  }

  /** True with PasswordAuthenticator: connections log in as a role. */
  get requireAuthentication(): boolean {
    return this.config.authenticator === 'PasswordAuthenticator';
  }

  /** True with CassandraAuthorizer: statements are checked against granted permissions. */
  get enforcesPermissions(): boolean {
    return this.config.authorizer === 'CassandraAuthorizer';
  }

  /** Drops this shard's caches. */
  invalidate(): void {
    this.#roles.clear();
    this.#permissions.clear();
    this.#credentials.clear();
  }

  /** Clears the caches of every shard (after a role or permission change). */
  async changed(): Promise<void> {
    await this.#shard.smp.invokeOnAll(AuthServiceVerbs.INVALIDATE, null);
  }

  /**
   * Creates the configured superuser when no role exists yet (first start), as Cassandra's
   * CassandraRoleManager.setupDefaultRole does: once roles exist it is never re-created,
   * even if it was dropped or its password changed. Run on one shard only.
   */
  async setupDefaultSuperuser(): Promise<void> {
    if (!this.requireAuthentication || (await this.store.anyRoleExists())) return;
    const name = this.config.superuserName;
    await this.store.createRole(name, true, true, await hashPassword(this.config.superuserPassword));
    this.#log.info({ role: name }, 'created the default superuser role; change its password');
  }

  /** A role as stored, or null (cached). */
  async role(name: string): Promise<RoleRecord | null> {
    const now = this.#clock();
    const hit = this.#roles.get(name);
    if (hit !== undefined && now - hit.atMs < AUTH_CACHE_VALIDITY_MS) return hit.value;
    const value = await this.store.role(name);
    if (this.#roles.size >= MAX_CACHED_ROLES) this.#roles.clear();
    this.#roles.set(name, { value, atMs: now });
    return value;
  }

  /** `name` and every role granted to it, directly or not (existing roles only). */
  async rolesOf(name: string): Promise<RoleRecord[]> {
    const out: RoleRecord[] = [];
    const seen = new Set<string>();
    const queue = [name];
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      const role = await this.role(next);
      if (role === null) continue;
      out.push(role);
      queue.push(...role.memberOf);
    }
    return out;
  }

  /** True when the role or a role granted to it is a superuser. */
  async isSuperuser(name: string): Promise<boolean> {
    return (await this.rolesOf(name)).some((r) => r.isSuperuser);
  }

  /**
   * Checks a login. Resolves with the role name, or rejects with BadCredentials in
   * Cassandra's words. An unknown role, a role without a password and a wrong password
   * all cost one scrypt at the same parameters, so the time does not tell them apart; a
   * role without LOGIN is told so only after its password was right.
   */
  async authenticate(user: string, password: string): Promise<string> {
    const role = await this.role(user);
    const stored = role?.saltedHash ?? null;
    const cacheKey = createHmac('sha256', this.#credentialKey).update(user).update('\0').update(password).digest('base64');
    const now = this.#clock();
    const cached = this.#credentials.get(cacheKey);
    if (stored !== null && cached !== undefined && cached.value === stored && now - cached.atMs < AUTH_CACHE_VALIDITY_MS) return user;
    if (this.#pendingLogins >= MAX_PENDING_LOGINS) {
      throw new CharybdisError(ExecutionErrorCodes.OVERLOADED, `Too many logins being checked on this shard (${MAX_PENDING_LOGINS}); retry later`);
    }
    let ok = false;
    this.#pendingLogins++;
    try {
      ok = await verifyPassword(password, stored ?? (await this.#dummy()));
    } catch (err) {
      this.#log.warn({ err, role: user }, 'stored password hash of a role is malformed; login refused');
    } finally {
      this.#pendingLogins--;
    }
    if (!ok || stored === null) throw badCredentials(user);
    // Only after the right password, as Cassandra does: the answer reveals nothing to a guesser.
    if (!role!.canLogin) throw new CharybdisError(AuthErrorCodes.BAD_CREDENTIALS, `${user} is not permitted to log in`);
    if (this.#credentials.size >= MAX_CACHED_CREDENTIALS) this.#credentials.clear();
    this.#credentials.set(cacheKey, { value: stored, atMs: now });
    return user;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword(DUMMY_HASH_PASSWORD);
    return this.#dummyHash;
  }

  /** Permissions granted directly to one role, by resource (cached). */
  async #grantsOf(role: string): Promise<Map<string, Set<string>>> {
    const now = this.#clock();
    const hit = this.#permissions.get(role);
    if (hit !== undefined && now - hit.atMs < AUTH_CACHE_VALIDITY_MS) return hit.value;
    const value = await this.store.permissionsOf(role);
    if (this.#permissions.size >= MAX_CACHED_ROLES) this.#permissions.clear();
    this.#permissions.set(role, { value, atMs: now });
    return value;
  }

  /** True when `user` (a superuser, or through its roles' grants on the resource or a parent) holds `permission` on `resourceName`. */
  async hasPermission(user: string, permission: Permission, resourceName: string): Promise<boolean> {
    const roles = await this.rolesOf(user);
    if (roles.some((r) => r.isSuperuser)) return true;
    const wanted = permissionName(permission);
    const chain = resourceChain(resourceName);
    for (const r of roles) {
      const grants = await this.#grantsOf(r.name);
      if (chain.some((name) => grants.get(name)?.has(wanted) === true)) return true;
    }
    return false;
  }

  /** Throws Unauthorized in Cassandra's words unless `user` holds `permission` on `resource`. */
  async ensurePermission(user: string, permission: Permission, resource: Resource): Promise<void> {
    if (!(await this.hasPermission(user, permission, resource.name))) {
      throw unauthorized(`User ${user} has no ${permissionName(permission)} permission on ${resource.display} or any of its parents`);
    }
  }
}
