import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Gauge, Registry } from 'prom-client';
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
