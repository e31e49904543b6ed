import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { EventLoopDelayWindow, registerEventLoopDelay } from './event-loop-delay.ts';
import { createMetrics } from './metrics.ts';

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

async function lag(registry: Registry, stat: 'p99' | 'max'): Promise<number> {
  const metrics = await registry.getMetricsAsJSON();
  const value = metrics.find((m) => m.name === `nodejs_eventloop_lag_${stat}_seconds`)?.values[0]?.value;
  assert.ok(typeof value === 'number', `the ${stat} gauge has a value`);
  return value;
}
const p99 = (registry: Registry): Promise<number> => lag(registry, 'p99');

void describe('event-loop delay over closed windows', () => {
  void it('shows a stall to every reader of the registry, not only to the first one to collect', async () => {
    const registry = new Registry();
    const window = new EventLoopDelayWindow(60_000, 5);
    registerEventLoopDelay(registry, window);
    try {
      await sleep(20);
      block(200);
      await sleep(20);
      window.close();
      const readers = [await p99(registry), await p99(registry), await p99(registry)];
      for (const seen of readers) assert.ok(seen >= 0.15, `every reader sees the 200 ms stall, got ${String(seen)} s`);
      window.close();
      assert.ok((await p99(registry)) < 0.15, 'the next window, without a stall, does not');
    } finally {
      window.stop();
    }
  });

  void it("replaces prom-client's destructive gauges in the platform registry under the same names", async () => {
    const { registry } = createMetrics();
    await sleep(50);
    block(150);
    await sleep(1_100);
    // One stall is one late tick among about a hundred in a second: the maximum shows it, the p99 may not.
    const first = await lag(registry, 'max');
    const second = await lag(registry, 'max');
    assert.ok(first >= 0.1, `the stall is in the window the timer closed after it, got ${String(first)} s`);
    assert.equal(second, first, 'a second reader right after sees the same window');
  });

  void it('sees a periodic stall in phase with the window timer (run in the same timer pass just before it)', async () => {
    const window = new EventLoopDelayWindow(200);
    // Same period, created right after the window's timer: both run in one pass of the 200 ms timer list.
    const stalls = setInterval(() => {
      block(120);
    }, 200);
    const seen: number[] = [];
    try {
      await sleep(100);
      for (let i = 0; i < 6; i += 1) {
        seen.push(window.last.max);
        await sleep(200);
      }
    } finally {
      clearInterval(stalls);
      window.stop();
    }
    assert.ok(
      seen.slice(2).every((max) => max >= 0.08),
      `every window shows the 120 ms stall, got ${seen.join(', ')}`,
    );
  });

  void it('reports an idle window as zeros, not NaN', () => {
    const window = new EventLoopDelayWindow(60_000);
    try {
      const snapshot = window.close();
      for (const value of Object.values(snapshot)) assert.ok(Number.isFinite(value));
    } finally {
      window.stop();
    }
  });
});
