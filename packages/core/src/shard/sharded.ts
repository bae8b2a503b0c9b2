import { CharybdisError } from '../errors';

/**
 * The part of the smp layer `Sharded` needs: verbs by name, requests to a shard. Satisfied
 * by `Smp`; a structural type so unit tests can pass a test double.
 */
export interface ShardedTransport {
  readonly shardId: number;
  readonly shardCount: number;
  registerVerb(verb: string, handler: (payload: unknown, fromShard: number) => unknown): void;
  invokeOn(shard: number, verb: string, payload: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
}

/** A service that takes part in an orderly stop: `Sharded.stop()` calls its `stop()` when it has one. */
export interface Stoppable {
  stop?(): void | Promise<void>;
}

/** Method names of T whose values are functions. */
type MethodName<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;
type Method<T, K extends MethodName<T>> = T[K] extends (...args: infer A) => infer R ? (...args: A) => R : never;
type Args<T, K extends MethodName<T>> = Parameters<Method<T, K>>;
type Result<T, K extends MethodName<T>> = Awaited<ReturnType<Method<T, K>>>;

interface ShardedCall {
  method: string;
  args: unknown[];
}

/**
 * Seastar's `sharded<T>`: one instance of a service on every shard, each owning its shard's
 * slice of the state. Every shard constructs its own local instance with
 * {@link Sharded.start} during boot, under the same name, so the instances find each other
 * through the smp verb `sharded:<name>`.
 *
 * Only the methods listed in `remoteMethods` can be called from another shard, and their
 * arguments and results cross shards as msgpackr-encoded plain data (no class instances,
 * no closures: JS cannot move a lambda to another thread). The target shard runs the
 * method on its own instance.
 */
export class Sharded<T extends object> {
  private stopped = false;

  private constructor(
    readonly name: string,
    private readonly transport: ShardedTransport,
    private readonly instance: T,
  ) {}

  /**
   * Constructs this shard's instance and makes `remoteMethods` callable from other shards.
   * Call it on every shard with the same name and methods.
   */
  static async start<T extends object>(
    name: string,
    transport: ShardedTransport,
    factory: () => T | Promise<T>,
    remoteMethods: readonly MethodName<T>[],
  ): Promise<Sharded<T>> {
    const instance = await factory();
    const sharded = new Sharded(name, transport, instance);
    const allowed = new Set<string>(remoteMethods);
    transport.registerVerb(`sharded:${name}`, (payload) => {
      const call = payload as ShardedCall;
      if (sharded.stopped) {
        throw new CharybdisError('SHARDED_STOPPED', `service ${name} is stopped on shard ${transport.shardId}`);
      }
      if (!allowed.has(call.method)) {
        throw new CharybdisError('SHARDED_NO_SUCH_METHOD', `service ${name} has no remote method ${call.method}`);
      }
      const fn = (instance as Record<string, unknown>)[call.method] as (...args: unknown[]) => unknown;
      return fn.apply(instance, call.args);
    });
    return sharded;
  }

  /** This shard's instance. */
  local(): T {
    return this.instance;
  }

  /** Calls `method` on the instance of `shard` (locally when it is this shard). */
  async invokeOn<K extends MethodName<T>>(shard: number, method: K, ...args: Args<T, K>): Promise<Result<T, K>> {
    if (shard === this.transport.shardId) {
      const fn = this.instance[method] as (...a: unknown[]) => unknown;
      return (await fn.apply(this.instance, args)) as Result<T, K>;
    }
    const call: ShardedCall = { method, args };
    return (await this.transport.invokeOn(shard, `sharded:${this.name}`, call)) as Result<T, K>;
  }

  /** Calls `method` on every shard's instance; results in shard order. */
  invokeOnAll<K extends MethodName<T>>(method: K, ...args: Args<T, K>): Promise<Result<T, K>[]> {
    const shards = Array.from({ length: this.transport.shardCount }, (_, i) => i);
    return Promise.all(shards.map((s) => this.invokeOn(s, method, ...args)));
  }

  /** Calls `method` on every shard and folds the results in shard order. */
  async mapReduce<K extends MethodName<T>, A>(
    method: K,
    args: Args<T, K>,
    reduce: (acc: A, value: Result<T, K>, shard: number) => A,
    initial: A,
  ): Promise<A> {
    const results = await this.invokeOnAll(method, ...args);
    return results.reduce(reduce, initial);
  }

  /**
   * Stops this shard's instance: later remote calls to it fail with SHARDED_STOPPED, then
   * the instance's own stop() runs. Each shard stops its own instance during its drain.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await (this.instance as Stoppable).stop?.();
  }
}
