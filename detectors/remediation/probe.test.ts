import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Gauge, Histogram, Registry } from 'prom-client';
import { CHECK_FIRING, platformProbe, RegistryReader, ResolvedAlerts } from './probe.ts';
import type { Signal } from './types.ts';

describe('platform probe', () => {
  it('verifies a fixed check by the check clearing, not by reading its series', async () => {
    const registry = new Registry();
    const firing = new Gauge({
      name: CHECK_FIRING,
      help: 'h',
      labelNames: ['check', 'subject'],
      registers: [registry],
    });
    firing.set({ check: 'feed-stall', subject: 'market-feed' }, 1);
    firing.set({ check: 'feed-stall', subject: 'other' }, 0);
    const probe = platformProbe(new RegistryReader(registry), new ResolvedAlerts());
    const signal: Signal = {
      kind: 'detection',
      key: 'k',
      labels: { __name__: 'check_feed_stall', service: 'market-feed', check: 'feed-stall' },
      fingerprint: 'f',
      title: 't',
      at: 0,
      score: 1,
      observed: 0,
      expected: { low: 0, high: 0 },
    };
    assert.equal(await probe.recovered(signal, 0), false);
    firing.set({ check: 'feed-stall', subject: 'market-feed' }, 0);
    assert.equal(await probe.recovered(signal, 0), true);
    const unknown = { ...signal, labels: { ...signal.labels, check: 'latency' } };
    assert.equal(await probe.recovered(unknown, 0), true, 'no firing subject of that check sums to 0');
  });
});

describe('registry reader: latency quantiles', () => {
  it('reads a quantile of the observations between two reads, over the label sets that fit', async () => {
    const registry = new Registry();
    const latency = new Histogram({
      name: 'api_seconds',
      help: 'h',
      labelNames: ['route', 'status_code'],
      buckets: [0.1, 0.5, 1, 5],
      registers: [registry],
    });
    const reader = new RegistryReader(registry);
    const p99 = { __name__: 'api_seconds', quantile: '0.99', service: 'platform' };
    for (let i = 0; i < 100; i += 1) latency.observe({ route: '/a', status_code: '200' }, 3);
    assert.equal(await reader.read(p99), undefined, 'a first read has no interval yet');
    for (let i = 0; i < 100; i += 1) latency.observe({ route: '/a', status_code: '200' }, 0.05);
    const fast = await reader.read(p99);
    assert.ok(fast !== undefined && fast <= 0.1, `only the newest observations count: ${String(fast)}`);
    latency.observe({ route: '/b', status_code: '503' }, 4);
    for (let i = 0; i < 9; i += 1) latency.observe({ route: '/a', status_code: '200' }, 0.05);
    const mixed = await reader.read(p99);
    assert.ok(mixed !== undefined && mixed > 1, `every route counts in the overall quantile: ${String(mixed)}`);
    const errors = { __name__: 'api_seconds', quantile: '0.5', status_code: '5xx' };
    await reader.read(errors);
    latency.observe({ route: '/b', status_code: '503' }, 0.3);
    latency.observe({ route: '/a', status_code: '200' }, 4);
    const median5xx = await reader.read(errors);
    assert.ok(median5xx !== undefined && median5xx > 0.1 && median5xx <= 0.5, `5xx only: ${String(median5xx)}`);
  });
});
