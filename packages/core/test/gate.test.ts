import { hasErrorCode } from '../src/errors';
import { ErrorCodes, Gate, withGate } from '../src/util';

/** The `code` of what `fn` throws, or undefined if it does not throw. */
function thrownCode(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return undefined;
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('Gate', () => {
  test('close() resolves only when every holder has left', async () => {
    const gate = new Gate('commitlog');
    gate.enter();
    const release = gate.hold();
    expect(gate.count).toBe(2);
    let closed = false;
    const closing = gate.close().then(() => {
      closed = true;
    });
    expect(gate.isClosed).toBe(true);
    gate.leave();
    await flush();
    expect(closed).toBe(false);
    release();
    await closing;
    expect(closed).toBe(true);
    expect(gate.count).toBe(0);
  });

  test('close() of an idle gate resolves at once, and a second close() returns the same promise', async () => {
    const gate = new Gate();
    const first = gate.close();
    expect(gate.close()).toBe(first);
    await expect(first).resolves.toBeUndefined();
  });

  test('enter() after close throws GATE_CLOSED naming the gate; tryEnter() returns false; check() throws', () => {
    const gate = new Gate('streaming');
    void gate.close();
    let caught: unknown;
    try {
      gate.enter();
    } catch (err) {
      caught = err;
    }
    expect(hasErrorCode(caught, ErrorCodes.GATE_CLOSED)).toBe(true);
    expect((caught as Error).message).toBe('streaming is closed');
    expect(gate.tryEnter()).toBe(false);
    expect(thrownCode(() => gate.check())).toBe(ErrorCodes.GATE_CLOSED);
    expect(gate.count).toBe(0);
  });

  test('holders already inside may keep working after close(); check() tells long loops to stop', async () => {
    const gate = new Gate();
    gate.enter();
    const closing = gate.close();
    expect(thrownCode(() => gate.check())).toBe(ErrorCodes.GATE_CLOSED);
    gate.leave();
    await closing;
  });

  test('hold() release is idempotent; an unpaired leave() is INVALID_STATE', () => {
    const gate = new Gate();
    const release = gate.hold();
    release();
    release();
    expect(gate.count).toBe(0);
    expect(thrownCode(() => gate.leave())).toBe(ErrorCodes.INVALID_STATE);
  });
});

describe('withGate', () => {
  test('holds the gate while fn runs and leaves when it resolves or rejects', async () => {
    const gate = new Gate();
    let resolveWork!: (v: number) => void;
    const result = withGate(gate, () => new Promise<number>((r) => { resolveWork = r; }));
    await flush();
    expect(gate.count).toBe(1);
    resolveWork(42);
    await expect(result).resolves.toBe(42);
    expect(gate.count).toBe(0);

    const boom = new Error('boom');
    await expect(withGate(gate, () => { throw boom; })).rejects.toBe(boom);
    await expect(withGate(gate, () => Promise.reject(boom))).rejects.toBe(boom);
    expect(gate.count).toBe(0);
  });

  test('rejects with GATE_CLOSED without calling fn once the gate is closed', async () => {
    const gate = new Gate();
    await gate.close();
    const fn = jest.fn();
    await expect(withGate(gate, fn)).rejects.toMatchObject({ code: ErrorCodes.GATE_CLOSED });
    expect(fn).not.toHaveBeenCalled();
  });

  test('close() waits for in-flight withGate calls', async () => {
    const gate = new Gate();
    let finish!: () => void;
    const work = withGate(gate, () => new Promise<void>((r) => { finish = r; }));
    let closed = false;
    const closing = gate.close().then(() => { closed = true; });
    await flush();
    expect(closed).toBe(false);
    finish();
    await work;
    await closing;
    expect(closed).toBe(true);
  });
});
