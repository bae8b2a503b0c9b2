import { CharybdisError } from '../errors';
import { SmpErrorCode } from './smp-errors';
import type { SmpPeerStats } from './smp-stats';

interface PendingRequest {
  shard: number;
  verb: string;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The requests a shard has sent and not yet seen answered, by request id (unique per `Smp`,
 * wrapping at 2^32). Owned by one shard's thread. A request leaves the table exactly once:
 * answered, timed out, or failed (stop, peer stop, encoding); an answer that finds no entry
 * is late and only counted.
 */
export class PendingRequests {
  private readonly entries = new Map<number, PendingRequest>();
  private readonly stats: SmpPeerStats[];
  private readonly onEmpty: () => void;
  private lastId = 0;

  /** `onEmpty` runs whenever the table becomes empty. */
  constructor(stats: SmpPeerStats[], onEmpty: () => void) {
    this.stats = stats;
    this.onEmpty = onEmpty;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Registers a request to `shard`; returns its id. A defined `timeoutMs` arms a timer. */
  add(shard: number, verb: string, resolve: (value: unknown) => void, reject: (err: unknown) => void, timeoutMs: number | undefined): number {
    let id = this.lastId;
    do {
      id = (id + 1) >>> 0 || 1;
    } while (this.entries.has(id));
    this.lastId = id;
    const timer = timeoutMs === undefined ? undefined : setTimeout(this.expire, timeoutMs, id);
    this.entries.set(id, { shard, verb, resolve, reject, timer });
    this.stats[shard]!.inFlightRequests++;
    return id;
  }

  /** True while request `id` still waits for its answer. */
  isLive(id: number): boolean {
    return this.entries.has(id);
  }

  /**
   * Completes request `id` with an answer from `fromShard`. Returns false (and changes
   * nothing) when no such request waits: the answer is late.
   */
  settle(id: number, fromShard: number, ok: boolean, value: unknown): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.shard !== fromShard) return false;
    this.remove(id, entry);
    if (ok) entry.resolve(value);
    else entry.reject(value);
    return true;
  }

  /** Fails request `id` with `err` (if it still waits). */
  fail(id: number, err: unknown): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.remove(id, entry);
    entry.reject(err);
  }

  /** Fails every request to `shard` (or to every shard when `shard` is undefined). */
  failAll(err: unknown, shard?: number): void {
    for (const [id, entry] of this.entries) {
      if (shard === undefined || entry.shard === shard) this.fail(id, err);
    }
  }

  private readonly expire = (id: number): void => {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    entry.timer = undefined;
    this.remove(id, entry);
    this.stats[entry.shard]!.timeouts++;
    entry.reject(new CharybdisError(SmpErrorCode.TIMEOUT, `smp request "${entry.verb}" to shard ${entry.shard} timed out`));
  };

  private remove(id: number, entry: PendingRequest): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    this.entries.delete(id);
    this.stats[entry.shard]!.inFlightRequests--;
    if (this.entries.size === 0) this.onEmpty();
  }
}
