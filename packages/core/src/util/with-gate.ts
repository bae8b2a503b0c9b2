import type { Gate } from './gate';

/**
 * Runs `fn` inside `gate`: enters first (rejecting with GATE_CLOSED if the gate is
 * closed, without calling `fn`), and leaves when `fn` settles, whether it returned,
 * threw or rejected. Seastar's `with_gate`.
 */
export async function withGate<T>(gate: Gate, fn: () => T | PromiseLike<T>): Promise<T> {
  gate.enter();
  try {
    return await fn();
  } finally {
    gate.leave();
  }
}
