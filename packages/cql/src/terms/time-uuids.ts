import { randomBytes } from 'node:crypto';

/**
 * Version-1 (time-based) UUIDs, as Cassandra's UUIDGen makes them: a 60-bit count of
 * 100 ns ticks since 1582-10-15, then 8 "clock sequence and node" bytes. Used by now(),
 * minTimeuuid/maxTimeuuid and for list element cell paths (which sort by this time).
 */

/** 100 ns ticks between 1582-10-15 (the UUID epoch) and 1970-01-01. */
const UUID_EPOCH_OFFSET_TICKS = 0x01b21dd213814000n;
const TICKS_PER_MS = 10_000n;
/** Cassandra's smallest and largest clock-seq-and-node bytes (minTimeuuid/maxTimeuuid; TimeUUIDType compares them signed). */
const MIN_CLOCK_SEQ_AND_NODE = Buffer.from('8080808080808080', 'hex');
const MAX_CLOCK_SEQ_AND_NODE = Buffer.from('7f7f7f7f7f7f7f7f', 'hex');
/** Lists.Prepender's reference time (2010-01-01): prepended elements get times mirrored before it, so later prepends sort first. */
const PREPEND_REFERENCE_MS = 1_262_304_000_000n;

/** The 16 bytes of a version-1 UUID with `ticks` (100 ns units since 1970) and the given low 8 bytes. */
export function timeUuidBytes(ticksSinceUnixEpoch: bigint, low: Uint8Array): Buffer {
  const t = ticksSinceUnixEpoch + UUID_EPOCH_OFFSET_TICKS;
  const out = Buffer.allocUnsafe(16);
  out.writeUInt32BE(Number(t & 0xffff_ffffn), 0);
  out.writeUInt16BE(Number((t >> 32n) & 0xffffn), 4);
  out.writeUInt16BE(Number((t >> 48n) & 0x0fffn) | 0x1000, 6);
  out.set(low.subarray(0, 8), 8);
  return out;
}

/** The Unix time in ms of a version-1 UUID. */
export function timeUuidToMs(bytes: Uint8Array): bigint {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t = (BigInt(b.readUInt16BE(6) & 0x0fff) << 48n) | (BigInt(b.readUInt16BE(4)) << 32n) | BigInt(b.readUInt32BE(0));
  const ticks = t - UUID_EPOCH_OFFSET_TICKS;
  // Floor division, so times before 1970 round down as Cassandra's UUIDGen.unixTimestamp does.
  return ticks >= 0n ? ticks / TICKS_PER_MS : -((-ticks + TICKS_PER_MS - 1n) / TICKS_PER_MS);
}

/** minTimeuuid(ms): the smallest timeuuid of that millisecond. */
export function minTimeUuid(ms: bigint): Buffer {
  return timeUuidBytes(ms * TICKS_PER_MS, MIN_CLOCK_SEQ_AND_NODE);
}

/** maxTimeuuid(ms): the largest timeuuid of that millisecond. */
export function maxTimeUuid(ms: bigint): Buffer {
  return timeUuidBytes(ms * TICKS_PER_MS + TICKS_PER_MS - 1n, MAX_CLOCK_SEQ_AND_NODE);
}

/** A random (version 4) UUID's bytes. */
export function randomUuidBytes(): Buffer {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b;
}

/**
 * Makes unique, increasing timeuuids (Cassandra's UUIDGen): ticks never repeat within
 * one generator, and a random clock sequence and node (chosen once) keep generators apart.
 * Owned by whoever needs ordering across calls (a prepared statement for list appends).
 */
export class TimeUuidGenerator {
  private lastTicks = -1n;
  private lastPrependTicks: bigint | null = null;
  private readonly low: Buffer;

  constructor(low: Uint8Array = randomBytes(8)) {
    this.low = Buffer.from(low.subarray(0, 8));
    this.low[0] = (this.low[0]! & 0x3f) | 0x80; // the IETF variant
  }

  /** `count` increasing timeuuids at `nowMs` or later (list appends, now()). */
  next(nowMs: number, count = 1): Buffer[] {
    const start = BigInt(nowMs) * TICKS_PER_MS > this.lastTicks ? BigInt(nowMs) * TICKS_PER_MS : this.lastTicks + 1n;
    this.lastTicks = start + BigInt(count) - 1n;
    const out: Buffer[] = [];
    for (let i = 0n; i < BigInt(count); i++) out.push(timeUuidBytes(start + i, this.low));
    return out;
  }

  /**
   * `count` increasing timeuuids that sort before every earlier prepend and every append:
   * times mirrored around 2010-01-01, each call below the previous one.
   */
  nextPrepend(nowMs: number, count: number): Buffer[] {
    const mirrored = (2n * PREPEND_REFERENCE_MS - BigInt(nowMs)) * TICKS_PER_MS + TICKS_PER_MS - 1n;
    const top = this.lastPrependTicks === null || mirrored < this.lastPrependTicks ? mirrored : this.lastPrependTicks - 1n;
    const first = top - BigInt(count) + 1n;
    this.lastPrependTicks = first;
    const out: Buffer[] = [];
    for (let i = 0n; i < BigInt(count); i++) out.push(timeUuidBytes(first + i, this.low));
    return out;
  }
}
