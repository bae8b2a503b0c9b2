import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';
import { checkLabelName } from './check-label-name';
import { checkMetricName } from './check-metric-name';
import type { MetricFamilySnapshot, MetricType } from './metrics-snapshot';

/** Label values of one series: exactly one string per declared label name. */
export type LabelValues<L extends string> = Readonly<Record<L, string>>;

/** What every metric registration needs. */
export interface MetricOptions<L extends string> {
  /** Prometheus metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`, e.g. `charybdis_cql_requests_total`. */
  name: string;
  /** One line saying what is counted and in which unit; exported as `# HELP`. */
  help: string;
  /** Label names, e.g. `['group']`; each distinct set of values is one series (child). */
  labelNames?: readonly L[];
}

/**
 * The part every metric type shares: name, help, label names, and one child per label
 * set, bounded by `maxSeries` so a label fed from unbounded input (a key, an address)
 * fails loudly with METRIC_CARDINALITY_EXCEEDED instead of growing without limit. A
 * family without labels has exactly one child, created at registration so it is
 * exported (as 0) before its first update.
 *
 * Hot paths should keep the child returned by `labels()` rather than look it up per
 * event.
 */
export abstract class MetricFamily<L extends string, C> {
  abstract readonly type: MetricType;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Most label sets (children) this family may hold. */
  readonly maxSeries: number;
  readonly #children = new Map<string, { labelValues: readonly string[]; child: C }>();
  #unlabeled: C | undefined;

  protected constructor(options: MetricOptions<L>, maxSeries: number) {
    checkMetricName(options.name);
    if (typeof options.help !== 'string' || options.help.length === 0) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${options.name}: help text is required`);
    }
    const labelNames = [...(options.labelNames ?? [])];
    const seen = new Set<string>();
    for (const label of labelNames) {
      checkLabelName(label, options.name);
      if (seen.has(label)) throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${options.name}: duplicate label name "${label}"`);
      seen.add(label);
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = Object.freeze(labelNames);
    this.maxSeries = maxSeries;
  }

  /** Number of label sets (children) currently held. */
  get seriesCount(): number {
    return this.#children.size;
  }

  /**
   * The child for one label set, created on first use. Throws INVALID_ARGUMENT when a
   * declared label is missing, not a string, or an undeclared one is given, and
   * METRIC_CARDINALITY_EXCEEDED when a new child would pass `maxSeries`.
   */
  labels(values: LabelValues<L>): C {
    const labelValues = this.#valuesOf(values);
    const key = labelValues.length === 1 ? (labelValues[0] as string) : JSON.stringify(labelValues);
    const existing = this.#children.get(key);
    if (existing !== undefined) return existing.child;
    if (this.#children.size >= this.maxSeries) {
      throw new CharybdisError(
        ErrorCodes.METRIC_CARDINALITY_EXCEEDED,
        `${this.name}: more than ${this.maxSeries} label sets; a label is probably fed from unbounded input`,
      );
    }
    const child = this.newChild();
    this.#children.set(key, { labelValues: Object.freeze(labelValues), child });
    return child;
  }

  /** Drops the child of one label set (e.g. a dropped table's series); true if it existed. */
  remove(values: LabelValues<L>): boolean {
    const labelValues = this.#valuesOf(values);
    if (labelValues.length === 0) return false; // the unlabeled child lives as long as the family
    return this.#children.delete(labelValues.length === 1 ? (labelValues[0] as string) : JSON.stringify(labelValues));
  }

  /** Plain-data snapshot of every series of this family. */
  abstract collect(): MetricFamilySnapshot;

  protected abstract newChild(): C;

  /** The single child of a family without labels; INVALID_STATE if the family has labels. */
  protected unlabeledChild(): C {
    if (this.#unlabeled === undefined) {
      if (this.labelNames.length !== 0) {
        throw new CharybdisError(
          ErrorCodes.INVALID_STATE,
          `${this.name} has labels (${this.labelNames.join(', ')}): update a child from labels({...})`,
        );
      }
      this.#unlabeled = this.labels({} as LabelValues<L>);
    }
    return this.#unlabeled;
  }

  /** Children with their label values, in creation order. */
  protected series(): Iterable<{ labelValues: readonly string[]; child: C }> {
    return this.#children.values();
  }

  #valuesOf(values: LabelValues<L>): string[] {
    const labelValues: string[] = [];
    for (const label of this.labelNames) {
      const value: unknown = values[label];
      if (typeof value !== 'string') {
        throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${this.name}: label "${label}" must be a string, got ${typeof value}`);
      }
      labelValues.push(value);
    }
    for (const key in values) {
      if (!this.labelNames.includes(key)) {
        throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${this.name}: unknown label "${key}" (declared: ${this.labelNames.join(', ') || 'none'})`);
      }
    }
    return labelValues;
  }
}
