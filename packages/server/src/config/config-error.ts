import { CharybdisError } from '@charybdis/core';

/**
 * The configuration cannot be used: a bad value, an unknown key or option, an unreadable
 * or malformed config file, or settings that contradict each other. `message` is one line
 * a user can act on; it starts with `charybdis: `, names where the value came from (the
 * config file's path, `environment variable CHARYBDIS_…` or `option --…`) and the key.
 * The supervisor prints it and exits; callers test `code`, never `instanceof`.
 */
export class ConfigError extends CharybdisError {
  static readonly CODE = 'CHARYBDIS_CONFIG_INVALID';
  declare readonly code: typeof ConfigError.CODE;

  constructor(message: string, options?: { cause?: unknown }) {
    // One line, whatever a library put in the text we quote.
    super(ConfigError.CODE, message.replace(/\s*[\r\n]+\s*/g, ' '), options);
    this.name = 'ConfigError';
  }
}
