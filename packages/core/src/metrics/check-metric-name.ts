import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Throws INVALID_ARGUMENT unless `name` is a valid Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
export function checkMetricName(name: string): void {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `invalid metric name ${JSON.stringify(name)}: must match [a-zA-Z_:][a-zA-Z0-9_:]*`);
  }
}
