import type { CounterShard } from './counter-shards';
import { invalidMutationError } from './invalid-mutation-error';

/**
 * The value of one column (or one element of a multi-cell column) with its write time.
 * Plain data: cells cross shards and nodes as they are. Timestamps are client timestamps
 * in microseconds (bigint); times measured by the server are in seconds since the epoch.
 *
 * The four kinds mirror Cassandra's cells:
 * - `live`: a value with no TTL;
 * - `expiring`: a value with a TTL; `localDeletionTimeSeconds` is when it expires, after
 *   which it reads as deleted (Cassandra stores the expiry in the same field);
 * - `tombstone`: a deletion of this one cell, `localDeletionTimeSeconds` when it was deleted;
 * - `counter`: a counter column's shards (see CounterShard); the value is their sum.
 */
export type Cell = LiveCell | ExpiringCell | TombstoneCell | CounterCell;

/** A regular value with no TTL. */
export interface LiveCell {
  readonly kind: 'live';
  readonly timestampUs: bigint;
  readonly value: Uint8Array;
}

/** A value with a TTL. */
export interface ExpiringCell {
  readonly kind: 'expiring';
  readonly timestampUs: bigint;
  readonly value: Uint8Array;
  readonly ttlSeconds: number;
  /** The expiry: write time (seconds) + TTL. */
  readonly localDeletionTimeSeconds: number;
}

/** A deleted cell. */
export interface TombstoneCell {
  readonly kind: 'tombstone';
  readonly timestampUs: bigint;
  readonly localDeletionTimeSeconds: number;
}

/** A counter cell. `timestampUs` is the latest update's (used against deletions). */
export interface CounterCell {
  readonly kind: 'counter';
  readonly timestampUs: bigint;
  /** Sorted by counter id, ids unique. */
  readonly shards: readonly CounterShard[];
}

/** Cassandra's largest TTL: 20 years (Attributes.MAX_TTL). */
export const MAX_TTL_SECONDS = 20 * 365 * 24 * 60 * 60;

/** Local times are unsigned 32-bit seconds (Cassandra 5 widened them to 2106). */
export const MAX_LOCAL_TIME_SECONDS = 0xffff_ffff;

function checkSeconds(what: string, seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_LOCAL_TIME_SECONDS) {
    throw invalidMutationError(`${what} must be an integer number of seconds in [0, 2^32), got ${seconds}`);
  }
}

/** Checks a TTL against Cassandra's limits (1 s to 20 years). */
export function checkTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) {
    throw invalidMutationError(`TTL must be an integer in [1, ${MAX_TTL_SECONDS}] seconds, got ${ttlSeconds}`);
  }
}

/** A live cell written at `timestampUs`. */
export function liveCell(timestampUs: bigint, value: Uint8Array): LiveCell {
  return { kind: 'live', timestampUs, value };
}

/** A cell written at `timestampUs`, at server time `nowSeconds`, expiring `ttlSeconds` later. */
export function expiringCell(timestampUs: bigint, value: Uint8Array, ttlSeconds: number, nowSeconds: number): ExpiringCell {
  checkTtl(ttlSeconds);
  checkSeconds('nowSeconds', nowSeconds);
  const expiry = nowSeconds + ttlSeconds;
  checkSeconds('expiry', expiry);
  return { kind: 'expiring', timestampUs, value, ttlSeconds, localDeletionTimeSeconds: expiry };
}

/** A cell deleted at `timestampUs` (client time), at server time `nowSeconds`. */
export function tombstoneCell(timestampUs: bigint, nowSeconds: number): TombstoneCell {
  checkSeconds('nowSeconds', nowSeconds);
  return { kind: 'tombstone', timestampUs, localDeletionTimeSeconds: nowSeconds };
}

/** A counter cell (counter ids are lowercased and the shards sorted by them here). */
export function counterCell(timestampUs: bigint, shards: readonly CounterShard[]): CounterCell {
  const sorted = shards.map((s) => ({ ...s, counterId: s.counterId.toLowerCase() })).sort((a, b) => (a.counterId < b.counterId ? -1 : a.counterId > b.counterId ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.counterId === sorted[i - 1]!.counterId) {
      throw invalidMutationError(`counter cell has two shards for counter id ${sorted[i]!.counterId}`);
    }
  }
  return { kind: 'counter', timestampUs, shards: sorted };
}

/**
 * True when the cell has a value at `nowSeconds`: live and counter cells always, expiring
 * ones before their expiry (Cassandra: `nowInSec < localDeletionTime`), tombstones never.
 * An expired cell behaves as a tombstone: it still wins reconciliation by its timestamp,
 * and hides older values.
 */
export function isCellLive(cell: Cell, nowSeconds: number): boolean {
  switch (cell.kind) {
    case 'live':
    case 'counter':
      return true;
    case 'expiring':
      return nowSeconds < cell.localDeletionTimeSeconds;
    case 'tombstone':
      return false;
  }
}
