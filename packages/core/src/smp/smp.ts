import { CharybdisError } from '../errors';
import { Doorbells } from './doorbells';
import { FragmentReassembly } from './fragment-reassembly';
import { fragmentThresholdBytes } from './fragmented-message';
import { Outbox } from './outbox';
import { PendingRequests } from './pending-requests';
import { checkSmpBuffers, type SmpBuffers } from './smp-buffers';
import { MSG_ERROR, MSG_FRAGMENT, MSG_ONE_WAY, MSG_REQUEST, MSG_RESPONSE, peekRequestId, SmpCodec, type PackedBytes } from './smp-codec';
import { SmpErrorCode, wireErrorCode, wireErrorMessage } from './smp-errors';
import {
  defaultOnError,
  resolveSmpLimits,
  type InvokeOptions,
  type SmpErrorContext,
  type SmpHandler,
  type SmpOptions,
  type SmpStopOptions,
} from './smp-options';
import { emptyPeerStats, type SmpPeerStats, type SmpStats } from './smp-stats';
import { forEachRecord, SpscRing } from './spsc-ring';

/** setInterval's largest delay: the keep-alive timer never fires in practice. */
const KEEP_ALIVE_INTERVAL_MS = 2 ** 31 - 1;

const RUNNING = 0;
const DRAINING = 1;
const STOPPED = 2;

function copyOut(bytes: PackedBytes): Uint8Array {
  const copy = new Uint8Array(bytes.end - bytes.start);
  copy.set(bytes.subarray(bytes.start, bytes.end));
  return copy;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value instanceof Promise || (typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function');
}

/**
 * Cross-shard messaging for one shard (Seastar's `smp::submit_to`), constructed in that
 * shard's thread from the node's {@link SmpBuffers}; every method runs on that thread, and
 * handlers run there too. Messages to shard `t` go through the ring this shard produces
 * into and `t` consumes, answers come back on the reverse ring, so order is FIFO per pair.
 * Writes in one tick are published with one tail store and at most one doorbell notify.
 * A shard with nothing to read sleeps on its own doorbell (no timers, no polling).
 * Messages above a quarter of the ring (up to `maxMessageBytes`) travel as fragments and are
 * reassembled before dispatch, invisibly to callers and handlers.
 */
export class Smp {
  readonly shardId: number;
  readonly shardCount: number;
  private readonly doorbells: Doorbells;
  private readonly codec = new SmpCodec();
  private readonly outboxes: (Outbox | null)[] = [];
  private readonly inboxes: (SpscRing | null)[] = [];
  private readonly reassemblies: (FragmentReassembly | null)[] = [];
  /** Largest encoding that goes whole: min(fragment threshold, maxMessageBytes). */
  private readonly wholeMaxBytes: number;
  private readonly maxMessageBytes: number;
  private readonly scratch: Buffer;
  private readonly handlers = new Map<string, SmpHandler>();
  private readonly peerStats: SmpPeerStats[] = [];
  private readonly requests: PendingRequests;
  private readonly runHandler: ((fn: () => unknown) => unknown) | undefined;
  private readonly defaultTimeoutMs: number | undefined;
  private readonly pollBudgetBytes: number;
  private readonly onError: (err: unknown, context: SmpErrorContext) => void;
  private readonly resolved = Promise.resolve();
  private readonly touched: Outbox[] = [];
  private readonly touchedFlags: boolean[] = [];
  private readonly peerGone: boolean[] = [];
  private readonly newlyStopped: number[] = [];
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private keepAliveRefed = false;
  private flushScheduled = false;
  private pollScheduled = false;
  private state = RUNNING;
  private stopPromise: Promise<void> | null = null;
  private onDrained: (() => void) | null = null;

  constructor(shardId: number, buffers: SmpBuffers, options: SmpOptions = {}) {
    checkSmpBuffers(buffers);
    const n = buffers.shardCount;
    if (!Number.isInteger(shardId) || shardId < 0 || shardId >= n) {
      throw new CharybdisError(SmpErrorCode.BAD_ARGUMENT, `shard id ${shardId} out of range [0, ${n})`);
    }
    const { maxPending, maxPendingBytes, maxMessageBytes, pollBudgetBytes } = resolveSmpLimits(options);
    this.shardId = shardId;
    this.shardCount = n;
    this.doorbells = new Doorbells(buffers.control, n);
    this.runHandler = options.runHandler;
    this.defaultTimeoutMs = options.defaultTimeoutMs;
    this.pollBudgetBytes = pollBudgetBytes;
    this.maxMessageBytes = maxMessageBytes;
    this.wholeMaxBytes = Math.min(fragmentThresholdBytes(buffers.ringCapacityBytes), maxMessageBytes);
    this.onError = options.onError ?? defaultOnError;
    this.requests = new PendingRequests(this.peerStats, this.requestsEmptied);
    this.scratch = Buffer.allocUnsafeSlow(buffers.ringCapacityBytes);
    const isLive = (id: number): boolean => this.requests.isLive(id);
    for (let peer = 0; peer < n; peer++) {
      const stats = emptyPeerStats(peer);
      this.peerStats.push(stats);
      this.touchedFlags.push(false);
      this.peerGone.push(false);
      const out = buffers.rings[shardId * n + peer];
      const into = buffers.rings[peer * n + shardId];
      this.outboxes.push(out ? new Outbox(peer, new SpscRing(out), this.doorbells, { maxPending, maxPendingBytes }, stats, isLive) : null);
      this.inboxes.push(into ? new SpscRing(into) : null);
      this.reassemblies.push(into ? new FragmentReassembly(peer, maxMessageBytes) : null);
    }
    if (options.keepAlive ?? true) {
      this.keepAliveTimer = setInterval(() => undefined, KEEP_ALIVE_INTERVAL_MS);
      this.keepAliveTimer.unref();
    }
    this.idle();
  }

  /** True once {@link stop} was called. */
  get stopped(): boolean {
    return this.state !== RUNNING;
  }

  /**
   * Registers the handler of `verb` on this shard. Incoming requests and one-way messages
   * for it run on this shard's thread (through `runHandler`); a request is answered with the
   * handler's result, or with its error's `code` and message.
   */
  registerVerb<P = unknown>(verb: string, handler: SmpHandler<P>): void {
    if (typeof verb !== 'string' || verb.length === 0) throw new CharybdisError(SmpErrorCode.BAD_ARGUMENT, 'verb must be a non-empty string');
    if (this.handlers.has(verb)) throw new CharybdisError(SmpErrorCode.VERB_EXISTS, `verb "${verb}" is already registered on shard ${this.shardId}`);
    this.handlers.set(verb, handler as SmpHandler);
  }

  /**
   * Runs `verb`'s handler on `shard` with a copy of `payload` (plain data, msgpackr-encoded)
   * and resolves with a copy of its result. On this shard it runs locally, still
   * asynchronously and through the same encoding. Rejects with the handler's error code, or
   * SMP_UNKNOWN_VERB, SMP_TIMEOUT, SMP_STOPPED, SMP_PEER_STOPPED, SMP_MESSAGE_TOO_LARGE,
   * SMP_ENCODE_ERROR.
   */
  invokeOn<T = unknown>(shard: number, verb: string, payload: unknown, options?: InvokeOptions): Promise<T> {
    const err = this.checkCall(shard, verb);
    if (err !== null) return Promise.reject(err);
    const timeoutMs = options?.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const id = this.requests.add(shard, verb, resolve as (value: unknown) => void, reject, timeoutMs);
      if (this.requests.size === 1) this.refreshKeepAlive();
      if (shard === this.shardId) {
        queueMicrotask(() => this.runLocalRequest(id, verb, payload));
        return;
      }
      let bytes: PackedBytes;
      try {
        bytes = this.codec.encodeRequest(id, verb, payload);
      } catch (cause) {
        this.requests.fail(id, this.encodeError(verb, cause));
        return;
      }
      if (bytes.end - bytes.start <= this.wholeMaxBytes) {
        this.enqueue(shard, bytes, id, null, null);
        return;
      }
      const err = this.enqueueFragmented(shard, verb, bytes, id, null, null);
      if (err !== null) this.requests.fail(id, err);
    });
  }

  /** {@link invokeOn} on every shard (this one included); results indexed by shard id. */
  invokeOnAll<T = unknown>(verb: string, payload: unknown, options?: InvokeOptions): Promise<T[]> {
    const calls: Promise<T>[] = [];
    for (let shard = 0; shard < this.shardCount; shard++) calls.push(this.invokeOn<T>(shard, verb, payload, options));
    return Promise.all(calls);
  }

  /**
   * {@link invokeOn} on every shard, folding the results with `reducer` in the order they
   * arrive (so the reducer should not depend on order). Rejects with the first failure.
   */
  async mapReduce<T, A>(verb: string, payload: unknown, reducer: (acc: A, value: T, shard: number) => A, initial: A, options?: InvokeOptions): Promise<A> {
    let acc = initial;
    const calls: Promise<void>[] = [];
    for (let shard = 0; shard < this.shardCount; shard++) {
      calls.push(this.invokeOn<T>(shard, verb, payload, options).then((value) => {
        acc = reducer(acc, value, shard);
      }));
    }
    await Promise.all(calls);
    return acc;
  }

  /**
   * Sends a one-way message (no answer; a handler failure goes to `onError`). Resolves when
   * the message is admitted — written to the ring or among the `maxPendingMessages`
   * waiting for space — which is at once unless the ring is full. Admission is FIFO, so
   * awaiting the last of a burst of sends is enough to respect backpressure.
   */
  send(shard: number, verb: string, payload: unknown): Promise<void> {
    const err = this.checkCall(shard, verb);
    if (err !== null) return Promise.reject(err);
    if (shard === this.shardId) return this.sendLocal(verb, payload);
    let bytes: PackedBytes;
    try {
      bytes = this.codec.encodeOneWay(verb, payload);
    } catch (cause) {
      return Promise.reject(this.encodeError(verb, cause));
    }
    if (bytes.end - bytes.start > this.wholeMaxBytes) return this.sendFragmented(shard, verb, bytes);
    const outbox = this.touch(shard);
    if (outbox.offer(bytes, bytes.start, bytes.end)) return this.resolved;
    return new Promise<void>((resolve, reject) => {
      outbox.wait(bytes, bytes.start, bytes.end, 0, resolve, reject);
      this.refreshKeepAlive();
    });
  }

  /** A detached copy of the counters, one entry per shard (see {@link SmpPeerStats}). */
  stats(): SmpStats {
    return { shard: this.shardId, peers: this.peerStats.map((s) => ({ ...s })) };
  }

  /**
   * Stops this shard's messaging. New calls fail with SMP_STOPPED at once; in-flight
   * requests are answered within `drainTimeoutMs` (default 0) or fail with SMP_STOPPED, as
   * do senders waiting for admission — so this never hangs, whatever the peers do.
   * Messages already written are published; incoming messages are no longer served. Peers
   * see the stop and fail their requests to this shard with SMP_PEER_STOPPED.
   */
  stop(options: SmpStopOptions = {}): Promise<void> {
    if (this.stopPromise === null) {
      this.state = DRAINING;
      this.stopPromise = this.drainThenStop(options.drainTimeoutMs ?? 0);
    }
    return this.stopPromise;
  }

  private async drainThenStop(drainTimeoutMs: number): Promise<void> {
    if (drainTimeoutMs > 0 && this.requests.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainTimeoutMs);
        this.onDrained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.onDrained = null;
    }
    this.state = STOPPED;
    const err = new CharybdisError(SmpErrorCode.STOPPED, `smp on shard ${this.shardId} is stopped`);
    for (const outbox of this.outboxes) {
      outbox?.publishNow();
      outbox?.fail(err);
    }
    this.requests.failAll(err);
    for (const reassembly of this.reassemblies) reassembly?.discard();
    this.doorbells.setStopped(this.shardId);
    for (let peer = 0; peer < this.shardCount; peer++) if (peer !== this.shardId) this.doorbells.ring(peer);
    this.doorbells.wakeSelf(this.shardId);
    if (this.keepAliveTimer !== null) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
  }

  // ---- sending ----

  private checkCall(shard: number, verb: string): CharybdisError | null {
    if (this.state !== RUNNING) return new CharybdisError(SmpErrorCode.STOPPED, `smp on shard ${this.shardId} is stopped`);
    if (!Number.isInteger(shard) || shard < 0 || shard >= this.shardCount) {
      return new CharybdisError(SmpErrorCode.BAD_ARGUMENT, `shard ${shard} out of range [0, ${this.shardCount})`);
    }
    if (typeof verb !== 'string' || verb.length === 0) return new CharybdisError(SmpErrorCode.BAD_ARGUMENT, 'verb must be a non-empty string');
    if (shard !== this.shardId && (this.peerGone[shard] || this.doorbells.isStopped(shard))) {
      return new CharybdisError(SmpErrorCode.PEER_STOPPED, `shard ${shard} has stopped its smp`);
    }
    return null;
  }

  private tooLarge(shard: number, verb: string, size: number): CharybdisError {
    return new CharybdisError(
      SmpErrorCode.MESSAGE_TOO_LARGE,
      `smp message "${verb}" to shard ${shard} is ${size} bytes encoded; the largest smp message is ${this.maxMessageBytes} bytes (maxMessageBytes)`,
    );
  }

  private encodeError(verb: string, cause: unknown): CharybdisError {
    return new CharybdisError(SmpErrorCode.ENCODE_ERROR, `cannot encode smp message "${verb}": ${wireErrorMessage(cause)}`, { cause });
  }

  /** Writes (or queues) an encoded message to `shard`; a refused one waits for admission. */
  private enqueue(shard: number, bytes: PackedBytes, requestId: number, resolve: (() => void) | null, reject: ((err: unknown) => void) | null): void {
    const outbox = this.touch(shard);
    if (outbox.offer(bytes, bytes.start, bytes.end)) return;
    outbox.wait(bytes, bytes.start, bytes.end, requestId, resolve, reject);
    this.refreshKeepAlive();
  }

  /**
   * Writes (or queues) an encoded message above the fragment threshold to `shard` as
   * fragments; `resolve` runs on admission. Returns SMP_MESSAGE_TOO_LARGE above
   * `maxMessageBytes` (and sends nothing).
   */
  private enqueueFragmented(
    shard: number,
    verb: string,
    bytes: PackedBytes,
    requestId: number,
    resolve: (() => void) | null,
    reject: ((err: unknown) => void) | null,
  ): CharybdisError | null {
    const size = bytes.end - bytes.start;
    if (size > this.maxMessageBytes) return this.tooLarge(shard, verb, size);
    const outbox = this.touch(shard);
    // The outbox owns this copy until its last fragment is in the ring.
    const message = outbox.fragment(copyOut(bytes), requestId);
    if (outbox.offerFragmented(message)) {
      resolve?.();
      return null;
    }
    outbox.waitEntry(message, requestId, resolve, reject);
    this.refreshKeepAlive();
    return null;
  }

  private sendFragmented(shard: number, verb: string, bytes: PackedBytes): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const err = this.enqueueFragmented(shard, verb, bytes, 0, resolve, reject);
      if (err !== null) reject(err);
    });
  }

  /** Marks the outbox to `shard` for the end-of-tick flush. */
  private touch(shard: number): Outbox {
    const outbox = this.outboxes[shard]!;
    if (!this.touchedFlags[shard]) {
      this.touchedFlags[shard] = true;
      this.touched.push(outbox);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushTouched);
    }
    return outbox;
  }

  /** Microtask: publishes every ring written in this tick (one tail store and ≤ 1 notify each). */
  private readonly flushTouched = (): void => {
    this.flushScheduled = false;
    let blocked = false;
    for (const outbox of this.touched) {
      this.touchedFlags[outbox.peer] = false;
      if (this.state !== STOPPED) outbox.flush();
      blocked ||= outbox.isBlocked();
    }
    this.touched.length = 0;
    if (blocked !== this.keepAliveRefed) this.refreshKeepAlive();
  };

  private sendLocal(verb: string, payload: unknown): Promise<void> {
    let copy: unknown;
    try {
      copy = this.codec.clone(payload);
    } catch (cause) {
      return Promise.reject(this.encodeError(verb, cause));
    }
    this.peerStats[this.shardId]!.messagesSent++;
    queueMicrotask(() => {
      if (this.state === STOPPED) return;
      this.peerStats[this.shardId]!.messagesReceived++;
      this.runOneWay(this.shardId, verb, copy);
    });
    return this.resolved;
  }

  private runLocalRequest(id: number, verb: string, payload: unknown): void {
    if (this.state === STOPPED || !this.requests.isLive(id)) return;
    let copy: unknown;
    try {
      copy = this.codec.clone(payload);
    } catch (cause) {
      this.requests.fail(id, this.encodeError(verb, cause));
      return;
    }
    this.peerStats[this.shardId]!.messagesSent++;
    this.peerStats[this.shardId]!.messagesReceived++;
    this.runRequest(this.shardId, id, verb, copy);
  }

  // ---- receiving ----

  /**
   * Reads the incoming rings until they are empty or the poll budget is spent, serves what
   * it read, retries blocked outboxes, notices stopped peers; then sleeps, or yields to the
   * event loop and polls again if data is left.
   */
  private readonly poll = (): void => {
    this.pollScheduled = false;
    if (this.state === STOPPED) return;
    this.doorbells.markAwake(this.shardId);
    // Read the peers' stop flags before their rings: what a peer published before stopping
    // is then in its ring when we drain it, before its requests are failed.
    this.collectStoppedPeers();
    let budget = this.pollBudgetBytes;
    let progress = true;
    while (progress && budget > 0) {
      progress = false;
      for (let peer = 0; peer < this.shardCount && this.state !== STOPPED; peer++) {
        const read = this.receiveFrom(peer, budget);
        budget -= read;
        progress ||= read > 0;
      }
    }
    if (this.state === STOPPED) return;
    this.flushBlocked();
    this.failStoppedPeers();
    if (budget <= 0) this.schedulePoll();
    else this.idle();
  };

  /** Moves what now fits from blocked outboxes into their rings (their consumers freed space). */
  private flushBlocked(): void {
    let blocked = false;
    for (const outbox of this.outboxes) {
      if (outbox === null || !outbox.isBlocked()) continue;
      outbox.flush();
      blocked ||= outbox.isBlocked();
    }
    if (blocked !== this.keepAliveRefed) this.refreshKeepAlive();
  }

  private receiveFrom(peer: number, maxBytes: number): number {
    const ring = this.inboxes[peer];
    if (!ring) return 0;
    const n = ring.drainInto(this.scratch, maxBytes);
    if (n === 0) return 0;
    // Space is free again: wake the producer if it waits for it (see Outbox).
    if (ring.takeProducerWaiting() && this.doorbells.ring(peer)) this.peerStats[peer]!.notifies++;
    forEachRecord(this.scratch, n, (start, end) => this.receiveBatch(peer, start, end));
    if (this.peerGone[peer]) this.dropReassembly(peer);
    return n;
  }

  private receiveBatch(from: number, start: number, end: number): void {
    let messages: unknown[];
    try {
      messages = this.codec.decodeBatch(this.scratch, start, end);
    } catch (err) {
      this.onError(err, { shard: this.shardId, fromShard: from, verb: '' });
      return;
    }
    const stats = this.peerStats[from]!;
    stats.batchesReceived++;
    stats.bytesReceived += end - start;
    stats.messagesReceived += messages.length;
    for (let i = 0; i < messages.length; i++) {
      if (this.state === STOPPED) return;
      this.dispatch(from, messages[i] as unknown[]);
    }
  }

  private dispatch(from: number, m: unknown[]): void {
    switch (m[0]) {
      case MSG_REQUEST:
        this.runRequest(from, m[1] as number, m[2] as string, m[3]);
        break;
      case MSG_ONE_WAY:
        this.runOneWay(from, m[1] as string, m[2]);
        break;
      case MSG_RESPONSE:
        this.settle(from, m[1] as number, true, m[2]);
        break;
      case MSG_ERROR:
        this.settle(from, m[1] as number, false, new CharybdisError(String(m[2]), String(m[3])));
        break;
      case MSG_FRAGMENT:
        this.receiveFragment(from, m);
        break;
      default:
        this.onError(new CharybdisError(SmpErrorCode.BAD_ARGUMENT, `unknown smp message kind ${String(m[0])}`), { shard: this.shardId, fromShard: from, verb: '' });
    }
  }

  /**
   * Adds a fragment to `from`'s reassembly; the last one dispatches the original as if it
   * had arrived whole. A refused or broken message goes to onError, and a refused request is
   * answered with the error so its caller does not wait for nothing.
   */
  private receiveFragment(from: number, m: unknown[]): void {
    let message: unknown[] | null;
    try {
      message = this.reassemblies[from]!.receive(m, this.codec, this.peerStats[from]!);
    } catch (err) {
      const requestId = m[2] === 0 ? peekRequestId(m[5] as Uint8Array) : 0;
      if (requestId !== 0) this.replyError(from, requestId, wireErrorCode(err), wireErrorMessage(err));
      this.onError(err, { shard: this.shardId, fromShard: from, verb: '' });
      return;
    }
    if (message !== null) this.dispatch(from, message);
  }

  /** Drops what `peer` (stopped) left half sent, once its ring holds nothing more of it. */
  private dropReassembly(peer: number): void {
    const reassembly = this.reassemblies[peer];
    if (!reassembly?.active || this.inboxes[peer]!.hasData()) return;
    reassembly.discard();
    this.peerStats[peer]!.fragmentErrors++;
    this.peerStats[peer]!.reassemblyBytes = 0;
  }

  private settle(from: number, id: number, ok: boolean, value: unknown): void {
    if (!this.requests.settle(id, from, ok, value)) this.peerStats[from]!.lateResponses++;
  }

  private runRequest(from: number, id: number, verb: string, payload: unknown): void {
    const handler = this.handlers.get(verb);
    if (handler === undefined) {
      this.peerStats[from]!.handlerErrors++;
      this.replyError(from, id, SmpErrorCode.UNKNOWN_VERB, `shard ${this.shardId} has no handler for smp verb "${verb}"`);
      return;
    }
    let result: unknown;
    try {
      result = this.runHandler === undefined ? handler(payload, from) : this.runHandler(() => handler(payload, from));
    } catch (err) {
      this.replyFailure(from, id, err);
      return;
    }
    if (isThenable(result)) {
      Promise.resolve(result).then(
        (value) => this.reply(from, id, value),
        (err) => this.replyFailure(from, id, err),
      );
    } else {
      this.reply(from, id, result);
    }
  }

  private runOneWay(from: number, verb: string, payload: unknown): void {
    const handler = this.handlers.get(verb);
    const context = { shard: this.shardId, fromShard: from, verb };
    if (handler === undefined) {
      this.peerStats[from]!.handlerErrors++;
      this.onError(new CharybdisError(SmpErrorCode.UNKNOWN_VERB, `shard ${this.shardId} has no handler for smp verb "${verb}"`), context);
      return;
    }
    try {
      const result = this.runHandler === undefined ? handler(payload, from) : this.runHandler(() => handler(payload, from));
      if (isThenable(result)) {
        Promise.resolve(result).catch((err: unknown) => {
          this.peerStats[from]!.handlerErrors++;
          this.onError(err, context);
        });
      }
    } catch (err) {
      this.peerStats[from]!.handlerErrors++;
      this.onError(err, context);
    }
  }

  private reply(to: number, id: number, value: unknown): void {
    if (this.state === STOPPED) return;
    if (to === this.shardId) {
      let copy: unknown;
      try {
        copy = this.codec.clone(value);
      } catch (cause) {
        this.requests.fail(id, this.encodeError('(answer)', cause));
        return;
      }
      this.settle(to, id, true, copy);
      return;
    }
    let bytes: PackedBytes;
    try {
      bytes = this.codec.encodeResponse(id, value);
    } catch (cause) {
      this.replyError(to, id, SmpErrorCode.ENCODE_ERROR, `cannot encode smp answer: ${wireErrorMessage(cause)}`);
      return;
    }
    if (bytes.end - bytes.start <= this.wholeMaxBytes) {
      this.enqueue(to, bytes, 0, null, null);
      return;
    }
    const err = this.enqueueFragmented(to, '(answer)', bytes, 0, null, null);
    if (err !== null) this.replyError(to, id, err.code, err.message);
  }

  private replyFailure(to: number, id: number, err: unknown): void {
    this.peerStats[to]!.handlerErrors++;
    this.replyError(to, id, wireErrorCode(err), wireErrorMessage(err));
  }

  private replyError(to: number, id: number, code: string, message: string): void {
    if (this.state === STOPPED) return;
    if (to === this.shardId) {
      this.settle(to, id, false, new CharybdisError(code, message));
      return;
    }
    const bytes = this.codec.encodeError(id, code, message);
    if (bytes.end - bytes.start <= this.wholeMaxBytes) {
      this.enqueue(to, bytes, 0, null, null);
      return;
    }
    // A huge error message: cut it to what surely goes whole.
    this.enqueue(to, this.codec.encodeError(id, code, message.slice(0, Math.floor(this.wholeMaxBytes / 8))), 0, null, null);
  }

  // ---- sleeping, waking, stopping ----

  /** Sleeps on the doorbell unless there is work (see Doorbells for the protocol). */
  private idle(): void {
    if (this.state === STOPPED) return;
    this.doorbells.prepareSleep(this.shardId);
    const wait = this.hasWork() ? null : this.doorbells.wait(this.shardId);
    if (wait === null) {
      this.doorbells.markAwake(this.shardId);
      this.schedulePoll();
      return;
    }
    void wait.then(this.poll);
  }

  private hasWork(): boolean {
    for (let peer = 0; peer < this.shardCount; peer++) {
      if (this.inboxes[peer]?.hasData()) return true;
      const outbox = this.outboxes[peer];
      if (outbox?.isBlocked() && outbox.canProgress()) return true;
      if (peer !== this.shardId && !this.peerGone[peer] && this.doorbells.isStopped(peer)) return true;
    }
    return false;
  }

  private schedulePoll(): void {
    if (this.pollScheduled) return;
    this.pollScheduled = true;
    setImmediate(this.poll);
  }

  private collectStoppedPeers(): void {
    for (let peer = 0; peer < this.shardCount; peer++) {
      if (peer !== this.shardId && !this.peerGone[peer] && this.doorbells.isStopped(peer)) this.newlyStopped.push(peer);
    }
  }

  private failStoppedPeers(): void {
    for (const peer of this.newlyStopped) {
      this.peerGone[peer] = true;
      const err = new CharybdisError(SmpErrorCode.PEER_STOPPED, `shard ${peer} stopped its smp`);
      this.outboxes[peer]?.fail(err);
      this.requests.failAll(err, peer);
      this.dropReassembly(peer);
    }
    if (this.newlyStopped.length > 0) this.refreshKeepAlive();
    this.newlyStopped.length = 0;
  }

  private readonly requestsEmptied = (): void => {
    this.refreshKeepAlive();
    this.onDrained?.();
  };

  /** Refs the keep-alive timer while requests are in flight or outboxes are blocked. */
  private refreshKeepAlive(): void {
    const timer = this.keepAliveTimer;
    if (timer === null) return;
    let busy = this.requests.size > 0;
    for (let peer = 0; !busy && peer < this.shardCount; peer++) busy = this.outboxes[peer]?.isBlocked() ?? false;
    if (busy === this.keepAliveRefed) return;
    this.keepAliveRefed = busy;
    if (busy) timer.ref();
    else timer.unref();
  }
}
