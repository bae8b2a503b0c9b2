import { invalidRequest } from './term-errors';

/**
 * String forms of timestamp, date and time values, as Cassandra's TimestampSerializer,
 * SimpleDateSerializer and TimeSerializer read them. A timestamp without a zone is taken
 * as UTC (Cassandra uses the coordinator's zone; our nodes are documented to run in UTC).
 */

const DATE_EPOCH = 2 ** 31;
const MAX_UNSIGNED_DAYS = 2 ** 32 - 1;
const MS_PER_DAY = 86_400_000;
const NANOS_PER_DAY = 86_400_000_000_000n;

/**
 * `yyyy-mm-dd`, optionally ` hh:mm[:ss[.fff]]` (or `T`), optionally a zone: `Z`, `+hh`,
 * `+hhmm`, `+hh:mm` (Cassandra's `X`/`Z`/`z` patterns).
 */
const TIMESTAMP_PATTERN = /^(-?\d{1,6})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,3}))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
const INTEGER_PATTERN = /^-?\d+$/;
const TIME_PATTERN = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/;

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z' || zone === 'UTC' || zone === 'GMT') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}

/** Days since 1970 of a valid proleptic Gregorian date, or null when a field is out of range. */
function epochDays(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return Math.floor(d.getTime() / MS_PER_DAY);
}

/** A timestamp literal (`'2011-02-03 04:05:00.000+0000'` or `'1299038700000'`) → ms since the epoch. */
export function parseTimestampString(text: string): bigint {
  const trimmed = text.trim();
  if (INTEGER_PATTERN.test(trimmed)) return BigInt(trimmed);
  const m = TIMESTAMP_PATTERN.exec(trimmed);
  const fail = (): Error => invalidRequest(`Unable to coerce '${text}' to a formatted date (long)`);
  if (m === null) throw fail();
  const days = epochDays(Number(m[1]), Number(m[2]), Number(m[3]));
  const hours = Number(m[4] ?? 0);
  const minutes = Number(m[5] ?? 0);
  const seconds = Number(m[6] ?? 0);
  if (days === null || hours > 23 || minutes > 59 || seconds > 59) throw fail();
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  const offset = zoneOffsetMinutes(m[8]);
  return BigInt(days) * BigInt(MS_PER_DAY) + BigInt(((hours * 60 + minutes - offset) * 60 + seconds) * 1000 + ms);
}

/** A date literal (`'2011-02-03'`, or a number of days with the epoch at 2^31) → days since 1970. */
export function parseDateString(text: string): number {
  if (INTEGER_PATTERN.test(text)) {
    const raw = Number(text);
    if (!Number.isSafeInteger(raw) || raw < 0 || raw > MAX_UNSIGNED_DAYS) throw invalidRequest(`Unable to make unsigned int (for date) from: '${text}'`);
    return raw - DATE_EPOCH;
  }
  const m = /^(-?\d{1,6})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const days = m === null ? null : epochDays(Number(m[1]), Number(m[2]), Number(m[3]));
  if (days === null) throw invalidRequest(`Unable to coerce '${text}' to a formatted date (long)`);
  if (days < -DATE_EPOCH || days >= DATE_EPOCH) throw invalidRequest(`Input date ${text} is out of bounds`);
  return days;
}

/** Days since 1970 of a timestamp in ms (floor), as toDate() computes it. */
export function msToEpochDays(ms: bigint): number {
  const day = BigInt(MS_PER_DAY);
  return Number(ms >= 0n ? ms / day : -((-ms + day - 1n) / day));
}

/** A time literal (`'08:12:54.123456789'`, or nanoseconds since midnight) → nanoseconds. */
export function parseTimeString(text: string): bigint {
  if (INTEGER_PATTERN.test(text)) return checkNanosOfDay(BigInt(text), text);
  const m = TIME_PATTERN.exec(text.trim());
  if (m === null) throw invalidRequest(`Unable to coerce '${text}' to a formatted time (long)`);
  const hours = BigInt(m[1]!);
  const minutes = BigInt(m[2]!);
  const seconds = BigInt(m[3]!);
  if (hours > 23n) throw invalidRequest('Hour out of bounds.');
  if (minutes > 59n) throw invalidRequest('Minute out of bounds.');
  if (seconds > 59n) throw invalidRequest('Second out of bounds.');
  const fraction = BigInt((m[4] ?? '0').padEnd(9, '0'));
  return ((hours * 60n + minutes) * 60n + seconds) * 1_000_000_000n + fraction;
}

/** Checks a time of day in nanoseconds. */
export function checkNanosOfDay(nanos: bigint, text: string): bigint {
  if (nanos < 0n || nanos >= NANOS_PER_DAY) throw invalidRequest(`Input long out of bounds: ${text}`);
  return nanos;
}
