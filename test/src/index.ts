/** Helpers shared by the black-box tests: start a real node process and talk to it. */
export { startNode, freePorts, portArgs, tempDir, CHARYBDIS_BIN } from './node-process';
export type { NodeProcess } from './node-process';
export { probeShard } from './cql-probe';
export type { ProbeResult } from './cql-probe';
export { parsePrometheusText, sumOf, familyOf } from './prometheus-text';
export type { PromFamily, PromSample } from './prometheus-text';
export { promqlMetricNames } from './promql-metric-names';
