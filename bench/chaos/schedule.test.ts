import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { faultKinds } from '../../platform/faults/kinds.ts';
import { seededRandom } from '../../platform/random/seeded.ts';
import type { FaultOutcome } from './phase.ts';
import { plan } from './schedule.ts';
import { autoResolvedShares, scoreFaults } from './score.ts';

describe('chaos bench plan and score', () => {
  it('plans every kind three times, one at a time, the first at the given moment, reproducibly', () => {
    const schedule = plan(seededRandom(7), 15 * 60_000, 180_000, 3);
    assert.equal(schedule.length, faultKinds.length * 3);
    for (const kind of faultKinds) assert.equal(schedule.filter((f) => f.kind === kind).length, 3, kind);
    assert.equal(schedule[0]?.atMs, 180_000);
    schedule.forEach((f, i) => {
      const next = schedule[i + 1];
      if (next !== undefined) assert.ok(f.atMs + f.durationMs < next.atMs, 'faults do not overlap');
    });
    assert.ok((schedule.at(-1)?.atMs ?? Infinity) + (schedule.at(-1)?.durationMs ?? 0) < 15 * 60_000);
    assert.deepEqual(plan(seededRandom(7), 15 * 60_000, 180_000, 3), schedule);
    assert.notDeepEqual(plan(seededRandom(8), 15 * 60_000, 180_000, 3), schedule);
  });

  it('counts a fault never detected as undetected, outside the means', () => {
    const planned = { atMs: 0, kind: 'latency' as const, service: 'analytics', durationMs: 10_000, intensity: 800 };
    const outcome = (detectedAt?: number, recoveredAt?: number, actions = 0, autoResolved = false): FaultOutcome => ({
      planned,
      injectedAt: 1_000,
      expiresAt: 11_000,
      ...(detectedAt === undefined ? {} : { detectedAt }),
      ...(recoveredAt === undefined ? {} : { recoveredAt }),
      checkFired: detectedAt !== undefined,
      actions,
      falseActions: 0,
      autoResolved,
    });
    const [latency] = scoreFaults([outcome(4_000, 20_000), outcome(), outcome(2_000, 8_000, 1, true)]);
    assert.equal(latency?.injected, 3);
    assert.equal(latency.undetected, 1);
    assert.equal(latency.mttd_s, 2, 'mean of 3 s and 1 s');
    assert.equal(latency.mttr_s, 13, 'mean of 19 s and 7 s');
    assert.equal(latency.auto_resolved_share, 0.33, 'one of three ended by a verified action');
    assert.equal(latency.actions, 1);
  });
  it('counts every injected fault in the headline share, and names the kinds without a platform cure beside it', () => {
    const outcome = (kind: 'latency' | 'disk-fill', autoResolved: boolean): FaultOutcome => ({
      planned: { atMs: 0, kind, service: 'alerts', durationMs: 10_000, intensity: 1 },
      injectedAt: 0,
      expiresAt: 10_000,
      checkFired: true,
      actions: autoResolved ? 1 : 0,
      falseActions: 0,
      autoResolved,
    });
    const shares = autoResolvedShares([
      outcome('latency', true),
      outcome('latency', true),
      outcome('latency', false),
      outcome('disk-fill', false),
    ]);
    assert.deepEqual(shares, {
      auto_resolved: 2,
      auto_resolved_share: 0.5,
      without_platform_cure: ['disk-fill'],
      auto_resolved_share_with_a_cure: 0.67,
    });
  });
});
