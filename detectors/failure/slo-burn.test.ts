import { test } from 'node:test';
import assert from 'node:assert/strict';
import { burnRate, createBurnRateMonitor, evaluateBurnRules } from './slo-burn.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** Feeds `minutes` of traffic at 1000 requests/minute with the given error ratio, from `start`. */
function feed(
  monitor: ReturnType<typeof createBurnRateMonitor>,
  start: number,
  minutes: number,
  errorRatio: number,
): number {
  for (let m = 0; m < minutes; m++) monitor.record(start + m * MIN, 1000, Math.round(1000 * errorRatio));
  return start + minutes * MIN;
}

test('burn rate is the error ratio over the budget', () => {
  assert.ok(Math.abs(burnRate(0.0144, 0.999) - 14.4) < 1e-9);
});

test('a sustained 2% error ratio against 99.9% pages on the 1 h / 5 m rule', () => {
  const monitor = createBurnRateMonitor({ objective: 0.999 });
  let now = feed(monitor, T0, 120, 0.0005);
  assert.deepEqual(monitor.evaluate(now - 1).alerts, []);
  now = feed(monitor, now, 30, 0.02);
  const status = monitor.evaluate(now - 1);
  // 30 min at 20x plus 30 min at 0.5x over the hour: ~10x, below 14.4; one more half hour and it fires.
  assert.ok(!status.alerts.some((a) => a.rule === 'fast-burn-1h'));
  now = feed(monitor, now, 40, 0.02);
  const later = monitor.evaluate(now - 1);
  assert.ok(
    later.alerts.some((a) => a.rule === 'fast-burn-1h' && a.severity === 'page'),
    JSON.stringify(later.alerts),
  );
  assert.ok(later.budgetRemaining < 1);
});

test('the short window resets a page soon after a short total outage ends', () => {
  const monitor = createBurnRateMonitor({ objective: 0.999 });
  let now = feed(monitor, T0, 60, 0);
  now = feed(monitor, now, 6, 1);
  assert.ok(monitor.evaluate(now - 1).alerts.some((a) => a.rule === 'fast-burn-1h'));
  now = feed(monitor, now, 6, 0);
  // The hour still burns at ~100x, but the last 5 minutes are clean: the 1 h rule stops paging.
  const status = monitor.evaluate(now - 1);
  assert.ok((status.burnRates[String(60 * MIN)] ?? 0) > 14.4);
  assert.ok(!status.alerts.some((a) => a.rule === 'fast-burn-1h'));
  // The 6 h rule's short window is 30 minutes: it resets once those are clean too.
  assert.ok(status.alerts.some((a) => a.rule === 'fast-burn-6h'));
  now = feed(monitor, now, 25, 0);
  assert.deepEqual(
    monitor.evaluate(now - 1).alerts.filter((a) => a.severity === 'page'),
    [],
  );
});

test('a slow 2x burn raises only the slow ticket rule, after enough hours', () => {
  const monitor = createBurnRateMonitor({ objective: 0.99 });
  const now = feed(monitor, T0, 8 * 60, 0.02);
  const alerts = monitor.evaluate(now - 1).alerts;
  assert.deepEqual(
    alerts.map((a) => a.rule),
    ['slow-burn-3d'],
  );
  assert.equal(alerts[0]?.severity, 'ticket');
});

test('rules need both windows; bad counts are rejected; state is bounded by the windows', () => {
  assert.deepEqual(
    evaluateBurnRules((w) => (w === 60 * MIN ? 20 : 0.5)).map((a) => a.rule),
    [],
  );
  const monitor = createBurnRateMonitor({ objective: 0.999 });
  assert.throws(() => {
    monitor.record(T0, 10, 11);
  }, RangeError);
  assert.throws(() => createBurnRateMonitor({ objective: 1.5 }));
  // Four days of data, the longest window is three: the first day no longer counts.
  let now = feed(monitor, T0, 24 * 60, 1);
  now = feed(monitor, now, 3 * 24 * 60, 0);
  assert.equal(monitor.evaluate(now - 1).burnRates[String(72 * 60 * MIN)], 0);
});
