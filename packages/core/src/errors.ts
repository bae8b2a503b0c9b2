/**
 * Base class of every error Charybdis raises on purpose. `code` is stable and is what
 * callers test (never `instanceof`: errors that cross a worker boundary lose their
 * prototype). The original error, if any, travels as `cause`.
 */
export class CharybdisError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CharybdisError';
    this.code = code;
  }
}

/** True when `err` is an object carrying the given stable `code`. */
export function hasErrorCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
