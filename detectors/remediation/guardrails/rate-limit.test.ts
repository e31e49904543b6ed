import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionBudget } from './rate-limit.ts';

const HOUR = 3_600_000;

describe('actions-per-hour guardrail', () => {
  it('refuses a service over its hourly maximum while others still act', () => {
    const b = new ActionBudget({ perHour: 10, perServicePerHour: 2 });
    b.record('feed', 0);
    assert.equal(b.refusal('feed', 1), undefined);
    b.record('feed', 2);
    assert.match(b.refusal('feed', 3) ?? '', /2 actions on feed/);
    assert.equal(b.refusal('analytics', 3), undefined);
    assert.equal(b.refusal('feed', HOUR + 1), undefined, 'the first action left the sliding hour');
  });
  it('a refused action gives its slot back, globally and for its service', () => {
    const b = new ActionBudget({ perHour: 2, perServicePerHour: 1 });
    b.record('feed', 5);
    assert.match(b.refusal('feed', 6) ?? '', /1 actions on feed/);
    b.release('feed', 4);
    assert.match(b.refusal('feed', 6) ?? '', /1 actions on feed/, 'only the slot taken at that moment');
    b.release('feed', 5);
    assert.equal(b.refusal('feed', 6), undefined);
    b.record('a', 7);
    b.record('b', 8);
    assert.match(b.refusal('c', 9) ?? '', /hourly maximum of 2 actions/);
    b.release('b', 8);
    assert.equal(b.refusal('c', 9), undefined);
  });
  it('refuses everything over the global hourly maximum', () => {
    const b = new ActionBudget({ perHour: 3, perServicePerHour: 3 });
    for (const [i, s] of ['a', 'b', 'c'].entries()) b.record(s, i);
    assert.match(b.refusal('d', 10) ?? '', /hourly maximum of 3 actions/);
    assert.equal(b.refusal('d', HOUR + 1), undefined);
  });
});
