import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Label names the exporter adds itself, so no metric may declare them: `shard` (every
 * series is exported per shard, as ScyllaDB does) and `le` (histogram buckets).
 */
export const RESERVED_LABEL_NAMES: readonly string[] = ['shard', 'le'];

/**
 * Throws INVALID_ARGUMENT unless `name` is a valid Prometheus label name
 * (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`, which Prometheus reserves) and not
 * one of {@link RESERVED_LABEL_NAMES}. `context` names the metric in the message.
 */
export function checkLabelName(name: string, context: string): void {
  if (typeof name !== 'string' || !LABEL_NAME.test(name) || name.startsWith('__')) {
    throw new CharybdisError(
      ErrorCodes.INVALID_ARGUMENT,
      `${context}: invalid label name ${JSON.stringify(name)}: must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __`,
    );
  }
  if (RESERVED_LABEL_NAMES.includes(name)) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${context}: label name "${name}" is reserved for the exporter`);
  }
}
