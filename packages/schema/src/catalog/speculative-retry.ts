import { invalidOption } from './catalog-error-codes';

const PERCENTILE = /^([+-]?\d+(?:\.\d+)?)(?:P|PERCENTILE)$/;
const FIXED_MS = /^(\d+(?:\.\d+)?)MS$/;
const HYBRID = /^(MIN|MAX)\((.+),(.+)\)$/;

/** Java's `DecimalFormat("#.####")`: at most 4 decimals, no trailing zeros. */
function formatDecimal(n: number): string {
  return String(Math.round(n * 10000) / 10000);
}

/** `option` names the option in errors: a percentile outside [0, 100] is refused there. */
function parseSimple(text: string, option: string): string | undefined {
  if (text === 'ALWAYS') return 'ALWAYS';
  if (text === 'NEVER' || text === 'NONE') return 'NEVER';
  let m = PERCENTILE.exec(text);
  if (m !== null) {
    // ScyllaDB's range, bounds included (#26369); "-0" and "+100" are numbers like any other.
    const p = Number(m[1]);
    if (p < 0 || p > 100) throw invalidOption(`Invalid value ${text} for PERCENTILE option '${option}': must be between (0.0 and 100.0)`);
    return `${formatDecimal(p === 0 ? 0 : p)}p`;
  }
  m = FIXED_MS.exec(text);
  if (m !== null) return `${Math.floor(Number(m[1]))}ms`;
  return undefined;
}

/**
 * Parses a speculative retry policy (`speculative_retry`, `additional_write_policy`) and
 * returns Cassandra 4's canonical spelling: `99p` (also `99PERCENTILE`), `50ms`, `ALWAYS`,
 * `NEVER` (also `NONE`), `MIN(99p,50ms)`/`MAX(...)`. Case-insensitive; percentiles go
 * from 0 to 100 inclusive, signs allowed (ScyllaDB's rule and error wording).
 */
export function parseSpeculativeRetry(option: string, text: string): string {
  const upper = text.trim().toUpperCase().replace(/\s+/g, '');
  let out = parseSimple(upper, option);
  const m = HYBRID.exec(upper);
  if (out === undefined && m !== null) {
    const a = parseSimple(m[2]!, option);
    const b = parseSimple(m[3]!, option);
    const ok = (s: string | undefined): boolean => s !== undefined && (s.endsWith('p') || s.endsWith('ms'));
    if (ok(a) && ok(b) && a!.endsWith('p') !== b!.endsWith('p')) out = `${m[1]}(${a},${b})`;
  }
  if (out === undefined) throw invalidOption(`Invalid value ${text} for option '${option}': not a speculative retry policy (e.g. '99p', '50ms', 'ALWAYS', 'NEVER', 'MIN(99p,50ms)')`);
  return out;
}
