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
  it('a verified action holds only its cause, and only when it answered a quick return of it (a flap)', () => {
    const c = new Cooldown({ periodMs: 300_000, verifiedMs: 60_000 });
    /** The feed's restart started at `at`, verified at `recovered`: how long it holds the feed from `recovered`. */
    const cure = (at: number, recovered: number): number => {
      c.record('feed', 'restart', at);
      c.verified('feed', 'restart', at, recovered);
      return c.remainingMs('feed', 'restart', recovered);
    };
    c.record('analytics', 'restart', 0);
    assert.equal(cure(0, 10_000), 0, 'a return after a verified cure is not a loop');
    assert.equal(c.remainingMs('analytics', 'restart', 70_000), 230_000, 'not verified: the whole period');
    assert.equal(cure(20_000, 30_000), 60_000, 'back 10 s after its cure: a second quick return waits the minute');
    assert.equal(c.remainingMs('feed', 'restart', 40_000), 50_000);
    assert.equal(cure(100_000, 110_000), 0, 'the cure before held 70 s: no flap, no hold');
    assert.equal(cure(120_000, 125_000), 60_000, 'back 10 s after: held again');
    c.record('feed', 'restart', 240_000);
    c.verified('feed', 'restart', 0, 250_000);
    assert.equal(
      c.remainingMs('feed', 'restart', 250_000),
      290_000,
      "an older action's verification does not shorten a newer hold",
    );
  });
  it('after a verified cure a different cause on the pair may act; the same cause and unverified ones are held', () => {
    const c = new Cooldown({ periodMs: 300_000, verifiedMs: 60_000 });
    const latency = 'check_latency{service="analytics"}';
    const memory = 'check_component_memory{service="analytics"}';
    const errors = 'check_error_ratio{service="analytics"}';
    c.record('analytics', 'restart', 0, latency);
    assert.equal(
      c.remainingMs('analytics', 'restart', 5_000, memory),
      295_000,
      'while the first action is unverified its cause is not known to be cured: every cause waits',
    );
    assert.equal(c.recurs('analytics', 'restart', 5_000, latency), false, 'unverified');
    c.verified('analytics', 'restart', 0, 8_000);
    assert.equal(
      c.remainingMs('analytics', 'restart', 8_000, latency),
      0,
      'after its first cure it may come back once',
    );
    c.record('analytics', 'restart', 10_000, latency);
    c.verified('analytics', 'restart', 10_000, 12_000);
    assert.equal(c.recurs('analytics', 'restart', 20_000, latency), true, 'a quick return, cured: the next one waits');
    assert.equal(c.recurs('analytics', 'restart', 72_000, latency), false, 'hold over');
    assert.equal(c.remainingMs('analytics', 'restart', 20_000, memory), 0);
    assert.equal(
      c.remainingMs('analytics', 'restart', 20_000, latency),
      52_000,
      'the cured cause itself is held until a minute after its quick second recovery',
    );
    c.record('analytics', 'restart', 20_000, memory);
    assert.equal(
      c.remainingMs('analytics', 'restart', 30_000, errors),
      290_000,
      'the second cause is unverified: the pair is held again for everyone',
    );
    assert.equal(
      c.remainingMs('analytics', 'restart', 30_000, latency),
      290_000,
      'the first cause keeps its own hold too',
    );
    c.release('analytics', 'restart', 20_000);
    assert.equal(c.remainingMs('analytics', 'restart', 30_000, latency), 42_000);
    assert.equal(c.remainingMs('analytics', 'restart', 30_000, errors), 0);
    assert.equal(c.remainingMs('market-data', 'restart', 30_000, latency), 0);
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
