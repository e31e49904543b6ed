import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jittered } from './replay.ts';
import { generateStorm } from './storms/storm.ts';

describe('replay order', () => {
  const storm = generateStorm('kubernetes', 3);

  it('is the order sent without jitter', () => {
    assert.equal(jittered(storm, 0), storm.alerts);
  });

  it('with jitter keeps every send, each at most the jitter behind a later one, and is the same each time', () => {
    const jitter = 60_000;
    const order = jittered(storm, jitter);
    assert.equal(order.length, storm.alerts.length);
    assert.deepEqual(new Set(order), new Set(storm.alerts));
    assert.notDeepEqual(order, storm.alerts);
    // A send processed after another was sent at most `jitter` later than it.
    let latest = -Infinity;
    for (const a of order) {
      assert.ok(a.at >= latest - jitter, `${String(a.at)} after ${String(latest)}`);
      latest = Math.max(latest, a.at);
    }
    assert.deepEqual(jittered(storm, jitter), order);
  });
});
