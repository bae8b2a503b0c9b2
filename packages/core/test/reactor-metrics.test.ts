import { setTimeout as sleep } from 'node:timers/promises';
import { MetricsRegistry, registerReactorMetrics } from '../src';
import type { CpuScheduler } from '../src/scheduler';
import type { Smp } from '../src/smp';

// The event-loop delay gauges: how late the shard's loop ran its probe timer since the
// previous refresh, which a request arriving meanwhile would also have waited. Test
// doubles stand in for the scheduler and smp (only their stats are read).
const noScheduler = { stats: () => ({ groups: [] }) } as unknown as CpuScheduler;
const noSmp = { stats: () => ({ peers: [] }) } as unknown as Smp;

function gauge(registry: MetricsRegistry, name: string): number {
  const family = registry.collect().families.find((f) => f.name === name);
  if (family === undefined || family.type !== 'gauge') throw new Error(`no gauge ${name}`);
  return family.samples[0]!.value;
}

function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a long task: the loop cannot run the probe timer meanwhile
  }
}

test('a blocked event loop shows in reactor_loop_delay_max_ms, and the next window starts afresh', async () => {
  const registry = new MetricsRegistry();
  const refresh = registerReactorMetrics(registry, noScheduler, noSmp);
  await sleep(30); // the probe runs a few times on an idle loop
  blockFor(80);
  await sleep(30);
  refresh();
  expect(gauge(registry, 'reactor_loop_delay_max_ms')).toBeGreaterThanOrEqual(50);
  expect(gauge(registry, 'reactor_loop_delay_max_ms')).toBeLessThan(1000);
  await sleep(60);
  refresh(); // a window without a stall
  expect(gauge(registry, 'reactor_loop_delay_max_ms')).toBeLessThan(40);
  expect(gauge(registry, 'reactor_loop_delay_p99_ms')).toBeLessThan(40);
});
