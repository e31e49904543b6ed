import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attribute, GRACE_MS, type AppliedAction, type FaultWindow } from './attribute.ts';

const fault = (over: Partial<FaultWindow> & Pick<FaultWindow, 'kind' | 'service' | 'injectedAt'>): FaultWindow => ({
  expiresAt: over.injectedAt + 20_000,
  ...over,
});
const act = (at: number, service: string, remediationId = `r${String(at)}`): AppliedAction => ({
  at,
  service,
  remediationId,
});

describe('chaos bench: which fault an action belongs to', () => {
  it("credits an action to the fault whose window and target it matches, not to an earlier fault's grace", () => {
    const faults = [
      // Never recovered: its window runs to expiry plus the grace, over the next fault's start.
      fault({ kind: 'disk-fill', service: 'alerts', injectedAt: 0 }),
      fault({ kind: 'bad-deploy', service: 'analytics', injectedAt: 30_000, recoveredAt: 40_000 }),
    ];
    const { credits, stray } = attribute(faults, [act(35_000, 'analytics', 'revert')], new Set(['revert']));
    assert.deepEqual(credits[0], { actions: 0, falseActions: 0, autoResolved: false });
    assert.deepEqual(credits[1], { actions: 1, falseActions: 0, autoResolved: true });
    assert.equal(stray, 0);
  });

  it('a feed stall is cured on the feed; an action on another service in a window is false; outside all, stray', () => {
    const faults = [fault({ kind: 'feed-stall', service: 'market-feed', injectedAt: 0, recoveredAt: 12_000 })];
    const { credits, stray } = attribute(
      faults,
      [act(8_000, 'market-feed', 'restart'), act(9_000, 'analytics'), act(13_000, 'analytics')],
      new Set(['restart']),
    );
    assert.deepEqual(credits[0], { actions: 1, falseActions: 1, autoResolved: true });
    assert.equal(stray, 1, 'after the recovery the window is closed');
  });

  it('is not resolved automatically by its own expiry, by an unverified action, or by an action after recovery', () => {
    const expired = fault({ kind: 'latency', service: 'alerts', injectedAt: 0, recoveredAt: 21_000 });
    const unverified = fault({ kind: 'latency', service: 'sentiment', injectedAt: 100_000, recoveredAt: 110_000 });
    const late = fault({ kind: 'error-rate', service: 'market-data', injectedAt: 200_000, recoveredAt: 205_000 });
    const { credits } = attribute(
      [expired, unverified, late],
      [act(5_000, 'alerts', 'a'), act(104_000, 'sentiment', 'b'), act(205_000 + 1, 'market-data', 'c')],
      new Set(['a', 'c']),
    );
    assert.deepEqual(
      credits.map((c) => c.autoResolved),
      [false, false, false],
    );
    assert.deepEqual(
      credits.map((c) => c.actions),
      [1, 1, 0],
    );
  });

  it('a fault that never recovers owns actions until its expiry plus the grace', () => {
    const leak = fault({ kind: 'memory-leak', service: 'analytics', injectedAt: 0 });
    const { credits, stray } = attribute(
      [leak],
      [act(20_000 + GRACE_MS, 'analytics'), act(20_001 + GRACE_MS, 'analytics')],
      new Set(),
    );
    assert.equal(credits[0]?.actions, 1);
    assert.equal(stray, 1);
  });
});
