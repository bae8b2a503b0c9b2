import { CharybdisError } from '@charybdis/core';
import { ReplicaErrorCodes } from '@charybdis/replica';
import { ShardRequestErrorCodes } from './shard-requests';

/** Stable codes of admin API errors (the JSON body's `error` field). */
export const AdminErrorCodes = {
  NOT_FOUND: 'CHARYBDIS_ADMIN_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'CHARYBDIS_ADMIN_METHOD_NOT_ALLOWED',
  BAD_PARAMETER: 'CHARYBDIS_ADMIN_BAD_PARAMETER',
  NOT_SUPPORTED: 'CHARYBDIS_ADMIN_NOT_SUPPORTED',
  UNAVAILABLE: 'CHARYBDIS_ADMIN_UNAVAILABLE',
  FAILED: 'CHARYBDIS_ADMIN_FAILED',
} as const;

/**
 * An error the admin API answers with `status` and the JSON body
 * `{ "message": …, "code": status, "error": code }` (ScyllaDB's error body plus our code).
 */
export class AdminHttpError extends CharybdisError {
  /** Extra response headers (Allow on a 405). */
  readonly headers: Record<string, string>;
  constructor(
    readonly status: number,
    code: string,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(code, message, options);
    this.headers = options?.headers ?? {};
    this.name = 'AdminHttpError';
  }
}

/** A 400 naming what is wrong with a parameter. */
export function badParameter(message: string): AdminHttpError {
  return new AdminHttpError(400, AdminErrorCodes.BAD_PARAMETER, message);
}

/** Status for an error code that came back from a shard or the gathering of replies. */
export function statusOfCode(code: string): number {
  switch (code) {
    case ReplicaErrorCodes.INVALID_ARGUMENT:
      return 400;
    case ReplicaErrorCodes.UNKNOWN_TABLE:
      return 404;
    case ShardRequestErrorCodes.TIMEOUT:
      return 504;
    case ShardRequestErrorCodes.UNAVAILABLE:
    case ReplicaErrorCodes.STOPPED:
    case ReplicaErrorCodes.OVERLOADED:
      return 503;
    default:
      return 500;
  }
}

/** Any error as an AdminHttpError (keeping its code and message). */
export function toAdminHttpError(err: unknown): AdminHttpError {
  // Same thread (the supervisor's): instanceof is safe here.
  if (err instanceof AdminHttpError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : AdminErrorCodes.FAILED;
  const message = typeof e.message === 'string' ? e.message : String(err);
  return new AdminHttpError(statusOfCode(code), code, message, { cause: err });
}
