import { CharybdisError } from '../src/errors';
import { createSmpBuffers, Smp, type SmpErrorContext, type SmpOptions } from '../src/smp';

// The Smp API with every shard's Smp in this one thread (the rings and doorbells work the
// same within a thread); smp-workers.test.ts runs shards on real worker threads.

interface Node {
  shards: Smp[];
  errors: { err: unknown; context: SmpErrorContext }[];
}

function startNode(shardCount: number, ringCapacityBytes = 4096, options: SmpOptions = {}): Node {
  const buffers = createSmpBuffers(shardCount, { ringCapacityBytes });
  const errors: Node['errors'] = [];
  const shards: Smp[] = [];
  for (let id = 0; id < shardCount; id++) {
    shards.push(new Smp(id, buffers, { onError: (err, context) => errors.push({ err, context }), ...options }));
  }
  for (const smp of shards) {
    smp.registerVerb('echo', (p) => p);
    smp.registerVerb('whoami', (_p, from) => ({ shard: smp.shardId, from }));
    smp.registerVerb<{ code: string; message: string }>('fail-coded', (p) => {
      throw new CharybdisError(p.code, p.message);
    });
    smp.registerVerb<string>('fail-plain', (p) => {
      throw new Error(p);
    });
    smp.registerVerb<string>('fail-async', (p) => Promise.reject(new CharybdisError('X_ASYNC', p)));
  }
  return { shards, errors };
}

async function stopAll(node: Node): Promise<void> {
  await Promise.all(node.shards.map((s) => s.stop()));
}

function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (err: unknown) => String((err as { code?: unknown }).code),
  );
}


/** The `code` of what `fn` throws. */
function thrownCode(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return 'nothing thrown';
}

describe('Smp (shards in one thread)', () => {
  let node: Node;
  afterEach(async () => {
    await stopAll(node);
  });

  test('invokeOn runs the handler on the target shard and returns a copy of its result', async () => {
    node = startNode(3);
    const [s0] = node.shards;
    await expect(s0!.invokeOn(2, 'whoami', null)).resolves.toEqual({ shard: 2, from: 0 });
    const payload = { list: [1, 2, { deep: 'x' }], bin: Buffer.from([1, 2, 3]) };
    const result = await s0!.invokeOn<typeof payload>(1, 'echo', payload);
    expect(result).toEqual(payload);
    expect(result).not.toBe(payload);
  });

  test('invokeOn on the own shard runs locally, asynchronously, on a copy', async () => {
    node = startNode(2);
    const s0 = node.shards[0]!;
    let ran = false;
    s0.registerVerb<{ n: number }>('mutate', (p) => {
      ran = true;
      p.n++;
      return p;
    });
    const payload = { n: 1 };
    const pending = s0.invokeOn(0, 'mutate', payload);
    expect(ran).toBe(false);
    await expect(pending).resolves.toEqual({ n: 2 });
    expect(payload.n).toBe(1);
    await expect(s0.invokeOn(0, 'whoami', null)).resolves.toEqual({ shard: 0, from: 0 });
  });

  test('handler errors come back with their code and message; the shard keeps serving', async () => {
    node = startNode(2);
    for (const target of [0, 1]) {
      const s0 = node.shards[0]!;
      await expect(s0.invokeOn(target, 'fail-coded', { code: 'X_CODED', message: 'coded failure' })).rejects.toMatchObject({
        code: 'X_CODED',
        message: 'coded failure',
      });
      await expect(s0.invokeOn(target, 'fail-plain', 'plain failure')).rejects.toMatchObject({ code: 'SMP_REMOTE_ERROR', message: 'plain failure' });
      await expect(s0.invokeOn(target, 'fail-async', 'async failure')).rejects.toMatchObject({ code: 'X_ASYNC', message: 'async failure' });
      await expect(s0.invokeOn(target, 'no-such-verb', null)).rejects.toMatchObject({ code: 'SMP_UNKNOWN_VERB' });
      await expect(s0.invokeOn(target, 'echo', 'still serving')).resolves.toBe('still serving');
    }
    expect(node.shards[0]!.stats().peers[1]!.handlerErrors).toBe(0);
    expect(node.shards[1]!.stats().peers[0]!.handlerErrors).toBe(4);
  });

  test('one-way messages run the handler; their failures go to onError', async () => {
    node = startNode(2);
    const [s0, s1] = node.shards;
    const seen: unknown[] = [];
    s1!.registerVerb('note', (p, from) => seen.push([p, from]));
    await s0!.send(1, 'note', 'a');
    await s0!.send(1, 'fail-plain', 'one-way failure');
    await s0!.send(1, 'missing', null);
    await s0!.send(1, 'note', 'b');
    await s0!.invokeOn(1, 'echo', 'barrier'); // FIFO: everything before it was served
    expect(seen).toEqual([['a', 0], ['b', 0]]);
    expect(node.errors.map((e) => [(e.err as { code?: string }).code, e.context])).toEqual([
      [undefined, { shard: 1, fromShard: 0, verb: 'fail-plain' }],
      ['SMP_UNKNOWN_VERB', { shard: 1, fromShard: 0, verb: 'missing' }],
    ]);
  });

  test('invokeOnAll and mapReduce cover every shard', async () => {
    node = startNode(4);
    const s2 = node.shards[2]!;
    for (const smp of node.shards) smp.registerVerb('id', () => smp.shardId);
    await expect(s2.invokeOnAll('id', null)).resolves.toEqual([0, 1, 2, 3]);
    await expect(s2.mapReduce<number, number>('id', null, (acc, v) => acc + v, 100)).resolves.toBe(106);
    await expect(s2.mapReduce('fail-plain', 'x', (acc) => acc, 0)).rejects.toMatchObject({ code: 'SMP_REMOTE_ERROR' });
  });

  test('runHandler executes incoming requests and one-way messages', async () => {
    const ran: string[] = [];
    node = startNode(2, 4096, {
      runHandler: (fn) => {
        ran.push('task');
        return fn();
      },
    });
    const s0 = node.shards[0]!;
    await s0.invokeOn(1, 'echo', 1);
    await s0.invokeOn(0, 'echo', 2);
    await s0.send(1, 'echo', 3);
    await s0.invokeOn(1, 'echo', 4);
    expect(ran).toHaveLength(4);
  });

  test('a timeout fails the call with SMP_TIMEOUT and counts the late answer', async () => {
    node = startNode(2);
    const [s0, s1] = node.shards;
    const held: (() => void)[] = [];
    s1!.registerVerb('hold', () => new Promise<string>((resolve) => held.push(() => resolve('late'))));
    await expect(s0!.invokeOn(1, 'hold', null, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'SMP_TIMEOUT' });
    expect(s0!.stats().peers[1]).toMatchObject({ timeouts: 1, lateResponses: 0, inFlightRequests: 0 });
    held.shift()!();
    await s0!.invokeOn(1, 'echo', 'after'); // its answer follows the late one on the same ring
    expect(s0!.stats().peers[1]).toMatchObject({ timeouts: 1, lateResponses: 1 });
  });

  test('messages larger than maxMessageBytes fail with SMP_MESSAGE_TOO_LARGE, answers too', async () => {
    node = startNode(2, 1024, { maxMessageBytes: 1500 });
    const [s0, s1] = node.shards;
    s1!.registerVerb<number>('big', (n) => 'z'.repeat(n));
    await expect(s0!.invokeOn(1, 'echo', 'y'.repeat(2000))).rejects.toMatchObject({
      code: 'SMP_MESSAGE_TOO_LARGE',
      message: expect.stringContaining('the largest smp message is 1500 bytes') as unknown,
    });
    await expect(s0!.send(1, 'echo', 'y'.repeat(2000))).rejects.toMatchObject({ code: 'SMP_MESSAGE_TOO_LARGE' });
    await expect(s0!.invokeOn(1, 'big', 2000)).rejects.toMatchObject({ code: 'SMP_MESSAGE_TOO_LARGE' });
    await expect(s0!.invokeOn<string>(1, 'big', 900)).resolves.toHaveLength(900);
  });

  test('bad arguments and duplicate verbs are refused with codes', async () => {
    node = startNode(2);
    const s0 = node.shards[0]!;
    await expect(s0.invokeOn(2, 'echo', null)).rejects.toMatchObject({ code: 'SMP_BAD_ARGUMENT' });
    await expect(s0.send(-1, 'echo', null)).rejects.toMatchObject({ code: 'SMP_BAD_ARGUMENT' });
    expect(thrownCode(() => s0.registerVerb('echo', () => 1))).toBe('SMP_VERB_EXISTS');
    expect(thrownCode(() => new Smp(5, createSmpBuffers(2)))).toBe('SMP_BAD_ARGUMENT');
  });

  test('stop fails in-flight and later calls; the peer sees SMP_PEER_STOPPED', async () => {
    node = startNode(2);
    const [s0, s1] = node.shards;
    for (const smp of node.shards) smp.registerVerb('never', () => new Promise(() => undefined));
    const outgoing = [codeOf(s0!.invokeOn(1, 'never', 1)), codeOf(s0!.invokeOn(0, 'never', 2))];
    const incoming = [codeOf(s1!.invokeOn(0, 'never', 3)), codeOf(s1!.invokeOn(0, 'never', 4))];
    await s0!.invokeOn(1, 'echo', 'sync'); // the requests above reached their handlers
    await s1!.invokeOn(0, 'echo', 'sync');
    await s0!.stop();
    expect(s0!.stopped).toBe(true);
    await expect(Promise.all(outgoing)).resolves.toEqual(['SMP_STOPPED', 'SMP_STOPPED']);
    await expect(Promise.all(incoming)).resolves.toEqual(['SMP_PEER_STOPPED', 'SMP_PEER_STOPPED']);
    await expect(s0!.invokeOn(1, 'echo', 1)).rejects.toMatchObject({ code: 'SMP_STOPPED' });
    await expect(s0!.send(1, 'echo', 1)).rejects.toMatchObject({ code: 'SMP_STOPPED' });
    await expect(s1!.invokeOn(0, 'echo', 1)).rejects.toMatchObject({ code: 'SMP_PEER_STOPPED' });
    await expect(s1!.invokeOn(1, 'echo', 'alive')).resolves.toBe('alive');
  });

  test('stop with drainTimeoutMs lets in-flight requests finish', async () => {
    node = startNode(2);
    const [s0, s1] = node.shards;
    let release: (() => void) | undefined;
    s1!.registerVerb('slow', () => new Promise<string>((resolve) => (release = () => resolve('done'))));
    const call = s0!.invokeOn(1, 'slow', null);
    await s0!.invokeOn(1, 'echo', 'sync');
    const stopping = s0!.stop({ drainTimeoutMs: 5000 });
    await expect(s0!.invokeOn(1, 'echo', 1)).rejects.toMatchObject({ code: 'SMP_STOPPED' });
    release!();
    await expect(call).resolves.toBe('done');
    await stopping;
  });
});
