import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cooldown } from './cooldown.ts';

describe('cooldown guardrail', () => {
  it('holds the same (service, kind) for the period, and only that pair', () => {
    const c = new Cooldown({ periodMs: 60_000 });
    assert.equal(c.remainingMs('feed', 'restart', 0), 0);
    c.record('feed', 'restart', 1_000);
    assert.equal(c.remainingMs('feed', 'restart', 31_000), 30_000);
    assert.equal(c.remainingMs('feed', 'scale', 31_000), 0);
    assert.equal(c.remainingMs('analytics', 'restart', 31_000), 0);
    assert.equal(c.remainingMs('feed', 'restart', 61_000), 0);
  });
  it('a verified action holds the pair only a short while after the recovery; an unverified one the whole period', () => {
    const c = new Cooldown({ periodMs: 300_000, verifiedMs: 60_000 });
    c.record('feed', 'restart', 0);
    c.record('analytics', 'restart', 0);
    c.verified('feed', 'restart', 0, 10_000);
    assert.equal(c.remainingMs('feed', 'restart', 20_000), 50_000, 'held until 60 s after the recovery');
    assert.equal(c.remainingMs('feed', 'restart', 70_000), 0);
    assert.equal(c.remainingMs('analytics', 'restart', 70_000), 230_000, 'not verified: the whole period');
    c.record('feed', 'restart', 80_000);
    c.verified('feed', 'restart', 0, 90_000);
    assert.equal(
      c.remainingMs('feed', 'restart', 200_000),
      180_000,
      "an older action's verification does not shorten a newer hold",
    );
  });
  it('after a verified cure a different cause on the pair may act; the same cause and unverified ones are held', () => {
    const c = new Cooldown({ periodMs: 300_000, verifiedMs: 60_000 });
    c.record('analytics', 'restart', 0, 'check_latency{service="analytics"}');
    assert.equal(
      c.remainingMs('analytics', 'restart', 5_000, 'check_component_memory{service="analytics"}'),
      295_000,
      'while the first action is unverified its cause is not known to be cured: every cause waits',
    );
    assert.equal(c.recurs('analytics', 'restart', 5_000, 'check_latency{service="analytics"}'), false, 'unverified');
    c.verified('analytics', 'restart', 0, 8_000);
    assert.equal(c.recurs('analytics', 'restart', 20_000, 'check_latency{service="analytics"}'), true, 'came back');
    assert.equal(c.recurs('analytics', 'restart', 68_000, 'check_latency{service="analytics"}'), false, 'hold over');
    assert.equal(c.remainingMs('analytics', 'restart', 20_000, 'check_component_memory{service="analytics"}'), 0);
    assert.equal(
      c.remainingMs('analytics', 'restart', 20_000, 'check_latency{service="analytics"}'),
      48_000,
      'the cured cause itself is held until a minute after its recovery',
    );
    c.record('analytics', 'restart', 20_000, 'check_component_memory{service="analytics"}');
    assert.equal(
      c.remainingMs('analytics', 'restart', 30_000, 'check_error_ratio{service="analytics"}'),
      290_000,
      'the second cause is unverified: the pair is held again for everyone',
    );
    assert.equal(
      c.remainingMs('analytics', 'restart', 30_000, 'check_latency{service="analytics"}'),
      290_000,
      'the first cause keeps its own hold too',
    );
    c.release('analytics', 'restart', 20_000);
    assert.equal(c.remainingMs('analytics', 'restart', 30_000, 'check_latency{service="analytics"}'), 38_000);
    assert.equal(c.remainingMs('analytics', 'restart', 30_000, 'check_error_ratio{service="analytics"}'), 0);
    assert.equal(c.remainingMs('market-data', 'restart', 30_000, 'check_latency{service="analytics"}'), 0);
  });
  it('keeps a bounded number of keys, forgetting the least recently acted on', () => {
    const c = new Cooldown({ periodMs: 60_000, maxKeys: 2 });
    c.record('a', 'restart', 0);
    c.record('b', 'restart', 1);
    c.record('a', 'restart', 2);
    c.record('c', 'restart', 3);
    assert.equal(c.remainingMs('b', 'restart', 10), 0, 'b was the oldest and is forgotten');
    assert.ok(c.remainingMs('a', 'restart', 10) > 0);
    assert.ok(c.remainingMs('c', 'restart', 10) > 0);
  });
});
