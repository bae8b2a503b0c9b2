import { Sharded } from '../src/shard/sharded';
import type { ShardedTransport } from '../src/shard/sharded';

/**
 * Test double: N "shards" in one thread whose invokeOn calls the target's registered verb
 * after a structured clone (what crossing a thread would do to the payload).
 */
class InProcessTransportDouble implements ShardedTransport {
  readonly verbs = new Map<string, (payload: unknown, from: number) => unknown>();
  constructor(
    readonly shardId: number,
    readonly shardCount: number,
    private readonly peers: InProcessTransportDouble[],
  ) {}
  registerVerb(verb: string, handler: (payload: unknown, from: number) => unknown): void {
    this.verbs.set(verb, handler);
  }
  async invokeOn(shard: number, verb: string, payload: unknown): Promise<unknown> {
    const handler = this.peers[shard]!.verbs.get(verb);
    if (handler === undefined) throw Object.assign(new Error(`no verb ${verb}`), { code: 'SMP_UNKNOWN_VERB' });
    await Promise.resolve();
    return structuredClone(await handler(structuredClone(payload), this.shardId));
  }
}

class Counter {
  value = 0;
  stoppedCalls = 0;
  constructor(readonly shard: number) {}
  add(n: number): number {
    this.value += n;
    return this.value;
  }
  describe(): { shard: number; value: number } {
    return { shard: this.shard, value: this.value };
  }
  fail(): never {
    throw Object.assign(new Error('boom'), { code: 'COUNTER_BROKEN' });
  }
  secret(): string {
    return 'not remote';
  }
  stop(): void {
    this.stoppedCalls++;
  }
}

async function startAll(n: number): Promise<Sharded<Counter>[]> {
  const transports: InProcessTransportDouble[] = [];
  for (let i = 0; i < n; i++) transports.push(new InProcessTransportDouble(i, n, transports));
  return Promise.all(
    transports.map((t) => Sharded.start('counter', t, () => new Counter(t.shardId), ['add', 'describe', 'fail'])),
  );
}

describe('Sharded', () => {
  test('invokeOn runs the method on the target shard instance only', async () => {
    const shards = await startAll(3);
    await shards[0]!.invokeOn(2, 'add', 5);
    await shards[1]!.invokeOn(2, 'add', 1);
    expect(shards.map((s) => s.local().value)).toEqual([0, 0, 6]);
    expect(await shards[2]!.invokeOn(2, 'add', 1)).toBe(7); // local call
  });

  test('invokeOnAll and mapReduce visit every shard in shard order', async () => {
    const shards = await startAll(4);
    await shards[1]!.invokeOnAll('add', 2);
    expect(await shards[3]!.invokeOnAll('describe')).toEqual([0, 1, 2, 3].map((shard) => ({ shard, value: 2 })));
    const total = await shards[0]!.mapReduce('add', [1], (acc: number[], v, shard) => [...acc, shard * 100 + v], []);
    expect(total).toEqual([3, 103, 203, 303]);
  });

  test('an error in the remote method reaches the caller with its code', async () => {
    const shards = await startAll(2);
    await expect(shards[0]!.invokeOn(1, 'fail')).rejects.toMatchObject({ code: 'COUNTER_BROKEN' });
    expect(await shards[0]!.invokeOn(1, 'add', 1)).toBe(1); // still serving
  });

  test('only the listed methods are callable from another shard', async () => {
    const shards = await startAll(2);
    const transport = (shards[0] as unknown as { transport: ShardedTransport }).transport;
    await expect(transport.invokeOn(1, 'sharded:counter', { method: 'secret', args: [] })).rejects.toMatchObject({
      code: 'SHARDED_NO_SUCH_METHOD',
    });
  });

  test('stop runs the instance stop once and refuses later remote calls', async () => {
    const shards = await startAll(2);
    await shards[1]!.stop();
    await shards[1]!.stop();
    expect(shards[1]!.local().stoppedCalls).toBe(1);
    await expect(shards[0]!.invokeOn(1, 'add', 1)).rejects.toMatchObject({ code: 'SHARDED_STOPPED' });
  });
});
