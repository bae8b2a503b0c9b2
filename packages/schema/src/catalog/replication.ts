import { invalidOption } from './catalog-error-codes';
import { MAX_OPTION_MAP_ENTRIES } from './catalog-limits';
import { sortedRecord } from './option-values';

const LOCATOR_PACKAGE = 'org.apache.cassandra.locator.';

/** A keyspace's replication: `class` is the full Java class name, the other entries its options. */
export type ReplicationParams = Readonly<Record<string, string>> & { readonly class: string };

/** Replication strategy class names (full Java names, as system_schema.keyspaces stores them). */
export const ReplicationStrategies = {
  SIMPLE: `${LOCATOR_PACKAGE}SimpleStrategy`,
  NETWORK_TOPOLOGY: `${LOCATOR_PACKAGE}NetworkTopologyStrategy`,
  /** Node-local data (system, system_schema): never replicated. */
  LOCAL: `${LOCATOR_PACKAGE}LocalStrategy`,
  /** Every node holds everything (ScyllaDB's, used for some system keyspaces). */
  EVERYWHERE: `${LOCATOR_PACKAGE}EverywhereStrategy`,
} as const;

/** What replication validation needs to know about the cluster and the caller. */
export interface ReplicationContext {
  /**
   * The cluster's datacenters: NetworkTopologyStrategy's `replication_factor` shorthand
   * sets each of them (those not given explicitly) to that factor.
   */
  readonly datacenters?: readonly string[];
  /** True when defining a system keyspace: LocalStrategy and EverywhereStrategy are allowed. */
  readonly system?: boolean;
}

/**
 * The replication factor CREATE KEYSPACE gives every datacenter when NetworkTopologyStrategy
 * names none (ScyllaDB's and Cassandra 4.1's default_keyspace_rf).
 */
export const DEFAULT_KEYSPACE_RF = '1';

/** The strategy CREATE KEYSPACE uses when the replication map has no `class` (ScyllaDB's default). */
export const DEFAULT_REPLICATION_CLASS = 'NetworkTopologyStrategy';

function fullClassName(name: string): string {
  return name.includes('.') ? name : LOCATOR_PACKAGE + name;
}

/** Checks a replication factor: a non-negative integer (transient "3/1" factors are not supported). */
function checkReplicationFactor(text: string): string {
  if (text.includes('/')) throw invalidOption('Transient replication is not enabled on this node');
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw invalidOption(`Replication factor must be numeric; found ${text}`);
  const n = Number(text.trim());
  if (n < 0) throw invalidOption(`Replication factor must be non-negative, found ${n}`);
  if (n > 2147483647) throw invalidOption(`Replication factor must be numeric; found ${text}`);
  return String(n);
}

function simpleStrategy(keyspace: string, options: ReadonlyMap<string, string>): [string, string][] {
  const rf = options.get('replication_factor');
  if (rf === undefined) throw invalidOption('SimpleStrategy requires a replication_factor strategy option.');
  for (const k of options.keys()) {
    if (k !== 'replication_factor') throw invalidOption(`Unrecognized strategy option {${k}} passed to SimpleStrategy for keyspace ${keyspace}`);
  }
  return [['replication_factor', checkReplicationFactor(rf)]];
}

function networkTopologyStrategy(keyspace: string, options: ReadonlyMap<string, string>, ctx: ReplicationContext): [string, string][] {
  const out = new Map<string, string>();
  for (const [dc, rf] of options) {
    if (dc === 'replication_factor') continue;
    if (dc.length === 0) throw invalidOption('NetworkTopologyStrategy datacenter names must not be empty');
    // Only the cluster's datacenters may be named (ScyllaDB #7595; option names are case-sensitive).
    if (ctx.datacenters !== undefined && !ctx.datacenters.includes(dc)) {
      throw invalidOption(`Unrecognized strategy option {${dc}} passed to ${ReplicationStrategies.NETWORK_TOPOLOGY} for keyspace ${keyspace}`);
    }
    out.set(dc, checkReplicationFactor(rf));
  }
  const shorthand = options.get('replication_factor');
  if (shorthand !== undefined) {
    const rf = checkReplicationFactor(shorthand);
    if (ctx.datacenters === undefined) {
      throw invalidOption("NetworkTopologyStrategy's replication_factor option needs the cluster's datacenters; list them explicitly instead");
    }
    for (const dc of ctx.datacenters) if (!out.has(dc)) out.set(dc, rf);
  }
  return [...out];
}

/**
 * Validates a `replication` map (`{'class': 'SimpleStrategy', 'replication_factor': 3}`)
 * and returns its stored form: the full class name and the options as canonical strings.
 * Short class names are completed with `org.apache.cassandra.locator.`.
 */
export function parseReplication(keyspace: string, options: ReadonlyMap<string, string>, ctx: ReplicationContext = {}): ReplicationParams {
  if (options.size > MAX_OPTION_MAP_ENTRIES) throw invalidOption(`replication has more than ${MAX_OPTION_MAP_ENTRIES} options`);
  const given = options.get('class');
  if (given === undefined) throw invalidOption('Missing replication strategy class');
  const cls = fullClassName(given);
  const rest = new Map([...options].filter(([k]) => k !== 'class'));
  let entries: [string, string][];
  switch (cls) {
    case ReplicationStrategies.SIMPLE:
      entries = simpleStrategy(keyspace, rest);
      break;
    case ReplicationStrategies.NETWORK_TOPOLOGY:
      entries = networkTopologyStrategy(keyspace, rest, ctx);
      break;
    case ReplicationStrategies.LOCAL:
    case ReplicationStrategies.EVERYWHERE: {
      const short = cls.slice(LOCATOR_PACKAGE.length);
      if (ctx.system !== true) throw invalidOption(`Unable to use given strategy class: ${short} is reserved for internal use.`);
      if (rest.size > 0) throw invalidOption(`Unrecognized strategy option {${[...rest.keys()].join(', ')}} passed to ${short} for keyspace ${keyspace}`);
      entries = [];
      break;
    }
    default:
      throw invalidOption(`Unable to find replication strategy class '${cls}'`);
  }
  return sortedRecord([['class', cls], ...entries]) as ReplicationParams;
}

/**
 * CREATE KEYSPACE's defaults, as ScyllaDB applies them: no `class` means
 * NetworkTopologyStrategy, and NetworkTopologyStrategy naming no datacenter (and no
 * `replication_factor`) gives every datacenter {@link DEFAULT_KEYSPACE_RF}. A missing
 * `replication` property is an empty map.
 */
export function withCreateDefaults(options: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  const out = new Map(options);
  if (!out.has('class')) out.set('class', DEFAULT_REPLICATION_CLASS);
  if (fullClassName(out.get('class') ?? '') === ReplicationStrategies.NETWORK_TOPOLOGY && out.size === 1) out.set('replication_factor', DEFAULT_KEYSPACE_RF);
  return out;
}

/**
 * The checks ALTER KEYSPACE adds to {@link parseReplication} when the keyspace stays on
 * NetworkTopologyStrategy (ScyllaDB's rules for keyspaces whose replicas move one step at
 * a time): at least one datacenter must be named, the `replication_factor` shorthand is
 * refused (it is ambiguous once datacenters have factors), and no datacenter's factor may
 * change by more than one.
 */
export function checkReplicationAlter(before: ReplicationParams, options: ReadonlyMap<string, string>, after: ReplicationParams): void {
  if (after.class !== ReplicationStrategies.NETWORK_TOPOLOGY) return;
  if (options.has('replication_factor')) {
    throw invalidOption("'replication_factor' tag is not allowed when executing ALTER KEYSPACE with NetworkTopologyStrategy, please list the DCs explicitly");
  }
  const dcs = Object.keys(after).filter((k) => k !== 'class');
  if (dcs.length === 0) throw invalidOption('Configuration for at least one datacenter must be present');
  if (before.class !== ReplicationStrategies.NETWORK_TOPOLOGY) return;
  for (const dc of new Set([...dcs, ...Object.keys(before).filter((k) => k !== 'class')])) {
    const from = Number(before[dc] ?? '0');
    const to = Number(after[dc] ?? '0');
    if (Math.abs(to - from) > 1) {
      throw invalidOption(`Only one DC's RF can be changed at a time and not by more than 1 (datacenter ${dc}: ${from} -> ${to})`);
    }
  }
}
