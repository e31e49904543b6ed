import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PoolControl } from '../../../platform/runtime/controls.ts';
import type { ForecastPoint } from '../../forecast/index.ts';
import { parseFamily } from '../policy/load.ts';
import type { Proposal } from '../types.ts';
import { planCapacity, PredictiveScaler } from './predictive.ts';

const family = parseFamily(
  `family: cap
predictive:
  - { name: cap, load: work_total, service: svc, pool: workers, per_replica: 100, lead: 5m, interval: 95,
      min: 1, max: 6, risk: low, verify: { within: 1m } }
`,
  'cap.yml',
);
const policy = family.predictive[0];

const point = (ts: number, value: number, spread: number): ForecastPoint => ({
  ts,
  steps: 1,
  value,
  lower80: value - spread / 2,
  upper80: value + spread / 2,
  lower95: value - spread,
  upper95: value + spread,
});

describe('predictive scaling', () => {
  it('sizes capacity for the highest upper bound before the peak; a wider interval buys headroom', () => {
    assert.ok(policy);
    const narrow = planCapacity([point(1, 150, 10), point(2, 240, 10), point(3, 180, 10)], policy);
    assert.equal(narrow?.replicas, 3, 'peak upper95 250 over 100 per replica');
    assert.equal(narrow.peak.ts, 2);
    const wide = planCapacity([point(1, 150, 10), point(2, 240, 130), point(3, 180, 10)], policy);
    assert.equal(wide?.replicas, 4, 'the same mean with a wide interval: 370 -> 4');
    assert.equal(planCapacity([point(1, 5_000, 0)], policy)?.replicas, 6, 'never above max');
    assert.equal(planCapacity([point(1, -3, 0)], policy)?.replicas, 1, 'never below min');
  });

  it('proposes scaling a pool out before a rising load reaches its capacity', async () => {
    let size = 1;
    const pool: PoolControl = { min: 1, max: 6, size: () => size, resize: (n) => Promise.resolve(void (size = n)) };
    const proposals: Proposal[] = [];
    const scaler = new PredictiveScaler({
      families: [family],
      read: () => Promise.resolve(undefined),
      pool: (name) => (name === 'workers' ? pool : undefined),
      propose: (p) => Promise.resolve(proposals.push(p)),
    });
    // A load rising 0.35/s every 10 s: about 122 now, about 133 in five minutes, with noise.
    const start = 1_000_000;
    for (let i = 0; i <= 120; i++) scaler.record('cap', { ts: start + i * 10_000, value: 80 + i * 0.35 + (i % 3) });
    const made = await scaler.evaluate(start + 120 * 10_000);
    assert.equal(made.length, 1);
    const replicas = Number(made[0]?.action.params.replicas);
    assert.equal(replicas, 2, 'a load of 120 rising to about 135: two workers of 100/s');
    assert.equal(made[0]?.signal.kind, 'forecast');
    assert.ok((made[0].signal.observed ?? 0) > 124, 'sized on a peak above the current load');
    size = replicas;
    assert.equal((await scaler.evaluate(start + 120 * 10_000)).length, 0, 'nothing to do once the pool has that size');
  });
});
