import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { slos } from '../../platform/slo/definitions/index.ts';
import type { SloDefinition } from '../../platform/slo/model.ts';
import { readSli, SloMeter } from './slo-meter.ts';
import { sloTestMetrics } from './slo-test-metrics.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const definition = (name: string): SloDefinition => {
  const found = slos.find((s) => s.name === name);
  assert.ok(found, name);
  return found;
};

function registryWithPlatformMetrics() {
  const registry = new Registry();
  return { registry, ...sloTestMetrics(registry) };
}

describe('embedded SLO measurement', () => {
  it('reads each SLI as its recording rules do: selector, bad matcher, latency bucket, sampled share', async () => {
    const m = registryWithPlatformMetrics();
    for (let i = 0; i < 90; i++) m.http.observe({ method: 'GET', route: '/api/quotes', status_code: '200' }, 0.01);
    for (let i = 0; i < 6; i++) m.http.observe({ method: 'GET', route: '/api/quotes', status_code: '200' }, 0.5);
    for (let i = 0; i < 4; i++) m.http.observe({ method: 'GET', route: '/api/quotes', status_code: '503' }, 0.01);
    // Outside the API selector: counted by neither SLO.
    for (let i = 0; i < 50; i++) m.http.observe({ method: 'GET', route: '/healthz', status_code: '500' }, 2);
    assert.deepEqual(await readSli(m.registry, definition('api-availability').sli), {
      kind: 'events',
      total: 100,
      bad: 4,
    });
    assert.deepEqual(await readSli(m.registry, definition('api-latency').sli), { kind: 'events', total: 100, bad: 6 });
    m.staleness.set({ symbol: 'AAPL' }, 1);
    m.staleness.set({ symbol: 'MSFT' }, 120);
    m.staleness.set({ symbol: 'NVDA' }, 2);
    m.staleness.set({ symbol: 'TSLA' }, 3);
    m.stale.set({ feed: 'simulated' }, 1);
    assert.deepEqual(await readSli(m.registry, definition('feed-freshness').sli), { kind: 'share', share: 0.25 });
    m.polls.inc({ outcome: 'ok' }, 9);
    m.polls.inc({ outcome: 'error' }, 1);
    assert.deepEqual(await readSli(m.registry, definition('detector-coverage').sli), {
      kind: 'events',
      total: 10,
      bad: 1,
    });
    assert.match(
      JSON.stringify(await readSli(new Registry(), definition('alert-notification-latency').sli)),
      /not exported here/,
    );
  });

  it('names a latency SLO whose threshold is not a bucket bound instead of guessing', async () => {
    const registry = new Registry();
    const lag = new Histogram({
      name: 'insitechart_web_client_tick_lag_seconds',
      help: 'h',
      buckets: [0.5, 2],
      registers: [registry],
    });
    lag.observe(0.1);
    assert.match(JSON.stringify(await readSli(registry, definition('ws-delivery-latency').sli)), /no bucket at le=1/);
  });

  it('turns increases between steps into burn rates, budget left and a time to exhaustion input', async () => {
    const m = registryWithPlatformMetrics();
    const meter = new SloMeter(m.registry, [definition('api-availability'), definition('feed-freshness')]);
    const t0 = Date.UTC(2026, 11, 7);
    assert.deepEqual(meter.status('api-availability'), { status: null, reason: 'measuring: two readings are needed' });
    assert.equal(meter.status('api-latency'), undefined, 'not measured by this meter');
    const request = (status: string) => {
      m.http.observe({ method: 'GET', route: '/api/quotes', status_code: status }, 0.01);
    };
    m.staleness.set({ symbol: 'AAPL' }, 1);
    m.staleness.set({ symbol: 'MSFT' }, 1);
    await meter.step(t0);
    // One hour: 1,000 requests a minute, 1% failing (10x the 0.1% budget); half the symbols stale (50x of 1%).
    m.stale.set({ feed: 'simulated' }, 1);
    for (let minute = 1; minute <= 60; minute++) {
      for (let i = 0; i < 990; i++) request('200');
      for (let i = 0; i < 10; i++) request('500');
      await meter.step(t0 + minute * MIN);
    }
    const api = meter.status('api-availability')?.status;
    assert.ok(api, 'measured');
    assert.ok(Math.abs((api.burnRates[String(HOUR)] ?? 0) - 10) < 1e-6, JSON.stringify(api.burnRates));
    // 600 bad of 60,000 with a budget of 60: 10 budgets spent.
    assert.ok(Math.abs(api.budgetRemaining - (1 - 600 / 60)) < 1e-6, String(api.budgetRemaining));
    const feed = meter.status('feed-freshness')?.status;
    assert.ok(Math.abs((feed?.burnRates[String(HOUR)] ?? 0) - 50) < 1e-6, JSON.stringify(feed?.burnRates));
    assert.ok(
      feed?.alerts.some((a) => a.severity === 'page'),
      'a 50x burn for an hour pages',
    );
  });

  it('says why an SLO has no figure yet, and forgets the reason once its metrics appear', async () => {
    const registry = new Registry();
    const meter = new SloMeter(registry, [definition('feed-freshness')]);
    const t0 = Date.UTC(2026, 11, 7);
    await meter.step(t0);
    assert.match(meter.status('feed-freshness')?.reason ?? '', /not exported here/);
    const m = sloTestMetrics(registry);
    await meter.step(t0 + 10_000);
    assert.match(meter.status('feed-freshness')?.reason ?? '', /no insitechart_feed_staleness_seconds series yet/);
    m.staleness.set({ symbol: 'AAPL' }, 1);
    await meter.step(t0 + 20_000);
    assert.equal(meter.status('feed-freshness')?.reason, 'measuring: two readings are needed');
    await meter.step(t0 + 30_000);
    assert.deepEqual(meter.status('feed-freshness')?.reason, null);
    assert.equal(meter.status('feed-freshness')?.status?.budgetRemaining, 1, 'no symbol stale');
  });

  it('counts from zero after a counter reset, as rate() does', async () => {
    const m = registryWithPlatformMetrics();
    const meter = new SloMeter(m.registry, [definition('detector-coverage')]);
    const t0 = Date.UTC(2026, 11, 7);
    m.polls.inc({ outcome: 'ok' }, 1_000);
    await meter.step(t0);
    m.polls.reset();
    m.polls.inc({ outcome: 'ok' }, 90);
    m.polls.inc({ outcome: 'error' }, 10);
    await meter.step(t0 + MIN);
    const status = meter.status('detector-coverage')?.status;
    // 10 bad of 100 after the reset: an error ratio of 10%, burn 10 against a 1% budget.
    assert.ok(Math.abs((status?.burnRates[String(5 * MIN)] ?? 0) - 10) < 1e-6, JSON.stringify(status?.burnRates));
  });
});
