/**
 * Terms: values written in statements, prepared against their receivers. The entry points
 * are prepareTerm and prepareInValues; the scalar function table serves terms and selectors.
 */
export { prepareTerm, ConstantTerm, MarkerTerm } from './prepare-term';
export type { TermScope } from './term-scope';
export { prepareInValues } from './prepare-in-values';
export { scalarFunction, scalarFunctionOverloads } from './scalar-functions';
export type { ScalarFunction } from './scalar-functions';
export { validateBoundValue } from './bound-value';
export { serializeCollection, serializeComponents, splitCollection, splitComponents } from './collection-bytes';
export { TimeUuidGenerator, timeUuidBytes, timeUuidToMs, minTimeUuid, maxTimeUuid } from './time-uuids';
export { parseTimestampString, parseDateString, parseTimeString } from './temporal-literals';
export { parseDuration } from './duration-literal';
export { invalidRequest, notSupported } from './term-errors';
export type { PreparedTerm, PreparedInValues, TermReceiver, TermValue } from './term-types';
