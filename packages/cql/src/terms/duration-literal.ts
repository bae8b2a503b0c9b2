import type { CqlDuration } from '@charybdis/schema';
import { invalidRequest } from './term-errors';

/**
 * Duration literals, as Cassandra's `Duration.from` reads them: the unit form
 * (`1y2mo3w4d5h6m7s8ms9us10ns`, `µs` too), ISO 8601 (`P1Y2M3DT4H5M6S`, `P2W`) and the
 * ISO alternative form (`P0001-02-03T04:05:06`); a leading `-` negates all three fields.
 */

const NS_PER_US = 1_000n;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const NS_PER_MIN = 60n * NS_PER_S;
const NS_PER_HOUR = 60n * NS_PER_MIN;
const MAX_INT32 = 2n ** 31n - 1n;
const MAX_INT64 = 2n ** 63n - 1n;

interface Accumulator {
  months: bigint;
  days: bigint;
  nanos: bigint;
}

function add(acc: Accumulator, amount: bigint, unit: string, text: string): void {
  switch (unit) {
    case 'y': acc.months += amount * 12n; break;
    case 'mo': acc.months += amount; break;
    case 'w': acc.days += amount * 7n; break;
    case 'd': acc.days += amount; break;
    case 'h': acc.nanos += amount * NS_PER_HOUR; break;
    case 'm': acc.nanos += amount * NS_PER_MIN; break;
    case 's': acc.nanos += amount * NS_PER_S; break;
    case 'ms': acc.nanos += amount * NS_PER_MS; break;
    case 'us':
    case 'µs': acc.nanos += amount * NS_PER_US; break;
    case 'ns': acc.nanos += amount; break;
    default: throw invalidRequest(`Unknown duration symbol '${unit}': ${text}`);
  }
}

const UNIT_FORM = /(\d+)(mo|ms|us|µs|ns|y|w|d|h|m|s)/giy;
const ISO_FORM = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const ISO_WEEK_FORM = /^P(\d+)W$/;
const ISO_ALTERNATIVE_FORM = /^P(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** The unit form's units, largest first: each may appear once, in this order (Cassandra's Duration.Builder). */
const UNIT_ORDER: Readonly<Record<string, number>> = { y: 1, mo: 2, w: 3, d: 4, h: 5, m: 6, s: 7, ms: 8, us: 9, µs: 9, ns: 10 };
const UNIT_NAMES = ['', 'years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds', 'microseconds', 'nanoseconds'];

function parseUnits(body: string, text: string, acc: Accumulator): void {
  UNIT_FORM.lastIndex = 0;
  let pos = 0;
  let current = 0;
  while (pos < body.length) {
    UNIT_FORM.lastIndex = pos;
    const m = UNIT_FORM.exec(body);
    if (m === null) throw invalidRequest(`Unable to convert '${text}' to a duration`);
    const unit = m[2]!.toLowerCase();
    const index = UNIT_ORDER[unit] ?? 0;
    if (index === current) throw invalidRequest(`Invalid duration. The ${UNIT_NAMES[index]} are specified multiple times`);
    if (index < current) throw invalidRequest(`Invalid duration. The ${UNIT_NAMES[current]} should be after ${UNIT_NAMES[index]}`);
    current = index;
    add(acc, BigInt(m[1]!), unit, text);
    pos = UNIT_FORM.lastIndex;
  }
}

function parseIso(body: string, text: string, acc: Accumulator): void {
  const week = ISO_WEEK_FORM.exec(body);
  if (week !== null) return add(acc, BigInt(week[1]!), 'w', text);
  const alt = ISO_ALTERNATIVE_FORM.exec(body);
  const iso = alt ?? ISO_FORM.exec(body);
  if (iso === null || body === 'P' || body.endsWith('T')) throw invalidRequest(`Unable to convert '${text}' to a duration`);
  const units = ['y', 'mo', 'd', 'h', 'm', 's'];
  for (let i = 0; i < units.length; i++) if (iso[i + 1] !== undefined) add(acc, BigInt(iso[i + 1]!), units[i]!, text);
}

/** Parses a duration literal. */
export function parseDuration(text: string): CqlDuration {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  if (body.length === 0) throw invalidRequest(`Unable to convert '${text}' to a duration`);
  const acc: Accumulator = { months: 0n, days: 0n, nanos: 0n };
  if (body.startsWith('P')) parseIso(body, text, acc);
  else parseUnits(body, text, acc);
  if (acc.months > MAX_INT32 || acc.days > MAX_INT32 || acc.nanos > MAX_INT64) {
    throw invalidRequest(`Invalid duration. The total number of months, days or nanoseconds must be less than or equal to their maximum: ${text}`);
  }
  const sign = negative ? -1n : 1n;
  return { months: Number(sign * acc.months), days: Number(sign * acc.days), nanoseconds: sign * acc.nanos };
}
